// The platform group's checks on recorded documents: COMPLIANT, NON_COMPLIANT, ERROR (denied read
// naming the IAM action) and SKIPPED (nothing of the kind) per code.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "checks/check.hpp"
#include "engine/fake_aws.hpp"
#include "inventory/facts.hpp"

namespace {

namespace json = boost::json;
using dspm::engine::MappingResult;
using dspm::engine::Status;
using dspm::test::FakeAwsClient;

struct PlatformFixture {
    std::shared_ptr<FakeAwsClient> aws = std::make_shared<FakeAwsClient>();
    dspm::checks::CheckScope scope;
    PlatformFixture() {
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

// Answers per value of one parameter; unknown values are NotFound.
void by_param(FakeAwsClient& aws, const std::string& service, const std::string& op,
              const std::string& param, std::map<std::string, std::string> docs) {
    aws.on(service, op,
           [param, docs](const json::object& p, const std::string&) -> FakeAwsClient::Result {
               const auto* v = p.if_contains(param);
               if (v != nullptr && v->is_string()) {
                   auto it = docs.find(std::string(v->get_string()));
                   if (it != docs.end()) return json::parse(it->second);
               }
               return dspm::unexpected(
                   FakeAwsClient::error(dspm::aws::ErrorKind::not_found, "x", "y", "NotFound"));
           });
}

std::string missing_permission(const MappingResult& r) {
    for (const auto& e : r.evaluations) {
        if (const auto* m = e.extra.if_contains("missingPermissions"))
            return std::string(m->as_array().at(0).as_string());
    }
    return {};
}

const dspm::engine::Evaluation* eval_of(const MappingResult& r, const std::string& id) {
    for (const auto& e : r.evaluations)
        if (e.resource_id == id) return &e;
    return nullptr;
}

TEST(PlatformRegistry, EveryPlatformCodeIsRegisteredWithIamActions) {
    for (const char* code : {"16.0-02", "16.0-01", "16.0-05", "16.0-04", "11.0-04", "12.0-01",
                             "12.0-02", "12.0-03", "8.0-06", "8.0-09", "8.0-08", "13.0-03",
                             "13.0-04", "15.0-02", "15.0-03", "15.0-04", "14.0-03"}) {
        const auto* c = dspm::checks::find_check(code);
        ASSERT_NE(c, nullptr) << code;
        EXPECT_EQ(c->info().code, code);
        EXPECT_FALSE(c->info().iam_actions.empty()) << code;
    }
}

// ---- 16.0-02 CodePipeline ----
constexpr const char* kPipelineGate = R"({"pipeline":{"name":"gate","stages":[
 {"name":"Source","actions":[{"name":"src","actionTypeId":{"category":"Source","owner":"AWS","provider":"S3","version":"1"}}]},
 {"name":"Review","actions":[{"name":"ManualApproval","actionTypeId":{"category":"Approval","owner":"AWS","provider":"Manual","version":"1"}}]}]}})";
constexpr const char* kPipelineOpen = R"({"pipeline":{"name":"open","stages":[
 {"name":"Source","actions":[{"name":"ManualApproval","actionTypeId":{"category":"Source","owner":"AWS","provider":"S3","version":"1"}}]},
 {"name":"Deploy","actions":[{"name":"d","actionTypeId":{"category":"Deploy","owner":"AWS","provider":"S3","version":"1"}}]}]}})";

TEST(PlatformCodePipeline, PipelineWithApprovalStageIsCompliant) {
    PlatformFixture f;
    f.aws->on_json("codepipeline", "ListPipelines", R"({"pipelines":[{"name":"gate"}]})");
    by_param(*f.aws, "codepipeline", "GetPipeline", "name", {{"gate", kPipelineGate}});
    auto r = f.run("16.0-02");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(r.evaluations[0].evidence_path, "pipeline.stages[].actions[].actionTypeId.category");
    EXPECT_EQ(r.evaluations[0].extra.at("approvalActions").as_array().at(0).as_string(),
              "Review/ManualApproval");
}

TEST(PlatformCodePipeline, ActionNamedApprovalButNotOfThatCategoryIsNonCompliant) {
    PlatformFixture f;
    f.aws->on_json("codepipeline", "ListPipelines",
                   R"({"pipelines":[{"name":"gate"},{"name":"open"}]})");
    by_param(*f.aws, "codepipeline", "GetPipeline", "name",
             {{"gate", kPipelineGate}, {"open", kPipelineOpen}});
    auto r = f.run("16.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_NE(eval_of(r, "open"), nullptr);
    EXPECT_FALSE(eval_of(r, "open")->passed);
    EXPECT_TRUE(eval_of(r, "gate")->passed);
    EXPECT_EQ(r.evidence.at("withManualApproval"), json::value(1));
}

TEST(PlatformCodePipeline, DeniedGetPipelineIsErrorNamingTheAction) {
    PlatformFixture f;
    f.aws->on_json("codepipeline", "ListPipelines", R"({"pipelines":[{"name":"gate"}]})");
    f.aws->deny("codepipeline", "GetPipeline", "codepipeline:GetPipeline");
    auto r = f.run("16.0-02");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "codepipeline:GetPipeline");
}

TEST(PlatformCodePipeline, NoPipelinesIsSkipped) {
    PlatformFixture f;
    f.aws->on_json("codepipeline", "ListPipelines", R"({"pipelines":[]})");
    auto r = f.run("16.0-02");
    EXPECT_EQ(r.status, Status::skipped);
    ASSERT_TRUE(r.reason.has_value());
}

