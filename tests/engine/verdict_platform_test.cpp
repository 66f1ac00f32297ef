// Issue 10: five checks that gave wrong verdicts, on answers shaped as AWS documents them
// (botocore service-2.json shapes and examples): 13.0-01 EKS pod IAM roles (an issuer is not an
// IAM OIDC provider), 6.0-02 Model Monitor per endpoint, 6.0-03 ECR effective scan frequency,
// 2.0-09 the TLS versions of listener security policies, 5.0-07 Athena-managed results and the
// undeletable `primary` workgroup.
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
using Result = FakeAwsClient::Result;

using Fixture = dspm::test::CheckFixture;
using dspm::test::by_param;
using dspm::test::eval_of;
using dspm::test::has_note;
using dspm::test::not_found;
using dspm::test::note_of;

using dspm::test::missing_permissions;

// ---------------------------------------------------------------------------------------------
// 13.0-01 EKS: IRSA needs an IAM OIDC provider for the issuer; EKS Pod Identity is the other way.

constexpr const char* kIssuerA =
    "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
constexpr const char* kIssuerB =
    "https://oidc.eks.us-east-1.amazonaws.com/id/B1C2D3E4F5A6B7C8D9E0F1A2B3C4D5E6";
constexpr const char* kIssuerC =
    "https://oidc.eks.us-east-1.amazonaws.com/id/C0FFEE00C0FFEE00C0FFEE00C0FFEE00";

std::string cluster_doc(const std::string& name, const std::string& issuer) {
    return R"({"cluster":{"name":")" + name +
           R"(","arn":"arn:aws:eks:us-east-1:123456789012:cluster/)" + name +
           R"(","version":"1.30","status":"ACTIVE","identity":{"oidc":{"issuer":")" + issuer +
           R"("}},"accessConfig":{"authenticationMode":"API_AND_CONFIG_MAP"}}})";
}

void eks_clusters(FakeAwsClient& aws) {
    aws.on_json("eks", "ListClusters", R"({"clusters":["irsa","podid","bare"]})");
    by_param(aws, "eks", "DescribeCluster", "name",
             {{"irsa", cluster_doc("irsa", kIssuerA)},
              {"podid", cluster_doc("podid", kIssuerB)},
              {"bare", cluster_doc("bare", kIssuerC)}});
}

// Providers: irsa's issuer; a GitHub Actions provider; and a near miss for "bare" (same id
// prefix, one more character; and bare's id in another region's host).
constexpr const char* kProviders = R"({"OpenIDConnectProviderList":[
  {"Arn":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
  {"Arn":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
  {"Arn":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/C0FFEE00C0FFEE00C0FFEE00C0FFEE001"},
  {"Arn":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/C0FFEE00C0FFEE00C0FFEE00C0FFEE00"}]})";

void pod_identity(FakeAwsClient& aws) {
    aws.on("eks", "ListPodIdentityAssociations",
           [](const json::object& p, const std::string&) -> Result {
               if (p.at("clusterName").as_string() == "podid")
                   return json::parse(R"({"associations":[{"clusterName":"podid",
                     "namespace":"payments","serviceAccount":"ledger",
                     "associationArn":"arn:aws:eks:us-east-1:123456789012:podidentityassociation/podid/a-abcdefghijklmnop1",
                     "associationId":"a-abcdefghijklmnop1"}]})");
               return json::parse(R"({"associations":[]})");
           });
}

TEST(VerdictPlatformEksOidc, ProviderOrPodIdentityPassesAnIssuerAloneFails) {
    Fixture f;
    eks_clusters(*f.aws);
    f.aws->on_json("iam", "ListOpenIDConnectProviders", kProviders);
    pod_identity(*f.aws);
    auto r = f.run("13.0-01");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);

    const auto* irsa = eval_of(r, "irsa");
    ASSERT_NE(irsa, nullptr);
    EXPECT_EQ(irsa->status, Status::compliant);
    EXPECT_EQ(irsa->evidence_path, "OpenIDConnectProviderList[1].Arn");
    EXPECT_EQ(irsa->extra.at("mechanism").as_string(), "IRSA");

    const auto* podid = eval_of(r, "podid");
    ASSERT_NE(podid, nullptr);
    EXPECT_EQ(podid->status, Status::compliant);
    EXPECT_EQ(podid->evidence_path, "associations");
    EXPECT_EQ(podid->observed_value, json::value(1u));
    EXPECT_EQ(podid->extra.at("mechanism").as_string(), "EKS Pod Identity");

    const auto* bare = eval_of(r, "bare");
    ASSERT_NE(bare, nullptr);
    EXPECT_EQ(bare->status, Status::non_compliant);
    EXPECT_TRUE(bare->observed_value.is_null());
    EXPECT_EQ(bare->extra.at("issuer").as_string(), kIssuerC);
    EXPECT_EQ(bare->extra.at("expectedProviderArnSuffix").as_string(),
              "oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/C0FFEE00C0FFEE00C0FFEE00C0FFEE00");
    EXPECT_NE(note_of(*bare).find("no IAM OIDC provider"), std::string::npos);

    // IAM is global: one read in the global region; Pod Identity only where no provider matched.
    EXPECT_EQ(f.aws->count("iam:ListOpenIDConnectProviders"), 1u);
    EXPECT_EQ(f.aws->count("eks:ListPodIdentityAssociations"), 2u);
    for (const auto& c : f.aws->calls()) {
        if (c.op == "iam:ListOpenIDConnectProviders") {
            EXPECT_EQ(c.region, f.scope.global_region);
        }
    }
}

