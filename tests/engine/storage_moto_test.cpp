// Storage checks through the dspm-audit binary against moto_server: S3 lifecycle, Object Lock and
// versioning read in each bucket's region, DynamoDB TTL, with "not configured" answers from a real
// S3 endpoint judged NON_COMPLIANT rather than ERROR.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

json::object audit(const std::vector<std::string>& args, std::map<std::string, std::string> env,
                   std::string* err) {
    const fs::path dir = fs::temp_directory_path() / ("dspm-storage-" + std::to_string(::getpid()) +
                                                      "-" + std::to_string(std::rand()));
    fs::create_directories(dir);
    const std::string out = (dir / "result.json").string();
    std::vector<std::string> argv{DSPM_BINARY, "audit"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--output", out});
    for (const char* k : {"MAPPING_BASE_URL", "COLLECTOR_BASE_URL", "AUDIT_API_TOKEN",
                          "CATALOG_DIR", "AUDIT_REGIONS", "AWS_PROFILE", "AWS_SESSION_TOKEN"})
        env.emplace(k, "");
    env["LOG_LEVEL"] = "error";
    dspm::test::Process p(argv, env, dir.string());
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

std::map<std::string, json::object> by_code(const json::object& doc) {
    std::map<std::string, json::object> out;
    if (const auto* results = doc.if_contains("results"))
        for (const auto& m : results->as_array())
            out.emplace(std::string(m.at("mapping_code").as_string()), m.as_object());
    return out;
}

std::map<std::string, std::string> statuses_by_resource(const json::object& mapping) {
    std::map<std::string, std::string> out;
    for (const auto& e : mapping.at("evaluations").as_array())
        out[std::string(e.at("resource_id").as_string())] = std::string(e.at("status").as_string());
    return out;
}

TEST(StorageMoto, LifecycleObjectLockVersioningAndTtlOnMoto) {
    if (dspm::test::run_shell("command -v moto_server >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "moto_server not installed";
    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    const std::string script = R"PY(
import boto3, sys
kw = dict(endpoint_url=sys.argv[1], aws_access_key_id="testing", aws_secret_access_key="testing")
s3 = boto3.client("s3", region_name="us-east-1", **kw)
s3eu = boto3.client("s3", region_name="eu-west-1", **kw)
s3eu.create_bucket(Bucket="kept", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
                   ObjectLockEnabledForBucket=True)
s3eu.put_bucket_lifecycle_configuration(Bucket="kept", LifecycleConfiguration={"Rules": [
    {"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 90}}]})
s3eu.put_bucket_versioning(Bucket="kept", VersioningConfiguration={"Status": "Enabled"})
s3.create_bucket(Bucket="plain")
s3.create_bucket(Bucket="unlogged")
# 3.0-10 judges log buckets only: a trail writes to "plain", a VPC flow log to "kept".
boto3.client("cloudtrail", region_name="us-east-1", **kw).create_trail(Name="main", S3BucketName="plain")
ec2 = boto3.client("ec2", region_name="us-east-1", **kw)
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                     LogDestinationType="s3", LogDestination="arn:aws:s3:::kept")  # moto refuses a /prefix
ddb = boto3.client("dynamodb", region_name="us-east-1", **kw)
for t in ("ttl-on", "ttl-off"):
    ddb.create_table(TableName=t, KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
ddb.update_time_to_live(TableName="ttl-on", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
)PY";
    const fs::path py =
        fs::temp_directory_path() / ("dspm-storage-seed-" + std::to_string(::getpid()) + ".py");
    std::ofstream(py) << script;
    std::string seed_out;
    ASSERT_EQ(dspm::test::run_shell("python3 " + py.string() + " " + moto.endpoint() + " 2>&1",
                                    &seed_out),
              0)
        << seed_out;
    fs::remove(py);
    const auto env = dspm::test::moto_env(moto.endpoint());

    std::string err;
    // ISMS-P 3.2.5.5 maps to 4.0-01 (lifecycle), 4.0-02 (Object Lock), 4.0-03 (DynamoDB TTL).
    auto m = by_code(audit({"ISMS-P", "3.2.5.5"}, env, &err));
    ASSERT_EQ(m.size(), 3u) << err;
    for (const char* code : {"4.0-01", "4.0-02", "4.0-03"})
        EXPECT_EQ(m[code].at("status").as_string(), "NON_COMPLIANT") << code << err;
    auto lifecycle = statuses_by_resource(m["4.0-01"]);
    EXPECT_EQ(lifecycle["kept"], "COMPLIANT");
    EXPECT_EQ(lifecycle["plain"], "NON_COMPLIANT");  // NoSuchLifecycleConfiguration, not ERROR
    for (const auto& e : m["4.0-01"].at("evaluations").as_array())
        if (e.at("resource_id") == "kept") {
            EXPECT_EQ(e.at("region").as_string(), "eu-west-1");
        }
    auto lock = statuses_by_resource(m["4.0-02"]);
    EXPECT_EQ(lock["kept"], "COMPLIANT");
    EXPECT_EQ(lock["plain"], "NON_COMPLIANT");
    auto ttl = statuses_by_resource(m["4.0-03"]);
    EXPECT_EQ(ttl["ttl-on"], "COMPLIANT");
    EXPECT_EQ(ttl["ttl-off"], "NON_COMPLIANT");

    // ISMS-P 2.9.4.2 maps to 2.0-01 and 3.0-10 (versioning of the log buckets).
    auto v = by_code(audit({"ISMS-P", "2.9.4.2"}, env, &err));
    ASSERT_TRUE(v.count("3.0-10")) << err;
    auto versioning = statuses_by_resource(v["3.0-10"]);
    EXPECT_EQ(versioning["kept"], "COMPLIANT");
    EXPECT_EQ(versioning["plain"], "NON_COMPLIANT");  // never enabled: no Status member
    EXPECT_EQ(versioning.count("unlogged"), 0u);      // no log is delivered to it
    EXPECT_EQ(v["3.0-10"].at("evidence").at("versioningEnabled").to_number<std::uint64_t>(), 1u);
    EXPECT_EQ(v["3.0-10"].at("evidence").at("logBuckets").to_number<std::uint64_t>(), 2u);
    EXPECT_EQ(v["3.0-10"].at("status").as_string(), "NON_COMPLIANT") << err;
}

}  // namespace
