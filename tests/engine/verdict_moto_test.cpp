// Issue 10's verdicts of this session through the dspm-audit binary against moto_server: 4.0-05
// (Macie not enabled: not evidenced), 16.0-04 (a self-managed stack set), 1.0-01 (a permission set
// whose customer managed policy grants everything) and 2.0-14 (an MSK cluster created without
// client authentication). One seed, four audits.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "engine/moto_front.hpp"
#include "support/test_support.hpp"

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

json::object audit(const std::string& framework, const std::string& req,
                   const std::string& endpoint, std::string* err,
                   const std::map<std::string, std::string>& extra_env = {}) {
    const fs::path dir =
        fs::temp_directory_path() / ("dspm-verdict-" + std::to_string(::getpid()) + "-" + req);
    fs::create_directories(dir);
    const std::string out = (dir / "result.json").string();
    auto env = dspm::test::moto_env(endpoint);
    for (const char* k : {"MAPPING_BASE_URL", "COLLECTOR_BASE_URL", "AUDIT_API_TOKEN",
                          "CATALOG_DIR", "AWS_PROFILE", "AWS_SESSION_TOKEN"})
        env.emplace(k, "");
    env["LOG_LEVEL"] = "error";
    for (const auto& [k, v] : extra_env)
        env[k] = v;
    dspm::test::Process p({DSPM_BINARY, "audit", framework, req, "--output", out}, env,
                          dir.string());
    p.wait(std::chrono::seconds(90));
    *err = p.stderr_text();
    std::ifstream in(out);
    std::stringstream ss;
    ss << in.rdbuf();
    std::error_code ec;
    auto v = json::parse(ss.str(), ec);
    fs::remove_all(dir);
    return !ec && v.is_object() ? v.as_object() : json::object{};
}

json::object mapping(const json::object& doc, const std::string& code) {
    if (const auto* results = doc.if_contains("results"); results && results->is_array())
        for (const auto& m : results->as_array())
            if (m.at("mapping_code").as_string() == code) return m.as_object();
    return {};
}

std::string status(const json::object& m) {
    return m.contains("status") ? std::string(m.at("status").as_string()) : "absent";
}

constexpr const char* kSeed = R"PY(
import json, sys, boto3
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="testing",
          aws_secret_access_key="testing")
# moto starts with a Macie session; the account here never enabled Macie.
boto3.client("macie2", **kw).disable_macie()
boto3.client("cloudformation", **kw).create_stack_set(
    StackSetName="baseline",
    TemplateBody=json.dumps({"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}))
iam = boto3.client("iam", **kw)
iam.create_policy(PolicyName="PlatformAdmin", Path="/platform/", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
sso = boto3.client("sso-admin", **kw)
instance = sso.list_instances()["Instances"][0]["InstanceArn"]
ps = sso.create_permission_set(Name="Platform", InstanceArn=instance)["PermissionSet"]
sso.attach_customer_managed_policy_reference_to_permission_set(
    InstanceArn=instance, PermissionSetArn=ps["PermissionSetArn"],
    CustomerManagedPolicyReference={"Name": "PlatformAdmin", "Path": "/platform/"})
ec2 = boto3.client("ec2", **kw)
vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=c)["Subnet"]["SubnetId"]
           for c in ("10.1.1.0/24", "10.1.2.0/24")]
boto3.client("kafka", **kw).create_cluster_v2(ClusterName="events", Provisioned={
    "BrokerNodeGroupInfo": {"InstanceType": "kafka.m5.large", "ClientSubnets": subnets},
    "KafkaVersion": "3.6.0", "NumberOfBrokerNodes": 2,
    "EncryptionInfo": {"EncryptionInTransit": {"ClientBroker": "TLS", "InCluster": True}}})
)PY";

TEST(VerdictMoto, MacieStackSetsPermissionSetRightsAndMskAuthentication) {
    if (dspm::test::run_shell("command -v moto_server >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "moto_server not installed";
    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    const fs::path py =
        fs::temp_directory_path() / ("dspm-verdict-seed-" + std::to_string(::getpid()) + ".py");
    std::ofstream(py) << kSeed;
    std::string out;
    ASSERT_EQ(
        dspm::test::run_shell("python3 " + py.string() + " " + moto.endpoint() + " 2>&1", &out), 0)
        << out;
    fs::remove(py);
    std::string err;

    // ISMS-P 3.1.2 maps to 4.0-05 and 11.0-03: Macie was never enabled.
    auto macie = mapping(audit("ISMS-P", "3.1.2", moto.endpoint(), &err), "4.0-05");
    EXPECT_EQ(status(macie), "SKIPPED") << json::serialize(macie) << err;
    if (macie.contains("reason")) {
        EXPECT_NE(std::string(macie.at("reason").as_string()).find("not evidenced"),
                  std::string::npos);
    }

    // ISO/IEC 27001 A.5.23 maps to 16.0-04 (and 11.0-02, 7.0-01).
    auto stacks = mapping(audit("iso-27001", "A.5.23", moto.endpoint(), &err), "16.0-04");
    EXPECT_EQ(status(stacks), "COMPLIANT") << json::serialize(stacks) << err;

    // ISMS-P 2.5.2 maps to 1.0-01 and 1.0-03.
    // moto has no GetPermissionsBoundaryForPermissionSet: a front answers it as Identity Center
    // does for a set without a boundary and forwards the rest of sso-admin to moto.
    dspm::test::MotoFront sso_front(moto.port(), dspm::test::no_permissions_boundary);
    auto sso = mapping(audit("ISMS-P", "2.5.2", moto.endpoint(), &err,
                             {{"AWS_ENDPOINT_URL_SSO_ADMIN", sso_front.url()}}),
                       "1.0-01");
    EXPECT_EQ(status(sso), "NON_COMPLIANT") << json::serialize(sso) << err;
    bool judged = false;
    if (sso.contains("evaluations"))
        for (const auto& e : sso.at("evaluations").as_array())
            if (e.at("resource_id") == "Platform") {
                judged = true;
                EXPECT_EQ(e.at("status").as_string(), "NON_COMPLIANT") << json::serialize(e);
                EXPECT_NE(std::string(e.at("evidence_path").as_string())
                              .find("CustomerManagedPolicyReferences[0]"),
                          std::string::npos);
            }
    EXPECT_TRUE(judged) << json::serialize(sso);

    // ISO/IEC 27001 A.8.12 maps to 2.0-14 among others.
    auto msk = mapping(audit("iso-27001", "A.8.12", moto.endpoint(), &err), "2.0-14");
    EXPECT_EQ(status(msk), "NON_COMPLIANT") << json::serialize(msk) << err;
    bool unauthenticated = false;
    if (msk.contains("evaluations"))
        for (const auto& e : msk.at("evaluations").as_array())
            if (e.at("checked_field") == "Unauthenticated client access allowed")
                unauthenticated = e.at("status") == "NON_COMPLIANT";
    EXPECT_TRUE(unauthenticated) << json::serialize(msk);
}

}  // namespace
