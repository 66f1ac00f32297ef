// The data/ML group's checks on recorded documents: COMPLIANT, NON_COMPLIANT, ERROR (denied read
// naming the IAM action) and SKIPPED where "no resources" applies.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "checks/check.hpp"
#include "checks/lakeformation_helpers.hpp"
#include "engine/fake_aws.hpp"
#include "inventory/facts.hpp"

namespace {

namespace json = boost::json;
using dspm::engine::MappingResult;
using dspm::engine::Status;
using dspm::test::FakeAwsClient;

struct Fixture {
    std::shared_ptr<FakeAwsClient> aws = std::make_shared<FakeAwsClient>();
    dspm::checks::CheckScope scope;
    Fixture() {
        scope.account = "123456789012";
        scope.regions = {"us-east-1"};
    }
    MappingResult run(const std::string& code) {
        const auto* check = dspm::checks::find_check(code);
        EXPECT_NE(check, nullptr) << code;
        if (check == nullptr) return {};
        dspm::inventory::CachedFacts facts(aws, nullptr, scope.account);
        return check->run(facts, scope);
    }
};

std::string missing_permission(const MappingResult& r) {
    for (const auto& e : r.evaluations) {
        if (const auto* m = e.extra.if_contains("missingPermissions"))
            return std::string(m->as_array().at(0).as_string());
    }
    return {};
}

// ---- 6.0-01 SageMaker endpoints ----
TEST(DataMlEndpoints, AllInServiceIsCompliant) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListEndpoints",
                   R"({"Endpoints":[{"EndpointName":"a","EndpointStatus":"InService"},
                                    {"EndpointName":"b","EndpointStatus":"InService"}]})");
    auto r = f.run("6.0-01");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(r.evaluations[1].resource_id, "b");
    EXPECT_EQ(r.evaluations[1].evidence_path, "Endpoints[1].EndpointStatus");
    EXPECT_EQ(r.evidence.at("inService").to_number<std::int64_t>(), 2);
}

TEST(DataMlEndpoints, FailedEndpointIsNonCompliant) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListEndpoints",
                   R"({"Endpoints":[{"EndpointName":"a","EndpointStatus":"InService"},
                                    {"EndpointName":"b","EndpointStatus":"Failed"}]})");
    auto r = f.run("6.0-01");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[1].observed_value, json::value("Failed"));
}

TEST(DataMlEndpoints, DeniedListIsError) {
    Fixture f;
    f.aws->deny("sagemaker", "ListEndpoints", "sagemaker:ListEndpoints");
    auto r = f.run("6.0-01");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "sagemaker:ListEndpoints");
}

TEST(DataMlEndpoints, NoEndpointsIsSkipped) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListEndpoints", R"({"Endpoints":[]})");
    auto r = f.run("6.0-01");
    EXPECT_EQ(r.status, Status::skipped);
    ASSERT_TRUE(r.reason.has_value());
}

// ---- 6.0-02 SageMaker Model Monitor ----
// One evaluation per endpoint: a Scheduled schedule covers only its own endpoint.
TEST(DataMlModelMonitor, ScheduledScheduleCoversOnlyItsEndpoint) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListEndpoints",
                   R"({"Endpoints":[{"EndpointName":"a","EndpointStatus":"InService"},
                                    {"EndpointName":"b","EndpointStatus":"InService"}]})");
    f.aws->on_json("sagemaker", "ListMonitoringSchedules",
                   R"({"MonitoringScheduleSummaries":[
                        {"MonitoringScheduleName":"s1","EndpointName":"a",
                         "MonitoringScheduleStatus":"Scheduled"},
                        {"MonitoringScheduleName":"s2","EndpointName":"b",
                         "MonitoringScheduleStatus":"Stopped"}]})");
    auto r = f.run("6.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(r.evaluations[0].resource_id, "a");
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].observed_value, json::value("Scheduled"));
    EXPECT_EQ(r.evaluations[1].resource_id, "b");
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[1].observed_value, json::value("Stopped"));
}

