// Verdicts of the logging/detection checks fixed in issue 10, on AWS-shaped answers (botocore
// service-2 shapes): 3.0-01 management events per region, 3.0-02 S3 data events of every bucket,
// 14.0-03 a recorder of labeling calls (trail or event data store), 1.0-05 external-access
// analyzers only, 15.0-02 rules that route back to their own bus over every bus.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <string>

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
using Result = FakeAwsClient::Result;

using Fixture = dspm::test::CheckFixture;
using dspm::test::by_param;
using dspm::test::eval_of;
using dspm::test::not_found;

Result denied(const std::string& service, const std::string& op, const std::string& action) {
    return dspm::unexpected(FakeAwsClient::error(dspm::aws::ErrorKind::permission_denied, service,
                                                 op, "AccessDeniedException", action));
}

bool has_permission(const Evaluation& e, const std::string& action) {
    const auto* m = e.extra.if_contains("missingPermissions");
    if (m == nullptr || !m->is_array()) return false;
    for (const auto& a : m->as_array())
        if (a == json::value(action)) return true;
    return false;
}

std::vector<std::string> regions_of(const FakeAwsClient& aws, const std::string& op) {
    std::vector<std::string> out;
    for (const auto& c : aws.calls())
        if (c.op == op) out.push_back(c.region);
    return out;
}

// ---- CloudTrail fixtures ----
constexpr const char* kOrgArn = "arn:aws:cloudtrail:eu-central-1:123456789012:trail/org";
constexpr const char* kLocalArn = "arn:aws:cloudtrail:us-east-1:123456789012:trail/local";

// A multi-region trail homed in eu-central-1 (outside the audited regions: only its shadow copy
// shows) and, with `local`, a single-region trail of us-east-1.
std::string trail_list(bool org, bool local, bool org_validation = true) {
    json::array list;
    if (org)
        list.push_back(json::object{{"Name", "org"},
                                    {"S3BucketName", "org-trail-logs"},
                                    {"IncludeGlobalServiceEvents", true},
                                    {"IsMultiRegionTrail", true},
                                    {"HomeRegion", "eu-central-1"},
                                    {"TrailARN", kOrgArn},
                                    {"LogFileValidationEnabled", org_validation},
                                    {"HasCustomEventSelectors", true},
                                    {"HasInsightSelectors", false},
                                    {"IsOrganizationTrail", false}});
    if (local)
        list.push_back(json::object{{"Name", "local"},
                                    {"S3BucketName", "local-trail-logs"},
                                    {"IncludeGlobalServiceEvents", false},
                                    {"IsMultiRegionTrail", false},
                                    {"HomeRegion", "us-east-1"},
                                    {"TrailARN", kLocalArn},
                                    {"LogFileValidationEnabled", true},
                                    {"HasCustomEventSelectors", false},
                                    {"HasInsightSelectors", false},
                                    {"IsOrganizationTrail", false}});
    return json::serialize(json::object{{"trailList", std::move(list)}});
}

// DescribeTrails per region: the shadow copy of `org` in every region, `local` only where it
// lives (us-east-1).
void trails(FakeAwsClient& aws, bool org, bool local, bool org_validation = true) {
    aws.on("cloudtrail", "DescribeTrails",
           [=](const json::object&, const std::string& region) -> Result {
               return json::parse(trail_list(org, local && region == "us-east-1", org_validation));
           });
}

std::string status(bool logging) {
    return json::serialize(json::object{{"IsLogging", logging},
                                        {"LatestDeliveryTime", "2024-05-01T10:00:00+00:00"},
                                        {"StartLoggingTime", "2024-01-01T00:00:00+00:00"},
                                        {"LatestDeliveryAttemptTime", "2024-05-01T10:00:00Z"},
                                        {"LatestDeliveryAttemptSucceeded", "2024-05-01T10:00:00Z"},
                                        {"TimeLoggingStarted", "2024-01-01T00:00:00Z"}});
}

void statuses(FakeAwsClient& aws, bool org_logging, bool local_logging = true) {
    by_param(aws, "cloudtrail", "GetTrailStatus", "Name",
             {{kOrgArn, status(org_logging)}, {kLocalArn, status(local_logging)}});
}

// The selectors AWS gives a new trail.
constexpr const char* kDefaultSelectors =
    R"({"EventSelectors":[{"ReadWriteType":"All","IncludeManagementEvents":true,
        "DataResources":[],"ExcludeManagementEventSources":[]}]})";

std::string with_arn(const char* arn, const std::string& selectors) {
    auto doc = json::parse(selectors).as_object();
    doc["TrailARN"] = arn;
    return json::serialize(doc);
}

void selectors(FakeAwsClient& aws, const std::string& org, const std::string& local = {}) {
    std::map<std::string, std::string> docs{{kOrgArn, with_arn(kOrgArn, org)}};
    if (!local.empty()) docs[kLocalArn] = with_arn(kLocalArn, local);
    by_param(aws, "cloudtrail", "GetEventSelectors", "TrailName", docs);
}

// ---- 3.0-01 ----
TEST(VerdictTrail, MultiRegionTrailCoversEveryRegionAndIsReadInItsHomeRegion) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    trails(*f.aws, true, false);
    statuses(*f.aws, true);
    selectors(*f.aws, kDefaultSelectors);
    auto r = f.run("3.0-01");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    for (const char* region : {"us-east-1", "eu-west-1"}) {
        const auto* e = eval_of(r, region);
        ASSERT_NE(e, nullptr) << region;
        EXPECT_EQ(e->status, Status::compliant);
        EXPECT_EQ(e->extra.at("coveredBy").at("name"), json::value("org"));
        EXPECT_EQ(e->observed_value.at("ManagementEvents"), json::value("All"));
        EXPECT_NE(e->evidence_path.find("GetEventSelectors.EventSelectors[0]"), std::string::npos);
    }
    EXPECT_EQ(r.evidence.at("totalTrails").as_uint64(), 1u);  // the shadow copies are one trail
    for (const auto& region : regions_of(*f.aws, "cloudtrail:GetTrailStatus"))
        EXPECT_EQ(region, "eu-central-1");
    for (const auto& region : regions_of(*f.aws, "cloudtrail:GetEventSelectors"))
        EXPECT_EQ(region, "eu-central-1");
}