TEST(VerdictPlatformEksOidc, IamReadOnceAcrossRegionsAndHostCaseAndSlashIgnored) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    f.aws->on("eks", "ListClusters", [](const json::object&, const std::string& region) -> Result {
        return json::parse(region == "eu-west-1" ? R"({"clusters":["eu"]})"
                                                 : R"({"clusters":["us"]})");
    });
    f.aws->on("eks", "DescribeCluster", [](const json::object& p, const std::string&) -> Result {
        if (p.at("name").as_string() == "eu")
            return json::parse(cluster_doc(
                "eu",
                "https://oidc.eks.eu-west-1.amazonaws.com/id/C0FFEE00C0FFEE00C0FFEE00C0FFEE00/"));
        return json::parse(cluster_doc("us", kIssuerA));
    });
    // IAM keeps the host in lower case; the issuer above ends in '/'.
    f.aws->on_json("iam", "ListOpenIDConnectProviders", R"({"OpenIDConnectProviderList":[
      {"Arn":"arn:aws:iam::123456789012:oidc-provider/OIDC.EKS.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
      {"Arn":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/C0FFEE00C0FFEE00C0FFEE00C0FFEE00"}]})");
    auto r = f.run("13.0-01");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(eval_of(r, "eu")->region, "eu-west-1");
    EXPECT_EQ(eval_of(r, "eu")->evidence_path, "OpenIDConnectProviderList[1].Arn");
    EXPECT_EQ(f.aws->count("iam:ListOpenIDConnectProviders"), 1u);
    EXPECT_EQ(f.aws->count("eks:ListPodIdentityAssociations"), 0u);
}

TEST(VerdictPlatformEksOidc, DeniedReadsAreErrorsUnlessTheOtherWayProvesIt) {
    Fixture f;
    eks_clusters(*f.aws);
    f.aws->deny("iam", "ListOpenIDConnectProviders", "iam:ListOpenIDConnectProviders");
    pod_identity(*f.aws);
    auto r = f.run("13.0-01");
    EXPECT_EQ(r.status, Status::error);
    // Pod Identity proves "podid" without the provider list.
    EXPECT_EQ(eval_of(r, "podid")->status, Status::compliant);
    EXPECT_NE(note_of(*eval_of(r, "podid")).find("not read"), std::string::npos);
    // Without associations, IRSA could be set up: ERROR naming the IAM action, never a guess.
    for (const char* id : {"irsa", "bare"}) {
        EXPECT_EQ(eval_of(r, id)->status, Status::error) << id;
        EXPECT_EQ(missing_permissions(*eval_of(r, id)),
                  std::vector<std::string>{"iam:ListOpenIDConnectProviders"});
    }

    Fixture g;
    eks_clusters(*g.aws);
    g.aws->on_json("iam", "ListOpenIDConnectProviders", kProviders);
    g.aws->deny("eks", "ListPodIdentityAssociations", "eks:ListPodIdentityAssociations");
    auto s = g.run("13.0-01");
    EXPECT_EQ(s.status, Status::error);
    EXPECT_EQ(eval_of(s, "irsa")->status, Status::compliant);  // the provider list decides
    EXPECT_EQ(missing_permissions(*eval_of(s, "bare")),
              std::vector<std::string>{"eks:ListPodIdentityAssociations"});

    Fixture h;
    eks_clusters(*h.aws);
    h.aws->deny("iam", "ListOpenIDConnectProviders", "iam:ListOpenIDConnectProviders");
    h.aws->deny("eks", "ListPodIdentityAssociations", "eks:ListPodIdentityAssociations");
    auto t = h.run("13.0-01");
    EXPECT_EQ(t.status, Status::error);
    EXPECT_EQ(missing_permissions(*eval_of(t, "bare")),
              (std::vector<std::string>{"iam:ListOpenIDConnectProviders",
                                        "eks:ListPodIdentityAssociations"}));
}

TEST(VerdictPlatformEksOidc, NoClustersIsSkippedWithoutIamRead) {
    Fixture f;
    f.aws->on_json("eks", "ListClusters", R"({"clusters":[]})");
    auto r = f.run("13.0-01");
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_EQ(f.aws->count("iam:ListOpenIDConnectProviders"), 0u);
    const auto& actions = dspm::checks::find_check("13.0-01")->info().iam_actions;
    for (const char* a : {"iam:ListOpenIDConnectProviders", "eks:ListPodIdentityAssociations"})
        EXPECT_NE(std::find(actions.begin(), actions.end(), a), actions.end()) << a;
}

// ---------------------------------------------------------------------------------------------
// 6.0-02 SageMaker Model Monitor: one evaluation per endpoint.

constexpr const char* kEndpoints = R"({"Endpoints":[
  {"EndpointName":"churn","EndpointArn":"arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn",
   "CreationTime":1700000000.0,"LastModifiedTime":1700000100.0,"EndpointStatus":"InService"},
  {"EndpointName":"fraud","EndpointArn":"arn:aws:sagemaker:us-east-1:123456789012:endpoint/fraud",
   "CreationTime":1700000000.0,"LastModifiedTime":1700000100.0,"EndpointStatus":"InService"},
  {"EndpointName":"reco","EndpointArn":"arn:aws:sagemaker:us-east-1:123456789012:endpoint/reco",
   "CreationTime":1700000000.0,"LastModifiedTime":1700000100.0,"EndpointStatus":"InService"},
  {"EndpointName":"search","EndpointArn":"arn:aws:sagemaker:us-east-1:123456789012:endpoint/search",
   "CreationTime":1700000000.0,"LastModifiedTime":1700000100.0,"EndpointStatus":"Updating"}]})";

std::string schedule(const std::string& name, const std::string& endpoint,
                     const std::string& status, const std::string& type) {
    std::string s =
        R"({"MonitoringScheduleName":")" + name +
        R"(","MonitoringScheduleArn":"arn:aws:sagemaker:us-east-1:123456789012:monitoring-schedule/)" +
        name +
        R"(","CreationTime":1700000200.0,"LastModifiedTime":1700000300.0,"MonitoringScheduleStatus":")" +
        status + R"(","MonitoringType":")" + type + R"(")";
    if (!endpoint.empty()) s += R"(,"EndpointName":")" + endpoint + R"(")";
    return s + "}";
}