TEST(DataMlModelMonitor, EndpointsWithoutScheduleAreNonCompliant) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListEndpoints",
                   R"({"Endpoints":[{"EndpointName":"a","EndpointStatus":"InService"}]})");
    f.aws->on_json("sagemaker", "ListMonitoringSchedules",
                   R"({"MonitoringScheduleSummaries":[
                        {"MonitoringScheduleName":"s1","EndpointName":"a",
                         "MonitoringScheduleStatus":"Stopped"}]})");
    auto r = f.run("6.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(r.evaluations.at(0).observed_value, json::value("Stopped"));
}

TEST(DataMlModelMonitor, DeniedScheduleListIsError) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListEndpoints",
                   R"({"Endpoints":[{"EndpointName":"a","EndpointStatus":"InService"}]})");
    f.aws->deny("sagemaker", "ListMonitoringSchedules", "sagemaker:ListMonitoringSchedules");
    auto r = f.run("6.0-02");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "sagemaker:ListMonitoringSchedules");
}

TEST(DataMlModelMonitor, DeniedEndpointListWithoutScheduleIsError) {
    Fixture f;
    f.aws->deny("sagemaker", "ListEndpoints", "sagemaker:ListEndpoints");
    f.aws->on_json("sagemaker", "ListMonitoringSchedules", R"({"MonitoringScheduleSummaries":[]})");
    auto r = f.run("6.0-02");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "sagemaker:ListEndpoints");
}

TEST(DataMlModelMonitor, NeitherEndpointsNorSchedulesIsSkipped) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListEndpoints", R"({"Endpoints":[]})");
    f.aws->on_json("sagemaker", "ListMonitoringSchedules", R"({"MonitoringScheduleSummaries":[]})");
    auto r = f.run("6.0-02");
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_TRUE(r.evaluations.empty());
}

// ---- 6.0-05 SageMaker Model Registry ----
void model_groups(FakeAwsClient& aws) {
    aws.on_json("sagemaker", "ListModelPackageGroups",
                R"({"ModelPackageGroupSummaryList":[{"ModelPackageGroupName":"good"},
                                                    {"ModelPackageGroupName":"pending"},
                                                    {"ModelPackageGroupName":"empty"}]})");
    aws.on("sagemaker", "ListModelPackages",
           [](const json::object& p, const std::string&) -> FakeAwsClient::Result {
               const auto g = p.at("ModelPackageGroupName").as_string();
               if (g == "good")
                   // The latest (version 2) is approved; an older rejected one is history.
                   return json::parse(R"({"ModelPackageSummaryList":[
                       {"ModelPackageVersion":2,"ModelApprovalStatus":"Approved"},
                       {"ModelPackageVersion":1,"ModelApprovalStatus":"Rejected"}]})");
               if (g == "pending")
                   return json::parse(R"({"ModelPackageSummaryList":[
                       {"ModelPackageVersion":1,"ModelApprovalStatus":"Approved"},
                       {"ModelPackageVersion":3,"ModelApprovalStatus":"PendingManualApproval"}]})");
               return json::parse(R"({"ModelPackageSummaryList":[]})");
           });
}

TEST(DataMlModelRegistry, LatestApprovedIsCompliantOthersNot) {
    Fixture f;
    model_groups(*f.aws);
    auto r = f.run("6.0-05");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(r.evaluations[0].resource_id, "good");
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].evidence_path, "ModelPackageSummaryList[0].ModelApprovalStatus");
    EXPECT_EQ(r.evaluations[1].resource_id, "pending");
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[1].observed_value, json::value("PendingManualApproval"));
    ASSERT_EQ(r.notes.size(), 1u);
    EXPECT_NE(r.notes[0].find("empty"), std::string::npos);
}

