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
    for (const char* code :
         {"8.0-01", "12.0-05", "3.0-08",  "2.0-16",  "10.0-04", "2.0-09", "3.0-07",
          "2.0-13", "2.0-11",  "2.0-12",  "10.0-01", "10.0-02", "2.0-05", "2.0-06",
          "2.0-07", "3.0-06",  "13.0-01", "2.0-08",  "2.0-10",  "2.0-14"}) {
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

// ---- ELBv2 2.0-09 / 3.0-07 ----
void load_balancers(FakeAwsClient& aws) {
    aws.on_json("elbv2", "DescribeLoadBalancers", R"({"LoadBalancers":[
      {"LoadBalancerArn":"arn:alb","LoadBalancerName":"alb","Type":"application"},
      {"LoadBalancerArn":"arn:nlb","LoadBalancerName":"nlb","Type":"network"},
      {"LoadBalancerArn":"arn:gwlb","LoadBalancerName":"gwlb","Type":"gateway"}]})");
    by_param(aws, "elbv2", "DescribeListeners", "LoadBalancerArn",
             {{"arn:alb", R"({"Listeners":[
                {"ListenerArn":"l1","Port":443,"Protocol":"HTTPS","SslPolicy":"ELBSecurityPolicy-TLS13-1-2-2021-06"},
                {"ListenerArn":"l2","Port":80,"Protocol":"HTTP","DefaultActions":[{"Type":"redirect","RedirectConfig":{"Protocol":"HTTPS","Port":"443"}}]}]})"},
              {"arn:nlb", R"({"Listeners":[
                {"ListenerArn":"l3","Port":8080,"Protocol":"HTTP","DefaultActions":[{"Type":"forward"}]},
                {"ListenerArn":"l4","Port":5432,"Protocol":"TLS","SslPolicy":"ELBSecurityPolicy-TLS13-1-2-2021-06"}]})"}});
    by_param(aws, "elbv2", "DescribeLoadBalancerAttributes", "LoadBalancerArn",
             {{"arn:alb", R"({"Attributes":[{"Key":"idle_timeout.timeout_seconds","Value":"60"},
                {"Key":"access_logs.s3.enabled","Value":"true"},{"Key":"access_logs.s3.bucket","Value":"logs"}]})"},
              {"arn:nlb", R"({"Attributes":[{"Key":"access_logs.s3.enabled","Value":"false"}]})"}});
}

TEST(NetworkElbListeners, HttpsTlsAndRedirectPassForwardingHttpFailsGatewaySkipped) {
    NetFixture f;
    load_balancers(*f.aws);
    f.aws->on_json("elbv2", "DescribeSSLPolicies", R"({"SslPolicies":[
      {"Name":"ELBSecurityPolicy-TLS13-1-2-2021-06","SslProtocols":["TLSv1.2","TLSv1.3"]}]})");
    auto r = f.run("2.0-09");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 4u);
    EXPECT_EQ(eval_of(r, "alb:443")->status, Status::compliant);
    EXPECT_EQ(eval_of(r, "alb:443")->extra.at("SslPolicy").as_string(),
              "ELBSecurityPolicy-TLS13-1-2-2021-06");
    EXPECT_EQ(eval_of(r, "alb:80")->status, Status::compliant);
    EXPECT_EQ(eval_of(r, "alb:80")->evidence_path,
              "Listeners[1].DefaultActions[0].RedirectConfig.Protocol");
    EXPECT_EQ(eval_of(r, "nlb:8080")->status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "nlb:8080")->evidence_path, "Listeners[0].Protocol");
    EXPECT_EQ(eval_of(r, "nlb:5432")->status, Status::compliant);
    EXPECT_EQ(f.aws->count("elbv2:DescribeListeners"), 2u);  // not for the gateway LB
}

TEST(NetworkElbListeners, DeniedListenersIsErrorNoLoadBalancersIsSkipped) {
    NetFixture f;
    load_balancers(*f.aws);
    f.aws->deny("elbv2", "DescribeListeners", "elasticloadbalancing:DescribeListeners");
    auto r = f.run("2.0-09");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "elasticloadbalancing:DescribeListeners");
    NetFixture g;
    g.aws->on_json("elbv2", "DescribeLoadBalancers", R"({"LoadBalancers":[]})");
    EXPECT_EQ(g.run("2.0-09").status, Status::skipped);
}

TEST(NetworkElbAccessLogs, EnabledPassesDisabledFailsWithAttributePath) {
    NetFixture f;
    load_balancers(*f.aws);
    auto r = f.run("3.0-07");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(eval_of(r, "alb")->status, Status::compliant);
    EXPECT_EQ(eval_of(r, "alb")->evidence_path, "Attributes[1].Value");
    EXPECT_EQ(eval_of(r, "alb")->extra.at("bucket").as_string(), "logs");
    EXPECT_EQ(eval_of(r, "nlb")->status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "nlb")->decision, "observed \"false\" == \"true\" \u2192 failed");
}