// ---- 16.0-01 CodeCommit ----
TEST(PlatformCodeCommit, RepositoryWithTemplateIsCompliantWithoutIsNot) {
    PlatformFixture f;
    f.aws->on_json("codecommit", "ListRepositories",
                   R"({"repositories":[{"repositoryName":"a"},{"repositoryName":"b"}]})");
    by_param(*f.aws, "codecommit", "ListAssociatedApprovalRuleTemplatesForRepository",
             "repositoryName",
             {{"a", R"({"approvalRuleTemplateNames":["two-reviewers"]})"},
              {"b", R"({"approvalRuleTemplateNames":[]})"}});
    auto r = f.run("16.0-01");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_NE(eval_of(r, "a"), nullptr);
    EXPECT_TRUE(eval_of(r, "a")->passed);
    EXPECT_FALSE(eval_of(r, "b")->passed);
    EXPECT_EQ(eval_of(r, "b")->observed_value, json::value(0));
}

TEST(PlatformCodeCommit, AllRepositoriesWithTemplatesIsCompliant) {
    PlatformFixture f;
    f.aws->on_json("codecommit", "ListRepositories",
                   R"({"repositories":[{"repositoryName":"a"}]})");
    f.aws->on_json("codecommit", "ListAssociatedApprovalRuleTemplatesForRepository",
                   R"({"approvalRuleTemplateNames":["t1","t2"]})");
    auto r = f.run("16.0-01");
    EXPECT_EQ(r.status, Status::compliant);
    EXPECT_EQ(r.evaluations.at(0).observed_value, json::value(2));
}

TEST(PlatformCodeCommit, DeniedRepositoryListIsError) {
    PlatformFixture f;
    f.aws->deny("codecommit", "ListRepositories", "codecommit:ListRepositories");
    auto r = f.run("16.0-01");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "codecommit:ListRepositories");
}

TEST(PlatformCodeCommit, NoRepositoriesIsSkipped) {
    PlatformFixture f;
    f.aws->on_json("codecommit", "ListRepositories", R"({"repositories":[]})");
    EXPECT_EQ(f.run("16.0-01").status, Status::skipped);
}

// ---- 16.0-05 CodeDeploy ----
void codedeploy_groups(FakeAwsClient& aws) {
    aws.on_json("codedeploy", "ListApplications", R"({"applications":["web"]})");
    aws.on_json("codedeploy", "ListDeploymentGroups",
                R"({"applicationName":"web","deploymentGroups":["blue","plain"]})");
}

TEST(PlatformCodeDeploy, TrafficControlledGroupIsCompliant) {
    PlatformFixture f;
    f.aws->on_json("codedeploy", "ListApplications", R"({"applications":["web"]})");
    f.aws->on_json("codedeploy", "ListDeploymentGroups",
                   R"({"applicationName":"web","deploymentGroups":["blue"]})");
    f.aws->on_json(
        "codedeploy", "GetDeploymentGroup",
        R"({"deploymentGroupInfo":{"deploymentGroupName":"blue","deploymentStyle":{"deploymentType":"BLUE_GREEN","deploymentOption":"WITH_TRAFFIC_CONTROL"}}})");
    auto r = f.run("16.0-05");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_NE(eval_of(r, "web/blue"), nullptr);
    EXPECT_EQ(eval_of(r, "web/blue")->extra.at("deploymentType").as_string(), "BLUE_GREEN");
}

TEST(PlatformCodeDeploy, GroupWithoutTrafficControlOrStyleIsNonCompliant) {
    PlatformFixture f;
    codedeploy_groups(*f.aws);
    by_param(
        *f.aws, "codedeploy", "GetDeploymentGroup", "deploymentGroupName",
        {{"blue",
          R"({"deploymentGroupInfo":{"deploymentStyle":{"deploymentType":"IN_PLACE","deploymentOption":"WITHOUT_TRAFFIC_CONTROL"}}})"},
         {"plain", R"({"deploymentGroupInfo":{"deploymentGroupName":"plain"}})"}});
    auto r = f.run("16.0-05");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_NE(eval_of(r, "web/plain"), nullptr);
    EXPECT_TRUE(eval_of(r, "web/plain")->observed_value.is_null());
    EXPECT_TRUE(eval_of(r, "web/plain")->extra.contains("note"));
    EXPECT_FALSE(eval_of(r, "web/blue")->passed);
}

TEST(PlatformCodeDeploy, DeniedGetDeploymentGroupIsError) {
    PlatformFixture f;
    codedeploy_groups(*f.aws);
    f.aws->deny("codedeploy", "GetDeploymentGroup", "codedeploy:GetDeploymentGroup");
    auto r = f.run("16.0-05");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "codedeploy:GetDeploymentGroup");
    EXPECT_EQ(r.evaluations.size(), 2u);
}

TEST(PlatformCodeDeploy, ApplicationsWithoutGroupsAreSkipped) {
    PlatformFixture f;
    f.aws->on_json("codedeploy", "ListApplications", R"({"applications":["web"]})");
    f.aws->on_json("codedeploy", "ListDeploymentGroups",
                   R"({"applicationName":"web","deploymentGroups":[]})");
    EXPECT_EQ(f.run("16.0-05").status, Status::skipped);
}

// ---- 16.0-04 CloudFormation StackSets ----
TEST(PlatformStackSets, ActiveStackSetInRegionIsCompliant) {
    PlatformFixture f;
    f.aws->on(
        "cloudformation", "ListStackSets",
        [](const json::object& p, const std::string&) -> FakeAwsClient::Result {
            EXPECT_EQ(p.at("Status").as_string(), "ACTIVE");
            return json::parse(R"({"Summaries":[{"StackSetName":"baseline","Status":"ACTIVE"}]})");
        });
    auto r = f.run("16.0-04");
    EXPECT_EQ(r.status, Status::compliant);
    EXPECT_EQ(r.evaluations.at(0).observed_value, json::value(1));
}