TEST(DataMlModelRegistry, AllLatestApprovedIsCompliant) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListModelPackageGroups",
                   R"({"ModelPackageGroupSummaryList":[{"ModelPackageGroupName":"good"}]})");
    f.aws->on_json("sagemaker", "ListModelPackages",
                   R"({"ModelPackageSummaryList":[
                       {"ModelPackageVersion":1,"ModelApprovalStatus":"Approved"}]})");
    auto r = f.run("6.0-05");
    EXPECT_EQ(r.status, Status::compliant);
    EXPECT_EQ(r.evidence.at("latestApproved").to_number<std::int64_t>(), 1);
}

TEST(DataMlModelRegistry, DeniedPackageListIsError) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListModelPackageGroups",
                   R"({"ModelPackageGroupSummaryList":[{"ModelPackageGroupName":"g"}]})");
    f.aws->deny("sagemaker", "ListModelPackages", "sagemaker:ListModelPackages");
    auto r = f.run("6.0-05");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "sagemaker:ListModelPackages");
    EXPECT_EQ(r.evaluations.at(0).resource_id, "g");
}

TEST(DataMlModelRegistry, DeniedGroupListIsError) {
    Fixture f;
    f.aws->deny("sagemaker", "ListModelPackageGroups", "sagemaker:ListModelPackageGroups");
    auto r = f.run("6.0-05");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "sagemaker:ListModelPackageGroups");
}

TEST(DataMlModelRegistry, NoGroupsIsSkipped) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListModelPackageGroups", R"({"ModelPackageGroupSummaryList":[]})");
    auto r = f.run("6.0-05");
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_EQ(f.aws->count("sagemaker:ListModelPackages"), 0u);
}

// ---- 5.0-03 Experiments, 15.0-01 Pipelines, 5.0-01 DataBrew, 5.0-02 Glue Data Quality,
// 5.0-05 LF-Tags: "at least one per region" ----
struct PresenceCase {
    const char* service;
    const char* code;
    const char* op;
    const char* list;
    const char* action;
};
const PresenceCase kPresence[] = {
    {"sagemaker", "5.0-03", "ListExperiments", "ExperimentSummaries", "sagemaker:ListExperiments"},
    {"sagemaker", "15.0-01", "ListPipelines", "PipelineSummaries", "sagemaker:ListPipelines"},
    {"databrew", "5.0-01", "ListProjects", "Projects", "databrew:ListProjects"},
    {"glue", "5.0-02", "ListDataQualityRulesets", "Rulesets", "glue:ListDataQualityRulesets"},
    {"lakeformation", "5.0-05", "ListLFTags", "LFTags", "lakeformation:ListLFTags"},
};

TEST(DataMlPresence, OnePerRegionIsCompliant) {
    for (const auto& c : kPresence) {
        Fixture f;
        f.scope.regions = {"us-east-1", "eu-west-1"};
        f.aws->on(c.service, c.op, json::value{{c.list, json::array{json::object{{"X", 1}}}}});
        auto r = f.run(c.code);
        EXPECT_EQ(r.status, Status::compliant) << c.code;
        ASSERT_EQ(r.evaluations.size(), 2u) << c.code;
        EXPECT_EQ(r.evaluations[1].region, "eu-west-1");
        EXPECT_EQ(r.evaluations[1].observed_value, json::value(1)) << c.code;
    }
}

