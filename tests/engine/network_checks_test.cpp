// The network group's checks on recorded documents: COMPLIANT, NON_COMPLIANT, ERROR (denied read
// naming the IAM action) and SKIPPED (nothing of the kind) per code.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <memory>

#include "checks/check.hpp"
#include "engine/fake_aws.hpp"
#include "inventory/facts.hpp"

namespace {

namespace json = boost::json;
using dspm::engine::MappingResult;
using dspm::engine::Status;
using dspm::test::FakeAwsClient;

struct NetFixture {
    std::shared_ptr<FakeAwsClient> aws = std::make_shared<FakeAwsClient>();
    dspm::checks::CheckScope scope;
    NetFixture() {
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

TEST(NetworkRegistry, EveryNetworkCodeIsRegisteredWithIamActions) {
    for (const char* code : {"8.0-01", "12.0-05", "3.0-08", "2.0-16", "10.0-04"}) {
        const auto* c = dspm::checks::find_check(code);
        ASSERT_NE(c, nullptr) << code;
        EXPECT_EQ(c->info().code, code);
        EXPECT_FALSE(c->info().iam_actions.empty()) << code;
    }
}

// ---- 8.0-01 security groups ----
constexpr const char* kGroups = R"({"SecurityGroups":[
 {"GroupId":"sg-ssh","GroupName":"ssh","VpcId":"vpc-1","IpPermissions":[
   {"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/8"},{"CidrIp":"0.0.0.0/0"}]}]},
 {"GroupId":"sg-web","GroupName":"web","IpPermissions":[
   {"IpProtocol":"tcp","FromPort":443,"ToPort":443,"IpRanges":[{"CidrIp":"0.0.0.0/0"}],"Ipv6Ranges":[{"CidrIpv6":"::/0"}]},
   {"IpProtocol":"tcp","FromPort":80,"ToPort":80,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]},
 {"GroupId":"sg-all6","GroupName":"all","IpPermissions":[
   {"IpProtocol":"-1","Ipv6Ranges":[{"CidrIpv6":"::/0"}]}]},
 {"GroupId":"sg-range","GroupName":"range","IpPermissions":[
   {"IpProtocol":"tcp","FromPort":8000,"ToPort":8100,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]},
 {"GroupId":"sg-private","GroupName":"private","IpPermissions":[
   {"IpProtocol":"tcp","FromPort":3389,"ToPort":3389,"IpRanges":[{"CidrIp":"192.168.0.0/16"}]}]}
]})";

TEST(NetworkSecurityGroups, WorldOpenAdminAllAndRangeFailWebPortsPass) {
    NetFixture f;
    f.aws->on_json("ec2", "DescribeSecurityGroups", kGroups);
    auto r = f.run("8.0-01");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 5u);
    const auto* ssh = eval_of(r, "sg-ssh");
    ASSERT_NE(ssh, nullptr);
    EXPECT_EQ(ssh->status, Status::non_compliant);
    EXPECT_EQ(ssh->evidence_path, "SecurityGroups[0].IpPermissions[0].IpRanges[1].CidrIp");
    const auto& rule = ssh->extra.at("offendingRules").as_array().at(0).as_object();
    EXPECT_EQ(rule.at("rule").as_string(), "tcp 22 from 0.0.0.0/0");
    EXPECT_TRUE(rule.at("adminPort").as_bool());
    EXPECT_EQ(eval_of(r, "sg-web")->status, Status::compliant);
    EXPECT_EQ(eval_of(r, "sg-web")->extra.at("allowedWebRules").as_array().size(), 3u);
    const auto* all = eval_of(r, "sg-all6");
    EXPECT_EQ(all->status, Status::non_compliant);
    EXPECT_EQ(all->observed_value.as_array().at(0).as_string(), "all traffic from ::/0");
    EXPECT_EQ(eval_of(r, "sg-range")->status, Status::non_compliant);
    EXPECT_FALSE(eval_of(r, "sg-range")
                     ->extra.at("offendingRules")
                     .as_array()
                     .at(0)
                     .as_object()
                     .at("adminPort")
                     .as_bool());
    EXPECT_EQ(eval_of(r, "sg-private")->status, Status::compliant);
    EXPECT_EQ(r.evidence.at("totalSecurityGroups").as_uint64(), 5u);
    EXPECT_EQ(r.evidence.at("nonCompliant").as_uint64(), 3u);
}

