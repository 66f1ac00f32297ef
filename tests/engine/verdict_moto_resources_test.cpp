// Issue 10 section 3's per-resource checks through the dspm-audit binary, on moto_server where it
// has the API and on fronts or fakes where it lacks one (tests/engine/moto_front.hpp):
//  - 7.0-03 an alarm whose actions are disabled does not count; one with enabled actions does;
//  - 8.0-03 a web ACL per internet-facing ALB and per public REST API stage; internal ALBs are
//    not judged;
//  - 3.0-09 / 8.0-05 each VPC by its own query-log / DNS Firewall association;
//  - 9.0-03 each backup plan by its copy to another region; a region without plans fails;
//  - 6.0-04 each covered resource by its scan status, a region where Inspector is off fails;
//  - 4.0-07 / 9.0-07 each EBS volume by the DLM policy whose target tags it carries.
// Two audited regions (AUDIT_REGIONS). moto lacks route53resolver
// ListFirewallRuleGroupAssociations, backup ListCopyJobs / ListProtectedResources, inspector2
// ListCoverage (and Enable, so its account status is answered too): fronts answer those and forward
// the rest. DLM is not in moto: a REST-JSON fake.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "engine/catalog_audit.hpp"
#include "engine/fake_http.hpp"
#include "engine/moto_front.hpp"
#include "support/test_support.hpp"

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using dspm::test::FakeRequest;
using dspm::test::FakeResponse;
using dspm::test::statuses;

constexpr const char* kCodes[] = {"7.0-03", "8.0-03", "3.0-09", "8.0-05",
                                  "9.0-03", "6.0-04", "4.0-07", "9.0-07"};

constexpr const char* kSeed = R"PY(
import json, sys, boto3
def c(service, region="us-east-1"):
    return boto3.client(service, endpoint_url=sys.argv[1], region_name=region,
                        aws_access_key_id="testing", aws_secret_access_key="testing")
out = {}
# 7.0-03: us-east-1's only alarm has its actions disabled; eu-west-1's fires.
c("cloudwatch").put_metric_alarm(
    AlarmName="cpu-high", MetricName="CPUUtilization", Namespace="AWS/EC2", Statistic="Average",
    Period=300, EvaluationPeriods=1, Threshold=80, ComparisonOperator="GreaterThanThreshold",
    ActionsEnabled=False, AlarmActions=["arn:aws:sns:us-east-1:123456789012:ops"])
c("cloudwatch", "eu-west-1").put_metric_alarm(
    AlarmName="errors", MetricName="Errors", Namespace="AWS/Lambda", Statistic="Sum",
    Period=60, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
    ActionsEnabled=True, AlarmActions=["arn:aws:sns:eu-west-1:123456789012:ops"])

ec2 = c("ec2")
vpc = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
out["vpc"] = vpc
subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=z)["Subnet"]["SubnetId"]
           for cidr, z in (("10.4.1.0/24", "us-east-1a"), ("10.4.2.0/24", "us-east-1b"))]
# 8.0-03: two internet-facing ALBs, one behind a web ACL, and an internal one.
elb = c("elbv2")
lbs = {}
for name, scheme in (("web", "internet-facing"), ("shop", "internet-facing"),
                     ("backend", "internal")):
    lbs[name] = elb.create_load_balancer(Name=name, Subnets=subnets, Scheme=scheme,
                                         Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
waf = c("wafv2")
acl = waf.create_web_acl(Name="edge", Scope="REGIONAL", DefaultAction={"Allow": {}}, Rules=[],
                         VisibilityConfig={"SampledRequestsEnabled": False,
                                           "CloudWatchMetricsEnabled": False,
                                           "MetricName": "edge"})["Summary"]["ARN"]
waf.associate_web_acl(WebACLArn=acl, ResourceArn=lbs["web"])
api = c("apigateway")
rest = api.create_rest_api(name="orders", endpointConfiguration={"types": ["REGIONAL"]})["id"]
root = api.get_resources(restApiId=rest)["items"][0]["id"]
api.put_method(restApiId=rest, resourceId=root, httpMethod="GET", authorizationType="NONE")
api.put_integration(restApiId=rest, resourceId=root, httpMethod="GET", type="MOCK")
api.create_deployment(restApiId=rest, stageName="prod")
out["api"] = rest

# 3.0-09: the new VPC logs its queries, the default VPC does not.
r53 = c("route53resolver")
qlc = r53.create_resolver_query_log_config(
    Name="vpc-queries", DestinationArn="arn:aws:s3:::dns-logs", CreatorRequestId="q1"
)["ResolverQueryLogConfig"]["Id"]
r53.associate_resolver_query_log_config(ResolverQueryLogConfigId=qlc, ResourceId=vpc)

# 9.0-03: a plan copying to eu-west-1 and a plan keeping its copies at home.
backup = c("backup")
backup.create_backup_vault(BackupVaultName="main")
for plan, copies in (("dr", [{"DestinationBackupVaultArn":
                              "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr"}]),
                     ("local", [])):
    rule = {"RuleName": "daily", "TargetBackupVaultName": "main",
            "ScheduleExpression": "cron(0 5 * * ? *)"}
    if copies:
        rule["CopyActions"] = copies
    backup.create_backup_plan(BackupPlan={"BackupPlanName": plan, "Rules": [rule]})

# 4.0-07 / 9.0-07: a tagged volume the DLM policy targets and an untagged one.
for name, tags in (("data", [{"Key": "Backup", "Value": "daily"}]), ("scratch", [])):
    spec = [{"ResourceType": "volume", "Tags": tags + [{"Key": "Name", "Value": name}]}]
    out[name] = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8,
                                  TagSpecifications=spec)["VolumeId"]