// StackSets are one way of rolling out baselines (Applicability::one_way): none active evidences
// nothing either way.
TEST(PlatformStackSets, OnlyDeletedStackSetsIsNotEvidenced) {
    PlatformFixture f;
    f.aws->on_json("cloudformation", "ListStackSets",
                   R"({"Summaries":[{"StackSetName":"old","Status":"DELETED"}]})");
    auto r = f.run("16.0-04");
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_TRUE(r.evaluations.empty());
    ASSERT_TRUE(r.reason.has_value());
    EXPECT_NE(r.reason->find("not evidenced"), std::string::npos);
}

TEST(PlatformStackSets, DeniedListIsError) {
    PlatformFixture f;
    f.aws->deny("cloudformation", "ListStackSets", "cloudformation:ListStackSets");
    auto r = f.run("16.0-04");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "cloudformation:ListStackSets");
}

// ---- 11.0-04 RAM ----
TEST(PlatformRam, ActiveInternalShareIsCompliant) {
    PlatformFixture f;
    f.aws->on(
        "ram", "GetResourceShares",
        [](const json::object& p, const std::string&) -> FakeAwsClient::Result {
            EXPECT_EQ(p.at("resourceOwner").as_string(), "SELF");
            return json::parse(
                R"({"resourceShares":[{"name":"subnets","status":"ACTIVE","allowExternalPrincipals":false}]})");
        });
    auto r = f.run("11.0-04");
    EXPECT_EQ(r.status, Status::compliant);
    EXPECT_EQ(r.evaluations.size(), 2u);
}

TEST(PlatformRam, ExternalOrUnsetOrPendingShareIsNonCompliantDeletedIsNoted) {
    PlatformFixture f;
    f.aws->on_json("ram", "GetResourceShares", R"({"resourceShares":[
      {"name":"open","status":"ACTIVE","allowExternalPrincipals":true},
      {"name":"unset","status":"PENDING"},
      {"name":"gone","status":"DELETED","allowExternalPrincipals":true}]})");
    auto r = f.run("11.0-04");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "gone"), nullptr);
    ASSERT_EQ(r.evaluations.size(), 4u);
    EXPECT_TRUE(r.evaluations[0].passed);   // open: status ACTIVE
    EXPECT_FALSE(r.evaluations[1].passed);  // open: external principals
    EXPECT_EQ(r.evaluations[1].evidence_path, "resourceShares[0].allowExternalPrincipals");
    EXPECT_FALSE(r.evaluations[2].passed);  // unset: PENDING
    EXPECT_TRUE(r.evaluations[3].observed_value.is_null());
    EXPECT_FALSE(r.evaluations[3].passed);
    EXPECT_FALSE(r.notes.empty());
}

TEST(PlatformRam, DeniedListIsError) {
    PlatformFixture f;
    f.aws->deny("ram", "GetResourceShares", "ram:GetResourceShares");
    auto r = f.run("11.0-04");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "ram:GetResourceShares");
}

TEST(PlatformRam, NoSharesIsSkipped) {
    PlatformFixture f;
    f.aws->on_json("ram", "GetResourceShares", R"({"resourceShares":[]})");
    EXPECT_EQ(f.run("11.0-04").status, Status::skipped);
}

// ---- 12.0-01 PrivateLink ----
TEST(PlatformPrivateLink, AvailableEndpointInEachRegionIsCompliant) {
    PlatformFixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    f.aws->on_json(
        "ec2", "DescribeVpcEndpoints",
        R"({"VpcEndpoints":[{"VpcEndpointId":"vpce-1","VpcEndpointType":"Gateway","State":"available"}]})");
    auto r = f.run("12.0-01");
    EXPECT_EQ(r.status, Status::compliant);
    EXPECT_EQ(r.evaluations.size(), 2u);
}

TEST(PlatformPrivateLink, OnlyRejectedEndpointsIsNotEvidenced) {
    PlatformFixture f;
    f.aws->on_json("ec2", "DescribeVpcEndpoints",
                   R"({"VpcEndpoints":[{"VpcEndpointId":"vpce-1","State":"rejected"}]})");
    auto r = f.run("12.0-01");
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_TRUE(r.evaluations.empty());
}

TEST(PlatformPrivateLink, DeniedDescribeIsError) {
    PlatformFixture f;
    f.aws->deny("ec2", "DescribeVpcEndpoints", "ec2:DescribeVpcEndpoints");
    auto r = f.run("12.0-01");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "ec2:DescribeVpcEndpoints");
}

// ---- 12.0-02 DataSync ----
TEST(PlatformDataSync, TaskPresentIsCompliant) {
    PlatformFixture f;
    f.aws->on_json(
        "datasync", "ListTasks",
        R"({"Tasks":[{"TaskArn":"arn:aws:datasync:us-east-1:123456789012:task/task-1","Status":"AVAILABLE"}]})");
    EXPECT_EQ(f.run("12.0-02").status, Status::compliant);
}

TEST(PlatformDataSync, NoTaskIsNotEvidenced) {
    PlatformFixture f;
    f.aws->on_json("datasync", "ListTasks", R"({"Tasks":[]})");
    auto r = f.run("12.0-02");
    EXPECT_EQ(r.status, Status::skipped);
    ASSERT_TRUE(r.reason.has_value());
    EXPECT_NE(r.reason->find("review by other means"), std::string::npos) << *r.reason;
    EXPECT_EQ(r.evidence.at("notEvidenced").as_array().size(), 1u);
}