TEST(VerdictPlatformModelMonitor, EachEndpointNeedsItsOwnScheduledSchedule) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListEndpoints", kEndpoints);
    const std::string schedules =
        R"({"MonitoringScheduleSummaries":[)" +
        schedule("churn-quality", "churn", "Stopped", "ModelQuality") + "," +
        schedule("churn-data", "churn", "Scheduled", "DataQuality") + "," +
        schedule("fraud-data", "fraud", "Pending", "DataQuality") + "," +
        schedule("fraud-bias", "fraud", "Failed", "ModelBias") + "," +
        schedule("old-endpoint", "retired", "Scheduled", "DataQuality") + "," +
        schedule("batch-monitor", "", "Scheduled", "DataQuality") + "]}";
    f.aws->on("sagemaker", "ListMonitoringSchedules",
              [schedules](const json::object& p, const std::string&) -> Result {
                  EXPECT_FALSE(p.contains("EndpointName"));  // one list serves every endpoint
                  return json::parse(schedules);
              });
    auto r = f.run("6.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 4u);  // one per endpoint, none for the orphan schedules

    const auto* churn = eval_of(r, "churn");
    EXPECT_EQ(churn->status, Status::compliant);
    EXPECT_EQ(churn->evidence_path, "MonitoringScheduleSummaries[1].MonitoringScheduleStatus");
    EXPECT_EQ(churn->extra.at("MonitoringScheduleName").as_string(), "churn-data");
    EXPECT_EQ(churn->extra.at("schedules").as_array().size(), 2u);

    const auto* fraud = eval_of(r, "fraud");
    EXPECT_EQ(fraud->status, Status::non_compliant);
    EXPECT_EQ(fraud->observed_value, json::value("Pending"));
    const auto& listed = fraud->extra.at("schedules").as_array();
    ASSERT_EQ(listed.size(), 2u);
    EXPECT_EQ(listed[1].at("MonitoringScheduleStatus").as_string(), "Failed");

    for (const char* id : {"reco", "search"}) {
        const auto* e = eval_of(r, id);
        EXPECT_EQ(e->status, Status::non_compliant) << id;
        EXPECT_TRUE(e->observed_value.is_null()) << id;
        EXPECT_EQ(note_of(*e), "no monitoring schedule for this endpoint");
    }
    EXPECT_EQ(eval_of(r, "search")->extra.at("EndpointStatus").as_string(), "Updating");
    EXPECT_TRUE(has_note(r, "old-endpoint (us-east-1): monitors no listed endpoint (retired)"));
    EXPECT_TRUE(has_note(r, "batch-monitor (us-east-1): monitors no listed endpoint"));
    EXPECT_EQ(r.evidence.at("monitoredEndpoints").to_number<int>(), 1);
}

TEST(VerdictPlatformModelMonitor, StoppedOnlyFailsWithStatusAllScheduledPasses) {
    Fixture f;
    f.aws->on_json("sagemaker", "ListEndpoints", R"({"Endpoints":[
      {"EndpointName":"a","EndpointArn":"arn:aws:sagemaker:us-east-1:123456789012:endpoint/a",
       "CreationTime":1700000000.0,"LastModifiedTime":1700000000.0,"EndpointStatus":"InService"}]})");
    f.aws->on_json("sagemaker", "ListMonitoringSchedules",
                   (R"({"MonitoringScheduleSummaries":[)" +
                    schedule("a-data", "a", "Stopped", "DataQuality") + "]}")
                       .c_str());
    auto r = f.run("6.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(r.evaluations[0].observed_value, json::value("Stopped"));
    EXPECT_NE(r.evaluations[0].decision.find("Stopped"), std::string::npos);

    Fixture g;
    g.aws->on_json("sagemaker", "ListEndpoints", R"({"Endpoints":[
      {"EndpointName":"a","EndpointArn":"arn:aws:sagemaker:us-east-1:123456789012:endpoint/a",
       "CreationTime":1700000000.0,"LastModifiedTime":1700000000.0,"EndpointStatus":"InService"}]})");
    g.aws->on_json("sagemaker", "ListMonitoringSchedules",
                   (R"({"MonitoringScheduleSummaries":[)" +
                    schedule("a-data", "a", "Scheduled", "DataQuality") + "]}")
                       .c_str());
    EXPECT_EQ(g.run("6.0-02").status, Status::compliant);
}

TEST(VerdictPlatformModelMonitor, RegionsWithoutEndpointsAreNotReadDeniedScheduleListIsError) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    f.aws->on("sagemaker", "ListEndpoints",
              [](const json::object&, const std::string& region) -> Result {
                  if (region == "eu-west-1") return json::parse(R"({"Endpoints":[]})");
                  return json::parse(kEndpoints);
              });
    f.aws->deny("sagemaker", "ListMonitoringSchedules", "sagemaker:ListMonitoringSchedules");
    auto r = f.run("6.0-02");
    EXPECT_EQ(r.status, Status::error);
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(r.evaluations[0].region, "us-east-1");
    EXPECT_EQ(missing_permissions(r.evaluations[0]),
              std::vector<std::string>{"sagemaker:ListMonitoringSchedules"});
    EXPECT_EQ(f.aws->count("sagemaker:ListMonitoringSchedules"), 1u);

    Fixture g;
    g.aws->on_json("sagemaker", "ListEndpoints", R"({"Endpoints":[]})");
    auto s = g.run("6.0-02");
    EXPECT_EQ(s.status, Status::skipped);
    EXPECT_EQ(g.aws->count("sagemaker:ListMonitoringSchedules"), 0u);
}

// ---------------------------------------------------------------------------------------------
// 6.0-03 ECR: the registry scanning configuration decides, not the deprecated repository flag.

std::string repository(const std::string& name, bool legacy_scan_on_push) {
    return R"({"repositoryArn":"arn:aws:ecr:us-east-1:123456789012:repository/)" + name +
           R"(","registryId":"123456789012","repositoryName":")" + name +
           R"(","repositoryUri":"123456789012.dkr.ecr.us-east-1.amazonaws.com/)" + name +
           R"(","createdAt":1700000000.0,"imageTagMutability":"MUTABLE",)" +
           R"("imageScanningConfiguration":{"scanOnPush":)" +
           (legacy_scan_on_push ? "true" : "false") +
           R"(},"encryptionConfiguration":{"encryptionType":"AES256"}})";
}

void repositories(FakeAwsClient& aws, const std::vector<std::pair<std::string, bool>>& repos) {
    std::string doc = R"({"repositories":[)";
    for (std::size_t i = 0; i < repos.size(); ++i) {
        if (i > 0) doc += ',';
        doc += repository(repos[i].first, repos[i].second);
    }
    aws.on_json("ecr", "DescribeRepositories", (doc + "]}").c_str());
}

