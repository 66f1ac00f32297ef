// Issue 10 section 3: three network checks that only tested "something of that kind exists in
// the region" now judge the resource the control protects, on answers shaped as AWS documents
// them (botocore service-2.json shapes, the DescribeLoadBalancers and DescribeVpcs examples):
// 8.0-03 a web ACL per internet-facing ALB, public REST API stage and CloudFront distribution,
// 8.0-05 a DNS Firewall rule group association per VPC, 3.0-09 a Resolver query-log association
// per VPC.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <string>
#include <vector>

#include "checks/check.hpp"
#include "engine/check_fixture.hpp"
#include "engine/fake_aws.hpp"

namespace {

namespace json = boost::json;
using dspm::engine::Evaluation;
using dspm::engine::MappingResult;
using dspm::engine::Status;
using dspm::test::FakeAwsClient;
using dspm::test::missing_permissions;
using Result = FakeAwsClient::Result;
using Fixture = dspm::test::CheckFixture;
using dspm::test::by_param;
using dspm::test::eval_of;
using dspm::test::has_note;
using dspm::test::not_found;

std::string extra_string(const Evaluation& e, const char* key) {
    const auto* v = e.extra.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::size_t calls_with(const FakeAwsClient& aws, const std::string& op, const std::string& part) {
    std::size_t n = 0;
    for (const auto& c : aws.calls())
        n += c.op == op && c.params.find(part) != std::string::npos;
    return n;
}

// ---------------------------------------------------------------------------------------------
// 8.0-03 WAF

constexpr const char* kAlbPublic =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
constexpr const char* kAlbBare =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/bare/60dc6c495c0c9188";
constexpr const char* kAlbInternal =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/intra/70dc6c495c0c9188";
constexpr const char* kNlb =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/tcp/80dc6c495c0c9188";
constexpr const char* kAclArn =
    "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/web-acl/a1b2c3d4-5678-90ab-cdef-EXAMPLE1";

std::string lb(const char* arn, const char* name, const char* scheme, const char* type) {
    return std::string(R"({"LoadBalancerArn":")") + arn + R"(","LoadBalancerName":")" + name +
           R"(","DNSName":")" + name + R"(.us-east-1.elb.amazonaws.com","Scheme":")" + scheme +
           R"(","State":{"Code":"active"},"Type":")" + type + R"(","VpcId":"vpc-3ac0fb5f"})";
}

std::string web_acl_answer() {
    return std::string(
               R"({"WebACL":{"Name":"web-acl","Id":"a1b2c3d4-5678-90ab-cdef-EXAMPLE1","ARN":")") +
           kAclArn + R"(","DefaultAction":{"Allow":{}},"Rules":[],"VisibilityConfig":{
           "SampledRequestsEnabled":true,"CloudWatchMetricsEnabled":true,"MetricName":"web-acl"},
           "Capacity":3,"LockToken":"t"}})";
}

void no_apis_no_distributions(FakeAwsClient& aws) {
    aws.on_json("apigateway", "GetRestApis", R"({"items":[]})");
    aws.on_json("cloudfront", "ListDistributions",
                R"({"DistributionList":{"Marker":"","MaxItems":100,"IsTruncated":false,
                    "Quantity":0}})");
}

void no_load_balancers(FakeAwsClient& aws) {
    aws.on_json("elbv2", "DescribeLoadBalancers", R"({"LoadBalancers":[]})");
}