TEST(NetworkElbAccessLogs, AllLoggingCompliantDeniedErrorNoneSkipped) {
    NetFixture f;
    f.aws->on_json("elbv2", "DescribeLoadBalancers",
                   R"({"LoadBalancers":[{"LoadBalancerArn":"a","LoadBalancerName":"a"}]})");
    f.aws->on_json("elbv2", "DescribeLoadBalancerAttributes",
                   R"({"Attributes":[{"Key":"access_logs.s3.enabled","Value":"true"}]})");
    EXPECT_EQ(f.run("3.0-07").status, Status::compliant);
    NetFixture g;
    g.aws->deny("elbv2", "DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers");
    EXPECT_EQ(missing_permission(g.run("3.0-07")), "elasticloadbalancing:DescribeLoadBalancers");
    NetFixture h;
    h.aws->on_json("elbv2", "DescribeLoadBalancers", R"({"LoadBalancers":[]})");
    EXPECT_EQ(h.run("3.0-07").status, Status::skipped);
}

// ---- 2.0-13 EFS ----
TEST(NetworkEfs, EncryptedPassesUnencryptedFails) {
    NetFixture f;
    f.aws->on_json("efs", "DescribeFileSystems", R"({"FileSystems":[
      {"FileSystemId":"fs-1","Encrypted":true,"KmsKeyId":"arn:k"},{"FileSystemId":"fs-2","Encrypted":false}]})");
    auto r = f.run("2.0-13");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].extra.at("KmsKeyId").as_string(), "arn:k");
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[1].evidence_path, "FileSystems[1].Encrypted");
    EXPECT_EQ(r.evidence.at("totalFileSystems").as_uint64(), 2u);
}

TEST(NetworkEfs, AllEncryptedCompliantDeniedErrorNoneSkipped) {
    NetFixture f;
    f.aws->on_json("efs", "DescribeFileSystems",
                   R"({"FileSystems":[{"FileSystemId":"fs-1","Encrypted":true}]})");
    EXPECT_EQ(f.run("2.0-13").status, Status::compliant);
    NetFixture g;
    g.aws->deny("efs", "DescribeFileSystems", "elasticfilesystem:DescribeFileSystems");
    auto e = g.run("2.0-13");
    EXPECT_EQ(e.status, Status::error);
    EXPECT_EQ(missing_permission(e), "elasticfilesystem:DescribeFileSystems");
    NetFixture h;
    h.aws->on_json("efs", "DescribeFileSystems", R"({"FileSystems":[]})");
    EXPECT_EQ(h.run("2.0-13").status, Status::skipped);
}

// ---- 2.0-11 SQS ----
TEST(NetworkSqs, KmsKeyPassesSseSqsAndNoneFail) {
    NetFixture f;
    f.aws->on_json("sqs", "ListQueues",
                   R"({"QueueUrls":["https://q/kms","https://q/sqs","https://q/none"]})");
    by_param(*f.aws, "sqs", "GetQueueAttributes", "QueueUrl",
             {{"https://q/kms", R"({"Attributes":{"KmsMasterKeyId":"alias/app"}})"},
              {"https://q/sqs", R"({"Attributes":{"SqsManagedSseEnabled":"true"}})"},
              {"https://q/none", R"({"Attributes":{"KmsMasterKeyId":""}})"}});
    auto r = f.run("2.0-11");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_NE(std::string(r.evaluations[1].extra.at("note").as_string()).find("SSE-SQS"),
              std::string::npos);
    EXPECT_TRUE(r.evaluations[2].observed_value.is_null());
    // The attribute names asked for are the ones judged.
    bool asked = false;
    for (const auto& c : f.aws->calls())
        if (c.op == "sqs:GetQueueAttributes")
            asked = c.params.find("KmsMasterKeyId") != std::string::npos;
    EXPECT_TRUE(asked);
    // ListQueues pages only when MaxResults is sent (else: 1,000 queues and no NextToken).
    bool paged = false;
    for (const auto& c : f.aws->calls())
        if (c.op == "sqs:ListQueues")
            paged = c.params.find(R"("MaxResults":1000)") != std::string::npos;
    EXPECT_TRUE(paged);
}

TEST(NetworkSqs, DeniedAttributesErrorNoQueuesSkipped) {
    NetFixture f;
    f.aws->on_json("sqs", "ListQueues", R"({"QueueUrls":["https://q/a"]})");
    f.aws->deny("sqs", "GetQueueAttributes", "sqs:GetQueueAttributes");
    auto r = f.run("2.0-11");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "sqs:GetQueueAttributes");
    NetFixture g;
    g.aws->on_json("sqs", "ListQueues", R"({})");
    EXPECT_EQ(g.run("2.0-11").status, Status::skipped);
    NetFixture h;
    h.aws->on_json("sqs", "ListQueues", R"({"QueueUrls":["https://q/a"]})");
    h.aws->on_json("sqs", "GetQueueAttributes", R"({"Attributes":{"KmsMasterKeyId":"k"}})");
    EXPECT_EQ(h.run("2.0-11").status, Status::compliant);
}

// ---- 2.0-12 SNS ----
TEST(NetworkSns, KmsTopicPassesPlainTopicFails) {
    NetFixture f;
    f.aws->on_json("sns", "ListTopics",
                   R"({"Topics":[{"TopicArn":"arn:t1"},{"TopicArn":"arn:t2"}]})");
    by_param(*f.aws, "sns", "GetTopicAttributes", "TopicArn",
             {{"arn:t1", R"({"Attributes":{"KmsMasterKeyId":"alias/aws/sns"}})"},
              {"arn:t2", R"({"Attributes":{"TopicArn":"arn:t2"}})"}});
    auto r = f.run("2.0-12");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "arn:t1")->status, Status::compliant);
    EXPECT_EQ(eval_of(r, "arn:t2")->status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "arn:t2")->evidence_path, "Attributes.KmsMasterKeyId");
}