TEST(VerdictTrail, LoggingTrailWithoutManagementEventsIsNonCompliant) {
    Fixture f;
    trails(*f.aws, true, false);
    statuses(*f.aws, true);
    // A data-events-only trail: the catalog's two fields pass, yet no management event is kept.
    selectors(*f.aws, R"({"EventSelectors":[{"ReadWriteType":"All","IncludeManagementEvents":false,
        "DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}],
        "ExcludeManagementEventSources":[]}]})");
    auto r = f.run("3.0-01");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(r.evaluations[0].observed_value.at("ManagementEvents"), json::value("None"));
    EXPECT_EQ(r.evaluations[0].observed_value.at("IsLogging"), json::value(true));
}

TEST(VerdictTrail, WriteOnlyFailsAndReadOnlyPlusWriteOnlyMakeAll) {
    {
        Fixture f;
        trails(*f.aws, true, false);
        statuses(*f.aws, true);
        selectors(*f.aws, R"({"EventSelectors":[{"ReadWriteType":"WriteOnly",
            "IncludeManagementEvents":true,"DataResources":[],"ExcludeManagementEventSources":[]}]})");
        auto r = f.run("3.0-01");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_EQ(r.evaluations.at(0).observed_value.at("ManagementEvents"),
                  json::value("WriteOnly"));
    }
    {
        Fixture f;
        trails(*f.aws, true, false);
        statuses(*f.aws, true);
        selectors(*f.aws, R"({"EventSelectors":[
            {"ReadWriteType":"ReadOnly","IncludeManagementEvents":true,"DataResources":[],
             "ExcludeManagementEventSources":["kms.amazonaws.com"]},
            {"ReadWriteType":"WriteOnly","IncludeManagementEvents":true,"DataResources":[],
             "ExcludeManagementEventSources":[]}]})");
        auto r = f.run("3.0-01");
        EXPECT_EQ(r.status, Status::compliant);
        const auto& e = r.evaluations.at(0);
        EXPECT_EQ(e.extra.at("excludedManagementEventSources").as_array().size(), 1u);
    }
}

TEST(VerdictTrail, AdvancedSelectorsAndReadOnlyNarrowing) {
    {
        Fixture f;
        trails(*f.aws, true, false);
        statuses(*f.aws, true);
        selectors(*f.aws, R"({"AdvancedEventSelectors":[{"Name":"Management events selector",
            "FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},
                              {"Field":"eventSource","NotEquals":["kms.amazonaws.com"]}]}]})");
        auto r = f.run("3.0-01");
        EXPECT_EQ(r.status, Status::compliant);
        EXPECT_NE(r.evaluations.at(0).evidence_path.find("AdvancedEventSelectors[0]"),
                  std::string::npos);
    }
    {
        Fixture f;
        trails(*f.aws, true, false);
        statuses(*f.aws, true);
        selectors(*f.aws, R"({"AdvancedEventSelectors":[{"Name":"writes",
            "FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},
                              {"Field":"readOnly","Equals":["false"]}]}]})");
        auto r = f.run("3.0-01");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_EQ(r.evaluations.at(0).observed_value.at("ManagementEvents"),
                  json::value("WriteOnly"));
    }
    {
        Fixture f;  // only one service's management events: narrowed, not counted
        trails(*f.aws, true, false);
        statuses(*f.aws, true);
        selectors(*f.aws, R"({"AdvancedEventSelectors":[{"Name":"s3 only",
            "FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},
                              {"Field":"eventSource","Equals":["s3.amazonaws.com"]}]}]})");
        auto r = f.run("3.0-01");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_TRUE(r.evaluations.at(0).extra.contains("selectorNotes"));
    }
}

TEST(VerdictTrail, SingleRegionTrailCoversOnlyItsRegion) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    trails(*f.aws, false, true);
    statuses(*f.aws, true, true);
    selectors(*f.aws, kDefaultSelectors, kDefaultSelectors);
    auto r = f.run("3.0-01");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(eval_of(r, "us-east-1")->status, Status::compliant);
    EXPECT_EQ(eval_of(r, "us-east-1")->extra.at("coveredBy").at("name"), json::value("local"));
    const auto* eu = eval_of(r, "eu-west-1");
    EXPECT_EQ(eu->status, Status::non_compliant);
    EXPECT_TRUE(eu->observed_value.is_null());
    EXPECT_TRUE(eu->extra.contains("note"));
}

TEST(VerdictTrail, StoppedTrailFailsAndTheLocalOneCoversItsRegionOnly) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    trails(*f.aws, true, true);
    statuses(*f.aws, false, true);  // the multi-region trail stopped logging
    selectors(*f.aws, kDefaultSelectors, kDefaultSelectors);
    auto r = f.run("3.0-01");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "us-east-1")->status, Status::compliant);
    const auto* eu = eval_of(r, "eu-west-1");
    EXPECT_EQ(eu->status, Status::non_compliant);
    EXPECT_EQ(eu->observed_value.at("IsLogging"), json::value(false));
    EXPECT_EQ(eu->extra.at("candidates").as_array().size(), 1u);
}