TEST(NetworkSecurityGroups, OnlyPrivateRulesIsCompliantInEveryRegion) {
    NetFixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    f.aws->on_json("ec2", "DescribeSecurityGroups",
                   R"({"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[]}]})");
    auto r = f.run("8.0-01");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(r.evaluations[1].region, "eu-west-1");
}

TEST(NetworkSecurityGroups, DeniedListIsErrorAndEmptyIsSkipped) {
    NetFixture f;
    f.aws->deny("ec2", "DescribeSecurityGroups", "ec2:DescribeSecurityGroups");
    auto r = f.run("8.0-01");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "ec2:DescribeSecurityGroups");
    NetFixture g;
    g.aws->on_json("ec2", "DescribeSecurityGroups", R"({"SecurityGroups":[]})");
    auto s = g.run("8.0-01");
    EXPECT_EQ(s.status, Status::skipped);
    EXPECT_TRUE(s.reason.has_value());
}

// ---- CloudFront 12.0-05 / 3.0-08 ----
// D1's summary carries its origins; D2's (as moto's) does not, so its config is read.
void distributions(FakeAwsClient& aws) {
    aws.on_json("cloudfront", "ListDistributions", R"({"DistributionList":{"Items":[
      {"Id":"D1","DomainName":"d1.cloudfront.net","Origins":{"Quantity":2,"Items":[
        {"Id":"s3","DomainName":"b1.s3.us-east-1.amazonaws.com","S3OriginConfig":{"OriginAccessIdentity":""},"OriginAccessControlId":"E2OAC"},
        {"Id":"web","DomainName":"api.example.com","CustomOriginConfig":{}}]}},
      {"Id":"D2","DomainName":"d2.cloudfront.net"}]}})");
    by_param(
        aws, "cloudfront", "GetDistributionConfig", "Id",
        {{"D1",
          R"({"DistributionConfig":{"Logging":{"Enabled":true,"Bucket":"logs.s3.amazonaws.com"},
                 "DefaultCacheBehavior":{}}})"},
         {"D2", R"({"DistributionConfig":{"Logging":{"Enabled":false,"Bucket":""},
                 "Origins":{"Items":[
                   {"Id":"oai","DomainName":"b2.s3.amazonaws.com","S3OriginConfig":{"OriginAccessIdentity":"origin-access-identity/cloudfront/E1"},"OriginAccessControlId":""},
                   {"Id":"site","DomainName":"b3.s3-website-us-east-1.amazonaws.com","CustomOriginConfig":{}}]},
                 "DefaultCacheBehavior":{}}})"}});
}

TEST(NetworkCloudFrontOac, OacPassesOaiOnlyFailsWebsiteAndCustomOriginsIgnored) {
    NetFixture f;
    distributions(*f.aws);
    auto r = f.run("12.0-05");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(r.evaluations[0].resource_id, "D1");
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].evidence_path,
              "DistributionList.Items[0].Origins.Items[0].OriginAccessControlId");
    EXPECT_EQ(r.evaluations[1].resource_id, "D2");
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_TRUE(r.evaluations[1].observed_value.is_null());  // "" is absent
    EXPECT_EQ(r.evaluations[1].evidence_path,
              "DistributionConfig.Origins.Items[0].OriginAccessControlId");
    EXPECT_TRUE(r.evaluations[1].extra.contains("originAccessIdentity"));
    EXPECT_EQ(f.aws->count("cloudfront:GetDistributionConfig"), 1u);  // D1's summary sufficed
}