TEST(NetworkSns, AllKmsCompliantDeniedErrorNoneSkipped) {
    NetFixture f;
    f.aws->on_json("sns", "ListTopics", R"({"Topics":[{"TopicArn":"arn:t1"}]})");
    f.aws->on_json("sns", "GetTopicAttributes", R"({"Attributes":{"KmsMasterKeyId":"k"}})");
    EXPECT_EQ(f.run("2.0-12").status, Status::compliant);
    NetFixture g;
    g.aws->deny("sns", "ListTopics", "sns:ListTopics");
    EXPECT_EQ(missing_permission(g.run("2.0-12")), "sns:ListTopics");
    NetFixture h;
    h.aws->on_json("sns", "ListTopics", R"({"Topics":[]})");
    EXPECT_EQ(h.run("2.0-12").status, Status::skipped);
}

// ---- 10.0-01 Secrets Manager ----
TEST(NetworkSecrets, RotatingPassesAbsentAndFalseFail) {
    NetFixture f;
    f.aws->on_json("secretsmanager", "ListSecrets", R"({"SecretList":[
      {"Name":"a","ARN":"arn:a","RotationEnabled":true},{"Name":"b","RotationEnabled":false},{"Name":"c"}]})");
    auto r = f.run("10.0-01");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[2].status, Status::non_compliant);
    EXPECT_TRUE(r.evaluations[2].extra.contains("note"));
    EXPECT_EQ(r.evaluations[2].evidence_path, "SecretList[2].RotationEnabled");
}

TEST(NetworkSecrets, AllRotatingCompliantDeniedErrorNoneSkipped) {
    NetFixture f;
    f.aws->on_json("secretsmanager", "ListSecrets",
                   R"({"SecretList":[{"Name":"a","RotationEnabled":true}]})");
    EXPECT_EQ(f.run("10.0-01").status, Status::compliant);
    NetFixture g;
    g.aws->deny("secretsmanager", "ListSecrets", "secretsmanager:ListSecrets");
    EXPECT_EQ(missing_permission(g.run("10.0-01")), "secretsmanager:ListSecrets");
    NetFixture h;
    h.aws->on_json("secretsmanager", "ListSecrets", R"({"SecretList":[]})");
    EXPECT_EQ(h.run("10.0-01").status, Status::skipped);
}

// ---- 10.0-02 SSM ----
TEST(NetworkSsm, SecureStringPassesStringFailsWithReviewNote) {
    NetFixture f;
    f.aws->on_json("ssm", "DescribeParameters", R"({"Parameters":[
      {"Name":"/db/pass","Type":"SecureString","KeyId":"alias/aws/ssm"},{"Name":"/app/region","Type":"String"}]})");
    auto r = f.run("10.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "/db/pass")->status, Status::compliant);
    EXPECT_FALSE(eval_of(r, "/db/pass")->extra.contains("note"));
    const auto* plain = eval_of(r, "/app/region");
    EXPECT_EQ(plain->status, Status::non_compliant);
    EXPECT_NE(std::string(plain->extra.at("note").as_string()).find("not necessarily"),
              std::string::npos);
}

TEST(NetworkSsm, AllSecureCompliantDeniedErrorNoneSkipped) {
    NetFixture f;
    f.aws->on_json("ssm", "DescribeParameters",
                   R"({"Parameters":[{"Name":"p","Type":"SecureString"}]})");
    EXPECT_EQ(f.run("10.0-02").status, Status::compliant);
    NetFixture g;
    g.aws->deny("ssm", "DescribeParameters", "ssm:DescribeParameters");
    auto e = g.run("10.0-02");
    EXPECT_EQ(e.status, Status::error);
    EXPECT_EQ(missing_permission(e), "ssm:DescribeParameters");
    NetFixture h;
    h.aws->on_json("ssm", "DescribeParameters", R"({"Parameters":[]})");
    EXPECT_EQ(h.run("10.0-02").status, Status::skipped);
}

// ---- OpenSearch 2.0-05 / 2.0-06 ----
void domains(FakeAwsClient& aws) {
    aws.on_json("opensearch", "ListDomainNames",
                R"({"DomainNames":[{"DomainName":"good"},{"DomainName":"bad"}]})");
    by_param(
        aws, "opensearch", "DescribeDomain", "DomainName",
        {{"good",
          R"({"DomainStatus":{"DomainName":"good","EncryptionAtRestOptions":{"Enabled":true,"KmsKeyId":"k"},
                 "NodeToNodeEncryptionOptions":{"Enabled":true}}})"},
         {"bad", R"({"DomainStatus":{"DomainName":"bad","EncryptionAtRestOptions":{"Enabled":false},
                 "NodeToNodeEncryptionOptions":{"Enabled":false}}})"}});
}