TEST(VerdictTrail, DeniedSelectorsAreAnErrorUnlessTheTrailFailsAnyway) {
    {
        Fixture f;
        trails(*f.aws, true, false);
        statuses(*f.aws, true);
        f.aws->deny("cloudtrail", "GetEventSelectors", "cloudtrail:GetEventSelectors");
        auto r = f.run("3.0-01");
        EXPECT_EQ(r.status, Status::error);
        ASSERT_EQ(r.evaluations.size(), 1u);
        EXPECT_EQ(r.evaluations[0].resource_id, "us-east-1");
        EXPECT_TRUE(has_permission(r.evaluations[0], "cloudtrail:GetEventSelectors"));
    }
    {
        Fixture f;  // log file validation off: NON_COMPLIANT whatever the selectors say
        trails(*f.aws, true, false, false);
        statuses(*f.aws, true);
        f.aws->deny("cloudtrail", "GetEventSelectors", "cloudtrail:GetEventSelectors");
        auto r = f.run("3.0-01");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_TRUE(r.evaluations.at(0).extra.contains("unreadFields"));
    }
    {
        Fixture f;  // the local trail's reads fail but the multi-region one qualifies
        trails(*f.aws, true, true);
        statuses(*f.aws, true);
        f.aws->on("cloudtrail", "GetEventSelectors",
                  [](const json::object& p, const std::string&) -> Result {
                      if (p.at("TrailName") == json::value(kLocalArn))
                          return denied("cloudtrail", "GetEventSelectors",
                                        "cloudtrail:GetEventSelectors");
                      return json::parse(with_arn(kOrgArn, kDefaultSelectors));
                  });
        auto r = f.run("3.0-01");
        EXPECT_EQ(r.status, Status::compliant);
    }
}

TEST(VerdictTrail, FailedDescribeTrailsInOneRegion) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    f.aws->on("cloudtrail", "DescribeTrails",
              [](const json::object&, const std::string& region) -> Result {
                  if (region == "eu-west-1")
                      return denied("cloudtrail", "DescribeTrails", "cloudtrail:DescribeTrails");
                  return json::parse(trail_list(false, true));
              });
    statuses(*f.aws, true, true);
    selectors(*f.aws, kDefaultSelectors, kDefaultSelectors);
    auto r = f.run("3.0-01");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(eval_of(r, "us-east-1")->status, Status::compliant);
    const auto* eu = eval_of(r, "eu-west-1");
    EXPECT_EQ(eu->status, Status::error);
    EXPECT_TRUE(has_permission(*eu, "cloudtrail:DescribeTrails"));
}

TEST(VerdictTrail, NoTrailIsNonCompliantInEveryRegion) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    f.aws->on_json("cloudtrail", "DescribeTrails", R"({"trailList":[]})");
    auto r = f.run("3.0-01");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_TRUE(r.evaluations[0].observed_value.is_null());
}

// ---- 3.0-02 ----
constexpr const char* kAllBuckets =
    R"({"EventSelectors":[{"ReadWriteType":"All","IncludeManagementEvents":true,
        "DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]},
                         {"Type":"AWS::Lambda::Function","Values":["arn:aws:lambda"]}],
        "ExcludeManagementEventSources":[]}]})";

TEST(VerdictDataEvents, AllBucketsOnALoggingMultiRegionTrail) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    trails(*f.aws, true, false);
    statuses(*f.aws, true);
    selectors(*f.aws, kAllBuckets);
    auto r = f.run("3.0-02");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    const auto& e = r.evaluations[0];
    EXPECT_EQ(e.observed_value.at("S3DataEventsAllBuckets"), json::value("All"));
    EXPECT_NE(e.evidence_path.find("EventSelectors[0].DataResources[0]"), std::string::npos);
    EXPECT_EQ(e.extra.at("dataResourceTypes").as_array().size(), 2u);
}

TEST(VerdictDataEvents, TrailingColonsAlsoMeanAllBuckets) {
    Fixture f;
    trails(*f.aws, true, false);
    statuses(*f.aws, true);
    selectors(*f.aws, R"({"EventSelectors":[{"ReadWriteType":"All","IncludeManagementEvents":false,
        "DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3:::"]}],
        "ExcludeManagementEventSources":[]}]})");
    EXPECT_EQ(f.run("3.0-02").status, Status::compliant);
}

TEST(VerdictDataEvents, OneBucketWriteOnlyOrStoppedAreNonCompliant) {
    {
        Fixture f;
        trails(*f.aws, true, false);
        statuses(*f.aws, true);
        selectors(*f.aws,
                  R"({"EventSelectors":[{"ReadWriteType":"All","IncludeManagementEvents":true,
            "DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3:::training-data/"]}],
            "ExcludeManagementEventSources":[]}]})");
        auto r = f.run("3.0-02");
        EXPECT_EQ(r.status, Status::non_compliant);
        const auto& e = r.evaluations.at(0);
        EXPECT_EQ(e.observed_value.at("S3DataEventsAllBuckets"), json::value("None"));
        const auto& narrowed = e.extra.at("s3NarrowedSelections").as_array();
        ASSERT_EQ(narrowed.size(), 1u);
        EXPECT_EQ(narrowed[0].at("narrowedBy").at("Values").as_array().at(0),
                  json::value("arn:aws:s3:::training-data/"));
    }
    {
        Fixture f;
        trails(*f.aws, true, false);
        statuses(*f.aws, true);
        selectors(*f.aws,
                  R"({"EventSelectors":[{"ReadWriteType":"WriteOnly","IncludeManagementEvents":true,
            "DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}],
            "ExcludeManagementEventSources":[]}]})");
        auto r = f.run("3.0-02");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_EQ(r.evaluations.at(0).observed_value.at("S3DataEventsAllBuckets"),
                  json::value("WriteOnly"));
    }
    {
        Fixture f;
        trails(*f.aws, true, false);
        statuses(*f.aws, false);
        selectors(*f.aws, kAllBuckets);
        auto r = f.run("3.0-02");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_EQ(r.evaluations.at(0).observed_value.at("IsLogging"), json::value(false));
    }
}