TEST(NetworkCloudFrontOac, DeniedConfigIsErrorAndNoS3OriginIsSkipped) {
    NetFixture f;
    f.aws->on_json("cloudfront", "ListDistributions",
                   R"({"DistributionList":{"Items":[{"Id":"D9"}]}})");
    f.aws->deny("cloudfront", "GetDistributionConfig", "cloudfront:GetDistributionConfig");
    auto r = f.run("12.0-05");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "cloudfront:GetDistributionConfig");
    NetFixture g;
    g.aws->on_json("cloudfront", "ListDistributions", R"({"DistributionList":{"Items":[
      {"Id":"D1","Origins":{"Items":[{"Id":"c","DomainName":"x.example.com"}]}}]}})");
    auto s = g.run("12.0-05");
    EXPECT_EQ(s.status, Status::skipped);
    EXPECT_NE(s.reason->find("no S3 origins"), std::string::npos);
}

TEST(NetworkCloudFrontLogging, EnabledPassesDisabledFailsAndReadsAreShared) {
    NetFixture f;
    distributions(*f.aws);
    const auto* logging = dspm::checks::find_check("3.0-08");
    const auto* oac = dspm::checks::find_check("12.0-05");
    ASSERT_NE(logging, nullptr);
    dspm::inventory::CachedFacts facts(f.aws, nullptr, f.scope.account);
    auto r = logging->run(facts, f.scope);
    oac->run(facts, f.scope);
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].evidence_path, "DistributionConfig.Logging.Enabled");
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(f.aws->count("cloudfront:ListDistributions"), 1u);
    EXPECT_EQ(f.aws->count("cloudfront:GetDistributionConfig"), 2u);
}

TEST(NetworkCloudFrontLogging, RealtimeLogsPassDeniedListIsErrorNoneIsSkipped) {
    NetFixture f;
    f.aws->on_json("cloudfront", "ListDistributions",
                   R"({"DistributionList":{"Items":[{"Id":"D1"}]}})");
    f.aws->on_json("cloudfront", "GetDistributionConfig", R"({"DistributionConfig":{
      "Logging":{"Enabled":false},"DefaultCacheBehavior":{"RealtimeLogConfigArn":"arn:aws:cloudfront::1:realtime-log-config/x"}}})");
    auto r = f.run("3.0-08");
    EXPECT_EQ(r.status, Status::compliant);
    NetFixture g;
    g.aws->deny("cloudfront", "ListDistributions", "cloudfront:ListDistributions");
    auto e = g.run("3.0-08");
    EXPECT_EQ(e.status, Status::error);
    EXPECT_EQ(missing_permission(e), "cloudfront:ListDistributions");
    NetFixture h;
    h.aws->on_json("cloudfront", "ListDistributions", R"({"DistributionList":{"Items":[]}})");
    EXPECT_EQ(h.run("3.0-08").status, Status::skipped);
}

// ---- KMS 2.0-16 / 10.0-04 ----
void kms_keys(FakeAwsClient& aws) {
    aws.on_json(
        "kms", "ListKeys",
        R"({"Keys":[{"KeyId":"k-rot"},{"KeyId":"k-norot"},{"KeyId":"k-aws"},{"KeyId":"k-rsa"},{"KeyId":"k-off"}]})");
    by_param(
        aws, "kms", "DescribeKey", "KeyId",
        {{"k-rot",
          R"({"KeyMetadata":{"KeyId":"k-rot","KeyManager":"CUSTOMER","KeySpec":"SYMMETRIC_DEFAULT","KeyState":"Enabled","Origin":"AWS_KMS"}})"},
         {"k-norot",
          R"({"KeyMetadata":{"KeyId":"k-norot","KeyManager":"CUSTOMER","KeySpec":"SYMMETRIC_DEFAULT","KeyState":"Enabled","Origin":"AWS_KMS"}})"},
         {"k-aws",
          R"({"KeyMetadata":{"KeyId":"k-aws","KeyManager":"AWS","KeySpec":"SYMMETRIC_DEFAULT","KeyState":"Enabled"}})"},
         {"k-rsa",
          R"({"KeyMetadata":{"KeyId":"k-rsa","KeyManager":"CUSTOMER","KeySpec":"RSA_2048","KeyState":"Enabled"}})"},
         {"k-off",
          R"({"KeyMetadata":{"KeyId":"k-off","KeyManager":"CUSTOMER","KeySpec":"SYMMETRIC_DEFAULT","KeyState":"Disabled"}})"}});
    by_param(aws, "kms", "GetKeyRotationStatus", "KeyId",
             {{"k-rot", R"({"KeyRotationEnabled":true,"RotationPeriodInDays":365})"},
              {"k-norot", R"({"KeyRotationEnabled":false})"}});
}