TEST(NetworkOpenSearch, AtRestAndNodeToNodeJudgedOnSharedReads) {
    NetFixture f;
    domains(*f.aws);
    dspm::inventory::CachedFacts facts(f.aws, nullptr, f.scope.account);
    auto a = dspm::checks::find_check("2.0-05")->run(facts, f.scope);
    auto b = dspm::checks::find_check("2.0-06")->run(facts, f.scope);
    EXPECT_EQ(a.status, Status::non_compliant);
    EXPECT_EQ(eval_of(a, "good")->status, Status::compliant);
    EXPECT_EQ(eval_of(a, "good")->extra.at("KmsKeyId").as_string(), "k");
    EXPECT_EQ(eval_of(a, "bad")->evidence_path, "DomainStatus.EncryptionAtRestOptions.Enabled");
    EXPECT_EQ(eval_of(a, "bad")->status, Status::non_compliant);
    EXPECT_EQ(eval_of(b, "bad")->evidence_path, "DomainStatus.NodeToNodeEncryptionOptions.Enabled");
    EXPECT_EQ(eval_of(b, "bad")->status, Status::non_compliant);
    EXPECT_EQ(eval_of(b, "good")->status, Status::compliant);
    EXPECT_EQ(f.aws->count("opensearch:DescribeDomain"), 2u);
}

TEST(NetworkOpenSearch, CompliantDeniedErrorNoneSkipped) {
    NetFixture f;
    f.aws->on_json("opensearch", "ListDomainNames", R"({"DomainNames":[{"DomainName":"d"}]})");
    f.aws->on_json(
        "opensearch", "DescribeDomain",
        R"({"DomainStatus":{"EncryptionAtRestOptions":{"Enabled":true},"NodeToNodeEncryptionOptions":{"Enabled":true}}})");
    EXPECT_EQ(f.run("2.0-05").status, Status::compliant);
    EXPECT_EQ(f.run("2.0-06").status, Status::compliant);
    NetFixture g;
    g.aws->on_json("opensearch", "ListDomainNames", R"({"DomainNames":[{"DomainName":"d"}]})");
    g.aws->deny("opensearch", "DescribeDomain", "es:DescribeDomain");
    EXPECT_EQ(missing_permission(g.run("2.0-05")), "es:DescribeDomain");
    EXPECT_EQ(g.run("2.0-06").status, Status::error);
    NetFixture h;
    h.aws->on_json("opensearch", "ListDomainNames", R"({"DomainNames":[]})");
    EXPECT_EQ(h.run("2.0-05").status, Status::skipped);
    EXPECT_EQ(h.run("2.0-06").status, Status::skipped);
}

// ---- EKS 2.0-07 / 3.0-06 / 13.0-01 ----
void eks(FakeAwsClient& aws) {
    aws.on_json("eks", "ListClusters", R"({"clusters":["hard","soft"]})");
    by_param(aws, "eks", "DescribeCluster", "name",
             {{"hard", R"({"cluster":{"name":"hard",
                 "encryptionConfig":[{"resources":["secrets"],"provider":{"keyArn":"k"}}],
                 "logging":{"clusterLogging":[{"types":["api","audit"],"enabled":true},{"types":["scheduler"],"enabled":false}]},
                 "identity":{"oidc":{"issuer":"https://oidc.eks.us-east-1.amazonaws.com/id/X"}}}})"},
              {"soft", R"({"cluster":{"name":"soft","encryptionConfig":[],
                 "logging":{"clusterLogging":[{"types":["api"],"enabled":true},{"types":["audit","authenticator"],"enabled":false}]},
                 "identity":{}}})"}});
}