// Answers BatchGetRepositoryScanningConfiguration from a table name -> configuration JSON;
// names not in the table are failures (REPOSITORY_NOT_FOUND), as ECR answers them.
void batch_get(FakeAwsClient& aws, std::map<std::string, std::string> configs,
               std::vector<std::size_t>* batch_sizes = nullptr) {
    aws.on("ecr", "BatchGetRepositoryScanningConfiguration",
           [configs, batch_sizes](const json::object& p, const std::string&) -> Result {
               json::array found, failures;
               const auto& names = p.at("repositoryNames").as_array();
               if (batch_sizes != nullptr) batch_sizes->push_back(names.size());
               for (const auto& n : names) {
                   auto it = configs.find(std::string(n.as_string()));
                   if (it != configs.end()) {
                       found.push_back(json::parse(it->second));
                   } else {
                       failures.push_back(json::object{{"repositoryName", n},
                                                       {"failureCode", "REPOSITORY_NOT_FOUND"},
                                                       {"failureReason", "REPOSITORY_NOT_FOUND"}});
                   }
               }
               return json::value(json::object{{"scanningConfigurations", std::move(found)},
                                               {"failures", std::move(failures)}});
           });
}

std::string repo_config(const std::string& name, const std::string& frequency, bool scan_on_push,
                        const std::string& filters) {
    return R"({"repositoryArn":"arn:aws:ecr:us-east-1:123456789012:repository/)" + name +
           R"(","repositoryName":")" + name + R"(","scanOnPush":)" +
           (scan_on_push ? "true" : "false") + R"(,"scanFrequency":")" + frequency +
           R"(","appliedScanFilters":)" + filters + "}";
}

constexpr const char* kEnhancedRegistry = R"({"registryId":"123456789012","scanningConfiguration":{
  "scanType":"ENHANCED","rules":[
   {"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"prod-*","filterType":"WILDCARD"},
                                                        {"filter":"tools","filterType":"WILDCARD"}]},
   {"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"prod-*","filterType":"WILDCARD"}]}]}})";

constexpr const char* kBasicRegistry = R"({"registryId":"123456789012","scanningConfiguration":{
  "scanType":"BASIC","rules":[
   {"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"api","filterType":"WILDCARD"},
                                                        {"filter":"*-svc","filterType":"WILDCARD"}]}]}})";

