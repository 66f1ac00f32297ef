// Issue 10's verdict fixes of earlier stops, through the dspm-audit binary against moto_server:
// 13.0-01 (an issuer is not an IAM OIDC provider, nor is another cluster's provider), 15.0-02 (a
// rule that sends its events back to its own bus), 2.0-09 (a listener policy that still allows
// TLS 1.0) and 6.0-03 (the registry's scan-on-push filters, not the deprecated repository
// flag). 15.0-02 is mapped by no framework requirement, so the audit runs on a catalog of one
// requirement (CATALOG_DIR) that maps the four.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "engine/catalog_audit.hpp"
#include "support/test_support.hpp"

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using dspm::test::statuses;

constexpr const char* kCodes[] = {"13.0-01", "15.0-02", "2.0-09", "6.0-03"};

constexpr const char* kSeed = R"PY(
import sys, boto3
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="testing",
          aws_secret_access_key="testing")
role = "arn:aws:iam::123456789012:role/eks"
eks = boto3.client("eks", **kw)
eks.create_cluster(name="pods", roleArn=role, resourcesVpcConfig={})
issuer = eks.describe_cluster(name="pods")["cluster"]["identity"]["oidc"]["issuer"]
# A provider for another cluster's issuer: this cluster's pods still share the node role.
iam = boto3.client("iam", **kw)
iam.create_open_id_connect_provider(
    Url="https://oidc.eks.us-east-1.amazonaws.com/id/0THERCLUSTER0000000000000000000",
    ClientIDList=["sts.amazonaws.com"], ThumbprintList=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"])
if sys.argv[2] == "provider":
    iam.create_open_id_connect_provider(
        Url=issuer, ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"])

events = boto3.client("events", **kw)
sqs = boto3.client("sqs", **kw)
queue = sqs.get_queue_attributes(QueueUrl=sqs.create_queue(QueueName="sink")["QueueUrl"],
                                 AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
pattern = '{"source":["app.orders"]}'
events.put_rule(Name="deliver", EventPattern=pattern)
events.put_targets(Rule="deliver", Targets=[{"Id": "q", "Arn": queue}])
events.put_rule(Name="echo", EventPattern=pattern)
events.put_targets(Rule="echo", Targets=[{"Id": "self",
    "Arn": "arn:aws:events:us-east-1:123456789012:event-bus/default"}])

ec2 = boto3.client("ec2", **kw)
vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=c, AvailabilityZone=z)["Subnet"]["SubnetId"]
           for c, z in (("10.2.1.0/24", "us-east-1a"), ("10.2.2.0/24", "us-east-1b"))]
elb = boto3.client("elbv2", **kw)
lb = elb.create_load_balancer(Name="web", Subnets=subnets, Scheme="internet-facing",
                              Type="application")["LoadBalancers"][0]["LoadBalancerArn"]
tg = elb.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc,
                             TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
cert = boto3.client("acm", **kw).request_certificate(DomainName="shop.example.com")["CertificateArn"]
for name, policy in (("old", "ELBSecurityPolicy-2016-08"),
                     ("current", "ELBSecurityPolicy-TLS13-1-2-2021-06")):
    elb.create_listener(LoadBalancerArn=lb, Protocol="HTTPS",
                        Port=443 if name == "old" else 8443, SslPolicy=policy,
                        Certificates=[{"CertificateArn": cert}],
                        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])

ecr = boto3.client("ecr", **kw)
for repo in ("app-api", "tools"):
    # The deprecated per-repository flag says yes; the registry's rules decide.
    ecr.create_repository(repositoryName=repo, imageScanningConfiguration={"scanOnPush": True})
ecr.put_registry_scanning_configuration(scanType="BASIC", rules=[{"scanFrequency": "SCAN_ON_PUSH",
    "repositoryFilters": [{"filter": "app-*", "filterType": "WILDCARD"}]}])
)PY";

TEST(VerdictMotoFixed, IssuerProviderEventLoopTlsPolicyAndRegistryScanning) {
    if (dspm::test::run_shell("command -v moto_server >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "moto_server not installed";
    auto& moto = dspm::test::Moto::instance();
    const fs::path py =
        fs::temp_directory_path() / ("dspm-fixed-seed-" + std::to_string(::getpid()) + ".py");
    std::ofstream(py) << kSeed;
    const auto seed = [&](const char* mode) {
        moto.reset();
        std::string out;
        const int rc = dspm::test::run_shell(
            "python3 " + py.string() + " " + moto.endpoint() + " " + mode + " 2>&1", &out);
        EXPECT_EQ(rc, 0) << out;
        return rc == 0;
    };
    const auto catalog = dspm::test::write_catalog(
        fs::temp_directory_path() / ("dspm-fixed-catalog-" + std::to_string(::getpid())),
        "verdicts", {std::begin(kCodes), std::end(kCodes)});
    std::string err;
    ASSERT_TRUE(seed("other"));
    auto m =
        dspm::test::audit_catalog(dspm::test::moto_env(moto.endpoint()), catalog, "verdicts", &err);
    ASSERT_EQ(m.size(), 4u) << err;

    // moto gives every cluster the same issuer, so the two verdicts of 13.0-01 take two seeds.
    // Without its provider the cluster could still use EKS Pod Identity, which moto cannot
    // answer (ListPodIdentityAssociations is missing there): an ERROR naming that read, where the
    // issuer alone used to pass.
    EXPECT_EQ(statuses(m["13.0-01"])["pods"], "ERROR") << json::serialize(m["13.0-01"]);
    EXPECT_NE(json::serialize(m["13.0-01"]).find("eks:ListPodIdentityAssociations"),
              std::string::npos);
    ASSERT_TRUE(seed("provider"));
    auto with_provider =
        dspm::test::audit_catalog(dspm::test::moto_env(moto.endpoint()), catalog, "verdicts", &err);
    EXPECT_EQ(statuses(with_provider["13.0-01"])["pods"], "COMPLIANT")
        << json::serialize(with_provider["13.0-01"]);
    fs::remove(py);
    fs::remove_all(catalog);

    auto rules = statuses(m["15.0-02"]);
    EXPECT_EQ(rules["deliver"], "COMPLIANT") << json::serialize(m["15.0-02"]);
    EXPECT_EQ(rules["echo"], "NON_COMPLIANT") << json::serialize(m["15.0-02"]);

    // Two listeners of one load balancer: the old policy allows TLS 1.0 and 1.1.
    const auto& elb = m["2.0-09"];
    EXPECT_EQ(std::string(elb.at("status").as_string()), "NON_COMPLIANT") << json::serialize(elb);
    int failing = 0, passing = 0;
    for (const auto& e : elb.at("evaluations").as_array()) {
        failing += e.at("status") == "NON_COMPLIANT";
        passing += e.at("status") == "COMPLIANT";
    }
    EXPECT_GE(failing, 1) << json::serialize(elb);
    EXPECT_GE(passing, 1) << json::serialize(elb);

    auto ecr = statuses(m["6.0-03"]);
    EXPECT_EQ(ecr["app-api"], "COMPLIANT") << json::serialize(m["6.0-03"]);
    EXPECT_EQ(ecr["tools"], "NON_COMPLIANT") << json::serialize(m["6.0-03"]);
}

}  // namespace