TEST(VerdictDataEvents, SingleRegionTrailCoversOnlyItsRegion) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    trails(*f.aws, false, true);
    statuses(*f.aws, true, true);
    selectors(*f.aws, kDefaultSelectors, kAllBuckets);
    auto r = f.run("3.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "us-east-1")->status, Status::compliant);
    EXPECT_EQ(eval_of(r, "eu-west-1")->status, Status::non_compliant);
}

TEST(VerdictDataEvents, AdvancedSelectors) {
    auto run = [](const char* advanced) {
        Fixture f;
        trails(*f.aws, true, false);
        statuses(*f.aws, true);
        selectors(*f.aws, advanced);
        return f.run("3.0-02");
    };
    auto all = run(R"({"AdvancedEventSelectors":[
        {"Name":"Management events","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]},
        {"Name":"S3","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},
                                       {"Field":"resources.type","Equals":["AWS::S3::Object"]}]}]})");
    EXPECT_EQ(all.status, Status::compliant);
    EXPECT_NE(all.evaluations.at(0).evidence_path.find("AdvancedEventSelectors[1]"),
              std::string::npos);

    auto some = run(R"({"AdvancedEventSelectors":[
        {"Name":"one bucket","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},
            {"Field":"resources.type","Equals":["AWS::S3::Object"]},
            {"Field":"resources.ARN","StartsWith":["arn:aws:s3:::training-data/"]}]}]})");
    EXPECT_EQ(some.status, Status::non_compliant);
    EXPECT_EQ(some.evaluations.at(0).extra.at("s3NarrowedSelections").as_array().size(), 1u);

    auto reads = run(R"({"AdvancedEventSelectors":[
        {"Name":"reads","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},
            {"Field":"resources.type","Equals":["AWS::S3::Object"]},
            {"Field":"readOnly","Equals":["true"]}]}]})");
    EXPECT_EQ(reads.status, Status::non_compliant);
    EXPECT_EQ(reads.evaluations.at(0).observed_value.at("S3DataEventsAllBuckets"),
              json::value("ReadOnly"));

    auto lambda = run(R"({"AdvancedEventSelectors":[
        {"Name":"lambda","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},
            {"Field":"resources.type","Equals":["AWS::Lambda::Function"]}]}]})");
    EXPECT_EQ(lambda.status, Status::non_compliant);
    EXPECT_EQ(lambda.evaluations.at(0).extra.at("dataResourceTypes").as_array().at(0),
              json::value("AWS::Lambda::Function"));
}

TEST(VerdictDataEvents, DeniedSelectorsIsError) {
    Fixture f;
    trails(*f.aws, true, false);
    statuses(*f.aws, true);
    f.aws->deny("cloudtrail", "GetEventSelectors", "cloudtrail:GetEventSelectors");
    auto r = f.run("3.0-02");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_TRUE(has_permission(r.evaluations.at(0), "cloudtrail:GetEventSelectors"));
}

// ---- 14.0-03 ----
constexpr const char* kLabelingJobs = R"({"LabelingJobSummaryList":[{"LabelingJobName":"faces",
    "LabelingJobArn":"arn:aws:sagemaker:us-east-1:123456789012:labeling-job/faces",
    "CreationTime":"2020-03-01T00:00:00+00:00","LastModifiedTime":"2020-03-02T00:00:00+00:00",
    "LabelingJobStatus":"Completed","LabelCounters":{"TotalLabeled":10,"HumanLabeled":10,
    "MachineLabeled":0,"FailedNonRetryableError":0,"Unlabeled":0},
    "WorkteamArn":"arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/team",
    "PreHumanTaskLambdaArn":"arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox",
    "InputConfig":{"DataSource":{"S3DataSource":{"ManifestS3Uri":"s3://in/manifest"}}}}]})";

constexpr const char* kEdsArn =
    "arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE";
constexpr const char* kEdsArn2 =
    "arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/EXAMPLE-2222-4e8f-8bd1-bcf6cEXAMPLE";

std::string store(const char* arn, const char* status, bool multi, const char* selectors) {
    return json::serialize(json::object{{"EventDataStoreArn", arn},
                                        {"Name", "lake"},
                                        {"Status", status},
                                        {"AdvancedEventSelectors", json::parse(selectors)},
                                        {"MultiRegionEnabled", multi},
                                        {"OrganizationEnabled", false},
                                        {"RetentionPeriod", 2557},
                                        {"TerminationProtectionEnabled", true},
                                        {"CreatedTimestamp", "2023-01-01T00:00:00+00:00"},
                                        {"UpdatedTimestamp", "2023-01-01T00:00:00+00:00"},
                                        {"BillingMode", "EXTENDABLE_RETENTION_PRICING"}});
}

constexpr const char* kManagementAdvanced =
    R"([{"Name":"Default management events","FieldSelectors":[
        {"Field":"eventCategory","Equals":["Management"]}]}])";

void no_stores(FakeAwsClient& aws) {
    aws.on_json("cloudtrail", "ListEventDataStores", R"({"EventDataStores":[]})");
}

TEST(VerdictLabelingEvents, EventHistoryAloneIsNonCompliant) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListLabelingJobs", kLabelingJobs);
    f.aws->on_json("cloudtrail", "DescribeTrails", R"({"trailList":[]})");
    no_stores(*f.aws);
    // Event history has the event: it always does, and that is not what is judged.
    f.aws->on_json("cloudtrail", "LookupEvents",
                   R"({"Events":[{"EventName":"CreateLabelingJob","EventId":"1"}]})");
    auto r = f.run("14.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_TRUE(r.evaluations[0].observed_value.is_null());
    EXPECT_EQ(r.evaluations[0].extra.at("labelingJobs"), json::value(1));
    EXPECT_EQ(f.aws->count("cloudtrail:LookupEvents"), 0u);
}