TEST(NetworkVerdictWaf, EachInternetFacingAlbJudgedByItsAssociation) {
    Fixture f;
    f.aws->on("elbv2", "DescribeLoadBalancers",
              json::parse(R"({"LoadBalancers":[)" +
                          lb(kAlbPublic, "web", "internet-facing", "application") + "," +
                          lb(kAlbBare, "bare", "internet-facing", "application") + "," +
                          lb(kAlbInternal, "intra", "internal", "application") + "," +
                          lb(kNlb, "tcp", "internet-facing", "network") + "]}"));
    // WAF answers a null web ACL for a resource without one (GetWebACLForResourceResponse).
    by_param(*f.aws, "wafv2", "GetWebACLForResource", "ResourceArn",
             {{kAlbPublic, web_acl_answer()}, {kAlbBare, R"({})"}});
    no_apis_no_distributions(*f.aws);
    auto r = f.run("8.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    const auto* web = eval_of(r, kAlbPublic);
    ASSERT_NE(web, nullptr);
    EXPECT_EQ(web->status, Status::compliant);
    EXPECT_EQ(web->evidence_path, "WebACL.ARN");
    EXPECT_EQ(web->observed_value, json::value(kAclArn));
    EXPECT_EQ(web->region, "us-east-1");
    const auto* bare = eval_of(r, kAlbBare);
    ASSERT_NE(bare, nullptr);
    EXPECT_EQ(bare->status, Status::non_compliant);
    EXPECT_TRUE(bare->observed_value.is_null());
    // The internal ALB and the NLB are not asked about, and are noted.
    EXPECT_EQ(eval_of(r, kAlbInternal), nullptr);
    EXPECT_EQ(calls_with(*f.aws, "wafv2:GetWebACLForResource", "intra"), 0u);
    EXPECT_EQ(calls_with(*f.aws, "wafv2:GetWebACLForResource", "loadbalancer/net/"), 0u);
    EXPECT_TRUE(has_note(r, "1 internal Application Load Balancer"));
    EXPECT_TRUE(has_note(r, "1 network/gateway load balancer"));
    // No "a web ACL exists" shortcut: the list of web ACLs is not read.
    EXPECT_EQ(f.aws->count("wafv2:ListWebACLs"), 0u);
}

TEST(NetworkVerdictWaf, ApiStagesByWebAclArnOrWafAndPrivateApisSkipped) {
    Fixture f;
    no_load_balancers(*f.aws);
    f.aws->on("cloudfront", "ListDistributions",
              json::parse(R"({"DistributionList":{"Quantity":0,"IsTruncated":false}})"));
    // Three APIs (a second page in the fake): REGIONAL, EDGE, PRIVATE.
    f.aws->on_json("apigateway", "GetRestApis", R"({"items":[
      {"id":"a1b2c3","name":"orders","endpointConfiguration":{"types":["REGIONAL"]}},
      {"id":"d4e5f6","name":"catalog","endpointConfiguration":{"types":["EDGE"]}},
      {"id":"p7q8r9","name":"internal","endpointConfiguration":{"types":["PRIVATE"],
        "vpcEndpointIds":["vpce-0123456789abcdef0"]}},
      {"id":"z0z0z0","name":"undeployed","endpointConfiguration":{"types":["REGIONAL"]}}]})");
    by_param(*f.aws, "apigateway", "GetStages", "restApiId",
             {{"a1b2c3", std::string(R"({"item":[
                 {"stageName":"prod","deploymentId":"dep1","webAclArn":")") +
                             kAclArn + R"("},
                 {"stageName":"dev","deploymentId":"dep2"}]})"},
              {"d4e5f6", R"({"item":[{"stageName":"v1","deploymentId":"dep3"}]})"},
              {"z0z0z0", R"({"item":[]})"}});
    const std::string prod = "arn:aws:apigateway:us-east-1::/restapis/a1b2c3/stages/prod";
    const std::string dev = "arn:aws:apigateway:us-east-1::/restapis/a1b2c3/stages/dev";
    const std::string v1 = "arn:aws:apigateway:us-east-1::/restapis/d4e5f6/stages/v1";
    by_param(*f.aws, "wafv2", "GetWebACLForResource", "ResourceArn",
             {{v1, web_acl_answer()}, {dev, R"({"WebACL":null})"}});
    auto r = f.run("8.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    const auto* p = eval_of(r, prod);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->status, Status::compliant);
    EXPECT_EQ(p->evidence_path, "item[0].webAclArn");
    EXPECT_EQ(extra_string(*p, "evidenceSource"), "apigateway:GetStages");
    EXPECT_EQ(calls_with(*f.aws, "wafv2:GetWebACLForResource", "/stages/prod"), 0u);
    const auto* d = eval_of(r, dev);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->status, Status::non_compliant);
    EXPECT_EQ(d->evidence_path, "WebACL.ARN");
    EXPECT_EQ(extra_string(*d, "stageName"), "dev");
    const auto* s = eval_of(r, v1);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->status, Status::compliant);
    EXPECT_EQ(extra_string(*s, "evidenceSource"), "wafv2:GetWebACLForResource");
    // The PRIVATE API is not read further and is noted; so is the API without stages.
    EXPECT_EQ(calls_with(*f.aws, "apigateway:GetStages", "p7q8r9"), 0u);
    EXPECT_TRUE(has_note(r, "p7q8r9 (us-east-1): PRIVATE"));
    EXPECT_TRUE(has_note(r, "z0z0z0 (us-east-1): REST API without stages"));
}

