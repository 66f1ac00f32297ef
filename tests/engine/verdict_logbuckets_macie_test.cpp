// Issue 10: 4.0-05 (Macie sensitive data discovery, restored to the catalog) and 3.0-10
// (versioning of the account's log buckets), on answers shaped as botocore's service-2.json
// describes them (macie2 JobSummary, GetMacieSession, GetAutomatedDiscoveryConfiguration;
// CloudTrail trailList, S3 LoggingEnabled, elbv2 load balancer attributes, CloudFront Logging,
// Config delivery channels, EC2 FlowLogs).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "checks/check.hpp"
#include "engine/check_fixture.hpp"
#include "engine/fake_aws.hpp"
#include "inventory/facts.hpp"

namespace {

namespace json = boost::json;
using dspm::engine::Evaluation;
using dspm::engine::MappingResult;
using dspm::engine::Status;
using dspm::test::FakeAwsClient;
using dspm::test::missing_permissions;
using Result = FakeAwsClient::Result;
using Fixture = dspm::test::CheckFixture;
using dspm::test::eval_of;
using dspm::test::note_of;

// ---------------------------------------------------------------------------------------------
// 4.0-05 Macie

// What AWS answers in a region where Macie was never enabled.
Result macie_not_enabled() {
    auto e =
        FakeAwsClient::error(dspm::aws::ErrorKind::permission_denied, "macie2", "GetMacieSession",
                             "AccessDeniedException", "macie2:GetMacieSession");
    e.message = "Macie is not enabled.";
    return dspm::unexpected(e);
}

constexpr const char* kSessionEnabled =
    R"({"createdAt":"2024-03-01T10:00:00Z","findingPublishingFrequency":"FIFTEEN_MINUTES",
        "serviceRole":"arn:aws:iam::123456789012:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie",
        "status":"ENABLED","updatedAt":"2024-03-01T10:00:00Z"})";

constexpr const char* kAutomatedDisabled =
    R"({"classificationScopeId":"117aff7ed76b59a59c71fe3a9c2a6ed1","status":"DISABLED",
        "disabledAt":"2024-05-01T00:00:00Z","firstEnabledAt":"2024-03-01T10:00:00Z",
        "lastUpdatedAt":"2024-05-01T00:00:00Z",
        "sensitivityInspectionTemplateId":"9b0c5d4a-0000-4000-8000-000000000000"})";

std::string job(const std::string& id, const std::string& type, const std::string& status,
                const std::string& error_code = "NONE") {
    return R"({"jobId":")" + id + R"(","name":"scan-)" + id + R"(","jobType":")" + type +
           R"(","jobStatus":")" + status + R"(","createdAt":"2024-04-01T00:00:00Z",
              "lastRunErrorStatus":{"code":")" +
           error_code + R"("},
              "bucketDefinitions":[{"accountId":"123456789012","buckets":["hr-data","crm-)" +
           id + R"("]}]})";
}

TEST(VerdictMacie, NotEnabledAnywhereIsNotEvidencedNeverNonCompliant) {
    Fixture fx;
    fx.scope.regions = {"us-east-1", "eu-west-1"};
    fx.aws->on("macie2", "GetMacieSession", [](const json::object&, const std::string&) -> Result {
        return macie_not_enabled();
    });
    auto r = fx.run("4.0-05");
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_NE(r.reason.value_or("").find("not evidenced"), std::string::npos)
        << r.reason.value_or("");
    EXPECT_NE(r.reason.value_or("").find("review by other means"), std::string::npos)
        << r.reason.value_or("");
    ASSERT_TRUE(r.evidence.contains("notEvidenced"));
    EXPECT_EQ(r.evidence.at("notEvidenced").as_array().size(), 2u);
    EXPECT_TRUE(r.evaluations.empty());
}

