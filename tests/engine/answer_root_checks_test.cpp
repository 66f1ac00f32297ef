// Checks through the real AWS client against a fake endpoint (AWS_ENDPOINT_URL) that answers with
// status 200 but not with the operation's document: a captive portal's page for every request,
// or one read answered with the wrong document. Nothing read that way may count as "no
// resources" (SKIPPED) or as a passed evaluation: the mapping is ERROR, naming the operation.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <string>

#include "aws/client_options.hpp"
#include "checks/check.hpp"
#include "engine/fake_http.hpp"
#include "inventory/facts.hpp"
#include "net/http_client.hpp"

namespace {

using dspm::engine::MappingResult;
using dspm::engine::Status;
using dspm::test::FakeHttpServer;
using dspm::test::FakeRequest;
using dspm::test::FakeResponse;

constexpr const char* kPortalXhtml = R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Guest Wi-Fi</title></head>
<body><form action="/login" method="post"><p>Accept the terms to continue.</p></form></body></html>)";

struct Client {
    std::map<std::string, std::string> env;
    std::shared_ptr<dspm::aws::AwsClient> aws;
    explicit Client(const std::string& endpoint) {
        env = {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
               {"AWS_SECRET_ACCESS_KEY", "secret"},
               {"AWS_EC2_METADATA_DISABLED", "true"},
               {"AWS_CONFIG_FILE", "/dev/null"},
               {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
               {"AWS_MAX_ATTEMPTS", "1"},
               {"AWS_ENDPOINT_URL", endpoint}};
        dspm::aws::ClientTuning t;
        t.env = [this](const char* n) -> const char* {
            auto it = env.find(n);
            return it == env.end() ? nullptr : it->second.c_str();
        };
        aws = dspm::aws::make_aws_client({}, std::make_shared<dspm::net::HttpClient>(), t);
    }
};

MappingResult run_check(const std::string& code, const std::string& endpoint) {
    Client client(endpoint);
    const auto* check = dspm::checks::find_check(code);
    EXPECT_NE(check, nullptr) << code;
    if (check == nullptr) return {};
    dspm::checks::CheckScope scope;
    scope.account = "123456789012";
    scope.regions = {"us-east-1"};
    dspm::inventory::CachedFacts facts(client.aws, nullptr, scope.account);
    return check->run(facts, scope);
}

std::string error_message(const MappingResult& r) {
    for (const auto& e : r.evaluations)
        if (e.status == Status::error)
            if (const auto* err = e.extra.if_contains("error_detail"))
                return std::string(err->at("message").as_string());
    return {};
}

void expect_malformed_error(const MappingResult& r, const std::string& operation) {
    EXPECT_EQ(r.status, Status::error)
        << r.mapping_code << " " << boost::json::serialize(r.to_json());
    ASSERT_FALSE(r.evaluations.empty()) << r.mapping_code;
    for (const auto& e : r.evaluations) {
        EXPECT_EQ(e.status, Status::error) << e.decision;
        EXPECT_FALSE(e.passed) << e.decision;
    }
    EXPECT_NE(error_message(r).find(operation), std::string::npos) << error_message(r);
}

TEST(AnswerRootChecks, PortalPageForEveryRequestIsErrorNotSkippedOrCompliant) {
    FakeHttpServer portal([](const FakeRequest&) {
        return FakeResponse{200, "text/html", kPortalXhtml};
    });
    auto s3 = run_check("15.0-04", portal.url());
    expect_malformed_error(s3, "s3:ListBuckets: expected <ListAllMyBucketsResult>, got <html>");
    EXPECT_FALSE(s3.reason.has_value());

    auto rds = run_check("2.0-02", portal.url());
    expect_malformed_error(rds, "expected <DescribeDBInstancesResponse>, got <html>");
    EXPECT_NE(boost::json::serialize(rds.to_json()).find("DescribeDBClusters"), std::string::npos);
}

// Every registered check, every answer the portal page: none may pass or skip on it.
TEST(AnswerRootChecks, PortalPageNeverYieldsCompliantOrSkippedForAnyCheck) {
    FakeHttpServer portal([](const FakeRequest&) {
        return FakeResponse{200, "text/html", kPortalXhtml};
    });
    for (const auto* check : dspm::checks::all_checks()) {
        const auto& code = check->info().code;
        auto r = run_check(code, portal.url());
        EXPECT_NE(r.status, Status::compliant) << code;
        EXPECT_NE(r.status, Status::skipped) << code << ": " << r.reason.value_or("");
        for (const auto& e : r.evaluations) {
            EXPECT_FALSE(e.passed) << code << " " << e.decision;
            // The original's clients render extra.error as text (React cannot render an object).
            if (const auto* err = e.extra.if_contains("error")) {
                EXPECT_TRUE(err->is_string()) << code << " " << boost::json::serialize(*err);
            }
        }
    }
}

constexpr const char* kOneEncryptedInstance =
    R"(<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
  <DescribeDBInstancesResult><DBInstances><DBInstance>
    <DBInstanceIdentifier>db1</DBInstanceIdentifier><StorageEncrypted>true</StorageEncrypted>
  </DBInstance></DBInstances></DescribeDBInstancesResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</DescribeDBInstancesResponse>)";