TEST(NetworkVerdictWaf, CloudFrontDistributionsByWebAclId) {
    Fixture f;
    no_load_balancers(*f.aws);
    f.aws->on_json("apigateway", "GetRestApis", R"({"items":[]})");
    // E1 names a WAFv2 ACL, E2 an empty one; E3's summary (as moto's) omits WebACLId: its
    // DistributionConfig is read.
    f.aws->on("cloudfront", "ListDistributions",
              json::parse(std::string(R"({"DistributionList":{
      "Marker":"","MaxItems":100,"IsTruncated":false,"Quantity":3,"Items":[
      {"Id":"E1EXAMPLE","ARN":"arn:aws:cloudfront::123456789012:distribution/E1EXAMPLE",
       "DomainName":"d1.cloudfront.net","Enabled":true,"WebACLId":")") +
                          R"(arn:aws:wafv2:us-east-1:123456789012:global/webacl/edge/11112222"},
      {"Id":"E2EXAMPLE","DomainName":"d2.cloudfront.net","Enabled":true,"WebACLId":""},
      {"Id":"E3EXAMPLE","DomainName":"d3.cloudfront.net","Enabled":true}]}})"));
    by_param(*f.aws, "cloudfront", "GetDistributionConfig", "Id",
             {{"E3EXAMPLE", R"({"DistributionConfig":{"WebACLId":"","Enabled":true}})"}});
    auto r = f.run("8.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(eval_of(r, "E1EXAMPLE")->status, Status::compliant);
    EXPECT_EQ(eval_of(r, "E1EXAMPLE")->evidence_path, "DistributionList.Items[0].WebACLId");
    EXPECT_EQ(eval_of(r, "E2EXAMPLE")->status, Status::non_compliant);
    EXPECT_TRUE(eval_of(r, "E2EXAMPLE")->observed_value.is_null());
    EXPECT_EQ(eval_of(r, "E3EXAMPLE")->status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "E3EXAMPLE")->evidence_path, "DistributionConfig.WebACLId");
    EXPECT_EQ(f.aws->count("cloudfront:GetDistributionConfig"), 1u);
}

TEST(NetworkVerdictWaf, DeniedAssociationReadIsAnErrorNamingTheAction) {
    Fixture f;
    f.aws->on("elbv2", "DescribeLoadBalancers",
              json::parse(R"({"LoadBalancers":[)" +
                          lb(kAlbPublic, "web", "internet-facing", "application") + "," +
                          lb(kAlbBare, "bare", "internet-facing", "application") + "]}"));
    f.aws->deny("wafv2", "GetWebACLForResource", "wafv2:GetWebACLForResource");
    no_apis_no_distributions(*f.aws);
    auto r = f.run("8.0-03");
    EXPECT_EQ(r.status, Status::error);
    ASSERT_EQ(r.evaluations.size(), 2u);
    for (const auto& e : r.evaluations) {
        EXPECT_EQ(e.status, Status::error);
        EXPECT_EQ(missing_permissions(e), std::vector<std::string>{"wafv2:GetWebACLForResource"});
    }
    EXPECT_NE(eval_of(r, kAlbBare), nullptr);
    // A denied list is an ERROR too, never "no resources".
    Fixture g;
    g.aws->deny("elbv2", "DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers");
    no_apis_no_distributions(*g.aws);
    auto e = g.run("8.0-03");
    EXPECT_EQ(e.status, Status::error);
    ASSERT_EQ(e.evaluations.size(), 1u);
    EXPECT_EQ(e.evaluations[0].resource_id, "*");
    EXPECT_EQ(missing_permissions(e.evaluations[0]),
              std::vector<std::string>{"elasticloadbalancing:DescribeLoadBalancers"});
}

TEST(NetworkVerdictWaf, NothingToProtectIsSkipped) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    f.aws->on("elbv2", "DescribeLoadBalancers",
              json::parse(R"({"LoadBalancers":[)" +
                          lb(kAlbInternal, "intra", "internal", "application") + "]}"));
    f.aws->on_json("apigateway", "GetRestApis",
                   R"({"items":[{"id":"p7q8r9","name":"internal",
                       "endpointConfiguration":{"types":["PRIVATE"]}}]})");
    f.aws->on_json("cloudfront", "ListDistributions", R"({"DistributionList":{"Quantity":0}})");
    // A web ACL that exists but protects nothing is no evidence.
    f.aws->on_json("wafv2", "ListWebACLs", R"({"WebACLs":[{"Name":"a","Id":"1","ARN":"x"}]})");
    auto r = f.run("8.0-03");
    EXPECT_EQ(r.status, Status::skipped);
    EXPECT_TRUE(r.evaluations.empty());
    const auto* info = &dspm::checks::find_check("8.0-03")->info();
    EXPECT_EQ(info->applicability, dspm::checks::Applicability::resource_setting);
    EXPECT_EQ(f.aws->count("elbv2:DescribeLoadBalancers"), 2u);
    EXPECT_EQ(f.aws->count("cloudfront:ListDistributions"), 1u);
}