TEST(NetworkKmsRotation, OnlyEnabledCustomerSymmetricKeysAreJudged) {
    NetFixture f;
    kms_keys(*f.aws);
    auto r = f.run("2.0-16");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(eval_of(r, "k-rot")->status, Status::compliant);
    EXPECT_EQ(eval_of(r, "k-norot")->status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "k-norot")->evidence_path, "KeyRotationEnabled");
    EXPECT_EQ(r.evidence.at("keysOutOfScope").as_uint64(), 3u);
    // AWS-managed and asymmetric keys are never asked for their rotation status.
    EXPECT_EQ(f.aws->count("kms:GetKeyRotationStatus"), 2u);
}

TEST(NetworkKmsRotation, BothCodesShareReadsAndJudgeAlike) {
    NetFixture f;
    kms_keys(*f.aws);
    dspm::inventory::CachedFacts facts(f.aws, nullptr, f.scope.account);
    auto a = dspm::checks::find_check("2.0-16")->run(facts, f.scope);
    auto b = dspm::checks::find_check("10.0-04")->run(facts, f.scope);
    EXPECT_EQ(b.mapping_code, "10.0-04");
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.evaluations.size(), b.evaluations.size());
    EXPECT_EQ(f.aws->count("kms:DescribeKey"), 5u);
    EXPECT_EQ(f.aws->count("kms:ListKeys"), 1u);
}

TEST(NetworkKmsRotation, AllRotatingIsCompliantDeniedIsErrorAwsOnlyIsSkipped) {
    NetFixture f;
    f.aws->on_json("kms", "ListKeys", R"({"Keys":[{"KeyId":"k1"}]})");
    f.aws->on_json(
        "kms", "DescribeKey",
        R"({"KeyMetadata":{"KeyManager":"CUSTOMER","KeySpec":"SYMMETRIC_DEFAULT","KeyState":"Enabled"}})");
    f.aws->on_json("kms", "GetKeyRotationStatus", R"({"KeyRotationEnabled":true})");
    EXPECT_EQ(f.run("10.0-04").status, Status::compliant);
    NetFixture g;
    g.aws->on_json("kms", "ListKeys", R"({"Keys":[{"KeyId":"k1"}]})");
    g.aws->on_json(
        "kms", "DescribeKey",
        R"({"KeyMetadata":{"KeyManager":"CUSTOMER","KeySpec":"SYMMETRIC_DEFAULT","KeyState":"Enabled"}})");
    g.aws->deny("kms", "GetKeyRotationStatus", "kms:GetKeyRotationStatus");
    auto e = g.run("2.0-16");
    EXPECT_EQ(e.status, Status::error);
    EXPECT_EQ(missing_permission(e), "kms:GetKeyRotationStatus");
    NetFixture h;
    h.aws->on_json("kms", "ListKeys", R"({"Keys":[{"KeyId":"k1"}]})");
    h.aws->on_json("kms", "DescribeKey", R"({"KeyMetadata":{"KeyManager":"AWS"}})");
    auto s = h.run("2.0-16");
    EXPECT_EQ(s.status, Status::skipped);
    NetFixture d;
    d.aws->deny("kms", "ListKeys", "kms:ListKeys");
    EXPECT_EQ(missing_permission(d.run("10.0-04")), "kms:ListKeys");
}

}  // namespace