TEST(PlatformDataSync, DeniedListIsError) {
    PlatformFixture f;
    f.aws->deny("datasync", "ListTasks", "datasync:ListTasks");
    auto r = f.run("12.0-02");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "datasync:ListTasks");
}

// ---- 12.0-03 Transfer Family ----
void transfer_servers(FakeAwsClient& aws) {
    aws.on_json(
        "transfer", "ListServers",
        R"({"Servers":[{"ServerId":"s-sftp"},{"ServerId":"s-ftp"},{"ServerId":"s-default"}]})");
    by_param(
        aws, "transfer", "DescribeServer", "ServerId",
        {{"s-sftp",
          R"({"Server":{"ServerId":"s-sftp","Protocols":["SFTP","FTPS"],"SecurityPolicyName":"TransferSecurityPolicy-2024-01"}})"},
         {"s-ftp", R"({"Server":{"ServerId":"s-ftp","Protocols":["FTP","SFTP"]}})"},
         {"s-default", R"({"Server":{"ServerId":"s-default"}})"}});
}

TEST(PlatformTransfer, PlainFtpServerIsNonCompliantOthersPass) {
    PlatformFixture f;
    transfer_servers(*f.aws);
    auto r = f.run("12.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_TRUE(eval_of(r, "s-sftp")->passed);
    EXPECT_EQ(eval_of(r, "s-sftp")->extra.at("SecurityPolicyName").as_string(),
              "TransferSecurityPolicy-2024-01");
    EXPECT_FALSE(eval_of(r, "s-ftp")->passed);
    EXPECT_EQ(eval_of(r, "s-ftp")->observed_value, json::value(true));
    EXPECT_TRUE(eval_of(r, "s-default")->passed);
}

TEST(PlatformTransfer, SftpOnlyIsCompliant) {
    PlatformFixture f;
    f.aws->on_json("transfer", "ListServers", R"({"Servers":[{"ServerId":"s-sftp"}]})");
    f.aws->on_json("transfer", "DescribeServer",
                   R"({"Server":{"ServerId":"s-sftp","Protocols":["SFTP"]}})");
    EXPECT_EQ(f.run("12.0-03").status, Status::compliant);
}

TEST(PlatformTransfer, DeniedDescribeIsError) {
    PlatformFixture f;
    f.aws->on_json("transfer", "ListServers", R"({"Servers":[{"ServerId":"s-sftp"}]})");
    f.aws->deny("transfer", "DescribeServer", "transfer:DescribeServer");
    auto r = f.run("12.0-03");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "transfer:DescribeServer");
}

TEST(PlatformTransfer, NoServersIsSkipped) {
    PlatformFixture f;
    f.aws->on_json("transfer", "ListServers", R"({"Servers":[]})");
    EXPECT_EQ(f.run("12.0-03").status, Status::skipped);
}

// ---- 8.0-06 Verified Access ----
TEST(PlatformVerifiedAccess, ActiveEndpointIsCompliant) {
    PlatformFixture f;
    f.aws->on_json(
        "ec2", "DescribeVerifiedAccessEndpoints",
        R"({"VerifiedAccessEndpoints":[{"VerifiedAccessEndpointId":"vae-1","Status":{"Code":"active"}}]})");
    EXPECT_EQ(f.run("8.0-06").status, Status::compliant);
}

TEST(PlatformVerifiedAccess, OnlyDeletedEndpointIsNotEvidenced) {
    PlatformFixture f;
    f.aws->on_json(
        "ec2", "DescribeVerifiedAccessEndpoints",
        R"({"VerifiedAccessEndpoints":[{"VerifiedAccessEndpointId":"vae-1","Status":{"Code":"deleted"}}]})");
    EXPECT_EQ(f.run("8.0-06").status, Status::skipped);
}

TEST(PlatformVerifiedAccess, DeniedDescribeIsError) {
    PlatformFixture f;
    f.aws->deny("ec2", "DescribeVerifiedAccessEndpoints", "ec2:DescribeVerifiedAccessEndpoints");
    auto r = f.run("8.0-06");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "ec2:DescribeVerifiedAccessEndpoints");
}

// ---- 8.0-09 API Gateway ----
TEST(PlatformApiGateway, PrivateApiIsCompliant) {
    PlatformFixture f;
    f.aws->on_json(
        "apigateway", "GetRestApis",
        R"({"items":[{"id":"a1","name":"internal","endpointConfiguration":{"types":["PRIVATE"],"vpcEndpointIds":["vpce-1"]}}]})");
    auto r = f.run("8.0-09");
    EXPECT_EQ(r.status, Status::compliant);
    EXPECT_EQ(r.evaluations.at(0).evidence_path, "items[0].endpointConfiguration.types");
}

TEST(PlatformApiGateway, RegionalOrUnconfiguredApiIsNonCompliant) {
    PlatformFixture f;
    f.aws->on_json("apigateway", "GetRestApis", R"({"items":[
      {"id":"a1","endpointConfiguration":{"types":["PRIVATE"]}},
      {"id":"a2","endpointConfiguration":{"types":["REGIONAL"]}},
      {"id":"a3"}]})");
    auto r = f.run("8.0-09");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_TRUE(eval_of(r, "a1")->passed);
    EXPECT_FALSE(eval_of(r, "a2")->passed);
    EXPECT_FALSE(eval_of(r, "a3")->passed);
    EXPECT_TRUE(eval_of(r, "a3")->extra.contains("note"));
}