TEST(VerdictLabelingEvents, TrailRecordingWritesIsCompliantReadsOnlyIsNot) {
    {
        Fixture f;
        f.aws->on_json("sagemaker", "ListLabelingJobs", kLabelingJobs);
        trails(*f.aws, true, false);
        statuses(*f.aws, true);
        selectors(*f.aws, R"({"EventSelectors":[{"ReadWriteType":"WriteOnly",
            "IncludeManagementEvents":true,"DataResources":[],"ExcludeManagementEventSources":[]}]})");
        no_stores(*f.aws);
        auto r = f.run("14.0-03");
        EXPECT_EQ(r.status, Status::compliant);
        EXPECT_EQ(r.evaluations.at(0).extra.at("coveredBy").at("kind"), json::value("trail"));
    }
    {
        Fixture f;
        f.aws->on_json("sagemaker", "ListLabelingJobs", kLabelingJobs);
        trails(*f.aws, true, false);
        statuses(*f.aws, true);
        selectors(*f.aws, R"({"AdvancedEventSelectors":[{"Name":"reads","FieldSelectors":[
            {"Field":"eventCategory","Equals":["Management"]},{"Field":"readOnly","Equals":["true"]}]}]})");
        no_stores(*f.aws);
        auto r = f.run("14.0-03");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_EQ(r.evaluations.at(0).observed_value.at("ManagementWriteEvents"),
                  json::value(false));
    }
}

TEST(VerdictLabelingEvents, EventDataStoreIsReadWithGetNotTheDeprecatedListFields) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListLabelingJobs", kLabelingJobs);
    f.aws->on_json("cloudtrail", "DescribeTrails", R"({"trailList":[]})");
    // The list's deprecated copies still say ENABLED; the store stopped ingesting.
    f.aws->on_json("cloudtrail", "ListEventDataStores",
                   store(kEdsArn, "ENABLED", true, kManagementAdvanced)
                       .insert(0, "{\"EventDataStores\":[")
                       .append("]}")
                       .c_str());
    by_param(*f.aws, "cloudtrail", "GetEventDataStore", "EventDataStore",
             {{kEdsArn, store(kEdsArn, "STOPPED_INGESTION", true, kManagementAdvanced)}});
    auto r = f.run("14.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(r.evaluations.at(0).observed_value.at("Status"), json::value("STOPPED_INGESTION"));
}

TEST(VerdictLabelingEvents, MultiRegionStoreOnTheSecondPageCoversOtherRegions) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    f.aws->on("sagemaker", "ListLabelingJobs",
              [](const json::object&, const std::string& region) -> Result {
                  if (region == "eu-west-1") return json::parse(kLabelingJobs);
                  return json::parse(R"({"LabelingJobSummaryList":[]})");
              });
    f.aws->on_json("cloudtrail", "DescribeTrails", R"({"trailList":[]})");
    // Current answers carry only the ARN and the name; the store is on page two of us-east-1.
    f.aws->on(
        "cloudtrail", "ListEventDataStores",
        [](const json::object& p, const std::string& region) -> Result {
            if (region != "us-east-1") return json::parse(R"({"EventDataStores":[]})");
            if (!p.contains("NextToken"))
                return json::parse(std::string(R"({"EventDataStores":[{"EventDataStoreArn":")") +
                                   kEdsArn2 + R"(","Name":"config-items"}],"NextToken":"page2"})");
            return json::parse(std::string(R"({"EventDataStores":[{"EventDataStoreArn":")") +
                               kEdsArn + R"(","Name":"lake"}]})");
        });
    by_param(*f.aws, "cloudtrail", "GetEventDataStore", "EventDataStore",
             {{kEdsArn, store(kEdsArn, "ENABLED", true, kManagementAdvanced)},
              {kEdsArn2, store(kEdsArn2, "ENABLED", false,
                               R"([{"Name":"config","FieldSelectors":[
                                   {"Field":"eventCategory","Equals":["ConfigurationItem"]}]}])")}});
    auto r = f.run("14.0-03");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 1u);  // us-east-1 has no labeling job: not judged
    const auto& e = r.evaluations[0];
    EXPECT_EQ(e.resource_id, "eu-west-1");
    EXPECT_EQ(e.extra.at("coveredBy").at("kind"), json::value("eventDataStore"));
    EXPECT_EQ(e.extra.at("coveredBy").at("arn"), json::value(kEdsArn));
    for (const auto& region : regions_of(*f.aws, "cloudtrail:GetEventDataStore"))
        EXPECT_EQ(region, "us-east-1");
}

TEST(VerdictLabelingEvents, FailedStoreReadsAreErrors) {
    {
        Fixture f;
        f.aws->on_json("sagemaker", "ListLabelingJobs", kLabelingJobs);
        f.aws->on_json("cloudtrail", "DescribeTrails", R"({"trailList":[]})");
        f.aws->deny("cloudtrail", "ListEventDataStores", "cloudtrail:ListEventDataStores");
        auto r = f.run("14.0-03");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_TRUE(has_permission(r.evaluations.at(0), "cloudtrail:ListEventDataStores"));
    }
    {
        Fixture f;
        f.aws->on_json("sagemaker", "ListLabelingJobs", kLabelingJobs);
        f.aws->on_json("cloudtrail", "DescribeTrails", R"({"trailList":[]})");
        f.aws->on_json("cloudtrail", "ListEventDataStores",
                       (std::string(R"({"EventDataStores":[{"EventDataStoreArn":")") + kEdsArn +
                        R"(","Name":"lake"}]})")
                           .c_str());
        f.aws->deny("cloudtrail", "GetEventDataStore", "cloudtrail:GetEventDataStore");
        auto r = f.run("14.0-03");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_TRUE(has_permission(r.evaluations.at(0), "cloudtrail:GetEventDataStore"));
    }
}