print(json.dumps(out))
)PY";

// The region a SigV4-signed request was signed for (its credential scope).
std::string region_of(const FakeRequest& r) {
    auto a = r.headers.find("authorization");
    if (a == r.headers.end()) return {};
    auto at = a->second.find("Credential=");
    if (at == std::string::npos) return {};
    auto first = a->second.find('/', at);          // after the key id
    auto second = a->second.find('/', first + 1);  // after the date
    auto third = a->second.find('/', second + 1);  // after the region
    if (first == std::string::npos || second == std::string::npos || third == std::string::npos)
        return {};
    return a->second.substr(second + 1, third - second - 1);
}

bool target_is(const FakeRequest& r, std::string_view op) {
    auto t = r.headers.find("x-amz-target");
    return t != r.headers.end() && t->second.ends_with("." + std::string(op));
}

FakeResponse json11(std::string body) {
    return FakeResponse{200, "application/x-amz-json-1.1", std::move(body)};
}

FakeResponse rest_json(std::string body) {
    return FakeResponse{200, "application/json", std::move(body)};
}

// Resolver DNS Firewall: the new VPC has a COMPLETE association in us-east-1.
std::optional<FakeResponse> firewall_associations(const FakeRequest& r, const std::string& vpc) {
    if (!target_is(r, "ListFirewallRuleGroupAssociations")) return std::nullopt;
    if (region_of(r) != "us-east-1") return json11(R"({"FirewallRuleGroupAssociations":[]})");
    return json11(R"({"FirewallRuleGroupAssociations":[{"Id":"rslvr-frgassoc-57e8873d7EXAMPLE",)"
                  R"("Arn":"arn:aws:route53resolver:us-east-1:123456789012:firewall-rule-group-)"
                  R"(association/rslvr-frgassoc-57e8873d7EXAMPLE","FirewallRuleGroupId":)"
                  R"("rslvr-frg-47f93271fEXAMPLE","VpcId":")" +
                  vpc +
                  R"(","Name":"block-malware","Priority":101,"MutationProtection":"DISABLED",)"
                  R"("Status":"COMPLETE","StatusMessage":"Finished rule group association",)"
                  R"("CreatorRequestId":"r1","CreationTime":"2024-03-01T09:00:00Z",)"
                  R"("ModificationTime":"2024-03-01T09:00:00Z"}]})");
}

// AWS Backup: no copy job history, no protected resource.
std::optional<FakeResponse> backup_extras(const FakeRequest& r) {
    if (r.method == "GET" && r.path.starts_with("/copy-jobs"))
        return rest_json(R"({"CopyJobs":[]})");
    if (r.method == "GET" && r.path.starts_with("/resources"))
        return rest_json(R"({"Results":[]})");
    return std::nullopt;
}