TEST(NetworkEks, SecretsEncryptionLogsAndOidcOnOneRead) {
    NetFixture f;
    eks(*f.aws);
    f.aws->on_json("iam", "ListOpenIDConnectProviders", R"({"OpenIDConnectProviderList":[
      {"Arn":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X"}]})");
    f.aws->on_json("eks", "ListPodIdentityAssociations", R"({"associations":[]})");
    dspm::inventory::CachedFacts facts(f.aws, nullptr, f.scope.account);
    auto enc = dspm::checks::find_check("2.0-07")->run(facts, f.scope);
    auto logs = dspm::checks::find_check("3.0-06")->run(facts, f.scope);
    auto oidc = dspm::checks::find_check("13.0-01")->run(facts, f.scope);
    EXPECT_EQ(f.aws->count("eks:DescribeCluster"), 2u);
    EXPECT_EQ(f.aws->count("eks:ListClusters"), 1u);

    EXPECT_EQ(enc.status, Status::non_compliant);
    EXPECT_EQ(eval_of(enc, "hard")->status, Status::compliant);
    EXPECT_EQ(eval_of(enc, "soft")->status, Status::non_compliant);  // [] is absent
    EXPECT_EQ(eval_of(enc, "soft")->evidence_path, "cluster.encryptionConfig");

    EXPECT_EQ(logs.status, Status::non_compliant);
    ASSERT_EQ(logs.evaluations.size(), 4u);
    EXPECT_EQ(logs.evaluations[0].status, Status::compliant);      // hard api
    EXPECT_EQ(logs.evaluations[1].status, Status::compliant);      // hard audit
    EXPECT_EQ(logs.evaluations[2].status, Status::compliant);      // soft api
    EXPECT_EQ(logs.evaluations[3].status, Status::non_compliant);  // soft audit is disabled
    EXPECT_EQ(logs.evaluations[3].checked_field, "Control plane log type \"audit\" enabled");

    EXPECT_EQ(oidc.status, Status::non_compliant);
    EXPECT_EQ(eval_of(oidc, "hard")->status, Status::compliant);
    EXPECT_EQ(eval_of(oidc, "soft")->status, Status::non_compliant);
    EXPECT_EQ(eval_of(oidc, "soft")->evidence_path, "OpenIDConnectProviderList[*].Arn");
}

TEST(NetworkEks, CompliantDeniedErrorNoneSkipped) {
    NetFixture f;
    f.aws->on_json("eks", "ListClusters", R"({"clusters":["c"]})");
    f.aws->on_json("eks", "DescribeCluster",
                   R"({"cluster":{"encryptionConfig":[{"resources":["secrets"]}],
        "logging":{"clusterLogging":[{"types":["api","audit","authenticator"],"enabled":true}]},
        "identity":{"oidc":{"issuer":"https://x"}}}})");
    f.aws->on_json(
        "iam", "ListOpenIDConnectProviders",
        R"({"OpenIDConnectProviderList":[{"Arn":"arn:aws:iam::123456789012:oidc-provider/x"}]})");
    for (const char* code : {"2.0-07", "3.0-06", "13.0-01"})
        EXPECT_EQ(f.run(code).status, Status::compliant) << code;
    NetFixture g;
    g.aws->on_json("eks", "ListClusters", R"({"clusters":["c"]})");
    g.aws->deny("eks", "DescribeCluster", "eks:DescribeCluster");
    for (const char* code : {"2.0-07", "3.0-06", "13.0-01"})
        EXPECT_EQ(missing_permission(g.run(code)), "eks:DescribeCluster") << code;
    NetFixture h;
    h.aws->on_json("eks", "ListClusters", R"({"clusters":[]})");
    for (const char* code : {"2.0-07", "3.0-06", "13.0-01"})
        EXPECT_EQ(h.run(code).status, Status::skipped) << code;
    NetFixture d;
    d.aws->deny("eks", "ListClusters", "eks:ListClusters");
    EXPECT_EQ(d.run("13.0-01").status, Status::error);
}

// ---- 2.0-08 ElastiCache ----
TEST(NetworkElastiCache, BothEncryptionsJudgedPerGroup) {
    NetFixture f;
    f.aws->on_json("elasticache", "DescribeReplicationGroups", R"({"ReplicationGroups":[
      {"ReplicationGroupId":"full","AtRestEncryptionEnabled":true,"TransitEncryptionEnabled":true},
      {"ReplicationGroupId":"rest-only","AtRestEncryptionEnabled":true,"TransitEncryptionEnabled":false}]})");
    auto r = f.run("2.0-08");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 4u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[1].status, Status::compliant);
    EXPECT_EQ(r.evaluations[2].status, Status::compliant);
    EXPECT_EQ(r.evaluations[3].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[3].evidence_path, "ReplicationGroups[1].TransitEncryptionEnabled");
    EXPECT_EQ(r.evaluations[3].resource_id, "rest-only");
}

TEST(NetworkElastiCache, CompliantDeniedErrorNoneSkipped) {
    NetFixture f;
    f.aws->on_json("elasticache", "DescribeReplicationGroups", R"({"ReplicationGroups":[
      {"ReplicationGroupId":"g","AtRestEncryptionEnabled":true,"TransitEncryptionEnabled":true}]})");
    EXPECT_EQ(f.run("2.0-08").status, Status::compliant);
    NetFixture g;
    g.aws->deny("elasticache", "DescribeReplicationGroups",
                "elasticache:DescribeReplicationGroups");
    EXPECT_EQ(missing_permission(g.run("2.0-08")), "elasticache:DescribeReplicationGroups");
    NetFixture h;
    h.aws->on_json("elasticache", "DescribeReplicationGroups", R"({"ReplicationGroups":[]})");
    EXPECT_EQ(h.run("2.0-08").status, Status::skipped);
}

// ---- 2.0-10 Kinesis ----
TEST(NetworkKinesis, KmsPassesNoneFails) {
    NetFixture f;
    f.aws->on_json("kinesis", "ListStreams", R"({"StreamNames":["s1","s2"]})");
    by_param(
        *f.aws, "kinesis", "DescribeStreamSummary", "StreamName",
        {{"s1",
          R"({"StreamDescriptionSummary":{"EncryptionType":"KMS","KeyId":"alias/aws/kinesis"}})"},
         {"s2", R"({"StreamDescriptionSummary":{"EncryptionType":"NONE"}})"}});
    auto r = f.run("2.0-10");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "s1")->status, Status::compliant);
    EXPECT_EQ(eval_of(r, "s2")->status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "s2")->evidence_path, "StreamDescriptionSummary.EncryptionType");
}