// These five are one way of meeting their controls (Applicability::one_way): a region without the
// resource evidences nothing, so it gives no evaluation; it is listed in evidence.notEvidenced, and
// with none anywhere the result is SKIPPED "not evidenced", not NON_COMPLIANT.
TEST(DataMlPresence, EmptyRegionIsNotEvidenced) {
    for (const auto& c : kPresence) {
        Fixture f;
        f.scope.regions = {"us-east-1", "eu-west-1"};
        const std::string list = c.list;
        f.aws->on(c.service, c.op,
                  [list](const json::object&, const std::string& region) -> FakeAwsClient::Result {
                      json::array items;
                      if (region == "us-east-1") items.push_back(json::object{{"X", 1}});
                      return json::value{{list, items}};
                  });
        auto r = f.run(c.code);
        EXPECT_EQ(r.status, Status::compliant) << c.code;
        ASSERT_EQ(r.evaluations.size(), 1u);
        EXPECT_EQ(r.evaluations[0].region, "us-east-1");
        EXPECT_EQ(r.evidence.at("notEvidenced").as_array().at(0), "eu-west-1") << c.code;
        ASSERT_FALSE(r.notes.empty());
        EXPECT_NE(r.notes.back().find("not evidenced"), std::string::npos);

        Fixture none;
        none.aws->on(c.service, c.op, json::value{{c.list, json::array{}}});
        auto absent = none.run(c.code);
        EXPECT_EQ(absent.status, Status::skipped) << c.code;
        ASSERT_TRUE(absent.reason.has_value());
        EXPECT_NE(absent.reason->find("review by other means"), std::string::npos)
            << *absent.reason;
        EXPECT_TRUE(absent.evaluations.empty());
    }
}

TEST(DataMlPresence, DeniedListIsError) {
    for (const auto& c : kPresence) {
        Fixture f;
        f.aws->deny(c.service, c.op, c.action);
        auto r = f.run(c.code);
        EXPECT_EQ(r.status, Status::error) << c.code;
        EXPECT_EQ(missing_permission(r), c.action);
    }
}

// ---- 5.0-04 Feature Store ----
TEST(DataMlFeatureStore, CreatedGroupsAreCompliant) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListFeatureGroups",
                   R"({"FeatureGroupSummaries":[{"FeatureGroupName":"fg",
                                                 "FeatureGroupStatus":"Created"}]})");
    auto r = f.run("5.0-04");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(r.evaluations[0].resource_id, "fg");
    EXPECT_EQ(r.evaluations[0].evidence_path, "FeatureGroupSummaries[0].FeatureGroupStatus");
}

TEST(DataMlFeatureStore, FailedGroupIsNonCompliant) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListFeatureGroups",
                   R"({"FeatureGroupSummaries":[
                        {"FeatureGroupName":"ok","FeatureGroupStatus":"Created"},
                        {"FeatureGroupName":"bad","FeatureGroupStatus":"CreateFailed"}]})");
    auto r = f.run("5.0-04");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(r.evaluations.at(1).observed_value, json::value("CreateFailed"));
    EXPECT_EQ(r.evidence.at("created").to_number<std::int64_t>(), 1);
}

TEST(DataMlFeatureStore, DeniedListIsError) {
    Fixture f;
    f.aws->deny("sagemaker", "ListFeatureGroups", "sagemaker:ListFeatureGroups");
    auto r = f.run("5.0-04");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "sagemaker:ListFeatureGroups");
}

TEST(DataMlFeatureStore, NoGroupsIsSkipped) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListFeatureGroups", R"({"FeatureGroupSummaries":[]})");
    EXPECT_EQ(f.run("5.0-04").status, Status::skipped);
}

// ---- 14.0-01 Ground Truth ----
TEST(DataMlGroundTruth, CompletedJobsAreCompliantRunningOnesNoted) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListLabelingJobs",
                   R"({"LabelingJobSummaryList":[
                        {"LabelingJobName":"done","LabelingJobStatus":"Completed"},
                        {"LabelingJobName":"running","LabelingJobStatus":"InProgress"}]})");
    auto r = f.run("14.0-01");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(r.evaluations[0].resource_id, "done");
    ASSERT_EQ(r.notes.size(), 1u);
    EXPECT_NE(r.notes[0].find("running"), std::string::npos);
}