TEST(VerdictMacie, OneRunningScheduledJobOnTheSecondPagePasses) {
    Fixture fx;
    fx.aws->on_json("macie2", "GetMacieSession", kSessionEnabled);
    fx.aws->on_json("macie2", "GetAutomatedDiscoveryConfiguration", kAutomatedDisabled);
    // The fake answers the cancelled job on page one and the idle scheduled job on page two.
    fx.aws->on("macie2", "ListClassificationJobs",
               json::parse(R"({"items":[)" + job("a1", "ONE_TIME", "CANCELLED") + "," +
                           job("b2", "SCHEDULED", "IDLE") + "]}"));
    auto r = fx.run("4.0-05");
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(r.status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].observed_value, json::value(1));
    const auto& region = r.evidence.at("byRegion").at("us-east-1").as_object();
    EXPECT_EQ(region.at("jobsRunning").as_array().size(), 1u);
    EXPECT_EQ(region.at("jobsNotRunning").as_array().size(), 1u);
    EXPECT_EQ(region.at("bucketsNamedByJobs").as_array().size(), 4u);
}

TEST(VerdictMacie, EnabledWithNothingRunningFailsAndSaysWhy) {
    Fixture fx;
    fx.aws->on_json("macie2", "GetMacieSession", kSessionEnabled);
    fx.aws->on_json("macie2", "GetAutomatedDiscoveryConfiguration", kAutomatedDisabled);
    fx.aws->on("macie2", "ListClassificationJobs",
               json::parse(R"({"items":[)" + job("c3", "SCHEDULED", "USER_PAUSED") + "," +
                           job("d4", "ONE_TIME", "COMPLETE", "ERROR") + "]}"));
    auto r = fx.run("4.0-05");
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_NE(note_of(r.evaluations[0]).find("discovers nothing"), std::string::npos);
    const auto& why = r.evaluations[0].extra.at("jobsNotRunning").as_array();
    ASSERT_EQ(why.size(), 2u);
    EXPECT_NE(json::serialize(why).find("lastRunErrorStatus ERROR"), std::string::npos);
}

TEST(VerdictMacie, AutomatedDiscoveryPassesEvenWhenJobsCannotBeRead) {
    Fixture fx;
    fx.aws->on_json("macie2", "GetMacieSession", kSessionEnabled);
    fx.aws->on_json("macie2", "GetAutomatedDiscoveryConfiguration",
                    R"({"classificationScopeId":"117aff7ed76b59a59c71fe3a9c2a6ed1",
                        "status":"ENABLED","firstEnabledAt":"2024-03-01T10:00:00Z"})");
    fx.aws->deny("macie2", "ListClassificationJobs", "macie2:ListClassificationJobs");
    auto r = fx.run("4.0-05");
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(r.status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].checked_field, "Automated sensitive data discovery");
}

TEST(VerdictMacie, DeniedReadsAreErrorsNamingTheAction) {
    Fixture fx;
    fx.scope.regions = {"us-east-1", "eu-west-1"};
    fx.aws->on("macie2", "GetMacieSession",
               [](const json::object&, const std::string& region) -> Result {
                   if (region == "eu-west-1") return json::parse(R"({"status":"ENABLED"})");
                   auto e = FakeAwsClient::error(dspm::aws::ErrorKind::permission_denied, "macie2",
                                                 "GetMacieSession", "AccessDeniedException",
                                                 "macie2:GetMacieSession");
                   e.message = "User is not authorized to perform: macie2:GetMacieSession";
                   return dspm::unexpected(e);
               });
    fx.aws->on_json("macie2", "GetAutomatedDiscoveryConfiguration", kAutomatedDisabled);
    fx.aws->deny("macie2", "ListClassificationJobs", "macie2:ListClassificationJobs");
    auto r = fx.run("4.0-05");
    EXPECT_EQ(r.status, Status::error);
    const auto* east = eval_of(r, "123456789012/us-east-1");
    const auto* west = eval_of(r, "123456789012/eu-west-1");
    ASSERT_NE(east, nullptr);
    ASSERT_NE(west, nullptr);
    EXPECT_EQ(missing_permissions(*east), std::vector<std::string>{"macie2:GetMacieSession"});
    EXPECT_EQ(missing_permissions(*west),
              std::vector<std::string>{"macie2:ListClassificationJobs"});
}

