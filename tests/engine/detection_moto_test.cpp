// The detection group's CloudTrail (3.0-01), log retention (3.0-04) and password policy (1.0-04)
// checks through the dspm-audit binary against moto_server, seeded with boto3 (moto's own
// dependency). Keeps moto calls few: one seed script, two audits.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
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

struct Audit {
    int exit_code = -1;
    json::object doc;
    std::string err;
};

Audit audit(const std::string& framework, const std::string& req, const std::string& endpoint) {
    const fs::path dir =
        fs::temp_directory_path() / ("dspm-detection-" + std::to_string(::getpid()) + "-" + req);
    fs::create_directories(dir);
    const std::string out = (dir / "result.json").string();
    auto env = dspm::test::moto_env(endpoint);
    for (const char* k : {"MAPPING_BASE_URL", "COLLECTOR_BASE_URL", "AUDIT_API_TOKEN",
                          "CATALOG_DIR", "AUDIT_REGIONS", "AWS_PROFILE", "AWS_SESSION_TOKEN"})
        env.emplace(k, "");
    env["LOG_LEVEL"] = "error";
    dspm::test::Process p({DSPM_BINARY, "audit", framework, req, "--output", out}, env,
                          dir.string());
    Audit a;
    a.exit_code = p.wait(std::chrono::seconds(60));
    a.err = p.stderr_text();
    std::ifstream in(out);
    std::stringstream ss;
    ss << in.rdbuf();
    std::error_code ec;
    auto v = json::parse(ss.str(), ec);
    if (!ec && v.is_object()) a.doc = v.as_object();
    fs::remove_all(dir);
    return a;
}

json::object mapping(const Audit& a, const std::string& code) {
    if (const auto* results = a.doc.if_contains("results"); results && results->is_array())
        for (const auto& m : results->as_array())
            if (m.at("mapping_code").as_string() == code) return m.as_object();
    return {};
}

std::string status(const json::object& m) {
    return m.contains("status") ? std::string(m.at("status").as_string()) : "absent";
}

int seed(const std::string& endpoint, bool strong_policy) {
    const fs::path py =
        fs::temp_directory_path() / ("dspm-detection-seed-" + std::to_string(::getpid()) + ".py");
    std::ofstream(py) << R"(import sys, boto3
ep = sys.argv[1]
kw = dict(endpoint_url=ep, region_name="us-east-1", aws_access_key_id="testing",
          aws_secret_access_key="testing")
s3 = boto3.client("s3", **kw)
s3.create_bucket(Bucket="trail-logs")
ct = boto3.client("cloudtrail", **kw)
ct.create_trail(Name="org-trail", S3BucketName="trail-logs", IsMultiRegionTrail=True,
                EnableLogFileValidation=True)
ct.start_logging(Name="org-trail")
# AWS gives a new trail this selector; moto leaves it empty, so it is set as AWS would have it.
ct.put_event_selectors(TrailName="org-trail", EventSelectors=[
    {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [],
     "ExcludeManagementEventSources": []}])
ct.create_trail(Name="local-trail", S3BucketName="trail-logs")
logs = boto3.client("logs", **kw)
logs.create_log_group(logGroupName="/app/short")
logs.put_retention_policy(logGroupName="/app/short", retentionInDays=7)
logs.create_log_group(logGroupName="/app/forever")
if sys.argv[2] == "strong":
    boto3.client("iam", **kw).update_account_password_policy(
        MinimumPasswordLength=12, RequireSymbols=True, RequireNumbers=True,
        RequireUppercaseCharacters=True, RequireLowercaseCharacters=True, MaxPasswordAge=90)
)";
    std::string out;
    const int rc = dspm::test::run_shell("python3 " + py.string() + " " + endpoint + " " +
                                             (strong_policy ? "strong" : "none") + " 2>&1",
                                         &out);
    fs::remove(py);
    if (rc != 0) ADD_FAILURE() << out;
    return rc;
}

bool moto_available() {
    return dspm::test::run_shell("command -v moto_server >/dev/null 2>&1") == 0;
}

TEST(DetectionMoto, CloudTrailLogRetentionAndPasswordPolicyThroughTheBinary) {
    if (!moto_available()) GTEST_SKIP() << "moto_server not installed";
    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    ASSERT_EQ(seed(moto.endpoint(), false), 0);

    // ISMS-P 2.9.2.4 maps to 3.0-01 and 3.0-04.
    auto logging = audit("ISMS-P", "2.9.2.4", moto.endpoint());
    ASSERT_FALSE(logging.doc.empty()) << logging.err;
    auto trail = mapping(logging, "3.0-01");
    EXPECT_EQ(status(trail), "COMPLIANT") << json::serialize(trail);
    if (trail.contains("evaluations")) {
        const auto& evals = trail.at("evaluations").as_array();
        ASSERT_EQ(evals.size(), 1u);  // one audited region
        EXPECT_EQ(evals[0].at("resource_id").as_string(), "us-east-1");
        EXPECT_EQ(evals[0].at("extra").at("coveredBy").at("name"), json::value("org-trail"));
        EXPECT_EQ(evals[0].at("observed_value").at("IsLogging"), json::value(true));
        EXPECT_EQ(evals[0].at("observed_value").at("ManagementEvents"), json::value("All"));
        EXPECT_EQ(trail.at("evidence").at("totalTrails").to_number<std::uint64_t>(), 2u);
    }
    auto retention = mapping(logging, "3.0-04");
    EXPECT_EQ(status(retention), "NON_COMPLIANT") << json::serialize(retention);
    if (retention.contains("evidence")) {
        EXPECT_EQ(retention.at("evidence").at("totalLogGroups").to_number<std::uint64_t>(), 2u);
        EXPECT_EQ(retention.at("evidence").at("neverExpire").to_number<std::uint64_t>(), 1u);
    }

    // ISMS-P 2.5.4.2 maps to 1.0-04 alone: no policy is NON_COMPLIANT (moto answers NoSuchEntity).
    auto none = audit("ISMS-P", "2.5.4.2", moto.endpoint());
    EXPECT_EQ(status(mapping(none, "1.0-04")), "NON_COMPLIANT") << none.err;
    EXPECT_EQ(none.exit_code, 3);

    moto.reset();
    ASSERT_EQ(seed(moto.endpoint(), true), 0);
    auto strong = audit("ISMS-P", "2.5.4.2", moto.endpoint());
    auto policy = mapping(strong, "1.0-04");
    EXPECT_EQ(status(policy), "COMPLIANT") << json::serialize(policy);
    EXPECT_EQ(strong.exit_code, 0);
}

}  // namespace