TEST(VerdictLabelingEvents, NoLabelingJobIsSkippedWithoutCloudTrailReads) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListLabelingJobs", R"({"LabelingJobSummaryList":[]})");
    auto r = f.run("14.0-03");
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_EQ(f.aws->count("cloudtrail:DescribeTrails"), 0u);
    EXPECT_EQ(f.aws->count("cloudtrail:ListEventDataStores"), 0u);
}

// ---- 1.0-05 ----
std::string analyzer(const char* name, const char* type, const char* status) {
    return json::serialize(json::object{
        {"arn", std::string("arn:aws:access-analyzer:us-east-1:123456789012:analyzer/") + name},
        {"name", name},
        {"type", type},
        {"createdAt", "2024-01-02T03:04:05+00:00"},
        {"lastResourceAnalyzed", "arn:aws:s3:::bucket"},
        {"lastResourceAnalyzedAt", "2024-01-02T03:05:00+00:00"},
        {"tags", json::object{}},
        {"status", status}});
}

std::string analyzers(std::initializer_list<std::string> items) {
    std::string out = R"({"analyzers":[)";
    bool first = true;
    for (const auto& i : items) {
        if (!first) out += ",";
        out += i;
        first = false;
    }
    return out + "]}";
}

TEST(VerdictAccessAnalyzer, OnlyActiveExternalAccessAnalyzersCount) {
    struct Case {
        std::string doc;
        Status want;
    };
    const Case cases[] = {
        {analyzers({analyzer("ext", "ACCOUNT", "ACTIVE")}), Status::compliant},
        {analyzers({analyzer("org", "ORGANIZATION", "ACTIVE")}), Status::compliant},
        {analyzers({analyzer("unused", "ACCOUNT_UNUSED_ACCESS", "ACTIVE")}), Status::non_compliant},
        {analyzers({analyzer("internal", "ACCOUNT_INTERNAL_ACCESS", "ACTIVE"),
                    analyzer("orgunused", "ORGANIZATION_UNUSED_ACCESS", "ACTIVE"),
                    analyzer("orginternal", "ORGANIZATION_INTERNAL_ACCESS", "ACTIVE")}),
         Status::non_compliant},
        {analyzers({analyzer("ext", "ACCOUNT", "DISABLED")}), Status::non_compliant},
        {analyzers({analyzer("ext", "ACCOUNT", "CREATING")}), Status::non_compliant},
        {R"({"analyzers":[]})", Status::non_compliant},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.doc);
        Fixture f;
        f.aws->on_json("accessanalyzer", "ListAnalyzers", c.doc.c_str());
        auto r = f.run("1.0-05");
        EXPECT_EQ(r.status, c.want);
        ASSERT_EQ(r.evaluations.size(), 1u);
    }
    Fixture f;
    f.aws->on_json("accessanalyzer", "ListAnalyzers",
                   analyzers({analyzer("unused", "ACCOUNT_UNUSED_ACCESS", "ACTIVE")}).c_str());
    auto r = f.run("1.0-05");
    const auto& e = r.evaluations.at(0);
    EXPECT_EQ(e.observed_value, json::value(0));
    EXPECT_EQ(e.extra.at("otherAnalyzers").as_array().at(0).at("type"),
              json::value("ACCOUNT_UNUSED_ACCESS"));
    EXPECT_TRUE(e.extra.contains("note"));
}

TEST(VerdictAccessAnalyzer, EachRegionNeedsItsOwnAndDenialIsError) {
    {
        Fixture f;
        f.scope.regions = {"us-east-1", "eu-west-1"};
        f.aws->on("accessanalyzer", "ListAnalyzers",
                  [](const json::object&, const std::string& region) -> Result {
                      if (region == "us-east-1")
                          return json::parse(analyzers({analyzer("ext", "ACCOUNT", "ACTIVE")}));
                      return json::parse(
                          analyzers({analyzer("unused", "ACCOUNT_UNUSED_ACCESS", "ACTIVE")}));
                  });
        auto r = f.run("1.0-05");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_EQ(eval_of(r, "us-east-1")->status, Status::compliant);
        EXPECT_EQ(eval_of(r, "eu-west-1")->status, Status::non_compliant);
        EXPECT_EQ(r.evidence.at("regionsWithActiveAnalyzer").as_uint64(), 1u);
    }
    {
        Fixture f;
        f.aws->deny("accessanalyzer", "ListAnalyzers", "access-analyzer:ListAnalyzers");
        auto r = f.run("1.0-05");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_TRUE(has_permission(r.evaluations.at(0), "access-analyzer:ListAnalyzers"));
    }
}

// A member account cannot see its organization's ORGANIZATION analyzer (it lives in the
// management or delegated administrator account): a region without an analyzer of its own is
// not evidenced there, with the reason; the management account fails such a region.
constexpr const char* kOrgOf111 = R"({"Organization":{"Id":"o-exampleorgid",
    "Arn":"arn:aws:organizations::111111111111:organization/o-exampleorgid","FeatureSet":"ALL",
    "MasterAccountArn":"arn:aws:organizations::111111111111:account/o-exampleorgid/111111111111",
    "MasterAccountId":"111111111111","MasterAccountEmail":"bill@example.com"}})";