TEST(VerdictMacie, SuspendedMacieFails) {
    Fixture fx;
    fx.aws->on_json("macie2", "GetMacieSession", R"({"status":"PAUSED"})");
    auto r = fx.run("4.0-05");
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[0].observed_value, json::value("PAUSED"));
}

// ---------------------------------------------------------------------------------------------
// 3.0-10 versioning of the log buckets

// Every log source answers "nothing delivers to S3" unless a test scripts it.
void no_log_sources(FakeAwsClient& aws) {
    aws.on_json("cloudtrail", "DescribeTrails", R"({"trailList":[]})");
    aws.on_json("s3", "GetBucketLogging", R"({})");
    aws.on_json("elbv2", "DescribeLoadBalancers", R"({"LoadBalancers":[]})");
    aws.on_json("cloudfront", "ListDistributions",
                R"({"DistributionList":{"Marker":"","MaxItems":100,"IsTruncated":false,
                    "Quantity":0,"Items":[]}})");
    aws.on_json("config", "DescribeDeliveryChannels", R"({"DeliveryChannels":[]})");
    aws.on_json("ec2", "DescribeFlowLogs", R"({"FlowLogs":[]})");
    aws.on_json("logs", "DescribeDeliveries", R"({"deliveries":[]})");
}

std::string buckets_doc(const std::vector<std::string>& names) {
    std::string items;
    for (const auto& n : names)
        items += std::string(items.empty() ? "" : ",") + R"({"Name":")" + n +
                 R"(","CreationDate":"2024-01-01T00:00:00.000Z","BucketRegion":"us-east-1"})";
    return R"({"Buckets":[)" + items + R"(],"Owner":{"DisplayName":"o","ID":"abc"}})";
}

void versioning(FakeAwsClient& aws, std::map<std::string, std::string> status) {
    aws.on("s3", "GetBucketVersioning",
           [status](const json::object& p, const std::string&) -> Result {
               auto it = status.find(std::string(p.at("Bucket").as_string()));
               if (it == status.end() || it->second.empty()) return json::value(json::object{});
               return json::value{{"Status", it->second}, {"MFADelete", "Disabled"}};
           });
}

std::vector<std::string> sources_of(const Evaluation& e) {
    std::vector<std::string> out;
    if (const auto* s = e.extra.if_contains("logSources"))
        for (const auto& v : s->as_array())
            out.emplace_back(v.as_string());
    return out;
}

bool any_contains(const std::vector<std::string>& v, const std::string& part) {
    for (const auto& s : v)
        if (s.find(part) != std::string::npos) return true;
    return false;
}