TEST(DataMlGroundTruth, FailedAndStoppedJobsAreNonCompliant) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListLabelingJobs",
                   R"({"LabelingJobSummaryList":[
                        {"LabelingJobName":"done","LabelingJobStatus":"Completed"},
                        {"LabelingJobName":"broken","LabelingJobStatus":"Failed",
                         "FailureReason":"role"},
                        {"LabelingJobName":"halted","LabelingJobStatus":"Stopped"}]})");
    auto r = f.run("14.0-01");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[1].extra.at("FailureReason"), json::value("role"));
    EXPECT_EQ(r.evaluations[2].status, Status::non_compliant);
}

TEST(DataMlGroundTruth, DeniedListIsError) {
    Fixture f;
    f.aws->deny("sagemaker", "ListLabelingJobs", "sagemaker:ListLabelingJobs");
    auto r = f.run("14.0-01");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "sagemaker:ListLabelingJobs");
}

TEST(DataMlGroundTruth, OnlyRunningJobsIsSkipped) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListLabelingJobs",
                   R"({"LabelingJobSummaryList":[
                        {"LabelingJobName":"running","LabelingJobStatus":"InProgress"}]})");
    EXPECT_EQ(f.run("14.0-01").status, Status::skipped);
}

// ---- 13.0-02 Lake Formation permissions ----
const char* kSeparatedGrants = R"({"PrincipalResourcePermissions":[
    {"Principal":{"DataLakePrincipalIdentifier":"arn:aws:iam::123456789012:role/tenant-a"},
     "Resource":{"Table":{"DatabaseName":"a","Name":"orders"}},"Permissions":["SELECT"]}]})";

// GetDataLakeSettings naming the fake caller (arn:aws:iam::123456789012:user/t) an administrator.
const char* kCallerIsAdmin = R"({"DataLakeSettings":{
    "DataLakeAdmins":[{"DataLakePrincipalIdentifier":"arn:aws:iam::123456789012:user/t"}],
    "ReadOnlyAdmins":[],"CreateDatabaseDefaultPermissions":[],"CreateTableDefaultPermissions":[],
    "TrustedResourceOwners":[],"AllowExternalDataFiltering":false}})";
const char* kOtherAdmin = R"({"DataLakeSettings":{
    "DataLakeAdmins":[{"DataLakePrincipalIdentifier":"arn:aws:iam::123456789012:role/LakeAdmin"}],
    "CreateDatabaseDefaultPermissions":[],"CreateTableDefaultPermissions":[]}})";

TEST(DataMlLakeFormationPermissions, NoOpenGrantIsCompliant) {
    Fixture f;
    f.aws->on_json("lakeformation", "ListPermissions", kSeparatedGrants);
    f.aws->on_json("lakeformation", "GetDataLakeSettings", kCallerIsAdmin);
    auto r = f.run("13.0-02");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(r.evaluations[0].observed_value, json::value(0));
    EXPECT_EQ(r.evaluations[0].extra.at("totalGrants").to_number<std::int64_t>(), 1);
}

TEST(DataMlLakeFormationPermissions, OpenGrantIsNonCompliantAndNamesTheResource) {
    Fixture f;
    // Two pages: the open grant is on the second one, so NextToken must be followed.
    f.aws->on("lakeformation", "ListPermissions",
              [](const json::object& p, const std::string&) -> FakeAwsClient::Result {
                  if (!p.contains("NextToken")) {
                      auto doc = json::parse(kSeparatedGrants);
                      doc.as_object()["NextToken"] = "t2";
                      return doc;
                  }
                  return json::parse(R"({"PrincipalResourcePermissions":[
                      {"Principal":{"DataLakePrincipalIdentifier":"IAM_ALLOWED_PRINCIPALS"},
                       "Resource":{"Database":{"Name":"shared"}},"Permissions":["ALL"]}]})");
              });
    auto r = f.run("13.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(r.evaluations[0].observed_value, json::value(1));
    const auto& open = r.evaluations[0].extra.at("openResources").as_array();
    ASSERT_EQ(open.size(), 1u);
    EXPECT_EQ(open[0], json::value("Database:shared"));
}