TEST(VerdictAccessAnalyzer, AMemberAccountWithoutItsOwnIsNotEvidencedWithTheReason) {
    {
        Fixture f;  // member (the audited account is 123456789012), no analyzer anywhere
        f.scope.regions = {"us-east-1", "eu-west-1"};
        f.aws->on_json("accessanalyzer", "ListAnalyzers", R"({"analyzers":[]})");
        f.aws->on_json("organizations", "DescribeOrganization", kOrgOf111);
        auto r = f.run("1.0-05");
        EXPECT_EQ(r.status, Status::skipped);
        ASSERT_TRUE(r.reason.has_value());
        EXPECT_NE(r.reason->find("111111111111"), std::string::npos) << *r.reason;
        EXPECT_NE(r.reason->find("eu-west-1"), std::string::npos) << *r.reason;
        EXPECT_EQ(r.evidence.at("regionsNotEvidenced").as_array().size(), 2u);
        EXPECT_EQ(f.aws->count("organizations:DescribeOrganization"), 1u);
    }
    {
        Fixture f;  // member with its own analyzer in one region: judged there, noted elsewhere
        f.scope.regions = {"us-east-1", "eu-west-1"};
        f.aws->on("accessanalyzer", "ListAnalyzers",
                  [](const json::object&, const std::string& region) -> Result {
                      if (region == "us-east-1")
                          return json::parse(analyzers({analyzer("ext", "ACCOUNT", "ACTIVE")}));
                      return json::parse(R"({"analyzers":[]})");
                  });
        f.aws->on_json("organizations", "DescribeOrganization", kOrgOf111);
        auto r = f.run("1.0-05");
        EXPECT_EQ(r.status, Status::compliant);
        EXPECT_EQ(r.evaluations.size(), 1u);
        ASSERT_EQ(r.notes.size(), 1u);
        EXPECT_NE(r.notes[0].find("eu-west-1"), std::string::npos);
    }
    {
        Fixture f;  // the management account sees every analyzer it has: none fails
        f.scope.account = "111111111111";
        f.aws->on_json("accessanalyzer", "ListAnalyzers", R"({"analyzers":[]})");
        f.aws->on_json("organizations", "DescribeOrganization", kOrgOf111);
        EXPECT_EQ(f.run("1.0-05").status, Status::non_compliant);
    }
    {
        Fixture f;  // membership unreadable: the region fails, and the evidence says why unsure
        f.aws->on_json("accessanalyzer", "ListAnalyzers", R"({"analyzers":[]})");
        f.aws->deny("organizations", "DescribeOrganization", "organizations:DescribeOrganization");
        auto r = f.run("1.0-05");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_TRUE(r.evaluations.at(0).extra.contains("organizationPosition"));
    }
}

// ---- 15.0-02 ----
std::string bus_arn(const std::string& name, const std::string& region = "us-east-1",
                    const std::string& account = "123456789012") {
    return "arn:aws:events:" + region + ":" + account + ":event-bus/" + name;
}

std::string bus(const std::string& name) {
    return json::serialize(json::object{{"Name", name},
                                        {"Arn", bus_arn(name)},
                                        {"CreationTime", "2024-01-02T03:04:05+00:00"},
                                        {"LastModifiedTime", "2024-01-02T03:04:05+00:00"}});
}

std::string rule(const std::string& name, const std::string& bus_name,
                 const std::string& state = "ENABLED") {
    const std::string arn = "arn:aws:events:us-east-1:123456789012:rule/" +
                            (bus_name == "default" ? name : bus_name + "/" + name);
    return json::serialize(json::object{{"Name", name},
                                        {"Arn", arn},
                                        {"EventPattern", R"({"source":["aws.sagemaker"]})"},
                                        {"State", state},
                                        {"EventBusName", bus_name}});
}

std::string target(const std::string& id, const std::string& arn) {
    json::object t{{"Id", id}, {"Arn", arn}};
    if (arn.find(":event-bus/") != std::string::npos)
        t["RoleArn"] = "arn:aws:iam::123456789012:role/events-put";
    return json::serialize(t);
}

std::string list_of(const char* key, std::initializer_list<std::string> items) {
    std::string out = std::string("{\"") + key + "\":[";
    bool first = true;
    for (const auto& i : items) {
        if (!first) out += ",";
        out += i;
        first = false;
    }
    return out + "]}";
}

// Rules per bus (ListRules EventBusName) and targets per "bus/rule".
void event_bridge(FakeAwsClient& aws, std::map<std::string, std::string> rules,
                  std::map<std::string, std::string> targets) {
    aws.on("events", "ListRules", [rules](const json::object& p, const std::string&) -> Result {
        const auto it = rules.find(std::string(p.at("EventBusName").as_string()));
        if (it == rules.end()) return json::parse(R"({"Rules":[]})");
        return json::parse(it->second);
    });
    aws.on("events", "ListTargetsByRule",
           [targets](const json::object& p, const std::string&) -> Result {
               const std::string key = std::string(p.at("EventBusName").as_string()) + "/" +
                                       std::string(p.at("Rule").as_string());
               const auto it = targets.find(key);
               if (it == targets.end()) return json::parse(R"({"Targets":[]})");
               return json::parse(it->second);
           });
}

void buses(FakeAwsClient& aws, std::initializer_list<std::string> names) {
    json::array list;
    for (const auto& n : names)
        list.push_back(json::parse(bus(n)));
    aws.on("events", "ListEventBuses", json::value(json::object{{"EventBuses", list}}));
}

