// The network group through the dspm-audit binary on moto_server: security groups (8.0-01), KMS
// rotation (2.0-16, 10.0-04) and EFS encryption (2.0-13) on a seeded account, each judged on what
// moto answers through the real AWS layer (EC2 query/XML, KMS JSON 1.1, EFS REST-JSON).
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/test_support.hpp"

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

constexpr const char* kSeed = R"PY(
import sys, boto3
ep = sys.argv[1]
def c(s):
    return boto3.client(s, endpoint_url=ep, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")
ec2 = c("ec2")
vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
ssh = ec2.create_security_group(GroupName="net-ssh-world", Description="x", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=ssh, IpPermissions=[{"IpProtocol": "tcp",
    "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
web = ec2.create_security_group(GroupName="net-web", Description="x", VpcId=vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[{"IpProtocol": "tcp",
    "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
kms = c("kms")
rot = kms.create_key(Description="rotating")["KeyMetadata"]["KeyId"]
kms.enable_key_rotation(KeyId=rot)
kms.create_key(Description="static")
efs = c("efs")
efs.create_file_system(CreationToken="enc", Encrypted=True)
efs.create_file_system(CreationToken="plain", Encrypted=False)
print(ssh)
)PY";

bool moto_available() {
    return dspm::test::run_shell("command -v moto_server >/dev/null 2>&1") == 0;
}

std::map<std::string, json::object> audit_all(const std::string& endpoint, int& exit_code,
                                              std::string& err) {
    const fs::path dir = fs::temp_directory_path() / ("dspm-network-" + std::to_string(::getpid()) +
                                                      "-" + std::to_string(std::rand()));
    fs::create_directories(dir);
    const std::string out = (dir / "result.json").string();
    auto env = dspm::test::moto_env(endpoint);
    for (const char* k : {"MAPPING_BASE_URL", "COLLECTOR_BASE_URL", "AUDIT_API_TOKEN",
                          "CATALOG_DIR", "AUDIT_REGIONS", "AWS_PROFILE", "AWS_SESSION_TOKEN"})
        env.emplace(k, "");
    env["LOG_LEVEL"] = "error";
    dspm::test::Process p({DSPM_BINARY, "audit", "ISMS-P", "--all", "--output", out}, env,
                          dir.string());
    exit_code = p.wait(std::chrono::seconds(90));
    err = p.stderr_text();
    std::ifstream in(out);
    std::stringstream ss;
    ss << in.rdbuf();
    fs::remove_all(dir);
    std::map<std::string, json::object> m;
    std::error_code ec;
    auto v = json::parse(ss.str(), ec);
    if (ec || !v.is_object()) return m;
    const auto& doc = v.as_object();
    auto take = [&](const json::array& results) {
        for (const auto& r : results)
            m.emplace(std::string(r.at("mapping_code").as_string()), r.as_object());
    };
    if (doc.contains("executed")) {
        for (const auto& r : doc.at("results").as_array())
            take(r.at("results").as_array());
    } else if (doc.contains("results")) {
        take(doc.at("results").as_array());
    }
    return m;
}

std::uint64_t count(const json::object& r, const char* key) {
    return r.at("evidence").at(key).to_number<std::uint64_t>();
}

TEST(NetworkMoto, SecurityGroupsKmsRotationAndEfsOnSeededAccount) {
    if (!moto_available()) GTEST_SKIP() << "moto_server not installed";
    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    const fs::path py =
        fs::temp_directory_path() / ("dspm-network-seed-" + std::to_string(::getpid()) + ".py");
    std::ofstream(py) << kSeed;
    std::string ssh_group;
    ASSERT_EQ(dspm::test::run_shell("python3 " + py.string() + " " + moto.endpoint() + " 2>&1",
                                    &ssh_group),
              0)
        << ssh_group;
    fs::remove(py);
    while (!ssh_group.empty() && std::isspace(static_cast<unsigned char>(ssh_group.back())))
        ssh_group.pop_back();

    int exit_code = -1;
    std::string err;
    auto m = audit_all(moto.endpoint(), exit_code, err);
    ASSERT_FALSE(m.empty()) << err;

    const auto& sg = m["8.0-01"];
    EXPECT_EQ(sg.at("status").as_string(), "NON_COMPLIANT");
    bool ssh_failed = false, web_passed = false;
    for (const auto& e : sg.at("evaluations").as_array()) {
        const auto& o = e.as_object();
        const auto name = o.at("extra").at("GroupName").as_string();
        if (o.at("resource_id").as_string() == ssh_group) {
            ssh_failed = o.at("status") == "NON_COMPLIANT" &&
                         o.at("observed_value").as_array().at(0) == "tcp 22 from 0.0.0.0/0";
        }
        if (name == "net-web") web_passed = o.at("status") == "COMPLIANT";
    }
    EXPECT_TRUE(ssh_failed);
    EXPECT_TRUE(web_passed);

    for (const char* code : {"2.0-16", "10.0-04"}) {
        const auto& k = m[code];
        EXPECT_EQ(k.at("status").as_string(), "NON_COMPLIANT") << code;
        EXPECT_EQ(count(k, "customerManagedKeys"), 2u) << code;
        EXPECT_EQ(count(k, "rotationEnabled"), 1u) << code;
    }

    const auto& efs = m["2.0-13"];
    EXPECT_EQ(efs.at("status").as_string(), "NON_COMPLIANT");
    EXPECT_EQ(count(efs, "totalFileSystems"), 2u);
    EXPECT_EQ(count(efs, "encrypted"), 1u);
    moto.reset();
}

}  // namespace