TEST(VerdictPlatformEcrScan, EffectiveFrequencyFromTheBatchAnswerNotTheDeprecatedFlag) {
    Fixture f;
    repositories(*f.aws, {{"prod-api", false}, {"tools", false}, {"legacy", true}});
    f.aws->on_json("ecr", "GetRegistryScanningConfiguration", kEnhancedRegistry);
    batch_get(*f.aws,
              {{"prod-api", repo_config("prod-api", "CONTINUOUS_SCAN", false,
                                        R"([{"filter":"prod-*","filterType":"WILDCARD"}])")},
               {"tools", repo_config("tools", "SCAN_ON_PUSH", true,
                                     R"([{"filter":"tools","filterType":"WILDCARD"}])")},
               // the deprecated flag is on, but the registry gives this repository MANUAL
               {"legacy", repo_config("legacy", "MANUAL", false, "[]")}});
    auto r = f.run("6.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);

    const auto* prod = eval_of(r, "prod-api");
    EXPECT_EQ(prod->status, Status::compliant);  // repository flag false: passes anyway
    EXPECT_EQ(prod->observed_value, json::value("CONTINUOUS_SCAN"));
    EXPECT_EQ(prod->evidence_path, "scanningConfigurations[0].scanFrequency");
    EXPECT_EQ(prod->extra.at("scanType").as_string(), "ENHANCED");
    EXPECT_EQ(prod->extra.at("appliedScanFilters").as_array()[0].at("filter").as_string(),
              "prod-*");
    // of the two matching rules, CONTINUOUS_SCAN wins
    EXPECT_EQ(prod->extra.at("registryRule").at("scanFrequency").as_string(), "CONTINUOUS_SCAN");
    EXPECT_EQ(prod->extra.at("repositoryScanOnPush(deprecated)"), json::value(false));

    EXPECT_EQ(eval_of(r, "tools")->status, Status::compliant);
    const auto* legacy = eval_of(r, "legacy");
    EXPECT_EQ(legacy->status, Status::non_compliant);
    EXPECT_EQ(legacy->observed_value, json::value("MANUAL"));
    EXPECT_NE(note_of(*legacy).find("deprecated repository setting"), std::string::npos);
    EXPECT_EQ(f.aws->count("ecr:BatchGetRepositoryScanningConfiguration"), 1u);
}

TEST(VerdictPlatformEcrScan, NamesAreBatchedByTwentyFive) {
    Fixture f;
    std::vector<std::pair<std::string, bool>> repos;
    std::map<std::string, std::string> configs;
    for (int i = 0; i < 27; ++i) {
        const std::string name = "svc-" + std::to_string(i);
        repos.emplace_back(name, false);
        configs[name] =
            repo_config(name, "SCAN_ON_PUSH", true, R"([{"filter":"*","filterType":"WILDCARD"}])");
    }
    repositories(*f.aws, repos);
    f.aws->on_json("ecr", "GetRegistryScanningConfiguration",
                   R"({"registryId":"123456789012","scanningConfiguration":{"scanType":"BASIC",
        "rules":[{"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"*","filterType":"WILDCARD"}]}]}})");
    std::vector<std::size_t> sizes;
    batch_get(*f.aws, configs, &sizes);
    auto r = f.run("6.0-03");
    EXPECT_EQ(r.status, Status::compliant);
    EXPECT_EQ(r.evaluations.size(), 27u);
    ASSERT_EQ(sizes.size(), 2u);
    EXPECT_EQ(std::max(sizes[0], sizes[1]), 25u);
    EXPECT_EQ(sizes[0] + sizes[1], 27u);
    EXPECT_EQ(eval_of(r, "svc-26")->extra.at("batch").to_number<int>(), 2);
    EXPECT_EQ(eval_of(r, "svc-26")->evidence_path, "scanningConfigurations[1].scanFrequency");
}

TEST(VerdictPlatformEcrScan, DeniedBatchFallsBackToRegistryRulesWhereTheyDecide) {
    Fixture f;
    // "api" has no wildcard: it matches every name containing it; "*-svc" must match whole names.
    repositories(
        *f.aws,
        {{"public-api-v2", false}, {"billing-svc", false}, {"svc-billing", false}, {"old", true}});
    f.aws->on_json("ecr", "GetRegistryScanningConfiguration", kBasicRegistry);
    f.aws->deny("ecr", "BatchGetRepositoryScanningConfiguration",
                "ecr:BatchGetRepositoryScanningConfiguration");
    auto r = f.run("6.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);  // svc-billing fails; "old" is an ERROR
    ASSERT_EQ(r.evaluations.size(), 4u);
    const auto* api = eval_of(r, "public-api-v2");
    EXPECT_EQ(api->status, Status::compliant);
    EXPECT_EQ(api->evidence_path, "scanningConfiguration.rules[0].scanFrequency");
    EXPECT_EQ(api->extra.at("registryRule").at("filter").at("filter").as_string(), "api");
    EXPECT_NE(note_of(*api).find("derived from the registry's scanning rules"), std::string::npos);
    EXPECT_EQ(eval_of(r, "billing-svc")->status, Status::compliant);
    const auto* manual = eval_of(r, "svc-billing");
    EXPECT_EQ(manual->status, Status::non_compliant);
    EXPECT_EQ(manual->observed_value, json::value("MANUAL"));
    // BASIC, no rule matches, the deprecated flag is on: the rules cannot decide.
    const auto* old = eval_of(r, "old");
    EXPECT_EQ(old->status, Status::error);
    EXPECT_EQ(missing_permissions(*old),
              std::vector<std::string>{"ecr:BatchGetRepositoryScanningConfiguration"});
}

TEST(VerdictPlatformEcrScan, EnhancedUnmatchedIsNotScannedBothDeniedIsErrorFailureIsError) {
    Fixture f;
    f.aws->on_json("ecr", "GetRegistryScanningConfiguration",
                   R"({"registryId":"123456789012","scanningConfiguration":{"scanType":"ENHANCED",
        "rules":[{"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"prod-*","filterType":"WILDCARD"}]}]}})");
    repositories(*f.aws, {{"dev-api", true}});
    f.aws->deny("ecr", "BatchGetRepositoryScanningConfiguration",
                "ecr:BatchGetRepositoryScanningConfiguration");
    auto r = f.run("6.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_TRUE(r.evaluations.at(0).observed_value.is_null());
    EXPECT_NE(note_of(r.evaluations[0]).find("not scanned"), std::string::npos);

    Fixture g;
    repositories(*g.aws, {{"dev-api", true}});
    g.aws->deny("ecr", "GetRegistryScanningConfiguration", "ecr:GetRegistryScanningConfiguration");
    g.aws->deny("ecr", "BatchGetRepositoryScanningConfiguration",
                "ecr:BatchGetRepositoryScanningConfiguration");
    auto s = g.run("6.0-03");
    EXPECT_EQ(s.status, Status::error);
    EXPECT_EQ(missing_permissions(s.evaluations.at(0)),
              (std::vector<std::string>{"ecr:BatchGetRepositoryScanningConfiguration",
                                        "ecr:GetRegistryScanningConfiguration"}));

    // Registry denied, batch read: judged, with the scan type said to be unknown.
    Fixture h;
    repositories(*h.aws, {{"web", false}, {"gone", false}});
    h.aws->deny("ecr", "GetRegistryScanningConfiguration", "ecr:GetRegistryScanningConfiguration");
    batch_get(*h.aws, {{"web", repo_config("web", "SCAN_ON_PUSH", true, "[]")}});
    auto t = h.run("6.0-03");
    EXPECT_EQ(eval_of(t, "web")->status, Status::compliant);
    EXPECT_TRUE(eval_of(t, "web")->extra.at("scanType").is_null());
    EXPECT_TRUE(eval_of(t, "web")->extra.contains("registryNote"));
    // "gone" was deleted between the list and the batch read: ECR lists it under failures.
    EXPECT_EQ(eval_of(t, "gone")->status, Status::error);
    EXPECT_EQ(eval_of(t, "gone")->extra.at("error_detail").at("code").as_string(),
              "REPOSITORY_NOT_FOUND");
}

// ---------------------------------------------------------------------------------------------
// 2.0-09 ELB: the listener's security policy must not allow TLS 1.0 or 1.1.

constexpr const char* kAlbArn =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
constexpr const char* kNlbArn =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/edge/a1b2c3d4e5f6a7b8";

std::string listener(const std::string& lb, int port, const std::string& protocol,
                     const std::string& rest) {
    return R"({"ListenerArn":")" + lb + "/" + std::to_string(port) + R"(","LoadBalancerArn":")" +
           lb + R"(","Port":)" + std::to_string(port) + R"(,"Protocol":")" + protocol + "\"" +
           rest + "}";
}

void elb(FakeAwsClient& aws) {
    aws.on_json(
        "elbv2", "DescribeLoadBalancers",
        (std::string(R"({"LoadBalancers":[{"LoadBalancerArn":")") + kAlbArn +
         R"(","LoadBalancerName":"web","Type":"application","Scheme":"internet-facing"},
                    {"LoadBalancerArn":")" +
         kNlbArn + R"(","LoadBalancerName":"edge","Type":"network","Scheme":"internet-facing"}]})")
            .c_str());
    const std::string fwd = R"(,"DefaultActions":[{"Type":"forward","TargetGroupArn":"tg"}])";
    const std::string cert =
        R"(,"Certificates":[{"CertificateArn":"arn:aws:acm:us-east-1:123456789012:certificate/x"}])";
    by_param(
        aws, "elbv2", "DescribeListeners", "LoadBalancerArn",
        {{kAlbArn,
          "{\"Listeners\":[" +
              listener(kAlbArn, 443, "HTTPS",
                       cert + R"(,"SslPolicy":"ELBSecurityPolicy-2016-08")" + fwd) +
              "," +
              listener(kAlbArn, 8443, "HTTPS",
                       cert + R"(,"SslPolicy":"ELBSecurityPolicy-TLS13-1-2-2021-06")" + fwd) +
              "," +
              listener(
                  kAlbArn, 80, "HTTP",
                  R"(,"DefaultActions":[{"Type":"redirect","RedirectConfig":{"Protocol":"HTTPS","Port":"443","StatusCode":"HTTP_301"}}])") +
              "," + listener(kAlbArn, 8080, "HTTP", fwd) + "]}"},
         {kNlbArn,
          "{\"Listeners\":[" +
              listener(kNlbArn, 443, "TLS",
                       cert + R"(,"SslPolicy":"ELBSecurityPolicy-TLS13-1-1-2021-06")" + fwd) +
              "," +
              listener(kNlbArn, 9443, "TLS",
                       cert + R"(,"SslPolicy":"ELBSecurityPolicy-2016-08")" + fwd) +
              "," + listener(kNlbArn, 22, "TCP", fwd) + "," + listener(kNlbArn, 53, "UDP", fwd) +
              "," + listener(kNlbArn, 5353, "TCP_UDP", fwd) + "]}"}});
}

// DescribeSSLPolicies answers for Names=[policy], as the botocore example shapes them.
void ssl_policies(FakeAwsClient& aws) {
    const std::map<std::string, std::string> protocols{
        {"ELBSecurityPolicy-2016-08", R"(["TLSv1","TLSv1.1","TLSv1.2"])"},
        {"ELBSecurityPolicy-TLS13-1-2-2021-06", R"(["TLSv1.2","TLSv1.3"])"},
        {"ELBSecurityPolicy-TLS13-1-1-2021-06", R"(["TLSv1.1","TLSv1.2","TLSv1.3"])"}};
    aws.on("elbv2", "DescribeSSLPolicies",
           [protocols](const json::object& p, const std::string&) -> Result {
               const auto& names = p.at("Names").as_array();
               EXPECT_EQ(names.size(), 1u);
               const std::string name(names.at(0).as_string());
               auto it = protocols.find(name);
               if (it == protocols.end()) {
                   return dspm::unexpected(FakeAwsClient::error(dspm::aws::ErrorKind::not_found,
                                                                "elbv2", "DescribeSSLPolicies",
                                                                "SSLPolicyNotFound"));
               }
               return json::parse(
                   R"({"SslPolicies":[{"Name":")" + name + R"(","SslProtocols":)" + it->second +
                   R"(,"Ciphers":[{"Name":"ECDHE-ECDSA-AES128-GCM-SHA256","Priority":1}],
                   "SupportedLoadBalancerTypes":["application","network"]}]})");
           });
}