TEST(DataMlLakeFormationPermissions, DeniedListIsError) {
    Fixture f;
    f.aws->deny("lakeformation", "ListPermissions", "lakeformation:ListPermissions");
    auto r = f.run("13.0-02");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "lakeformation:ListPermissions");
}

TEST(DataMlLakeFormationPermissions, NoPermissionsIsSkipped) {
    Fixture f;
    f.aws->on_json("lakeformation", "ListPermissions", R"({"PrincipalResourcePermissions":[]})");
    f.aws->on_json("lakeformation", "GetDataLakeSettings", kCallerIsAdmin);
    EXPECT_EQ(f.run("13.0-02").status, Status::skipped);
}

// ListPermissions shows a non-administrator only the grants it may pass on: "no open grant seen"
// is then a partial answer (ERROR saying so), never COMPLIANT; an open grant seen still fails.
TEST(DataMlLakeFormationPermissions, ANonAdministratorsViewIsPartial) {
    {
        Fixture f;
        f.aws->on_json("lakeformation", "ListPermissions", kSeparatedGrants);
        f.aws->on_json("lakeformation", "GetDataLakeSettings", kOtherAdmin);
        auto r = f.run("13.0-02");
        EXPECT_EQ(r.status, Status::error);
        ASSERT_EQ(r.evaluations.size(), 1u);
        EXPECT_NE(std::string(r.evaluations[0].extra.at("note").as_string()).find("partial"),
                  std::string::npos);
        EXPECT_NE(r.evaluations[0].decision.find("PartialAnswer"), std::string::npos);
    }
    {
        Fixture f;
        f.aws->on_json("lakeformation", "ListPermissions", R"({"PrincipalResourcePermissions":[
            {"Principal":{"DataLakePrincipalIdentifier":"IAM_ALLOWED_PRINCIPALS"},
             "Resource":{"Database":{"Name":"shared"}},"Permissions":["ALL"]}]})");
        f.aws->on_json("lakeformation", "GetDataLakeSettings", kOtherAdmin);
        EXPECT_EQ(f.run("13.0-02").status, Status::non_compliant);
    }
    {
        Fixture f;
        f.aws->on_json("lakeformation", "ListPermissions", kSeparatedGrants);
        f.aws->deny("lakeformation", "GetDataLakeSettings", "lakeformation:GetDataLakeSettings");
        auto r = f.run("13.0-02");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "lakeformation:GetDataLakeSettings");
    }
}

TEST(DataMlLakeFormationPermissions, AnAssumedRoleSessionMatchesItsRole) {
    using dspm::checks::lakeformation::same_principal;
    const std::string session = "arn:aws:sts::123456789012:assumed-role/LakeAdmin/audit-session";
    EXPECT_TRUE(same_principal("arn:aws:iam::123456789012:role/LakeAdmin", session));
    EXPECT_TRUE(same_principal("arn:aws:iam::123456789012:role/team/LakeAdmin", session));
    EXPECT_FALSE(same_principal("arn:aws:iam::111111111111:role/LakeAdmin", session));
    EXPECT_FALSE(same_principal("arn:aws:iam::123456789012:role/LakeAdmin2", session));
    EXPECT_FALSE(same_principal("arn:aws:iam::123456789012:user/LakeAdmin", session));
    EXPECT_TRUE(
        same_principal("arn:aws:iam::123456789012:user/t", "arn:aws:iam::123456789012:user/t"));
    EXPECT_FALSE(same_principal("", session));
}

// ---- 5.0-06 Glue catalog schema ----
void glue_catalog(FakeAwsClient& aws, const char* sales_tables) {
    aws.on_json("glue", "GetDatabases",
                R"({"DatabaseList":[{"Name":"sales"},
                                    {"Name":"link","TargetDatabase":{"DatabaseName":"x"}}]})");
    const std::string tables = sales_tables;
    aws.on("glue", "GetTables",
           [tables](const json::object& p, const std::string&) -> FakeAwsClient::Result {
               if (p.at("DatabaseName") == "sales") return json::parse(tables);
               return json::parse(R"({"TableList":[]})");
           });
}