TEST(PlatformApiGateway, DeniedListIsError) {
    PlatformFixture f;
    f.aws->deny("apigateway", "GetRestApis", "apigateway:GET");
    auto r = f.run("8.0-09");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "apigateway:GET");
}

TEST(PlatformApiGateway, NoApisIsSkipped) {
    PlatformFixture f;
    f.aws->on_json("apigateway", "GetRestApis", R"({"items":[]})");
    EXPECT_EQ(f.run("8.0-09").status, Status::skipped);
}

// ---- 8.0-08 / 13.0-03 S3 access points ----
constexpr const char* kAccessPoints = R"({"AccessPointList":[
  {"Name":"vpc-ap","NetworkOrigin":"VPC","VpcConfiguration":{"VpcId":"vpc-1"},"Bucket":"data"},
  {"Name":"web-ap","NetworkOrigin":"Internet","Bucket":"data"}]})";

void access_points(FakeAwsClient& aws, const char* doc) {
    aws.on("s3control", "ListAccessPoints",
           [doc](const json::object& p, const std::string&) -> FakeAwsClient::Result {
               if (p.at("AccountId").as_string() != "123456789012")
                   return dspm::unexpected(FakeAwsClient::error(
                       dspm::aws::ErrorKind::service, "s3control", "ListAccessPoints", "Bad"));
               return json::parse(doc);
           });
}

TEST(PlatformAccessPointVpc, InternetOriginIsNonCompliantVpcPasses) {
    PlatformFixture f;
    access_points(*f.aws, kAccessPoints);
    auto r = f.run("8.0-08");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_NE(eval_of(r, "vpc-ap"), nullptr);
    EXPECT_TRUE(eval_of(r, "vpc-ap")->passed);
    EXPECT_EQ(eval_of(r, "vpc-ap")->extra.at("VpcId").as_string(), "vpc-1");
    EXPECT_FALSE(eval_of(r, "web-ap")->passed);
    EXPECT_EQ(eval_of(r, "web-ap")->evidence_path, "AccessPointList[1].NetworkOrigin");
}

TEST(PlatformAccessPointVpc, VpcOnlyPointsAreCompliant) {
    PlatformFixture f;
    access_points(*f.aws, R"({"AccessPointList":[{"Name":"vpc-ap","NetworkOrigin":"VPC"}]})");
    EXPECT_EQ(f.run("8.0-08").status, Status::compliant);
}

TEST(PlatformAccessPointVpc, DeniedListIsError) {
    PlatformFixture f;
    f.aws->deny("s3control", "ListAccessPoints", "s3:ListAccessPoints");
    auto r = f.run("8.0-08");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "s3:ListAccessPoints");
}

TEST(PlatformAccessPointVpc, NoAccessPointsIsSkipped) {
    PlatformFixture f;
    access_points(*f.aws, R"({"AccessPointList":[]})");
    EXPECT_EQ(f.run("8.0-08").status, Status::skipped);
}

void policy_status(FakeAwsClient& aws) {
    aws.on("s3control", "GetAccessPointPolicyStatus",
           [](const json::object& p, const std::string&) -> FakeAwsClient::Result {
               EXPECT_EQ(p.at("AccountId").as_string(), "123456789012");
               const auto name = p.at("Name").as_string();
               if (name == "vpc-ap")
                   return dspm::unexpected(FakeAwsClient::error(
                       dspm::aws::ErrorKind::not_found, "s3control", "GetAccessPointPolicyStatus",
                       "NoSuchAccessPointPolicy"));
               return json::parse(R"({"PolicyStatus":{"IsPublic":true}})");
           });
}

TEST(PlatformAccessPointPolicy, PublicPolicyIsNonCompliantNoPolicyIsNotPublic) {
    PlatformFixture f;
    access_points(*f.aws, kAccessPoints);
    policy_status(*f.aws);
    auto r = f.run("13.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_NE(eval_of(r, "vpc-ap"), nullptr);
    EXPECT_TRUE(eval_of(r, "vpc-ap")->passed);
    EXPECT_TRUE(eval_of(r, "vpc-ap")->extra.contains("note"));
    EXPECT_FALSE(eval_of(r, "web-ap")->passed);
    EXPECT_EQ(eval_of(r, "web-ap")->observed_value, json::value(true));
}

TEST(PlatformAccessPointPolicy, NonPublicPoliciesAreCompliant) {
    PlatformFixture f;
    access_points(*f.aws, kAccessPoints);
    f.aws->on_json("s3control", "GetAccessPointPolicyStatus",
                   R"({"PolicyStatus":{"IsPublic":false}})");
    auto r = f.run("13.0-03");
    EXPECT_EQ(r.status, Status::compliant);
    EXPECT_EQ(r.evaluations.size(), 2u);
}

TEST(PlatformAccessPointPolicy, DeniedPolicyStatusIsError) {
    PlatformFixture f;
    access_points(*f.aws, kAccessPoints);
    f.aws->deny("s3control", "GetAccessPointPolicyStatus", "s3:GetAccessPointPolicyStatus");
    auto r = f.run("13.0-03");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "s3:GetAccessPointPolicyStatus");
}

TEST(PlatformAccessPointPolicy, NoAccessPointsIsSkipped) {
    PlatformFixture f;
    access_points(*f.aws, R"({"AccessPointList":[]})");
    EXPECT_EQ(f.run("13.0-03").status, Status::skipped);
}