TEST(VerdictPlatformElbTls, PoliciesAllowingTls10Or11FailPassthroughIsAnnotated) {
    Fixture f;
    elb(*f.aws);
    ssl_policies(*f.aws);
    auto r = f.run("2.0-09");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 6u);  // TCP, UDP and TCP_UDP are not judged

    const auto* old = eval_of(r, "web:443");
    EXPECT_EQ(old->status, Status::non_compliant);
    EXPECT_EQ(old->observed_value, json::value("TLSv1"));
    EXPECT_EQ(old->evidence_path, "SslPolicies[0].SslProtocols");
    EXPECT_EQ(old->extra.at("SslPolicy").as_string(), "ELBSecurityPolicy-2016-08");
    EXPECT_EQ(old->extra.at("SslProtocols").as_array().size(), 3u);
    EXPECT_EQ(old->extra.at("protocolsSource").as_string(), "elbv2:DescribeSSLPolicies");

    EXPECT_EQ(eval_of(r, "web:8443")->status, Status::compliant);
    EXPECT_EQ(eval_of(r, "web:8443")->observed_value, json::value("TLSv1.2"));
    EXPECT_EQ(eval_of(r, "web:80")->status, Status::compliant);  // redirects to HTTPS
    EXPECT_EQ(eval_of(r, "web:8080")->status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "web:8080")->evidence_path, "Listeners[3].Protocol");
    EXPECT_EQ(eval_of(r, "edge:443")->observed_value, json::value("TLSv1.1"));
    EXPECT_EQ(eval_of(r, "edge:443")->status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "edge:9443")->status, Status::non_compliant);

    EXPECT_TRUE(has_note(r, "edge:22 (us-east-1): TCP passthrough: TLS terminates at the targets"));
    EXPECT_TRUE(has_note(r, "edge:53 (us-east-1): UDP"));
    EXPECT_TRUE(has_note(r, "edge:5353 (us-east-1): TCP_UDP"));
    // One read per policy: 2016-08 serves two listeners.
    EXPECT_EQ(f.aws->count("elbv2:DescribeSSLPolicies"), 3u);
}

TEST(VerdictPlatformElbTls, DeniedPolicyReadUsesTheStaticTableAndSaysSo) {
    Fixture f;
    elb(*f.aws);
    f.aws->deny("elbv2", "DescribeSSLPolicies", "elasticloadbalancing:DescribeSSLPolicies");
    auto r = f.run("2.0-09");
    EXPECT_EQ(r.status, Status::non_compliant);
    const auto* old = eval_of(r, "web:443");
    EXPECT_EQ(old->status, Status::non_compliant);
    EXPECT_EQ(old->observed_value, json::value("TLSv1"));
    EXPECT_EQ(old->evidence_path, "Listeners[0].SslPolicy");
    EXPECT_NE(note_of(*old).find("static table"), std::string::npos);
    EXPECT_NE(note_of(*old).find("elasticloadbalancing:DescribeSSLPolicies"), std::string::npos);
    EXPECT_EQ(eval_of(r, "web:8443")->status, Status::compliant);
    EXPECT_EQ(eval_of(r, "edge:443")->observed_value, json::value("TLSv1.1"));

    // A policy the table does not know, with the read denied: ERROR naming the action.
    Fixture g;
    g.aws->on_json("elbv2", "DescribeLoadBalancers",
                   (std::string(R"({"LoadBalancers":[{"LoadBalancerArn":")") + kAlbArn +
                    R"(","LoadBalancerName":"web","Type":"application"}]})")
                       .c_str());
    by_param(
        *g.aws, "elbv2", "DescribeListeners", "LoadBalancerArn",
        {{kAlbArn, "{\"Listeners\":[" +
                       listener(kAlbArn, 443, "HTTPS",
                                R"(,"SslPolicy":"ELBSecurityPolicy-TLS13-1-2-Future-2031-01")") +
                       "]}"}});
    g.aws->deny("elbv2", "DescribeSSLPolicies", "elasticloadbalancing:DescribeSSLPolicies");
    auto s = g.run("2.0-09");
    EXPECT_EQ(s.status, Status::error);
    EXPECT_EQ(missing_permissions(s.evaluations.at(0)),
              std::vector<std::string>{"elasticloadbalancing:DescribeSSLPolicies"});
}