TEST(NetworkKinesis, CompliantDeniedErrorNoneSkipped) {
    NetFixture f;
    f.aws->on_json("kinesis", "ListStreams", R"({"StreamNames":["s1"]})");
    f.aws->on_json("kinesis", "DescribeStreamSummary",
                   R"({"StreamDescriptionSummary":{"EncryptionType":"KMS"}})");
    EXPECT_EQ(f.run("2.0-10").status, Status::compliant);
    NetFixture g;
    g.aws->on_json("kinesis", "ListStreams", R"({"StreamNames":["s1"]})");
    g.aws->deny("kinesis", "DescribeStreamSummary", "kinesis:DescribeStreamSummary");
    EXPECT_EQ(missing_permission(g.run("2.0-10")), "kinesis:DescribeStreamSummary");
    NetFixture h;
    h.aws->on_json("kinesis", "ListStreams", R"({"StreamNames":[]})");
    EXPECT_EQ(h.run("2.0-10").status, Status::skipped);
}

// ---- 2.0-14 MSK ----
TEST(NetworkMsk, TlsAndKeyPassPlaintextFailsServerlessOutOfScope) {
    NetFixture f;
    // ClientAuthentication as botocore's Provisioned shape has it; "mixed" has none (MSK's
    // default: unauthenticated clients), "open" keeps unauthenticated access beside mutual TLS.
    f.aws->on_json("kafka", "ListClustersV2", R"({"ClusterInfoList":[
      {"ClusterName":"tls","ClusterType":"PROVISIONED","Provisioned":{"EncryptionInfo":{
        "EncryptionInTransit":{"ClientBroker":"TLS","InCluster":true},"EncryptionAtRest":{"DataVolumeKMSKeyId":"k"}},
        "ClientAuthentication":{"Sasl":{"Scram":{"Enabled":false},"Iam":{"Enabled":true}},
          "Tls":{"CertificateAuthorityArnList":[],"Enabled":false},"Unauthenticated":{"Enabled":false}}}},
      {"ClusterName":"mixed","ClusterType":"PROVISIONED","Provisioned":{"EncryptionInfo":{
        "EncryptionInTransit":{"ClientBroker":"TLS_PLAINTEXT","InCluster":true},"EncryptionAtRest":{"DataVolumeKMSKeyId":"k"}}}},
      {"ClusterName":"open","ClusterType":"PROVISIONED","Provisioned":{"EncryptionInfo":{
        "EncryptionInTransit":{"ClientBroker":"TLS","InCluster":true},"EncryptionAtRest":{"DataVolumeKMSKeyId":"k"}},
        "ClientAuthentication":{"Tls":{"CertificateAuthorityArnList":["arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555"],"Enabled":true},
          "Unauthenticated":{"Enabled":true}}}},
      {"ClusterName":"sls","ClusterType":"SERVERLESS","Serverless":{}}]})");
    auto r = f.run("2.0-14");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 12u);
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(r.evaluations[i].status, Status::compliant) << i;
    EXPECT_EQ(r.evaluations[3].checked_field, "Unauthenticated client access allowed");
    EXPECT_EQ(r.evaluations[4].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[4].evidence_path,
              "ClusterInfoList[1].Provisioned.EncryptionInfo.EncryptionInTransit.ClientBroker");
    EXPECT_EQ(r.evaluations[7].status, Status::non_compliant);  // no ClientAuthentication
    EXPECT_NE(std::string(r.evaluations[7].extra.at("note").as_string()).find("unauthenticated"),
              std::string::npos);
    EXPECT_EQ(r.evaluations[8].status, Status::compliant);
    EXPECT_EQ(r.evaluations[11].status, Status::non_compliant);  // mutual TLS and unauthenticated
    EXPECT_EQ(r.evaluations[11].extra.at("authenticationMethods").as_array().size(), 1u);
    ASSERT_EQ(r.notes.size(), 1u);
    EXPECT_NE(r.notes[0].find("sls"), std::string::npos);
}

TEST(NetworkMsk, DeniedErrorNoneSkippedServerlessOnlySkipped) {
    NetFixture g;
    g.aws->deny("kafka", "ListClustersV2", "kafka:ListClustersV2");
    EXPECT_EQ(missing_permission(g.run("2.0-14")), "kafka:ListClustersV2");
    NetFixture h;
    h.aws->on_json("kafka", "ListClustersV2", R"({"ClusterInfoList":[]})");
    EXPECT_EQ(h.run("2.0-14").status, Status::skipped);
    NetFixture s;
    s.aws->on_json("kafka", "ListClustersV2",
                   R"({"ClusterInfoList":[{"ClusterName":"x","ClusterType":"SERVERLESS"}]})");
    EXPECT_EQ(s.run("2.0-14").status, Status::skipped);
}