// ---------------------------------------------------------------------------------------------
// 8.0-05 DNS Firewall and 3.0-09 query logging: per VPC

std::string vpcs_doc(const std::vector<std::string>& ids) {
    std::string out = R"({"Vpcs":[)";
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i > 0) out += ",";
        out += R"({"CidrBlock":"10.)" + std::to_string(i) +
               R"(.0.0/16","DhcpOptionsId":"dopt-7a8b9c2d","InstanceTenancy":"default",
                   "IsDefault":false,"State":"available","OwnerId":"123456789012","VpcId":")" +
               ids[i] + R"("})";
    }
    return out + "]}";
}

std::string fw_assoc(const std::string& id, const std::string& vpc, const std::string& status,
                     int priority) {
    return R"({"Id":")" + id +
           R"(","Arn":"arn:aws:route53resolver:us-east-1:123456789012:firewall-rule-group-association/)" +
           id + R"(","FirewallRuleGroupId":"rslvr-frg-0123456789abcdef","VpcId":")" + vpc +
           R"(","Name":"assoc-)" + id + R"(","Priority":)" + std::to_string(priority) +
           R"(,"MutationProtection":"DISABLED","Status":")" + status +
           R"(","StatusMessage":"Finished rule group association update",
               "CreatorRequestId":"r","CreationTime":"2024-01-02T03:04:05.000Z",
               "ModificationTime":"2024-01-02T03:04:05.000Z"})";
}

TEST(NetworkVerdictDnsFirewall, EachVpcJudgedByItsAssociationStatus) {
    Fixture f;
    f.aws->on("ec2", "DescribeVpcs",
              json::parse(vpcs_doc({"vpc-0a1", "vpc-0b2", "vpc-0c3", "vpc-0d4"})));
    // A rule group that exists but is associated with no VPC is not evidence about vpc-0b2.
    f.aws->on_json("route53resolver", "ListFirewallRuleGroups",
                   R"({"FirewallRuleGroups":[{"Id":"rslvr-frg-0123456789abcdef","Name":"g"}]})");
    f.aws->on("route53resolver", "ListFirewallRuleGroupAssociations",
              json::parse("{\"FirewallRuleGroupAssociations\":[" +
                          fw_assoc("rslvr-frgassoc-1", "vpc-0a1", "DELETING", 100) + "," +
                          fw_assoc("rslvr-frgassoc-2", "vpc-0a1", "COMPLETE", 200) + "," +
                          fw_assoc("rslvr-frgassoc-3", "vpc-0c3", "UPDATING", 100) + "," +
                          fw_assoc("rslvr-frgassoc-4", "vpc-0d4", "DELETING", 100) + "," +
                          fw_assoc("rslvr-frgassoc-5", "vpc-0ffother", "COMPLETE", 100) + "]}"));
    auto r = f.run("8.0-05");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 4u);
    const auto* a = eval_of(r, "vpc-0a1");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->status, Status::compliant);
    EXPECT_EQ(a->observed_value, json::value("COMPLETE"));
    EXPECT_EQ(a->evidence_path, "FirewallRuleGroupAssociations[?VpcId=='vpc-0a1'].Status");
    EXPECT_EQ(extra_string(*a, "Id"), "rslvr-frgassoc-2");
    EXPECT_EQ(a->extra.at("associations").as_array().size(), 2u);
    EXPECT_EQ(a->region, "us-east-1");
    const auto* b = eval_of(r, "vpc-0b2");
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->status, Status::non_compliant);
    EXPECT_TRUE(b->observed_value.is_null());
    EXPECT_NE(extra_string(*b, "note").find("no DNS Firewall rule group"), std::string::npos);
    const auto* c = eval_of(r, "vpc-0c3");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->status, Status::compliant);
    EXPECT_NE(extra_string(*c, "note").find("UPDATING"), std::string::npos);
    const auto* d = eval_of(r, "vpc-0d4");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->status, Status::non_compliant);
    EXPECT_EQ(d->observed_value, json::value("DELETING"));
    EXPECT_NE(extra_string(*d, "note").find("DELETING"), std::string::npos);
    // The other account's / unlisted VPC's association gives no evaluation.
    EXPECT_EQ(eval_of(r, "vpc-0ffother"), nullptr);
}

