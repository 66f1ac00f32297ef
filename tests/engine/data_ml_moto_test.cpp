// The data/ML group through the dspm-audit binary on moto_server: Glue catalog schema (5.0-06,
// Glue JSON 1.1), LF-Tags (5.0-05) and grants to IAM_ALLOWED_PRINCIPALS (13.0-02, Lake Formation
// REST-JSON) under ISMS-P 2.6.4, and the Model Registry (6.0-05, SageMaker JSON 1.1) under a
// SAGE-THREAT requirement, each judged on what moto answers through the real AWS layer.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

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
g = c("glue")
g.create_database(DatabaseInput={"Name": "sales"})
g.create_table(DatabaseName="sales", TableInput={"Name": "orders",
    "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "int"}, {"Name": "v", "Type": "string"}]}})
g.create_table(DatabaseName="sales", TableInput={"Name": "raw", "StorageDescriptor": {"Columns": []}})
lf = c("lakeformation")
lf.create_lf_tag(TagKey="tenant", TagValues=["a", "b"])
lf.grant_permissions(Principal={"DataLakePrincipalIdentifier": "IAM_ALLOWED_PRINCIPALS"},
                     Resource={"Database": {"Name": "sales"}}, Permissions=["ALL"])
sm = c("sagemaker")
sm.create_model_package_group(ModelPackageGroupName="fraud")
spec = {"Containers": [{"Image": "img"}], "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"]}
sm.create_model_package(ModelPackageGroupName="fraud", ModelApprovalStatus="PendingManualApproval",
                        InferenceSpecification=spec)
)PY";

bool moto_available() {
    return dspm::test::run_shell("command -v moto_server >/dev/null 2>&1") == 0;
}

// One requirement through the binary: its mapping results by code.
std::map<std::string, json::object> audit(const std::string& endpoint, const std::string& framework,
                                          const std::string& req, std::string& err) {
    const fs::path dir = fs::temp_directory_path() / ("dspm-dataml-" + std::to_string(::getpid()) +
                                                      "-" + std::to_string(std::rand()));
    fs::create_directories(dir);
    const std::string out = (dir / "result.json").string();
    auto env = dspm::test::moto_env(endpoint);
    for (const char* k : {"MAPPING_BASE_URL", "COLLECTOR_BASE_URL", "AUDIT_API_TOKEN",
                          "CATALOG_DIR", "AUDIT_REGIONS", "AWS_PROFILE", "AWS_SESSION_TOKEN"})
        env.emplace(k, "");
    env["LOG_LEVEL"] = "error";
    dspm::test::Process p({DSPM_BINARY, "audit", framework, req, "--output", out}, env,
                          dir.string());
    p.wait(std::chrono::seconds(60));
    err = p.stderr_text();
    std::ifstream in(out);
    std::stringstream ss;
    ss << in.rdbuf();
    fs::remove_all(dir);
    std::map<std::string, json::object> m;
    std::error_code ec;
    auto v = json::parse(ss.str(), ec);
    if (ec || !v.is_object() || !v.as_object().contains("results")) return m;
    for (const auto& r : v.at("results").as_array())
        m.emplace(std::string(r.at("mapping_code").as_string()), r.as_object());
    return m;
}

TEST(DataMlMoto, GlueLakeFormationAndModelRegistryOnSeededAccount) {
    if (!moto_available()) GTEST_SKIP() << "moto_server not installed";
    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    const fs::path py =
        fs::temp_directory_path() / ("dspm-dataml-seed-" + std::to_string(::getpid()) + ".py");
    std::ofstream(py) << kSeed;
    std::string seed_out;
    ASSERT_EQ(dspm::test::run_shell("python3 " + py.string() + " " + moto.endpoint() + " 2>&1",
                                    &seed_out),
              0)
        << seed_out;
    fs::remove(py);

    std::string err;
    auto m = audit(moto.endpoint(), "ISMS-P", "2.6.4", err);
    ASSERT_FALSE(m.empty()) << err;

    const auto& schema = m["5.0-06"];
    EXPECT_EQ(schema.at("status").as_string(), "NON_COMPLIANT");
    EXPECT_EQ(schema.at("evidence").at("totalTables").to_number<std::uint64_t>(), 2u);
    EXPECT_EQ(schema.at("evidence").at("schemaDeclared").to_number<std::uint64_t>(), 1u);
    bool raw_failed = false;
    for (const auto& e : schema.at("evaluations").as_array())
        if (e.at("resource_id") == "sales.raw") raw_failed = e.at("status") == "NON_COMPLIANT";
    EXPECT_TRUE(raw_failed);

    EXPECT_EQ(m["5.0-05"].at("status").as_string(), "COMPLIANT");

    const auto& grants = m["13.0-02"];
    EXPECT_EQ(grants.at("status").as_string(), "NON_COMPLIANT");
    const auto& e = grants.at("evaluations").as_array().at(0);
    EXPECT_EQ(e.at("observed_value").to_number<std::int64_t>(), 1);
    EXPECT_EQ(e.at("extra").at("openResources").as_array().at(0), "Database:sales");

    auto registry = audit(moto.endpoint(), "SAGE-THREAT",
                          "\xEB\xAA\xA8\xEB\x8D\xB8 \xEB\xB2\x84\xEC\xA0\x84 \xEA\xB4\x80\xEB\xA6"
                          "\xAC \xEB\x88\x84\xEB\x9D\xBD",
                          err);
    ASSERT_TRUE(registry.contains("6.0-05")) << err;
    const auto& r = registry["6.0-05"];
    EXPECT_EQ(r.at("status").as_string(), "NON_COMPLIANT");
    const auto& pkg = r.at("evaluations").as_array().at(0);
    EXPECT_EQ(pkg.at("resource_id"), "fraud");
    EXPECT_EQ(pkg.at("observed_value"), "PendingManualApproval");
    moto.reset();
}

}  // namespace