// ---- 13.0-04 KMS tenant keys ----
void kms_keys(FakeAwsClient& aws) {
    aws.on_json("kms", "ListKeys",
                R"({"Keys":[{"KeyId":"k-tenant"},{"KeyId":"k-bare"},{"KeyId":"k-aws"}]})");
    by_param(aws, "kms", "DescribeKey", "KeyId",
             {{"k-tenant", R"({"KeyMetadata":{"KeyManager":"CUSTOMER","KeyState":"Enabled"}})"},
              {"k-bare", R"({"KeyMetadata":{"KeyManager":"CUSTOMER","KeyState":"Disabled"}})"},
              {"k-aws", R"({"KeyMetadata":{"KeyManager":"AWS","KeyState":"Enabled"}})"}});
}

TEST(PlatformKmsTenant, UntaggedCustomerKeyIsNonCompliantAwsKeyOutOfScope) {
    PlatformFixture f;
    kms_keys(*f.aws);
    by_param(*f.aws, "kms", "ListResourceTags", "KeyId",
             {{"k-tenant", R"({"Tags":[{"TagKey":"Tenant-Id","TagValue":"acme"}]})"},
              {"k-bare", R"({"Tags":[{"TagKey":"team","TagValue":"x"}]})"}});
    auto r = f.run("13.0-04");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_TRUE(eval_of(r, "k-tenant")->passed);
    EXPECT_FALSE(eval_of(r, "k-bare")->passed);
    EXPECT_EQ(eval_of(r, "k-aws"), nullptr);
    EXPECT_EQ(r.evidence.at("keysOutOfScope"), json::value(1));
}

TEST(PlatformKmsTenant, AllCustomerKeysTaggedIsCompliant) {
    PlatformFixture f;
    kms_keys(*f.aws);
    f.aws->on_json("kms", "ListResourceTags", R"({"Tags":[{"TagKey":"tenant","TagValue":"a"}]})");
    EXPECT_EQ(f.run("13.0-04").status, Status::compliant);
}

TEST(PlatformKmsTenant, DeniedTagReadIsError) {
    PlatformFixture f;
    kms_keys(*f.aws);
    f.aws->deny("kms", "ListResourceTags", "kms:ListResourceTags");
    auto r = f.run("13.0-04");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "kms:ListResourceTags");
}

TEST(PlatformKmsTenant, OnlyAwsManagedKeysIsSkipped) {
    PlatformFixture f;
    f.aws->on_json("kms", "ListKeys", R"({"Keys":[{"KeyId":"k-aws"}]})");
    f.aws->on_json("kms", "DescribeKey", R"({"KeyMetadata":{"KeyManager":"AWS"}})");
    EXPECT_EQ(f.run("13.0-04").status, Status::skipped);
}

TEST(PlatformKmsTenant, SharesKeyReadsWith2_0_16) {
    PlatformFixture f;
    kms_keys(*f.aws);
    f.aws->on_json("kms", "ListResourceTags", R"({"Tags":[]})");
    f.aws->on_json("kms", "GetKeyRotationStatus", R"({"KeyRotationEnabled":true})");
    dspm::inventory::CachedFacts facts(f.aws, nullptr, f.scope.account);
    dspm::checks::find_check("2.0-16")->run(facts, f.scope);
    const auto describes = f.aws->count("kms:DescribeKey");
    dspm::checks::find_check("13.0-04")->run(facts, f.scope);
    EXPECT_EQ(f.aws->count("kms:DescribeKey"), describes);
    EXPECT_EQ(f.aws->count("kms:ListKeys"), 1u);
}

// ---- 15.0-02 EventBridge ----
// Every bus is read now (ListEventBuses); a rule fails when a target leads back to its own bus.
// The old judgement (more than one target next to a bus forward fails) is gone: fan-out cannot
// loop. tests/engine/verdict_logging_test.cpp has the rest.
void default_bus(FakeAwsClient& aws) {
    aws.on_json(
        "events", "ListEventBuses",
        R"({"EventBuses":[{"Name":"default","Arn":"arn:aws:events:us-east-1:123456789012:event-bus/default"}]})");
}

TEST(PlatformEventBridge, FanOutAndRelayPassSelfTargetFails) {
    PlatformFixture f;
    default_bus(*f.aws);
    f.aws->on_json("events", "ListRules",
                   R"({"Rules":[{"Name":"fan","State":"ENABLED","EventBusName":"default"},
                       {"Name":"relay","State":"ENABLED","EventBusName":"default"},
                       {"Name":"loop","State":"ENABLED","EventBusName":"default"}]})");
    by_param(
        *f.aws, "events", "ListTargetsByRule", "Rule",
        {{"fan",
          R"({"Targets":[{"Id":"1","Arn":"arn:aws:lambda:us-east-1:123456789012:function:a"},{"Id":"2","Arn":"arn:aws:sqs:us-east-1:123456789012:q"}]})"},
         {"relay",
          R"({"Targets":[{"Id":"1","Arn":"arn:aws:events:us-east-1:123456789012:event-bus/central"}]})"},
         {"loop",
          R"({"Targets":[{"Id":"1","Arn":"arn:aws:events:us-east-1:123456789012:event-bus/default"},{"Id":"2","Arn":"arn:aws:lambda:us-east-1:123456789012:function:a"}]})"}});
    auto r = f.run("15.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_TRUE(eval_of(r, "fan")->passed);
    EXPECT_EQ(eval_of(r, "fan")->extra.at("targetCount"), json::value(2));
    EXPECT_TRUE(eval_of(r, "relay")->passed);  // central is outside the listed buses
    EXPECT_FALSE(eval_of(r, "loop")->passed);
    EXPECT_EQ(eval_of(r, "loop")->observed_value, json::value(1));
}

