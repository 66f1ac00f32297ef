// Collector answers are evidence only when they are what the collector documents: rows with their
// resource's id, regions that are regions, columns of the right JSON type, and not more rows than
// COLLECTOR_MAX_ROWS. Built on Steampipe's column names (aws_rds_db_instance, aws_s3_bucket, ...).
#include "inventory/collector_rows.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "engine/codes_catalog.hpp"
#include "engine/engine.hpp"
#include "engine/fake_aws.hpp"
#include "engine/fake_http.hpp"
#include "inventory/http_collector.hpp"
#include "net/http_client.hpp"

namespace {

namespace json = boost::json;
using dspm::inventory::sanitize_collector_rows;
using dspm::test::FakeHttpServer;
using dspm::test::FakeRequest;
using dspm::test::FakeResponse;

json::array rows(const char* text) {
    return json::parse(text).as_array();
}

}  // namespace

TEST(CollectorRows, RowsWithoutTheirIdAreNotResources) {
    // An empty identifier once asked DescribeDBInstances for every instance and scored the first.
    for (const char* body : {R"([{"db_instance_identifier":"","storage_encrypted":true}])",
                             R"([{"storage_encrypted":true,"region":"us-east-1"}])",
                             R"([{"db_instance_identifier":7}])", R"([42])", R"([null])"}) {
        auto r = sanitize_collector_rows("rds-instances", rows(body), 100);
        ASSERT_FALSE(r) << body;
        EXPECT_NE(r.error().find("row 0"), std::string::npos) << r.error();
    }
    auto named = sanitize_collector_rows("rds-instances", rows(R"([{"name":"db1"}])"), 100);
    EXPECT_TRUE(named);
}

TEST(CollectorRows, WrongColumnTypesAreDroppedAndSaidSo) {
    auto r = sanitize_collector_rows(
        "rds-instances",
        rows(R"([{"db_instance_identifier":"db1","storage_encrypted":"true","multi_az":false,
                  "backup_retention_period":"7","db_cluster_identifier":null,"region":"eu-west-1"}])"),
        100);
    ASSERT_TRUE(r) << r.error();
    const auto& row = (*r)[0].as_object();
    EXPECT_FALSE(row.contains("storage_encrypted"));
    EXPECT_FALSE(row.contains("backup_retention_period"));
    EXPECT_TRUE(row.contains("multi_az"));
    EXPECT_TRUE(row.contains("db_cluster_identifier"));  // null: an instance outside a cluster
    const auto& bad = row.at(dspm::inventory::invalid_columns_key).as_array();
    ASSERT_EQ(bad.size(), 2u);
    EXPECT_EQ(bad[0].as_string(), "storage_encrypted: expected a boolean, got a string");
    EXPECT_EQ(bad[1].as_string(), "backup_retention_period: expected a number, got a string");
}

TEST(CollectorRows, BoundedAndRegionsChecked) {
    json::array many;
    for (int i = 0; i < 101; ++i) {
        std::string name = "b";
        name.append(std::to_string(i));
        many.push_back(json::object{{"name", name}});
    }
    auto over = sanitize_collector_rows("s3-buckets", many, 100);
    ASSERT_FALSE(over);
    EXPECT_NE(over.error().find("COLLECTOR_MAX_ROWS=100"), std::string::npos) << over.error();
    auto region = sanitize_collector_rows(
        "s3-buckets", rows(R"([{"name":"a","region":"us-east-1.evil.example"}])"), 100);
    ASSERT_FALSE(region);
    EXPECT_NE(region.error().find("invalid region"), std::string::npos);
}