// ---- ECR 6.0-03 / 6.0-07 ----
TEST(NetworkEcr, ScanOnPushAndImmutableTagsPerRepository) {
    NetFixture f;
    f.aws->on_json("ecr", "DescribeRepositories", R"({"repositories":[
      {"repositoryName":"good","imageTagMutability":"IMMUTABLE","imageScanningConfiguration":{"scanOnPush":true}},
      {"repositoryName":"bad","imageTagMutability":"MUTABLE","imageScanningConfiguration":{"scanOnPush":false}}]})");
    // 6.0-03 reads the effective frequency from the registry scanning configuration.
    f.aws->on_json(
        "ecr", "GetRegistryScanningConfiguration",
        R"({"registryId":"123456789012","scanningConfiguration":{"scanType":"BASIC","rules":[
      {"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"good","filterType":"WILDCARD"}]}]}})");
    f.aws->on_json("ecr", "BatchGetRepositoryScanningConfiguration", R"({"scanningConfigurations":[
      {"repositoryName":"good","scanOnPush":true,"scanFrequency":"SCAN_ON_PUSH","appliedScanFilters":[{"filter":"good","filterType":"WILDCARD"}]},
      {"repositoryName":"bad","scanOnPush":false,"scanFrequency":"MANUAL","appliedScanFilters":[]}],"failures":[]})");
    dspm::inventory::CachedFacts facts(f.aws, nullptr, f.scope.account);
    auto scan = dspm::checks::find_check("6.0-03")->run(facts, f.scope);
    auto tags = dspm::checks::find_check("6.0-07")->run(facts, f.scope);
    EXPECT_EQ(f.aws->count("ecr:DescribeRepositories"), 1u);
    EXPECT_EQ(scan.status, Status::non_compliant);
    EXPECT_EQ(eval_of(scan, "good")->status, Status::compliant);
    EXPECT_EQ(eval_of(scan, "bad")->evidence_path, "scanningConfigurations[1].scanFrequency");
    EXPECT_EQ(tags.status, Status::non_compliant);
    EXPECT_EQ(eval_of(tags, "good")->status, Status::compliant);
    EXPECT_EQ(eval_of(tags, "bad")->status, Status::non_compliant);
}

TEST(NetworkEcr, CompliantDeniedErrorNoneSkipped) {
    NetFixture f;
    f.aws->on_json("ecr", "DescribeRepositories", R"({"repositories":[
      {"repositoryName":"r","imageTagMutability":"IMMUTABLE_WITH_EXCLUSION","imageScanningConfiguration":{"scanOnPush":true}}]})");
    f.aws->on_json(
        "ecr", "GetRegistryScanningConfiguration",
        R"({"registryId":"123456789012","scanningConfiguration":{"scanType":"ENHANCED","rules":[
      {"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"*","filterType":"WILDCARD"}]}]}})");
    f.aws->on_json("ecr", "BatchGetRepositoryScanningConfiguration", R"({"scanningConfigurations":[
      {"repositoryName":"r","scanOnPush":false,"scanFrequency":"CONTINUOUS_SCAN","appliedScanFilters":[{"filter":"*","filterType":"WILDCARD"}]}],"failures":[]})");
    EXPECT_EQ(f.run("6.0-03").status, Status::compliant);
    EXPECT_EQ(f.run("6.0-07").status, Status::compliant);
    NetFixture g;
    g.aws->deny("ecr", "DescribeRepositories", "ecr:DescribeRepositories");
    EXPECT_EQ(missing_permission(g.run("6.0-03")), "ecr:DescribeRepositories");
    EXPECT_EQ(g.run("6.0-07").status, Status::error);
    NetFixture h;
    h.aws->on_json("ecr", "DescribeRepositories", R"({"repositories":[]})");
    EXPECT_EQ(h.run("6.0-03").status, Status::skipped);
    EXPECT_EQ(h.run("6.0-07").status, Status::skipped);
}

// ---- 8.0-03 WAFv2 ----
// A web ACL per region is no evidence: each internet-facing ALB is judged on its own association
// (more cases in verdict_network_test.cpp).
void one_alb_per_region(FakeAwsClient& aws) {
    aws.on("elbv2", "DescribeLoadBalancers",
           [](const json::object&, const std::string& region) -> FakeAwsClient::Result {
               return json::value{
                   {"LoadBalancers",
                    json::array{{{"LoadBalancerArn", "arn:aws:elasticloadbalancing:" + region +
                                                         ":123456789012:loadbalancer/app/w/1"},
                                 {"LoadBalancerName", "w"},
                                 {"Scheme", "internet-facing"},
                                 {"Type", "application"}}}}};
           });
    aws.on_json("apigateway", "GetRestApis", R"({"items":[]})");
    aws.on_json("cloudfront", "ListDistributions", R"({"DistributionList":{"Quantity":0}})");
}

TEST(NetworkWaf, EachRegionsAlbIsJudgedNotTheRegionsAclList) {
    NetFixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    one_alb_per_region(*f.aws);
    // Both regions have web ACLs; only us-east-1's ALB is associated with one.
    f.aws->on_json("wafv2", "ListWebACLs", R"({"WebACLs":[{"Name":"a"},{"Name":"b"}]})");
    f.aws->on("wafv2", "GetWebACLForResource",
              [](const json::object& p, const std::string& region) -> FakeAwsClient::Result {
                  EXPECT_NE(p.at("ResourceArn").as_string().find(region), std::string::npos);
                  if (region == "eu-west-1") return json::parse(R"({})");
                  return json::parse(R"({"WebACL":{"Name":"a","Id":"1","ARN":"arn:acl"}})");
              });
    auto r = f.run("8.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].observed_value.as_string(), "arn:acl");
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[1].region, "eu-west-1");
    EXPECT_EQ(f.aws->count("wafv2:ListWebACLs"), 0u);
}