TEST(NetworkVerdictDnsFirewall, EveryRegionDeniedReadAndNoVpcs) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    f.aws->on("ec2", "DescribeVpcs", [](const json::object&, const std::string& region) -> Result {
        return json::parse(vpcs_doc({region == "us-east-1" ? "vpc-0a1" : "vpc-0e5", "vpc-0f6"}));
    });
    f.aws->on(
        "route53resolver", "ListFirewallRuleGroupAssociations",
        [](const json::object&, const std::string& region) -> Result {
            if (region == "eu-west-1")
                return dspm::unexpected(FakeAwsClient::error(
                    dspm::aws::ErrorKind::permission_denied, "route53resolver",
                    "ListFirewallRuleGroupAssociations", "AccessDeniedException",
                    "route53resolver:ListFirewallRuleGroupAssociations"));
            return json::parse("{\"FirewallRuleGroupAssociations\":[" +
                               fw_assoc("rslvr-frgassoc-1", "vpc-0a1", "COMPLETE", 100) + "," +
                               fw_assoc("rslvr-frgassoc-2", "vpc-0f6", "COMPLETE", 100) + "]}");
        });
    auto r = f.run("8.0-05");
    EXPECT_EQ(r.status, Status::error);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[1].status, Status::compliant);
    EXPECT_EQ(r.evaluations[2].status, Status::error);
    EXPECT_EQ(r.evaluations[2].region, "eu-west-1");
    EXPECT_EQ(r.evaluations[2].resource_id, "*");
    EXPECT_EQ(missing_permissions(r.evaluations[2]),
              std::vector<std::string>{"route53resolver:ListFirewallRuleGroupAssociations"});

    Fixture g;
    g.aws->on_json("ec2", "DescribeVpcs", R"({"Vpcs":[]})");
    g.aws->on_json("route53resolver", "ListFirewallRuleGroups",
                   R"({"FirewallRuleGroups":[{"Id":"rslvr-frg-1"}]})");
    auto s = g.run("8.0-05");
    EXPECT_EQ(s.status, Status::skipped);
    EXPECT_EQ(g.aws->count("route53resolver:ListFirewallRuleGroupAssociations"), 0u);
    EXPECT_EQ(dspm::checks::find_check("8.0-05")->info().applicability,
              dspm::checks::Applicability::resource_setting);

    Fixture h;
    h.aws->deny("ec2", "DescribeVpcs", "ec2:DescribeVpcs");
    auto e = h.run("8.0-05");
    EXPECT_EQ(e.status, Status::error);
    ASSERT_EQ(e.evaluations.size(), 1u);
    EXPECT_EQ(missing_permissions(e.evaluations[0]), std::vector<std::string>{"ec2:DescribeVpcs"});
}

std::string ql_assoc(const std::string& id, const std::string& vpc, const std::string& status,
                     const std::string& error = "NONE", const std::string& message = "") {
    return R"({"Id":")" + id +
           R"(","ResolverQueryLogConfigId":"rqlc-8ca61fe7c055415a","ResourceId":")" + vpc +
           R"(","Status":")" + status + R"(","Error":")" + error + R"(","ErrorMessage":")" +
           message + R"(","CreationTime":"2024-01-02T03:04:05.000Z"})";
}