TEST(VerdictLogBuckets, EveryLogSourceNamesItsBucketAndOnlyThoseAreJudged) {
    Fixture fx;
    no_log_sources(*fx.aws);
    fx.aws->on_json("s3", "ListBuckets",
                    buckets_doc({"trail-logs", "access-logs", "elb-logs", "cf-logs", "config-logs",
                                 "flow-logs", "data"})
                        .c_str());
    fx.aws->on_json("cloudtrail", "DescribeTrails", R"({"trailList":[{"Name":"main",
        "S3BucketName":"trail-logs","IncludeGlobalServiceEvents":true,"IsMultiRegionTrail":true,
        "HomeRegion":"us-east-1","TrailARN":"arn:aws:cloudtrail:us-east-1:123456789012:trail/main",
        "LogFileValidationEnabled":true,"HasCustomEventSelectors":false,
        "IsOrganizationTrail":false}]})");
    fx.aws->on("s3", "GetBucketLogging", [](const json::object& p, const std::string&) -> Result {
        if (p.at("Bucket").as_string() == "data")
            return json::parse(
                R"({"LoggingEnabled":{"TargetBucket":"access-logs","TargetPrefix":"data/"}})");
        return json::value(json::object{});
    });
    fx.aws->on_json("elbv2", "DescribeLoadBalancers", R"({"LoadBalancers":[
        {"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188",
         "LoadBalancerName":"web","Scheme":"internet-facing","Type":"application"},
        {"LoadBalancerArn":"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/gwy/inspect/1a2b3c4d5e6f7a8b",
         "LoadBalancerName":"inspect","Type":"gateway"}]})");
    fx.aws->on_json("elbv2", "DescribeLoadBalancerAttributes", R"({"Attributes":[
        {"Key":"access_logs.s3.enabled","Value":"true"},
        {"Key":"access_logs.s3.bucket","Value":"elb-logs"},
        {"Key":"access_logs.s3.prefix","Value":"web"},
        {"Key":"connection_logs.s3.enabled","Value":"false"},
        {"Key":"connection_logs.s3.bucket","Value":"data"}]})");
    fx.aws->on_json("cloudfront", "ListDistributions", R"({"DistributionList":{"Marker":"",
        "MaxItems":100,"IsTruncated":false,"Quantity":1,"Items":[{"Id":"EDFDVBD6EXAMPLE",
        "ARN":"arn:aws:cloudfront::123456789012:distribution/EDFDVBD6EXAMPLE",
        "DomainName":"d111111abcdef8.cloudfront.net","Status":"Deployed","Enabled":true}]}})");
    fx.aws->on_json("cloudfront", "GetDistributionConfig", R"({"ETag":"E2QWRUHEXAMPLE",
        "DistributionConfig":{"CallerReference":"r","Enabled":true,"Comment":"",
        "Logging":{"Enabled":true,"IncludeCookies":false,"Bucket":"cf-logs.s3.amazonaws.com",
        "Prefix":"cf/"}}})");
    fx.aws->on_json("config", "DescribeDeliveryChannels", R"({"DeliveryChannels":[{
        "name":"default","s3BucketName":"config-logs","s3KeyPrefix":"config",
        "configSnapshotDeliveryProperties":{"deliveryFrequency":"TwentyFour_Hours"}}]})");
    fx.aws->on_json("ec2", "DescribeFlowLogs", R"({"FlowLogs":[
        {"CreationTime":"2024-01-01T00:00:00.000Z","DeliverLogsStatus":"SUCCESS",
         "FlowLogId":"fl-1a2b3c4d","FlowLogStatus":"ACTIVE","ResourceId":"vpc-1a2b3c4d",
         "TrafficType":"ALL","LogDestinationType":"s3",
         "LogDestination":"arn:aws:s3:::flow-logs/vpc/"},
        {"FlowLogId":"fl-5e6f7a8b","FlowLogStatus":"ACTIVE","ResourceId":"vpc-1a2b3c4d",
         "TrafficType":"REJECT","LogDestinationType":"cloud-watch-logs","LogGroupName":"vpc",
         "LogDestination":"arn:aws:logs:us-east-1:123456789012:log-group:vpc"}]})");
    versioning(*fx.aws, {{"trail-logs", "Enabled"},
                         {"access-logs", "Suspended"},
                         {"elb-logs", ""},
                         {"cf-logs", "Enabled"},
                         {"config-logs", "Enabled"},
                         {"flow-logs", "Enabled"},
                         {"data", ""}});
    auto r = fx.run("3.0-10");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 6u);
    EXPECT_EQ(eval_of(r, "data"), nullptr);  // not a log bucket: its versioning is not judged
    const std::map<std::string, std::pair<Status, std::string>> want = {
        {"trail-logs", {Status::compliant, "CloudTrail trail"}},
        {"access-logs", {Status::non_compliant, "server access logs of bucket data"}},
        {"elb-logs", {Status::non_compliant, "access_logs of"}},
        {"cf-logs", {Status::compliant, "distribution EDFDVBD6EXAMPLE"}},
        {"config-logs", {Status::compliant, "Config delivery channel default"}},
        {"flow-logs", {Status::compliant, "flow log fl-1a2b3c4d"}}};
    for (const auto& [bucket, expect] : want) {
        const auto* e = eval_of(r, bucket);
        ASSERT_NE(e, nullptr) << bucket;
        EXPECT_EQ(e->status, expect.first) << bucket;
        EXPECT_TRUE(any_contains(sources_of(*e), expect.second)) << bucket;
    }
    EXPECT_NE(note_of(*eval_of(r, "elb-logs")).find("never enabled"), std::string::npos);
    EXPECT_EQ(r.evidence.at("logBuckets").as_uint64(), 6u);
    EXPECT_EQ(r.evidence.at("versioningEnabled").as_uint64(), 4u);
}