// Inspector: enabled in us-east-1 (Lambda scanning off), not in eu-west-1; us-east-1 covers an
// instance it scans and one it cannot (no SSM agent).
std::optional<FakeResponse> inspector_extras(const FakeRequest& r) {
    const std::string region = region_of(r);
    if (r.path.starts_with("/status/batch/get")) {
        const std::string state = region == "us-east-1" ? "ENABLED" : "DISABLED";
        return rest_json(
            R"({"accounts":[{"accountId":"123456789012","state":{"status":")" + state +
            R"("},"resourceState":{"ec2":{"status":")" + state + R"("},"ecr":{"status":")" + state +
            R"("},"lambda":{"status":"DISABLED"},"lambdaCode":{"status":"DISABLED"}}}],)"
            R"("failedAccounts":[]})");
    }
    if (r.path.starts_with("/coverage/list")) {
        if (region != "us-east-1") return rest_json(R"({"coveredResources":[]})");
        return rest_json(R"({"coveredResources":[
            {"accountId":"123456789012","resourceId":"i-0a1b2c3d4e5f60001","resourceType":
             "AWS_EC2_INSTANCE","scanType":"PACKAGE","scanMode":"EC2_SSM_AGENT_BASED",
             "scanStatus":{"statusCode":"ACTIVE","reason":"SUCCESSFUL"},
             "lastScannedAt":"2024-03-01T09:00:00Z"},
            {"accountId":"123456789012","resourceId":"i-0a1b2c3d4e5f60002","resourceType":
             "AWS_EC2_INSTANCE","scanType":"PACKAGE","scanMode":"EC2_SSM_AGENT_BASED",
             "scanStatus":{"statusCode":"INACTIVE","reason":"UNMANAGED_EC2_INSTANCE"}}]})");
    }
    return std::nullopt;
}

// Data Lifecycle Manager (REST-JSON, not in moto): one ENABLED volume policy for Backup=daily in
// us-east-1.
FakeResponse dlm(const FakeRequest& r) {
    constexpr const char* kId = "policy-0123456789abcdef0";
    const bool home = region_of(r) == "us-east-1";
    if (r.method == "GET" && r.path.starts_with("/policies/"))
        return rest_json(std::string(R"({"Policy":{"PolicyId":")") + kId +
                         R"(","Description":"daily volume snapshots","State":"ENABLED",)"
                         R"("StatusMessage":"ENABLED","ExecutionRoleArn":)"
                         R"("arn:aws:iam::123456789012:role/AWSDataLifecycleManagerDefaultRole",)"
                         R"("DateCreated":"2024-03-01T09:00:00Z","DateModified":)"
                         R"("2024-03-01T09:00:00Z","PolicyDetails":{"PolicyType":)"
                         R"("EBS_SNAPSHOT_MANAGEMENT","ResourceTypes":["VOLUME"],"TargetTags":)"
                         R"([{"Key":"Backup","Value":"daily"}],"Schedules":[{"Name":"daily",)"
                         R"("CreateRule":{"Interval":24,"IntervalUnit":"HOURS","Times":["05:00"]},)"
                         R"("RetainRule":{"Count":7}}]},"DefaultPolicy":false}})");
    if (r.method == "GET" && r.path.starts_with("/policies")) {
        if (!home) return rest_json(R"({"Policies":[]})");
        return rest_json(
            std::string(R"({"Policies":[{"PolicyId":")") + kId +
            R"(","Description":"daily volume snapshots","State":"ENABLED",)"
            R"("Tags":{},"PolicyType":"EBS_SNAPSHOT_MANAGEMENT","DefaultPolicy":false}]})");
    }
    return FakeResponse{404, "application/json", R"({"message":"not scripted"})"};
}