TEST(NetworkVerdictQueryLogs, EachVpcJudgedByItsAssociationStatus) {
    Fixture f;
    f.aws->on("ec2", "DescribeVpcs",
              json::parse(vpcs_doc({"vpc-0a1", "vpc-0b2", "vpc-0c3", "vpc-0d4", "vpc-0e5"})));
    f.aws->on("route53resolver", "ListResolverQueryLogConfigAssociations",
              json::parse("{\"ResolverQueryLogConfigAssociations\":[" +
                          ql_assoc("rqlca-1", "vpc-0a1", "ACTIVE") + "," +
                          ql_assoc("rqlca-2", "vpc-0b2", "CREATING") + "," +
                          ql_assoc("rqlca-3", "vpc-0c3", "FAILED", "ACCESS_DENIED",
                                   "Resolver cannot write to the log group") +
                          "," +
                          ql_assoc("rqlca-4", "vpc-0d4", "ACTION_NEEDED", "DESTINATION_NOT_FOUND",
                                   "The destination was deleted") +
                          "," + ql_assoc("rqlca-5", "vpc-0ffother", "ACTIVE") +
                          "],\"TotalCount\":5,\"TotalFilteredCount\":5}"));
    auto r = f.run("3.0-09");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 5u);
    const auto* a = eval_of(r, "vpc-0a1");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->status, Status::compliant);
    EXPECT_EQ(a->evidence_path,
              "ResolverQueryLogConfigAssociations[?ResourceId=='vpc-0a1'].Status");
    EXPECT_EQ(extra_string(*a, "ResolverQueryLogConfigId"), "rqlc-8ca61fe7c055415a");
    const auto* b = eval_of(r, "vpc-0b2");
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->status, Status::non_compliant);
    EXPECT_EQ(b->observed_value, json::value("CREATING"));
    EXPECT_NE(extra_string(*b, "note").find("CREATING"), std::string::npos);
    const auto* c = eval_of(r, "vpc-0c3");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->status, Status::non_compliant);
    EXPECT_EQ(extra_string(*c, "Error"), "ACCESS_DENIED");
    EXPECT_EQ(extra_string(*c, "ErrorMessage"), "Resolver cannot write to the log group");
    const auto* d = eval_of(r, "vpc-0d4");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->status, Status::non_compliant);
    EXPECT_EQ(extra_string(*d, "Error"), "DESTINATION_NOT_FOUND");
    const auto* e = eval_of(r, "vpc-0e5");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->status, Status::non_compliant);
    EXPECT_TRUE(e->observed_value.is_null());
    EXPECT_EQ(eval_of(r, "vpc-0ffother"), nullptr);
}

TEST(NetworkVerdictQueryLogs, DeniedIsErrorNoVpcsSkipped) {
    Fixture f;
    f.aws->on("ec2", "DescribeVpcs", json::parse(vpcs_doc({"vpc-0a1", "vpc-0b2"})));
    f.aws->deny("route53resolver", "ListResolverQueryLogConfigAssociations",
                "route53resolver:ListResolverQueryLogConfigAssociations");
    auto r = f.run("3.0-09");
    EXPECT_EQ(r.status, Status::error);
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(missing_permissions(r.evaluations[0]),
              std::vector<std::string>{"route53resolver:ListResolverQueryLogConfigAssociations"});

    Fixture g;
    g.scope.regions = {"us-east-1", "eu-west-1"};
    g.aws->on_json("ec2", "DescribeVpcs", R"({"Vpcs":[]})");
    auto s = g.run("3.0-09");
    EXPECT_EQ(s.status, Status::skipped);
    EXPECT_EQ(g.aws->count("ec2:DescribeVpcs"), 2u);
    EXPECT_EQ(g.aws->count("route53resolver:ListResolverQueryLogConfigAssociations"), 0u);
    EXPECT_EQ(dspm::checks::find_check("3.0-09")->info().applicability,
              dspm::checks::Applicability::resource_setting);
}

// 3.0-05, 3.0-09 and 8.0-05 read DescribeVpcs with the same parameters: one read per region.
TEST(NetworkVerdictQueryLogs, VpcListSharedWithFlowLogsAndDnsFirewall) {
    auto aws = std::make_shared<FakeAwsClient>();
    aws->on("ec2", "DescribeVpcs", json::parse(vpcs_doc({"vpc-0a1", "vpc-0b2"})));
    aws->on_json("ec2", "DescribeFlowLogs", R"({"FlowLogs":[]})");
    aws->on_json("route53resolver", "ListResolverQueryLogConfigAssociations",
                 R"({"ResolverQueryLogConfigAssociations":[]})");
    aws->on_json("route53resolver", "ListFirewallRuleGroupAssociations",
                 R"({"FirewallRuleGroupAssociations":[]})");
    dspm::checks::CheckScope scope;
    scope.account = "123456789012";
    scope.regions = {"us-east-1"};
    dspm::inventory::CachedFacts facts(aws, nullptr, scope.account);
    for (const char* code : {"3.0-05", "3.0-09", "8.0-05"})
        EXPECT_EQ(dspm::checks::find_check(code)->run(facts, scope).status, Status::non_compliant)
            << code;
    EXPECT_EQ(aws->count("ec2:DescribeVpcs"), 1u);
}

}  // namespace