TEST(VerdictPlatformElbTls, HttpsWithoutPolicyFailsPassthroughOnlyIsSkipped) {
    Fixture f;
    f.aws->on_json("elbv2", "DescribeLoadBalancers",
                   (std::string(R"({"LoadBalancers":[{"LoadBalancerArn":")") + kNlbArn +
                    R"(","LoadBalancerName":"edge","Type":"network"}]})")
                       .c_str());
    by_param(*f.aws, "elbv2", "DescribeListeners", "LoadBalancerArn",
             {{kNlbArn, "{\"Listeners\":[" + listener(kNlbArn, 443, "TCP", "") + "," +
                            listener(kNlbArn, 4433, "TCP_QUIC", "") + "]}"}});
    auto r = f.run("2.0-09");
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_EQ(r.notes.size(), 2u);
    EXPECT_TRUE(has_note(r, "edge:4433 (us-east-1): TCP_QUIC passthrough"));

    Fixture g;
    g.aws->on_json("elbv2", "DescribeLoadBalancers",
                   (std::string(R"({"LoadBalancers":[{"LoadBalancerArn":")") + kAlbArn +
                    R"(","LoadBalancerName":"web","Type":"application"}]})")
                       .c_str());
    by_param(*g.aws, "elbv2", "DescribeListeners", "LoadBalancerArn",
             {{kAlbArn, "{\"Listeners\":[" + listener(kAlbArn, 443, "HTTPS", "") + "]}"}});
    auto s = g.run("2.0-09");
    EXPECT_EQ(s.status, Status::non_compliant);
    EXPECT_TRUE(s.evaluations.at(0).observed_value.is_null());
    EXPECT_EQ(g.aws->count("elbv2:DescribeSSLPolicies"), 0u);
}

// ---------------------------------------------------------------------------------------------
// 5.0-07 Athena: Athena-managed results count; `primary` only when configured or used.

constexpr const char* kPrimaryDefault = R"({"WorkGroup":{"Name":"primary","State":"ENABLED",
  "Configuration":{"ResultConfiguration":{},"EnforceWorkGroupConfiguration":false,
   "PublishCloudWatchMetricsEnabled":false,"RequesterPaysEnabled":false,
   "EngineVersion":{"SelectedEngineVersion":"AUTO","EffectiveEngineVersion":"Athena engine version 3"},
   "EnableMinimumEncryptionConfiguration":false},
  "Description":"","CreationTime":1600000000.0}})";

constexpr const char* kManaged = R"({"WorkGroup":{"Name":"analytics","State":"ENABLED",
  "Configuration":{"EnforceWorkGroupConfiguration":true,"PublishCloudWatchMetricsEnabled":true,
   "ManagedQueryResultsConfiguration":{"Enabled":true,
     "EncryptionConfiguration":{"KmsKey":"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}},
   "EngineVersion":{"SelectedEngineVersion":"AUTO","EffectiveEngineVersion":"Athena engine version 3"}},
  "CreationTime":1700000000.0}})";

std::string workgroup_summary(const std::string& name, const std::string& state) {
    return R"({"Name":")" + name + R"(","State":")" + state +
           R"(","Description":"","CreationTime":1700000000.0,"EngineVersion":{"SelectedEngineVersion":"AUTO","EffectiveEngineVersion":"Athena engine version 3"}})";
}

void query_history(FakeAwsClient& aws, bool used) {
    aws.on("athena", "ListQueryExecutions",
           [used](const json::object& p, const std::string&) -> Result {
               EXPECT_EQ(p.at("WorkGroup").as_string(), "primary");
               return json::parse(
                   used ? R"({"QueryExecutionIds":["a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"]})"
                        : R"({"QueryExecutionIds":[]})");
           });
}

TEST(VerdictPlatformAthena, ManagedResultsCountUnusedDefaultPrimaryIsAnnotated) {
    Fixture f;
    // Two pages of workgroups.
    f.aws->on("athena", "ListWorkGroups", [](const json::object& p, const std::string&) -> Result {
        if (!p.contains("NextToken"))
            return json::parse("{\"WorkGroups\":[" + workgroup_summary("primary", "ENABLED") +
                               "],\"NextToken\":\"page-2\"}");
        return json::parse("{\"WorkGroups\":[" + workgroup_summary("analytics", "ENABLED") + "]}");
    });
    by_param(*f.aws, "athena", "GetWorkGroup", "WorkGroup",
             {{"primary", kPrimaryDefault}, {"analytics", kManaged}});
    query_history(*f.aws, false);
    auto r = f.run("5.0-07");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    for (const auto& e : r.evaluations)
        EXPECT_EQ(e.resource_id, "analytics");
    EXPECT_EQ(r.evaluations[1].evidence_path,
              "WorkGroup.Configuration.ManagedQueryResultsConfiguration.Enabled");
    EXPECT_NE(note_of(r.evaluations[1]).find("Athena-managed"), std::string::npos);
    EXPECT_TRUE(has_note(r,
                         "primary (us-east-1): the default workgroup is not configured and ran "
                         "no query in the last 45 days"));
}

TEST(VerdictPlatformAthena, RegionWithOnlyAnUnusedPrimaryIsSkipped) {
    Fixture f;
    f.aws->on_json("athena", "ListWorkGroups",
                   ("{\"WorkGroups\":[" + workgroup_summary("primary", "ENABLED") + "]}").c_str());
    by_param(*f.aws, "athena", "GetWorkGroup", "WorkGroup", {{"primary", kPrimaryDefault}});
    query_history(*f.aws, false);
    auto r = f.run("5.0-07");
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_EQ(r.notes.size(), 1u);
}

TEST(VerdictPlatformAthena, UsedOrConfiguredPrimaryIsJudged) {
    Fixture f;
    f.aws->on_json("athena", "ListWorkGroups",
                   ("{\"WorkGroups\":[" + workgroup_summary("primary", "ENABLED") + "]}").c_str());
    by_param(*f.aws, "athena", "GetWorkGroup", "WorkGroup", {{"primary", kPrimaryDefault}});
    query_history(*f.aws, true);
    auto r = f.run("5.0-07");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(r.evaluations[0].extra.at("primaryJudged").as_string(),
              "primary ran queries in the last 45 days");
    EXPECT_EQ(r.evaluations[1].evidence_path,
              "WorkGroup.Configuration.ResultConfiguration.OutputLocation");
    EXPECT_EQ(note_of(r.evaluations[1]),
              "no output location and Athena-managed query results are off");

    // Configured (an output location): judged without reading the query history.
    Fixture g;
    g.aws->on_json("athena", "ListWorkGroups",
                   ("{\"WorkGroups\":[" + workgroup_summary("primary", "ENABLED") + "]}").c_str());
    by_param(*g.aws, "athena", "GetWorkGroup", "WorkGroup",
             {{"primary", R"({"WorkGroup":{"Name":"primary","State":"ENABLED","Configuration":{
                 "ResultConfiguration":{"OutputLocation":"s3://athena-results-123456789012/"},
                 "EnforceWorkGroupConfiguration":false}}})"}});
    auto s = g.run("5.0-07");
    EXPECT_EQ(s.status, Status::non_compliant);
    ASSERT_EQ(s.evaluations.size(), 2u);
    EXPECT_EQ(s.evaluations[0].status, Status::non_compliant);  // not enforced
    EXPECT_EQ(s.evaluations[1].status, Status::compliant);
    EXPECT_EQ(g.aws->count("athena:ListQueryExecutions"), 0u);
}