// Through the engine: a wrong-typed column makes the check read that instance from AWS and say so;
// a row without an id makes the whole list come from AWS.
TEST(CollectorRows, ChecksReadFromAwsWhereTheCollectorIsNotEvidence) {
    FakeHttpServer collector([](const FakeRequest& r) {
        if (r.path == "/api/rds-instances")
            return FakeResponse{200, "application/json",
                                R"([{"db_instance_identifier":"db1","region":"us-east-1",
                                     "storage_encrypted":"yes"}])"};
        if (r.path == "/api/redshift-clusters")
            return FakeResponse{200, "application/json",
                                R"([{"region":"us-east-1","encrypted":true}])"};
        return FakeResponse{404, "application/json", R"({"detail":"Not Found"})"};
    });
    auto aws = std::make_shared<dspm::test::FakeAwsClient>();
    aws->on_json("rds", "DescribeDBInstances",
                 R"({"DBInstances":[{"DBInstanceIdentifier":"db1","StorageEncrypted":false}]})");
    aws->on_json("rds", "DescribeDBClusters", R"({"DBClusters":[]})");
    aws->on_json("redshift", "DescribeClusters",
                 R"({"Clusters":[{"ClusterIdentifier":"wh","Encrypted":true}]})");
    dspm::Settings settings;
    settings.aws_region = "us-east-1";
    settings.collector_base_url = collector.url();
    auto http = std::make_shared<dspm::net::HttpClient>();
    for (const char* code : {"2.0-02", "2.0-04"}) {
        dspm::engine::Engine engine(
            settings, aws,
            std::make_shared<dspm::test::CodesCatalog>(std::vector<std::string>{code}),
            dspm::inventory::make_http_collector(collector.url(), http));
        auto run = engine.run(*engine.plan("ISMS-P", std::string("1")));
        const auto& m = *run.results[0].results[0];
        ASSERT_FALSE(m.evaluations.empty()) << code;
        for (const auto& e : m.evaluations) {
            EXPECT_EQ(e.source, dspm::engine::Source::aws_sdk) << code << " " << e.resource_id;
            EXPECT_FALSE(e.resource_id.empty()) << code;
        }
        std::string notes;
        for (const auto& n : m.notes)
            notes += n + "\n";
        if (std::string(code) == "2.0-02") {
            EXPECT_EQ(m.status, dspm::engine::Status::non_compliant);  // AWS says false
            EXPECT_NE(notes.find("storage_encrypted: expected a boolean, got a string: read from "
                                 "AWS"),
                      std::string::npos)
                << notes;
        } else {
            EXPECT_EQ(m.status, dspm::engine::Status::compliant);
            EXPECT_NE(notes.find("no resource id"), std::string::npos) << notes;
        }
    }
}

// A collector that inventories several accounts: rows of another account_id are not evidence
// about the audited one (they are dropped and the notes say how many); rows of the audited account
// and rows without an account count.
TEST(CollectorRows, RowsOfOtherAccountsAreNotEvidence) {
    FakeHttpServer collector([](const FakeRequest& r) {
        if (r.path == "/api/redshift-clusters")
            return FakeResponse{200, "application/json",
                                R"([{"cluster_identifier":"mine","region":"us-east-1",
                                     "account_id":"123456789012","encrypted":true},
                                    {"cluster_identifier":"theirs","region":"us-east-1",
                                     "account_id":"210987654321","encrypted":false}])"};
        return FakeResponse{404, "application/json", R"({"detail":"Not Found"})"};
    });
    auto aws = std::make_shared<dspm::test::FakeAwsClient>();
    dspm::Settings settings;
    settings.aws_region = "us-east-1";
    settings.audit_regions = {"us-east-1"};
    settings.collector_base_url = collector.url();
    dspm::engine::Engine engine(
        settings, aws,
        std::make_shared<dspm::test::CodesCatalog>(std::vector<std::string>{"2.0-04"}),
        dspm::inventory::make_http_collector(collector.url(),
                                             std::make_shared<dspm::net::HttpClient>()));
    auto run = engine.run(*engine.plan("ISMS-P", std::string("1")));
    const auto& m = *run.results[0].results[0];
    EXPECT_EQ(m.status, dspm::engine::Status::compliant);
    ASSERT_EQ(m.evaluations.size(), 1u);
    EXPECT_EQ(m.evaluations[0].resource_id, "mine");
    std::string notes;
    for (const auto& n : m.notes)
        notes += n + "\n";
    EXPECT_NE(notes.find("1 rows of other accounts ignored"), std::string::npos) << notes;
}