// The clusters' read answered with the instances' document (a mis-routed proxy) or an empty
// <ok/>: the cluster list could not be read, so 2.0-02 is ERROR, not COMPLIANT on db1 alone.
TEST(AnswerRootChecks, RdsClustersAnsweredWithAnotherDocumentIsError) {
    for (const std::string& clusters :
         {std::string(kOneEncryptedInstance), std::string("<ok/>"), std::string("")}) {
        FakeHttpServer rds([&](const FakeRequest& r) {
            if (r.body.find("Action=DescribeDBClusters") != std::string::npos)
                return FakeResponse{200, "text/xml", clusters};
            return FakeResponse{200, "text/xml", kOneEncryptedInstance};
        });
        auto r = run_check("2.0-02", rds.url());
        EXPECT_EQ(r.status, Status::error) << clusters;
        bool cluster_error = false, instance_ok = false;
        for (const auto& e : r.evaluations) {
            if (e.status == Status::error && e.evidence_path == "DescribeDBClusters")
                cluster_error = true;
            if (e.resource_id == "db1" && e.status == Status::compliant) instance_ok = true;
        }
        EXPECT_TRUE(cluster_error) << boost::json::serialize(r.to_json());
        EXPECT_TRUE(instance_ok);
        EXPECT_NE(error_message(r).find("rds:DescribeDBClusters: expected "), std::string::npos)
            << error_message(r);
    }
}

// The buckets are listed, but each notification read answers <ok/>: 15.0-04 would otherwise
// pass both evaluations of every bucket on nothing.
TEST(AnswerRootChecks, S3NotificationAnsweredWithOkIsError) {
    FakeHttpServer s3([](const FakeRequest& r) {
        if (r.path.find("location") != std::string::npos)
            return FakeResponse{
                200, "application/xml",
                R"(<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>)"};
        if (r.path.find("notification") != std::string::npos)
            return FakeResponse{200, "application/xml", "<ok/>"};
        return FakeResponse{
            200, "application/xml",
            R"(<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<Buckets><Bucket><Name>alpha</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate></Bucket>
<Bucket><Name>beta</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate></Bucket></Buckets>
<Owner><ID>abc</ID></Owner></ListAllMyBucketsResult>)"};
    });
    auto r = run_check("15.0-04", s3.url());
    expect_malformed_error(
        r, "s3:GetBucketNotificationConfiguration: expected <NotificationConfiguration>, got <ok>");
    EXPECT_EQ(r.evaluations.size(), 2u);  // one ERROR per bucket
}

}  // namespace