TEST(PlatformEventBridge, SingleTargetRulesAreCompliant) {
    PlatformFixture f;
    default_bus(*f.aws);
    f.aws->on_json("events", "ListRules", R"({"Rules":[{"Name":"one","State":"ENABLED"}]})");
    f.aws->on_json("events", "ListTargetsByRule",
                   R"({"Targets":[{"Id":"1","Arn":"arn:aws:sns:us-east-1:123456789012:t"}]})");
    EXPECT_EQ(f.run("15.0-02").status, Status::compliant);
}

TEST(PlatformEventBridge, DeniedTargetsIsError) {
    PlatformFixture f;
    default_bus(*f.aws);
    f.aws->on_json("events", "ListRules", R"({"Rules":[{"Name":"one","State":"ENABLED"}]})");
    f.aws->deny("events", "ListTargetsByRule", "events:ListTargetsByRule");
    auto r = f.run("15.0-02");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "events:ListTargetsByRule");
}

TEST(PlatformEventBridge, NoRulesIsSkipped) {
    PlatformFixture f;
    default_bus(*f.aws);
    f.aws->on_json("events", "ListRules", R"({"Rules":[]})");
    EXPECT_EQ(f.run("15.0-02").status, Status::skipped);
}

// ---- 15.0-03 Step Functions ----
std::string running(std::size_t n) {
    json::array a;
    for (std::size_t i = 0; i < n; ++i)
        a.push_back(json::object{{"executionArn", std::string("e").append(std::to_string(i))},
                                 {"status", "RUNNING"}});
    return json::serialize(json::object{{"executions", a}});
}

constexpr const char* kMachines = R"({"stateMachines":[
  {"stateMachineArn":"arn:sm:calm","type":"STANDARD"},
  {"stateMachineArn":"arn:sm:busy","type":"STANDARD"},
  {"stateMachineArn":"arn:sm:express","type":"EXPRESS"}]})";

TEST(PlatformStepFunctions, MoreThanHundredRunningIsNonCompliantExpressNoted) {
    PlatformFixture f;
    f.aws->on_json("stepfunctions", "ListStateMachines", kMachines);
    f.aws->on("stepfunctions", "ListExecutions",
              [](const json::object& p, const std::string&) -> FakeAwsClient::Result {
                  EXPECT_EQ(p.at("statusFilter").as_string(), "RUNNING");
                  return json::parse(
                      running(p.at("stateMachineArn").as_string() == "arn:sm:busy" ? 101 : 3));
              });
    auto r = f.run("15.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_TRUE(eval_of(r, "arn:sm:calm")->passed);
    EXPECT_EQ(eval_of(r, "arn:sm:busy")->observed_value, json::value(101));
    EXPECT_EQ(eval_of(r, "arn:sm:express"), nullptr);
    EXPECT_EQ(f.aws->count("stepfunctions:ListExecutions"), 2u);
    EXPECT_FALSE(r.notes.empty());
}

TEST(PlatformStepFunctions, HundredRunningIsCompliant) {
    PlatformFixture f;
    f.aws->on_json("stepfunctions", "ListStateMachines",
                   R"({"stateMachines":[{"stateMachineArn":"arn:sm:a","type":"STANDARD"}]})");
    f.aws->on("stepfunctions", "ListExecutions",
              [](const json::object&, const std::string&) -> FakeAwsClient::Result {
                  return json::parse(running(100));
              });
    EXPECT_EQ(f.run("15.0-03").status, Status::compliant);
}

TEST(PlatformStepFunctions, DeniedExecutionsIsError) {
    PlatformFixture f;
    f.aws->on_json("stepfunctions", "ListStateMachines", kMachines);
    f.aws->deny("stepfunctions", "ListExecutions", "states:ListExecutions");
    auto r = f.run("15.0-03");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "states:ListExecutions");
}

TEST(PlatformStepFunctions, OnlyExpressMachinesIsSkipped) {
    PlatformFixture f;
    f.aws->on_json("stepfunctions", "ListStateMachines",
                   R"({"stateMachines":[{"stateMachineArn":"arn:sm:x","type":"EXPRESS"}]})");
    EXPECT_EQ(f.run("15.0-03").status, Status::skipped);
}

// ---- 15.0-04 S3 event triggers ----
void buckets(FakeAwsClient& aws, const char* list) {
    aws.on_json("s3", "ListBuckets", list);
    aws.on_json("s3", "GetBucketLocation", R"({"LocationConstraint":null})");
}

TEST(PlatformS3Triggers, DuplicatedDestinationIsNonCompliantDistinctFiltersPass) {
    PlatformFixture f;
    buckets(*f.aws, R"({"Buckets":[{"Name":"dup"},{"Name":"split"},{"Name":"none"}]})");
    by_param(*f.aws, "s3", "GetBucketNotificationConfiguration", "Bucket",
             {{"dup", R"({"LambdaFunctionConfigurations":[
                 {"LambdaFunctionArn":"arn:aws:lambda:us-east-1:1:function:f","Events":["s3:ObjectCreated:*"]},
                 {"LambdaFunctionArn":"arn:aws:lambda:us-east-1:1:function:f","Events":["s3:ObjectCreated:Put"]}]})"},
              {"split", R"({"QueueConfigurations":[
                 {"QueueArn":"arn:aws:sqs:us-east-1:1:q","Events":["s3:ObjectCreated:*"],"Filter":{"Key":{"FilterRules":[{"Name":"prefix","Value":"a/"}]}}},
                 {"QueueArn":"arn:aws:sqs:us-east-1:1:q","Events":["s3:ObjectCreated:*"],"Filter":{"Key":{"FilterRules":[{"Name":"prefix","Value":"b/"}]}}}]})"},
              {"none", R"({})"}});
    auto r = f.run("15.0-04");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 6u);
    int failed_dup = 0;
    for (const auto& e : r.evaluations) {
        if (e.resource_id != "dup") {
            EXPECT_TRUE(e.passed) << e.resource_id << " " << e.checked_field;
        } else if (!e.passed) {
            ++failed_dup;
            EXPECT_EQ(e.checked_field, "Duplicated event triggers");
            EXPECT_EQ(e.observed_value, json::value(1));
        }
    }
    EXPECT_EQ(failed_dup, 1);
}