TEST(NetworkWaf, DeniedIsErrorAndEveryAssociatedAlbIsCompliant) {
    NetFixture f;
    one_alb_per_region(*f.aws);
    f.aws->on_json("wafv2", "GetWebACLForResource",
                   R"({"WebACL":{"Name":"a","Id":"1","ARN":"arn:acl"}})");
    EXPECT_EQ(f.run("8.0-03").status, Status::compliant);
    NetFixture g;
    one_alb_per_region(*g.aws);
    g.aws->deny("wafv2", "GetWebACLForResource", "wafv2:GetWebACLForResource");
    auto e = g.run("8.0-03");
    EXPECT_EQ(e.status, Status::error);
    EXPECT_EQ(missing_permission(e), "wafv2:GetWebACLForResource");
}

// ---- 16.0-03 CodeBuild ----
TEST(NetworkCodeBuild, KeyAndArtifactEncryptionJudged) {
    NetFixture f;
    f.aws->on_json("codebuild", "ListProjects", R"({"projects":["p1","p2","p3"]})");
    f.aws->on_json("codebuild", "BatchGetProjects", R"({"projects":[
      {"name":"p1","encryptionKey":"arn:aws:kms:us-east-1:1:alias/aws/s3","artifacts":{"type":"S3","encryptionDisabled":false}},
      {"name":"p2","encryptionKey":"arn:k","artifacts":{"type":"S3","encryptionDisabled":true}},
      {"name":"p3","artifacts":{"type":"NO_ARTIFACTS"}}]})");
    auto r = f.run("16.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 5u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[1].status, Status::compliant);
    EXPECT_EQ(r.evaluations[2].status, Status::compliant);
    EXPECT_EQ(r.evaluations[3].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[3].evidence_path, "projects[1].artifacts.encryptionDisabled");
    EXPECT_EQ(r.evaluations[4].resource_id, "p3");
    EXPECT_EQ(r.evaluations[4].status, Status::non_compliant);  // no key
    EXPECT_EQ(f.aws->count("codebuild:BatchGetProjects"), 1u);
}

TEST(NetworkCodeBuild, CompliantDeniedErrorNoneSkipped) {
    NetFixture f;
    f.aws->on_json("codebuild", "ListProjects", R"({"projects":["p1"]})");
    f.aws->on_json("codebuild", "BatchGetProjects",
                   R"({"projects":[{"name":"p1","encryptionKey":"k","artifacts":{"type":"S3"}}]})");
    EXPECT_EQ(f.run("16.0-03").status, Status::compliant);
    NetFixture g;
    g.aws->on_json("codebuild", "ListProjects", R"({"projects":["p1"]})");
    g.aws->deny("codebuild", "BatchGetProjects", "codebuild:BatchGetProjects");
    auto e = g.run("16.0-03");
    EXPECT_EQ(e.status, Status::error);
    EXPECT_EQ(missing_permission(e), "codebuild:BatchGetProjects");
    EXPECT_EQ(e.evaluations.at(0).resource_id, "p1");
    NetFixture h;
    h.aws->on_json("codebuild", "ListProjects", R"({"projects":[]})");
    EXPECT_EQ(h.run("16.0-03").status, Status::skipped);
}

// ---- 5.0-07 Athena ----
TEST(NetworkAthena, EnforcedWithOutputPassesOthersFailAcrossPages) {
    NetFixture f;
    f.aws->on("athena", "ListWorkGroups",
              [](const json::object& p, const std::string&) -> FakeAwsClient::Result {
                  if (!p.contains("NextToken"))
                      return json::parse(R"({"WorkGroups":[{"Name":"primary"}],"NextToken":"t"})");
                  return json::parse(R"({"WorkGroups":[{"Name":"adhoc"}]})");
              });
    by_param(
        *f.aws, "athena", "GetWorkGroup", "WorkGroup",
        {{"primary",
          R"({"WorkGroup":{"Name":"primary","Configuration":{"EnforceWorkGroupConfiguration":true,
                 "ResultConfiguration":{"OutputLocation":"s3://r/","EncryptionConfiguration":{"EncryptionOption":"SSE_KMS"}}}}})"},
         {"adhoc",
          R"({"WorkGroup":{"Name":"adhoc","Configuration":{"EnforceWorkGroupConfiguration":false}}})"}});
    auto r = f.run("5.0-07");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 4u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].extra.at("EncryptionOption").as_string(), "SSE_KMS");
    EXPECT_EQ(r.evaluations[1].status, Status::compliant);
    EXPECT_EQ(r.evaluations[2].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[2].evidence_path,
              "WorkGroup.Configuration.EnforceWorkGroupConfiguration");
    EXPECT_EQ(r.evaluations[3].status, Status::non_compliant);
}

TEST(NetworkAthena, DeniedErrorNoneSkipped) {
    NetFixture g;
    g.aws->on_json("athena", "ListWorkGroups", R"({"WorkGroups":[{"Name":"primary"}]})");
    g.aws->deny("athena", "GetWorkGroup", "athena:GetWorkGroup");
    EXPECT_EQ(missing_permission(g.run("5.0-07")), "athena:GetWorkGroup");
    NetFixture d;
    d.aws->deny("athena", "ListWorkGroups", "athena:ListWorkGroups");
    EXPECT_EQ(d.run("5.0-07").status, Status::error);
    NetFixture h;
    h.aws->on_json("athena", "ListWorkGroups", R"({"WorkGroups":[]})");
    EXPECT_EQ(h.run("5.0-07").status, Status::skipped);
}

}  // namespace