TEST(VerdictPlatformAthena, UnreadHistoryFallsBackToTheOnlyEnabledWorkgroupRule) {
    // primary plus a DISABLED workgroup: primary is the only ENABLED one, so it is judged.
    Fixture f;
    f.aws->on_json("athena", "ListWorkGroups",
                   ("{\"WorkGroups\":[" + workgroup_summary("primary", "ENABLED") + "," +
                    workgroup_summary("archive", "DISABLED") + "]}")
                       .c_str());
    by_param(*f.aws, "athena", "GetWorkGroup", "WorkGroup",
             {{"primary", kPrimaryDefault},
              {"archive", R"({"WorkGroup":{"Name":"archive","State":"DISABLED","Configuration":{
                 "EnforceWorkGroupConfiguration":true,
                 "ResultConfiguration":{"OutputLocation":"s3://archive-results/"}}}})"}});
    f.aws->deny("athena", "ListQueryExecutions", "athena:ListQueryExecutions");
    auto r = f.run("5.0-07");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 4u);
    const auto* primary = eval_of(r, "primary");
    EXPECT_NE(primary->extra.at("primaryJudged").as_string().find("only ENABLED workgroup"),
              std::string::npos);

    // primary plus another ENABLED workgroup: primary is annotated, not judged.
    Fixture g;
    g.aws->on_json("athena", "ListWorkGroups",
                   ("{\"WorkGroups\":[" + workgroup_summary("primary", "ENABLED") + "," +
                    workgroup_summary("analytics", "ENABLED") + "]}")
                       .c_str());
    by_param(*g.aws, "athena", "GetWorkGroup", "WorkGroup",
             {{"primary", kPrimaryDefault}, {"analytics", kManaged}});
    g.aws->deny("athena", "ListQueryExecutions", "athena:ListQueryExecutions");
    auto s = g.run("5.0-07");
    EXPECT_EQ(s.status, Status::compliant);
    EXPECT_EQ(eval_of(s, "primary"), nullptr);
    EXPECT_TRUE(has_note(s, "primary (us-east-1): query history not read"));
}

// ---------------------------------------------------------------------------------------------
// 16.0-04 StackSets seen from a member account: service-managed stack sets live with the
// management account or a delegated administrator (CallAs=DELEGATED_ADMIN).

constexpr const char* kMemberOf111 = R"({"Organization":{"Id":"o-exampleorgid",
    "Arn":"arn:aws:organizations::111111111111:organization/o-exampleorgid","FeatureSet":"ALL",
    "MasterAccountArn":"arn:aws:organizations::111111111111:account/o-exampleorgid/111111111111",
    "MasterAccountId":"111111111111","MasterAccountEmail":"bill@example.com"}})";

Result stack_sets_by_caller(const json::object& p, bool delegated_admin) {
    const auto* call_as = p.if_contains("CallAs");
    if (call_as == nullptr || call_as->as_string() == "SELF")
        return json::parse(R"({"Summaries":[]})");
    if (!delegated_admin)
        return dspm::unexpected(FakeAwsClient::error(
            dspm::aws::ErrorKind::service, "cloudformation", "ListStackSets", "ValidationError"));
    return json::parse(R"({"Summaries":[{"StackSetName":"org-baseline",
        "StackSetId":"org-baseline:0a1b2c3d-1111-2222-3333-444455556666","Status":"ACTIVE",
        "PermissionModel":"SERVICE_MANAGED","AutoDeployment":{"Enabled":true,
        "RetainStacksOnAccountRemoval":false}},{"StackSetName":"gone","Status":"DELETED",
        "PermissionModel":"SERVICE_MANAGED"}]})");
}

TEST(VerdictPlatformStackSets, AMemberThatIsNotDelegatedAdminIsNotEvidencedWithTheReason) {
    Fixture fx;
    fx.aws->on_json("organizations", "DescribeOrganization", kMemberOf111);
    fx.aws->on("cloudformation", "ListStackSets",
               [](const json::object& p, const std::string&) -> Result {
                   return stack_sets_by_caller(p, false);
               });
    auto r = fx.run("16.0-04");
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_TRUE(r.evaluations.empty());
    const std::string reason = r.reason.value_or("");
    EXPECT_NE(reason.find("not evidenced"), std::string::npos) << reason;
    EXPECT_NE(reason.find("111111111111"), std::string::npos) << reason;
    EXPECT_NE(reason.find("run the audit from the management account"), std::string::npos);
}

TEST(VerdictPlatformStackSets, ADelegatedAdministratorSeesServiceManagedStackSets) {
    Fixture fx;
    fx.aws->on_json("organizations", "DescribeOrganization", kMemberOf111);
    fx.aws->on("cloudformation", "ListStackSets",
               [](const json::object& p, const std::string&) -> Result {
                   return stack_sets_by_caller(p, true);
               });
    auto r = fx.run("16.0-04");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(r.evaluations[0].observed_value, json::value(1));  // the DELETED one is not counted
    EXPECT_EQ(r.evaluations[0].extra.at("callAs").as_string(), "DELEGATED_ADMIN");
}

TEST(VerdictPlatformStackSets, TheManagementAccountIsAskedForItsOwnOnly) {
    Fixture fx;
    fx.aws->on_json("organizations", "DescribeOrganization",
                    R"({"Organization":{"Id":"o-exampleorgid","MasterAccountId":"123456789012"}})");
    fx.aws->on("cloudformation", "ListStackSets",
               [](const json::object& p, const std::string&) -> Result {
                   EXPECT_FALSE(p.contains("CallAs"));
                   return stack_sets_by_caller(p, false);
               });
    auto r = fx.run("16.0-04");
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_EQ(r.reason.value_or("").find("management account"), std::string::npos);
    EXPECT_EQ(r.evidence.at("organizationPosition").as_string(), "management");
}

}  // namespace