TEST(DataMlGlueSchema, DeclaredColumnsAreCompliant) {
    Fixture f;
    glue_catalog(*f.aws, R"({"TableList":[
        {"Name":"orders","StorageDescriptor":{"Columns":[{"Name":"id","Type":"int"},
                                                         {"Name":"v","Type":"string"}]}},
        {"Name":"events","StorageDescriptor":{"Columns":[],
            "SchemaReference":{"SchemaVersionId":"abc"}}}]})");
    auto r = f.run("5.0-06");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(r.evaluations[0].resource_id, "sales.orders");
    EXPECT_EQ(r.evaluations[0].evidence_path, "TableList[0].StorageDescriptor.Columns");
    EXPECT_EQ(r.evaluations[0].observed_value, json::value(2));
    EXPECT_EQ(r.evaluations[1].evidence_path, "TableList[1].StorageDescriptor.SchemaReference");
    // The resource link database is noted, never read.
    EXPECT_EQ(f.aws->count("glue:GetTables"), 1u);
    bool noted = false;
    for (const auto& n : r.notes)
        noted = noted || n.find("link") != std::string::npos;
    EXPECT_TRUE(noted);
}

TEST(DataMlGlueSchema, TableWithoutColumnsIsNonCompliant) {
    Fixture f;
    glue_catalog(*f.aws, R"({"TableList":[
        {"Name":"orders","StorageDescriptor":{"Columns":[{"Name":"id"}]}},
        {"Name":"raw","StorageDescriptor":{"Columns":[]}},
        {"Name":"bare"}]})");
    auto r = f.run("5.0-06");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_TRUE(r.evaluations[1].observed_value.is_null());
    EXPECT_EQ(r.evaluations[2].extra.at("note"), json::value("no StorageDescriptor"));
    EXPECT_EQ(r.evidence.at("schemaDeclared").to_number<std::int64_t>(), 1);
}

TEST(DataMlGlueSchema, DeniedReadsAreErrors) {
    Fixture f;
    f.aws->deny("glue", "GetDatabases", "glue:GetDatabases");
    auto r = f.run("5.0-06");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "glue:GetDatabases");

    Fixture g;
    g.aws->on_json("glue", "GetDatabases", R"({"DatabaseList":[{"Name":"sales"}]})");
    g.aws->deny("glue", "GetTables", "glue:GetTables");
    auto r2 = g.run("5.0-06");
    EXPECT_EQ(r2.status, Status::error);
    EXPECT_EQ(missing_permission(r2), "glue:GetTables");
    EXPECT_EQ(r2.evaluations.at(0).resource_id, "sales");
}

TEST(DataMlGlueSchema, NoTablesIsSkipped) {
    Fixture f;
    glue_catalog(*f.aws, R"({"TableList":[]})");
    auto r = f.run("5.0-06");
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_TRUE(r.evaluations.empty());
}

}  // namespace

namespace {
// A list whose answers repeat their page token (or never end) is not a complete list: ERROR naming
// the operation, never the items seen so far judged as if they were all.
TEST(DataMlLakeFormationPermissions, AListThatRepeatsItsTokenIsAnError) {
    Fixture f;
    f.aws->on("lakeformation", "ListPermissions",
              [](const json::object&, const std::string&) -> FakeAwsClient::Result {
                  auto doc = json::parse(kSeparatedGrants);
                  doc.as_object()["NextToken"] = "again";
                  return doc;
              });
    f.aws->on_json("lakeformation", "GetDataLakeSettings", kCallerIsAdmin);
    auto r = f.run("13.0-02");
    EXPECT_EQ(r.status, Status::error);
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_NE(r.evaluations[0].decision.find("PaginationStopped"), std::string::npos)
        << r.evaluations[0].decision;
    EXPECT_EQ(f.aws->count("lakeformation:ListPermissions"), 2u);
}
}  // namespace