TEST(PlatformS3Triggers, MoreThanTenConfigurationsIsNonCompliant) {
    PlatformFixture f;
    buckets(*f.aws, R"({"Buckets":[{"Name":"busy"}]})");
    json::array lambdas;
    for (int i = 0; i < 11; ++i)
        lambdas.push_back(json::object{
            {"LambdaFunctionArn",
             std::string("arn:aws:lambda:us-east-1:1:function:f").append(std::to_string(i))},
            {"Events", json::array{"s3:ObjectCreated:*"}}});
    f.aws->on("s3", "GetBucketNotificationConfiguration",
              json::object{{"LambdaFunctionConfigurations", lambdas}});
    auto r = f.run("15.0-04");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(r.evaluations.at(0).observed_value, json::value(11));
    EXPECT_FALSE(r.evaluations.at(0).passed);
    EXPECT_TRUE(r.evaluations.at(1).passed);
}

TEST(PlatformS3Triggers, DeniedNotificationReadIsError) {
    PlatformFixture f;
    buckets(*f.aws, R"({"Buckets":[{"Name":"b"}]})");
    f.aws->deny("s3", "GetBucketNotificationConfiguration", "s3:GetBucketNotification");
    auto r = f.run("15.0-04");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "s3:GetBucketNotification");
}

TEST(PlatformS3Triggers, NoBucketsIsSkipped) {
    PlatformFixture f;
    buckets(*f.aws, R"({"Buckets":[]})");
    EXPECT_EQ(f.run("15.0-04").status, Status::skipped);
}

// ---- 14.0-03 CloudTrail labeling events ----
// Judged now by a recorder of management write events (trail or event data store), not by
// LookupEvents: Event history holds the event whatever is configured. More in
// tests/engine/verdict_logging_test.cpp.
std::string recent_job() {
    // A creation time of "now" keeps the test valid whatever day it runs.
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    return json::serialize(json::object{
        {"LabelingJobSummaryList",
         json::array{json::object{{"LabelingJobName", "fresh"},
                                  {"CreationTime", static_cast<std::int64_t>(now)}}}}});
}

void one_trail(FakeAwsClient& aws, bool logging) {
    aws.on_json("cloudtrail", "DescribeTrails", R"({"trailList":[{"Name":"main",
        "TrailARN":"arn:aws:cloudtrail:us-east-1:123456789012:trail/main","HomeRegion":"us-east-1",
        "IsMultiRegionTrail":true,"LogFileValidationEnabled":true}]})");
    aws.on_json("cloudtrail", "GetTrailStatus",
                logging ? R"({"IsLogging":true})" : R"({"IsLogging":false})");
    aws.on_json("cloudtrail", "GetEventSelectors",
                R"({"EventSelectors":[{"ReadWriteType":"All","IncludeManagementEvents":true,
                    "DataResources":[],"ExcludeManagementEventSources":[]}]})");
    aws.on_json("cloudtrail", "ListEventDataStores", R"({"EventDataStores":[]})");
}

TEST(PlatformLabelingEvents, RecentJobWithLoggingTrailIsCompliant) {
    PlatformFixture f;
    f.aws->on_json("sagemaker", "ListLabelingJobs", recent_job().c_str());
    one_trail(*f.aws, true);
    auto r = f.run("14.0-03");
    EXPECT_EQ(r.status, Status::compliant);
    EXPECT_EQ(r.evaluations.at(0).resource_id, "us-east-1");
    EXPECT_EQ(f.aws->count("cloudtrail:LookupEvents"), 0u);
}

TEST(PlatformLabelingEvents, RecentJobWithStoppedTrailIsNonCompliant) {
    PlatformFixture f;
    f.aws->on_json("sagemaker", "ListLabelingJobs", recent_job().c_str());
    one_trail(*f.aws, false);
    auto r = f.run("14.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(r.evaluations.at(0).observed_value.at("IsLogging"), json::value(false));
}

TEST(PlatformLabelingEvents, DeniedTrailStatusIsError) {
    PlatformFixture f;
    f.aws->on_json("sagemaker", "ListLabelingJobs", recent_job().c_str());
    one_trail(*f.aws, true);
    f.aws->deny("cloudtrail", "GetTrailStatus", "cloudtrail:GetTrailStatus");
    auto r = f.run("14.0-03");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "cloudtrail:GetTrailStatus");
}

TEST(PlatformLabelingEvents, NoJobsIsSkippedWithoutCloudTrailReads) {
    PlatformFixture f;
    f.aws->on_json("sagemaker", "ListLabelingJobs", R"({"LabelingJobSummaryList":[]})");
    auto r = f.run("14.0-03");
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_EQ(f.aws->count("cloudtrail:DescribeTrails"), 0u);
}

}  // namespace