TEST(VerdictMotoResources, AlarmsWafVpcAssociationsPlansCoverageAndVolumes) {
    if (dspm::test::run_shell("command -v moto_server >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "moto_server not installed";
    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    const fs::path py =
        fs::temp_directory_path() / ("dspm-res-seed-" + std::to_string(::getpid()) + ".py");
    std::ofstream(py) << kSeed;
    std::string out;
    ASSERT_EQ(dspm::test::run_shell("python3 " + py.string() + " " + moto.endpoint(), &out), 0)
        << out;
    fs::remove(py);
    std::error_code ec;
    const auto seeded = json::parse(out, ec);
    ASSERT_FALSE(ec) << out;
    const std::string vpc(seeded.at("vpc").as_string());
    const auto catalog = dspm::test::write_catalog(
        fs::temp_directory_path() / ("dspm-res-catalog-" + std::to_string(::getpid())), "resources",
        {std::begin(kCodes), std::end(kCodes)});

    dspm::test::MotoFront resolver(
        moto.port(), [&vpc](const FakeRequest& r) { return firewall_associations(r, vpc); });
    dspm::test::MotoFront backup(moto.port(), backup_extras);
    dspm::test::MotoFront inspector(moto.port(), inspector_extras);
    dspm::test::FakeHttpServer lifecycle(dlm);
    auto env = dspm::test::moto_env(moto.endpoint());
    env["AUDIT_REGIONS"] = "us-east-1,eu-west-1";
    env["AWS_ENDPOINT_URL_ROUTE53RESOLVER"] = resolver.url();
    env["AWS_ENDPOINT_URL_BACKUP"] = backup.url();
    env["AWS_ENDPOINT_URL_INSPECTOR2"] = inspector.url();
    env["AWS_ENDPOINT_URL_DLM"] = lifecycle.url();
    std::string err;
    auto m = dspm::test::audit_catalog(env, catalog, "resources", &err);
    fs::remove_all(catalog);
    ASSERT_EQ(m.size(), std::size(kCodes)) << err;

    // 7.0-03: an alarm that cannot act is no alarm.
    auto alarms = statuses(m["7.0-03"]);
    EXPECT_EQ(alarms["us-east-1"], "NON_COMPLIANT") << json::serialize(m["7.0-03"]);
    EXPECT_EQ(alarms["eu-west-1"], "COMPLIANT") << json::serialize(m["7.0-03"]);

    // 8.0-03: the ALB behind the web ACL passes, the other internet-facing one and the API stage
    // fail, the internal ALB is not judged.
    int web = 0, shop = 0, backend = 0, stage = 0;
    for (const auto& e : m["8.0-03"].at("evaluations").as_array()) {
        const std::string id(e.at("resource_id").as_string());
        const std::string st(e.at("status").as_string());
        if (id.find("/app/web/") != std::string::npos) web += st == "COMPLIANT" ? 1 : 100;
        if (id.find("/app/shop/") != std::string::npos) shop += st == "NON_COMPLIANT" ? 1 : 100;
        if (id.find("/app/backend/") != std::string::npos) ++backend;
        if (id.find("/restapis/" + std::string(seeded.at("api").as_string()) + "/stages/prod") !=
            std::string::npos)
            stage += st == "NON_COMPLIANT" ? 1 : 100;
    }
    EXPECT_EQ(web, 1) << json::serialize(m["8.0-03"]);
    EXPECT_EQ(shop, 1) << json::serialize(m["8.0-03"]);
    EXPECT_EQ(backend, 0) << json::serialize(m["8.0-03"]);
    EXPECT_EQ(stage, 1) << json::serialize(m["8.0-03"]);

    // 3.0-09 and 8.0-05: the new VPC has both associations; every default VPC has neither.
    for (const char* code : {"3.0-09", "8.0-05"}) {
        auto vpcs = statuses(m[code]);
        EXPECT_EQ(vpcs[vpc], "COMPLIANT") << code << json::serialize(m[code]);
        std::size_t failing = 0;
        for (const auto& [id, st] : vpcs)
            failing += id != vpc && st == "NON_COMPLIANT";
        EXPECT_GE(failing, 2u) << code << json::serialize(m[code]);  // a default VPC per region
    }

    // 9.0-03: by plan, and eu-west-1 has none.
    int dr = 0, local = 0, region_without = 0;
    for (const auto& e : m["9.0-03"].at("evaluations").as_array()) {
        const std::string json_text = json::serialize(e);
        const std::string st(e.at("status").as_string());
        if (json_text.find("\"dr\"") != std::string::npos) dr += st == "COMPLIANT" ? 1 : 100;
        if (json_text.find("\"local\"") != std::string::npos)
            local += st == "NON_COMPLIANT" ? 1 : 100;
        if (e.at("region") == "eu-west-1") region_without += st == "NON_COMPLIANT" ? 1 : 100;
    }
    EXPECT_EQ(dr, 1) << json::serialize(m["9.0-03"]);
    EXPECT_EQ(local, 1) << json::serialize(m["9.0-03"]);
    EXPECT_EQ(region_without, 1) << json::serialize(m["9.0-03"]);

    // 6.0-04: per covered resource; Inspector off in eu-west-1 fails that region.
    auto covered = statuses(m["6.0-04"]);
    EXPECT_EQ(covered["i-0a1b2c3d4e5f60001"], "COMPLIANT") << json::serialize(m["6.0-04"]);
    EXPECT_EQ(covered["i-0a1b2c3d4e5f60002"], "NON_COMPLIANT") << json::serialize(m["6.0-04"]);
    EXPECT_EQ(covered["eu-west-1"], "NON_COMPLIANT") << json::serialize(m["6.0-04"]);

    // 4.0-07 / 9.0-07: the tagged volume is scheduled, the untagged one is not.
    for (const char* code : {"4.0-07", "9.0-07"}) {
        auto volumes = statuses(m[code]);
        EXPECT_EQ(volumes[std::string(seeded.at("data").as_string())], "COMPLIANT")
            << code << json::serialize(m[code]);
        EXPECT_EQ(volumes[std::string(seeded.at("scratch").as_string())], "NON_COMPLIANT")
            << code << json::serialize(m[code]);
    }
}

}  // namespace