// CloudFront standard logging v2 (and other vended logs) deliver through CloudWatch Logs: a
// delivery names its destination, the destination its S3 bucket. A destination no delivery uses
// receives nothing; a Firehose destination is no bucket. Shapes: botocore's logs model.
TEST(VerdictLogBuckets, VendedLogDeliveriesNameTheirBuckets) {
    Fixture fx;
    no_log_sources(*fx.aws);
    fx.aws->on_json("s3", "ListBuckets",
                    buckets_doc({"cf-v2-logs", "unused-dest", "data"}).c_str());
    fx.aws->on_json("logs", "DescribeDeliveries", R"({"deliveries":[
        {"id":"abcdEXAMPLE1","arn":"arn:aws:logs:us-east-1:123456789012:delivery:abcdEXAMPLE1",
         "deliverySourceName":"cf-EDFDVBD6EXAMPLE",
         "deliveryDestinationArn":"arn:aws:logs:us-east-1:123456789012:delivery-destination:cf-s3",
         "deliveryDestinationType":"S3"},
        {"id":"abcdEXAMPLE2","arn":"arn:aws:logs:us-east-1:123456789012:delivery:abcdEXAMPLE2",
         "deliverySourceName":"cf-EDFDVBD6EXAMPLE",
         "deliveryDestinationArn":"arn:aws:logs:us-east-1:123456789012:delivery-destination:fh",
         "deliveryDestinationType":"FH"}]})");
    fx.aws->on_json("logs", "DescribeDeliveryDestinations", R"({"deliveryDestinations":[
        {"name":"cf-s3","arn":"arn:aws:logs:us-east-1:123456789012:delivery-destination:cf-s3",
         "deliveryDestinationType":"S3","outputFormat":"json",
         "deliveryDestinationConfiguration":{"destinationResourceArn":"arn:aws:s3:::cf-v2-logs/cf"}},
        {"name":"spare","arn":"arn:aws:logs:us-east-1:123456789012:delivery-destination:spare",
         "deliveryDestinationType":"S3",
         "deliveryDestinationConfiguration":{"destinationResourceArn":"arn:aws:s3:::unused-dest"}},
        {"name":"fh","arn":"arn:aws:logs:us-east-1:123456789012:delivery-destination:fh",
         "deliveryDestinationType":"FH","deliveryDestinationConfiguration":{
         "destinationResourceArn":"arn:aws:firehose:us-east-1:123456789012:deliverystream/x"}}]})");
    versioning(*fx.aws, {{"cf-v2-logs", ""}, {"unused-dest", ""}, {"data", ""}});
    auto r = fx.run("3.0-10");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 1u);
    const auto* e = eval_of(r, "cf-v2-logs");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->status, Status::non_compliant);
    EXPECT_TRUE(any_contains(sources_of(*e), "vended log delivery from cf-EDFDVBD6EXAMPLE"));
    EXPECT_EQ(eval_of(r, "unused-dest"), nullptr);

    Fixture denied;  // the delivery list is unreadable: a log bucket may hide behind it
    no_log_sources(*denied.aws);
    denied.aws->on_json("s3", "ListBuckets", buckets_doc({"data"}).c_str());
    denied.aws->deny("logs", "DescribeDeliveries", "logs:DescribeDeliveries");
    versioning(*denied.aws, {{"data", ""}});
    auto d = denied.run("3.0-10");
    EXPECT_EQ(d.status, Status::error);
    ASSERT_FALSE(d.evaluations.empty());
    EXPECT_EQ(missing_permissions(d.evaluations.at(0)),
              std::vector<std::string>{"logs:DescribeDeliveries"});
}