TEST(VerdictEventBridge, RuleWhoseOnlyTargetIsItsOwnBusLoops) {
    Fixture f;
    buses(*f.aws, {"default"});
    event_bridge(*f.aws, {{"default", list_of("Rules", {rule("echo", "default")})}},
                 {{"default/echo", list_of("Targets", {target("1", bus_arn("default"))})}});
    auto r = f.run("15.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    const auto* e = eval_of(r, "echo");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->observed_value, json::value(1));
    EXPECT_EQ(e->extra.at("deliveryTargets"), json::value(0));
    EXPECT_EQ(e->evidence_path, "Targets[0].Arn");
    EXPECT_NE(std::string(e->extra.at("note").as_string()).find("no delivery target"),
              std::string::npos);
}

TEST(VerdictEventBridge, CustomBusesAreReadFromEveryPageOfTheBusList) {
    Fixture f;
    f.aws->on("events", "ListEventBuses", [](const json::object& p, const std::string&) -> Result {
        if (!p.contains("NextToken"))
            return json::parse(std::string(R"({"EventBuses":[)") + bus("default") +
                               R"(],"NextToken":"page2"})");
        return json::parse(std::string(R"({"EventBuses":[)") + bus("ml-events") + "]}");
    });
    event_bridge(
        *f.aws,
        {{"default", list_of("Rules", {rule("fan", "default")})},
         {"ml-events", list_of("Rules", {rule("retrain", "ml-events")})}},
        {{"default/fan",
          list_of("Targets", {target("1", "arn:aws:lambda:us-east-1:123456789012:function:a"),
                              target("2", "arn:aws:sqs:us-east-1:123456789012:q"),
                              target("3", "arn:aws:sns:us-east-1:123456789012:t")})},
         {"ml-events/retrain", list_of("Targets", {target("1", bus_arn("ml-events")),
                                                   target("2",
                                                          "arn:aws:states:us-east-1:"
                                                          "123456789012:stateMachine:train")})}});
    auto r = f.run("15.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "fan")->status, Status::compliant);  // fan-out cannot loop
    const auto* retrain = eval_of(r, "ml-events/retrain");
    ASSERT_NE(retrain, nullptr);
    EXPECT_EQ(retrain->status, Status::non_compliant);
    EXPECT_EQ(retrain->extra.at("deliveryTargets"), json::value(1));
    EXPECT_EQ(r.evidence.at("eventBuses"), json::value(2));
    bool custom_targets_read = false;
    for (const auto& c : f.aws->calls())
        if (c.op == "events:ListTargetsByRule" && c.params.find("ml-events") != std::string::npos)
            custom_targets_read = true;
    EXPECT_TRUE(custom_targets_read);
}

TEST(VerdictEventBridge, RoutesThroughOtherBusesAreFollowed) {
    Fixture f;
    buses(*f.aws, {"default", "central", "archive"});
    event_bridge(
        *f.aws,
        {{"default",
          list_of("Rules", {rule("to-central", "default"), rule("to-archive", "default")})},
         {"central", list_of("Rules", {rule("back", "central")})},
         {"archive", list_of("Rules", {rule("store", "archive")})}},
        {{"default/to-central", list_of("Targets", {target("1", bus_arn("central"))})},
         {"default/to-archive", list_of("Targets", {target("1", bus_arn("archive"))})},
         {"central/back", list_of("Targets", {target("1", bus_arn("default"))})},
         {"archive/store",
          list_of("Targets", {target("1", "arn:aws:lambda:us-east-1:123456789012:function:s")})}});
    auto r = f.run("15.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    const auto* to_central = eval_of(r, "to-central");
    ASSERT_NE(to_central, nullptr);
    EXPECT_EQ(to_central->status, Status::non_compliant);
    const auto& path = to_central->extra.at("loops").as_array().at(0).at("busPath").as_array();
    ASSERT_EQ(path.size(), 3u);  // default -> central -> default
    EXPECT_EQ(path[0], json::value(bus_arn("default")));
    EXPECT_EQ(path[1], json::value(bus_arn("central")));
    EXPECT_EQ(eval_of(r, "central/back")->status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "to-archive")->status, Status::compliant);  // a plain relay
    EXPECT_EQ(eval_of(r, "archive/store")->status, Status::compliant);
}

TEST(VerdictEventBridge, DisabledRulesAreListedNotJudged) {
    Fixture f;
    buses(*f.aws, {"default"});
    event_bridge(*f.aws, {{"default", list_of("Rules", {rule("echo", "default", "DISABLED")})}},
                 {{"default/echo", list_of("Targets", {target("1", bus_arn("default"))})}});
    auto r = f.run("15.0-02");
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_EQ(r.evidence.at("disabledRules").as_array().size(), 1u);
    EXPECT_EQ(f.aws->count("events:ListTargetsByRule"), 0u);
}

TEST(VerdictEventBridge, CrossAccountBusIsNotedAndRoutesThroughUnreadBusesAreErrors) {
    {
        Fixture f;
        buses(*f.aws, {"default"});
        event_bridge(
            *f.aws, {{"default", list_of("Rules", {rule("share", "default")})}},
            {{"default/share",
              list_of("Targets", {target("1", bus_arn("default", "us-east-1", "210987654321"))})}});
        auto r = f.run("15.0-02");
        EXPECT_EQ(r.status, Status::compliant);
        EXPECT_EQ(eval_of(r, "share")->extra.at("busesOutsideAudit").as_array().size(), 1u);
    }
    {
        Fixture f;
        buses(*f.aws, {"default", "central"});
        event_bridge(
            *f.aws,
            {{"default",
              list_of("Rules", {rule("to-central", "default"), rule("local", "default")})}},
            {{"default/to-central", list_of("Targets", {target("1", bus_arn("central"))})},
             {"default/local",
              list_of("Targets",
                      {target("1", "arn:aws:lambda:us-east-1:123456789012:function:a")})}});
        f.aws->on("events", "ListRules", [](const json::object& p, const std::string&) -> Result {
            if (p.at("EventBusName") == json::value("central"))
                return denied("events", "ListRules", "events:ListRules");
            return json::parse(
                list_of("Rules", {rule("to-central", "default"), rule("local", "default")}));
        });
        auto r = f.run("15.0-02");
        EXPECT_EQ(r.status, Status::error);
        const auto* e = eval_of(r, "to-central");
        ASSERT_NE(e, nullptr);
        EXPECT_EQ(e->status, Status::error);
        EXPECT_TRUE(has_permission(*e, "events:ListRules"));
        EXPECT_EQ(eval_of(r, "local")->status, Status::compliant);
    }
}

TEST(VerdictEventBridge, DeniedBusListIsError) {
    Fixture f;
    f.aws->deny("events", "ListEventBuses", "events:ListEventBuses");
    auto r = f.run("15.0-02");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_TRUE(has_permission(r.evaluations.at(0), "events:ListEventBuses"));
}

}  // namespace