TEST(VerdictLogBuckets, ALogArchiveOfAnotherAccountIsListedNotJudged) {
    Fixture fx;
    no_log_sources(*fx.aws);
    fx.aws->on_json("s3", "ListBuckets", buckets_doc({"app-data"}).c_str());
    // An organisation trail seen from a member account writes to the log archive account.
    fx.aws->on_json("cloudtrail", "DescribeTrails", R"({"trailList":[{"Name":"org-trail",
        "S3BucketName":"aws-controltower-logs-210987654321-us-east-1",
        "IsMultiRegionTrail":true,"HomeRegion":"us-east-1",
        "TrailARN":"arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail",
        "IsOrganizationTrail":true}]})");
    auto r = fx.run("3.0-10");
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_TRUE(r.evaluations.empty());
    ASSERT_TRUE(r.evidence.contains("logBucketsOfOtherAccounts"));
    EXPECT_EQ(r.evidence.at("logBucketsOfOtherAccounts").as_array().size(), 1u);
    bool said = false;
    for (const auto& n : r.notes)
        said = said || n.find("judge them from the account that owns them") != std::string::npos;
    EXPECT_TRUE(said);
    EXPECT_EQ(fx.aws->count("s3:GetBucketVersioning"), 0u);
}

TEST(VerdictLogBuckets, AnUnreadableSourceIsAnErrorNamingItsAction) {
    Fixture fx;
    no_log_sources(*fx.aws);
    fx.aws->on_json("s3", "ListBuckets", buckets_doc({"trail-logs"}).c_str());
    fx.aws->on_json("cloudtrail", "DescribeTrails",
                    R"({"trailList":[{"Name":"main","S3BucketName":"trail-logs",
                        "HomeRegion":"us-east-1",
                        "TrailARN":"arn:aws:cloudtrail:us-east-1:123456789012:trail/main"}]})");
    fx.aws->deny("config", "DescribeDeliveryChannels", "config:DescribeDeliveryChannels");
    versioning(*fx.aws, {{"trail-logs", "Enabled"}});
    auto r = fx.run("3.0-10");
    EXPECT_EQ(r.status, Status::error);  // the channel's bucket may be unversioned
    bool named = false;
    for (const auto& e : r.evaluations)
        if (e.status == Status::error)
            named = named || missing_permissions(e) ==
                                 std::vector<std::string>{"config:DescribeDeliveryChannels"};
    EXPECT_TRUE(named);
    ASSERT_NE(eval_of(r, "trail-logs"), nullptr);
    EXPECT_EQ(eval_of(r, "trail-logs")->status, Status::compliant);
}

TEST(VerdictLogBuckets, NoLogDestinationIsSkippedNotJudgedOnEveryBucket) {
    Fixture fx;
    no_log_sources(*fx.aws);
    fx.aws->on_json("s3", "ListBuckets", buckets_doc({"a", "b"}).c_str());
    versioning(*fx.aws, {});
    auto r = fx.run("3.0-10");
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_NE(r.reason.value_or("").find("no log buckets"), std::string::npos);
    EXPECT_EQ(fx.aws->count("s3:GetBucketVersioning"), 0u);
    EXPECT_EQ(fx.aws->count("s3:GetBucketLogging"), 2u);
}

}  // namespace
