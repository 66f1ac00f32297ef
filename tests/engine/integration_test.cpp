// End-to-end: the HTTP collector against a fake Collector API; the dspm-audit binary against
// moto_server seeded with the demo account (statuses per check, SKIPPED on an empty account, ERROR
// with the missing IAM action under moto's authentication); fakes for what moto lacks (Config
// conformance packs, AccountMFAEnabled); the NDJSON stream and 404s through `serve`.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "engine/codes_catalog.hpp"
#include "engine/engine.hpp"
#include "engine/fake_aws.hpp"
#include "engine/fake_http.hpp"
#include "engine/moto_front.hpp"
#include "inventory/http_collector.hpp"
#include "net/http_client.hpp"
#include "support/test_support.hpp"

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using dspm::test::FakeHttpServer;
using dspm::test::FakeRequest;
using dspm::test::FakeResponse;

// ---- HTTP collector ----

TEST(HttpCollector, SteampipeRowsNarrowRowsAndCollectorDown) {
    FakeHttpServer collector([](const FakeRequest& r) {
        if (r.path == "/api/s3-buckets")
            return FakeResponse{200, "application/json", R"([
                {"name":"full-kms","region":"us-east-1","arn":"arn:aws:s3:::full-kms",
                 "server_side_encryption_configuration":{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"}}]}},
                {"name":"old-narrow","region":"us-east-1"}])"};
        if (r.path == "/api/redshift-clusters")
            return FakeResponse{
                200, "application/json",
                R"([{"cluster_identifier":"wh","region":"us-east-1","encrypted":false}])"};
        return FakeResponse{404, "application/json", R"({"detail":"Not Found"})"};
    });
    auto http = std::make_shared<dspm::net::HttpClient>();
    auto aws = std::make_shared<dspm::test::FakeAwsClient>();
    aws->on_json(
        "s3", "GetBucketEncryption",
        R"({"ServerSideEncryptionConfiguration":{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}})");
    dspm::Settings settings;
    settings.aws_region = "us-east-1";
    settings.collector_base_url = collector.url();
    dspm::engine::Engine engine(
        settings, aws,
        std::make_shared<dspm::test::CodesCatalog>(std::vector<std::string>{"2.0-01", "2.0-04"}),
        dspm::inventory::make_http_collector(collector.url() + "/", http));
    auto run = engine.run(*engine.plan("ISMS-P", std::string("1")));
    ASSERT_EQ(run.results.size(), 1u);
    const auto& s3 = *run.results[0].results[0];
    ASSERT_EQ(s3.evaluations.size(), 2u);
    EXPECT_EQ(s3.evaluations[0].source, dspm::engine::Source::collector);
    EXPECT_EQ(s3.evaluations[0].status, dspm::engine::Status::compliant);
    EXPECT_EQ(s3.evaluations[1].source, dspm::engine::Source::aws_sdk);
    EXPECT_EQ(s3.evaluations[1].status, dspm::engine::Status::non_compliant);
    EXPECT_EQ(aws->count("s3:ListBuckets"), 0u);
    const auto& rs = *run.results[0].results[1];
    EXPECT_EQ(rs.status, dspm::engine::Status::non_compliant);
    EXPECT_EQ(rs.evaluations[0].resource_id, "wh");
    EXPECT_EQ(rs.evaluations[0].source, dspm::engine::Source::collector);
    EXPECT_EQ(collector.requests(), 2);

    // Collector down: nothing listens on its port any more; AWS serves and the result says so.
    std::string dead_url;
    {
        FakeHttpServer gone([](const FakeRequest&) { return FakeResponse{}; });
        dead_url = gone.url();
    }
    auto aws2 = std::make_shared<dspm::test::FakeAwsClient>();
    aws2->on_json("s3", "ListBuckets", R"({"Buckets":[{"Name":"b","BucketRegion":"us-east-1"}]})");
    aws2->on_json(
        "s3", "GetBucketEncryption",
        R"({"ServerSideEncryptionConfiguration":{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"}}]}})");
    dspm::engine::Engine down(
        settings, aws2,
        std::make_shared<dspm::test::CodesCatalog>(std::vector<std::string>{"2.0-01"}),
        dspm::inventory::make_http_collector(dead_url, http));
    auto run2 = down.run(*down.plan("ISMS-P", std::string("1")));
    const auto& m = *run2.results[0].results[0];
    EXPECT_EQ(m.status, dspm::engine::Status::compliant);
    ASSERT_EQ(m.notes.size(), 1u);
    EXPECT_NE(m.notes[0].find("collector unavailable"), std::string::npos);
    EXPECT_EQ(aws2->count("s3:ListBuckets"), 1u);
}

// ---- the binary against moto ----

struct AuditOutput {
    int exit_code = -1;
    json::object doc;
    std::string stderr_text;
};

std::map<std::string, std::string> clean_env(std::map<std::string, std::string> env) {
    // Nothing from the developer's environment may redirect the run.
    for (const char* k : {"MAPPING_BASE_URL", "COLLECTOR_BASE_URL", "AUDIT_API_TOKEN",
                          "CATALOG_DIR", "AUDIT_REGIONS", "AWS_PROFILE", "AWS_SESSION_TOKEN"})
        env.emplace(k, "");
    env["LOG_LEVEL"] = "error";
    return env;
}

AuditOutput run_audit(const std::vector<std::string>& args,
                      std::map<std::string, std::string> env) {
    const fs::path dir = fs::temp_directory_path() / ("dspm-engine-" + std::to_string(::getpid()) +
                                                      "-" + std::to_string(std::rand()));
    fs::create_directories(dir);
    const std::string out = (dir / "result.json").string();
    std::vector<std::string> argv{DSPM_BINARY, "audit"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--output");
    argv.push_back(out);
    dspm::test::Process p(argv, clean_env(std::move(env)), dir.string());
    AuditOutput r;
    r.exit_code = p.wait(std::chrono::seconds(90));
    r.stderr_text = p.stderr_text();
    std::ifstream in(out);
    std::stringstream ss;
    ss << in.rdbuf();
    std::error_code ec;
    auto v = json::parse(ss.str(), ec);
    if (!ec && v.is_object()) r.doc = v.as_object();
    fs::remove_all(dir);
    return r;
}

// Mapping results by code, from either response shape.
std::map<std::string, json::object> by_code(const json::object& doc) {
    std::map<std::string, json::object> out;
    auto take = [&](const json::array& results) {
        for (const auto& m : results)
            out.emplace(std::string(m.at("mapping_code").as_string()), m.as_object());
    };
    if (doc.contains("executed")) {
        for (const auto& r : doc.at("results").as_array())
            take(r.at("results").as_array());
    } else if (doc.contains("results")) {
        take(doc.at("results").as_array());
    }
    return out;
}

std::string status_of(const std::map<std::string, json::object>& m, const std::string& code) {
    auto it = m.find(code);
    return it == m.end() ? "absent" : std::string(it->second.at("status").as_string());
}

bool moto_available() {
    return dspm::test::run_shell("command -v moto_server >/dev/null 2>&1") == 0;
}

TEST(MotoAudit, DemoAccountGivesEachCheckItsStatus) {
    if (!moto_available()) GTEST_SKIP() << "moto_server not installed";
    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    std::string seed_out;
    ASSERT_EQ(dspm::test::run_shell("python3 " DSPM_SOURCE_DIR "/scripts/seed_demo.py " +
                                        moto.endpoint() + " us-east-1 2>&1",
                                    &seed_out),
              0)
        << seed_out;
    // moto has no GetPermissionsBoundaryForPermissionSet (1.0-01 reads it for administrator
    // sets): a front answers "no boundary" as Identity Center does and forwards the rest.
    dspm::test::MotoFront sso_front(moto.port(), dspm::test::no_permissions_boundary);
    auto demo_env = dspm::test::moto_env(moto.endpoint());
    demo_env["AWS_ENDPOINT_URL_SSO_ADMIN"] = sso_front.url();
    auto r = run_audit({"ISMS-P", "--all"}, demo_env);
    ASSERT_EQ(r.exit_code, 3) << r.stderr_text;  // NON_COMPLIANT
    // Progress on stderr over every listed row: the 101 controls and their 116 checkpoints.
    EXPECT_NE(r.stderr_text.find("/217]"), std::string::npos);
    EXPECT_EQ(r.doc.at("controls").to_number<int>(), 101);
    auto m = by_code(r.doc);
    EXPECT_EQ(status_of(m, "2.0-01"), "NON_COMPLIANT");
    EXPECT_EQ(m["2.0-01"].at("evidence").at("totalBuckets").to_number<std::uint64_t>(), 5u);
    EXPECT_EQ(m["2.0-01"].at("evidence").at("kmsCompliant").to_number<std::uint64_t>(), 3u);
    EXPECT_EQ(status_of(m, "2.0-02"), "NON_COMPLIANT");
    EXPECT_EQ(m["2.0-02"].at("evidence").at("encryptedInstances").to_number<std::uint64_t>(), 1u);
    EXPECT_EQ(status_of(m, "2.0-03"), "NON_COMPLIANT");
    EXPECT_EQ(status_of(m, "2.0-04"), "NON_COMPLIANT");
    EXPECT_EQ(status_of(m, "2.0-15"), "NON_COMPLIANT");
    EXPECT_EQ(m["2.0-15"].at("evidence").at("httpsEnforced").to_number<std::uint64_t>(), 1u);
    EXPECT_EQ(status_of(m, "1.0-02"), "COMPLIANT");
    EXPECT_EQ(status_of(m, "1.0-01"), "NON_COMPLIANT");  // DemoAdmins has AdministratorAccess
    EXPECT_EQ(status_of(m, "1.0-06"), "NON_COMPLIANT");  // moto: AccountMFAEnabled is 0
    EXPECT_EQ(status_of(m, "11.0-02"), "ERROR");         // moto lacks conformance packs
    const auto& summary = r.doc.at("summary").as_object();
    EXPECT_EQ(summary.at("account").as_string(), "123456789012");
    EXPECT_GT(summary.at("aws_calls").to_number<std::uint64_t>(), 20u);
    EXPECT_GE(summary.at("checks_run").to_number<std::uint64_t>(), 9u);
    // Who, when and with what (issue 14).
    EXPECT_EQ(summary.at("account_alias"), "demo-payments");
    EXPECT_NE(summary.at("caller_arn").as_string().find(":123456789012:"), std::string::npos);
    EXPECT_EQ(summary.at("started_at").as_string().size(), 20u);  // 2026-12-02T21:42:02Z
    EXPECT_LE(summary.at("started_at").as_string(), summary.at("finished_at").as_string());
    EXPECT_EQ(summary.at("tool").at("version"), DSPM_VERSION);
    EXPECT_EQ(summary.at("catalog_version").as_string().rfind("sha256:", 0), 0u);
    EXPECT_EQ(summary.at("settings").at("concurrency").to_number<int>(), 16);
    EXPECT_EQ(m["2.0-01"].at("severity"), "high");
    EXPECT_FALSE(m["2.0-01"].at("description").as_string().empty());
    bool filled = false;
    for (const auto& e : m["2.0-01"].at("evaluations").as_array()) {
        EXPECT_EQ(e.at("resource_arn").as_string(),
                  "arn:aws:s3:::" + std::string(e.at("resource_id").as_string()));
        if (e.at("resource_id") == "demo-web-aes256")
            filled = e.at("remediation_cli").as_string().find("--bucket demo-web-aes256 ") !=
                     std::string::npos;
    }
    EXPECT_TRUE(filled);
    // Every evaluation carries the full evidence record.
    for (const auto& e : m["2.0-01"].at("evaluations").as_array()) {
        EXPECT_EQ(e.at("source").as_string(), "aws-sdk");
        EXPECT_EQ(e.at("account").as_string(), "123456789012");
        EXPECT_FALSE(e.at("decision").as_string().empty());
    }
}

// No AUDIT_REGIONS: the run covers every region moto lists as enabled (ec2:DescribeRegions), one
// GuardDuty evaluation per region, and the summary says which and why.
TEST(MotoAudit, NoRegionNamedCoversEveryEnabledRegion) {
    if (!moto_available()) GTEST_SKIP() << "moto_server not installed";
    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    auto env = dspm::test::moto_env(moto.endpoint());
    env["AUDIT_REGIONS"] = "";
    auto r = run_audit({"iso-27001", "A.5.19"}, env);  // 7.0-02 GuardDuty only
    ASSERT_FALSE(r.doc.empty()) << r.stderr_text;
    const auto& summary = r.doc.at("summary").as_object();
    EXPECT_EQ(summary.at("region_scope"), "enabled");
    const auto& regions = summary.at("regions").as_array();
    EXPECT_GE(regions.size(), 15u);
    std::set<std::string> names;
    for (const auto& region : regions)
        names.insert(std::string(region.as_string()));
    EXPECT_TRUE(names.count("eu-west-1") && names.count("us-east-1") &&
                names.count("ap-northeast-2"));
    auto m = by_code(r.doc);
    ASSERT_TRUE(m.count("7.0-02"));
    std::set<std::string> judged;
    for (const auto& e : m["7.0-02"].at("evaluations").as_array())
        judged.insert(std::string(e.at("region").as_string()));
    EXPECT_EQ(judged, names);
    EXPECT_EQ(status_of(m, "7.0-02"), "NON_COMPLIANT");  // no detector anywhere

    env["AUDIT_REGIONS"] = "eu-west-1";
    auto narrowed = run_audit({"iso-27001", "A.5.19"}, env);
    ASSERT_FALSE(narrowed.doc.empty()) << narrowed.stderr_text;
    EXPECT_EQ(narrowed.doc.at("summary").at("region_scope"), "requested");
    EXPECT_EQ(narrowed.doc.at("summary").at("regions").as_array().size(), 1u);
}

TEST(MotoAudit, EmptyAccountIsSkippedNotCompliant) {
    if (!moto_available()) GTEST_SKIP() << "moto_server not installed";
    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    auto r = run_audit({"ISMS-P", "2.7.1"}, dspm::test::moto_env(moto.endpoint()));
    ASSERT_FALSE(r.doc.empty()) << r.stderr_text;
    auto m = by_code(r.doc);
    for (const char* code : {"2.0-01", "2.0-02", "2.0-03", "2.0-04", "2.0-15"}) {
        EXPECT_EQ(status_of(m, code), "SKIPPED") << code;
        EXPECT_TRUE(m[code].contains("reason")) << code;
    }
    EXPECT_EQ(r.doc.at("requirement_status").as_string(), "SKIPPED");
    EXPECT_EQ(r.exit_code, 0);
}

TEST(MotoAudit, DeniedReadIsErrorNamingTheIamAction) {
    if (!moto_available()) GTEST_SKIP() << "moto_server not installed";
    // Authentication switches on after the 4 seeding requests below.
    dspm::test::Moto moto(
        std::map<std::string, std::string>{{"INITIAL_NO_AUTH_ACTION_COUNT", "4"}});
    const std::string script = R"PY(
import boto3, json, sys
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
boto3.client("s3", **kw).create_bucket(Bucket="locked-bucket")
iam = boto3.client("iam", **kw)
iam.create_user(UserName="auditor")
iam.put_user_policy(UserName="auditor", PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation", "sts:GetCallerIdentity"], "Resource": "*"}]}))
k = iam.create_access_key(UserName="auditor")["AccessKey"]
print(k["AccessKeyId"], k["SecretAccessKey"])
)PY";
    const fs::path py =
        fs::temp_directory_path() / ("dspm-deny-" + std::to_string(::getpid()) + ".py");
    std::ofstream(py) << script;
    std::string keys;
    ASSERT_EQ(dspm::test::run_shell("python3 " + py.string() + " " + moto.endpoint(), &keys), 0)
        << keys;
    fs::remove(py);
    std::istringstream ks(keys);
    std::string id, secret;
    ks >> id >> secret;
    auto env = dspm::test::moto_env(moto.endpoint());
    env["AWS_ACCESS_KEY_ID"] = id;
    env["AWS_SECRET_ACCESS_KEY"] = secret;
    env["AWS_MAX_ATTEMPTS"] = "1";
    auto r = run_audit({"ISMS-P", "2.7.1"}, env);
    ASSERT_FALSE(r.doc.empty()) << r.stderr_text;
    auto m = by_code(r.doc);
    ASSERT_EQ(status_of(m, "2.0-01"), "ERROR");
    bool named = false;
    for (const auto& e : m["2.0-01"].at("evaluations").as_array()) {
        if (const auto* mp =
                e.as_object().at("extra").as_object().if_contains("missingPermissions"))
            named = named || mp->as_array().at(0).as_string() == "s3:GetEncryptionConfiguration";
    }
    EXPECT_TRUE(named);
    EXPECT_EQ(status_of(m, "2.0-02"), "ERROR");  // a denied list is never "no resources"
    EXPECT_EQ(r.exit_code, 1);
}

// ---- fakes where moto lacks: Config conformance packs, AccountMFAEnabled ----

TEST(FakeServices, ConfigConformancePackAndRootMfa) {
    if (!moto_available()) GTEST_SKIP() << "moto_server not installed";
    std::atomic<bool> deny_packs{false};
    FakeHttpServer config([&](const FakeRequest& r) {
        const std::string target =
            r.headers.count("x-amz-target") ? r.headers.at("x-amz-target") : "";
        if (target.ends_with("DescribeConfigurationRecorderStatus"))
            return FakeResponse{
                200, "application/x-amz-json-1.1",
                R"({"ConfigurationRecordersStatus":[{"name":"default","recording":true,"lastStatus":"SUCCESS"}]})"};
        if (target.ends_with("DescribeConformancePackStatus")) {
            if (deny_packs)
                return FakeResponse{
                    400, "application/x-amz-json-1.1",
                    R"({"__type":"AccessDeniedException","message":"not authorized"})"};
            return FakeResponse{
                200, "application/x-amz-json-1.1",
                R"({"ConformancePackStatusDetails":[{"ConformancePackName":"kisms","ConformancePackId":"id","ConformancePackArn":"arn","ConformancePackState":"CREATE_COMPLETE","StackArn":"s","LastUpdateRequestedTime":1700000000}]})"};
        }
        return FakeResponse{400, "application/x-amz-json-1.1",
                            R"({"__type":"UnknownOperationException"})"};
    });
    FakeHttpServer iam([](const FakeRequest&) {
        return FakeResponse{
            200, "text/xml",
            "<GetAccountSummaryResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
            "<GetAccountSummaryResult><SummaryMap><entry><key>AccountMFAEnabled</key>"
            "<value>1</value></entry><entry><key>Users</key><value>3</value></entry>"
            "</SummaryMap></GetAccountSummaryResult><ResponseMetadata><RequestId>r</RequestId>"
            "</ResponseMetadata></GetAccountSummaryResponse>"};
    });
    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    auto env = dspm::test::moto_env(moto.endpoint());
    env["AWS_ENDPOINT_URL_CONFIG_SERVICE"] = config.url();
    env["AWS_ENDPOINT_URL_IAM"] = iam.url();
    env["AWS_MAX_ATTEMPTS"] = "1";
    auto r = run_audit({"ISMS-P", "--all"}, env);
    auto m = by_code(r.doc);
    ASSERT_FALSE(m.empty()) << r.stderr_text;
    EXPECT_EQ(status_of(m, "11.0-02"), "COMPLIANT");
    EXPECT_EQ(status_of(m, "1.0-06"), "COMPLIANT");
    EXPECT_GE(iam.requests(), 1);

    deny_packs = true;
    auto d = run_audit({"ISMS-P", "--all"}, env);
    auto dm = by_code(d.doc);
    ASSERT_EQ(status_of(dm, "11.0-02"), "ERROR");
    bool named = false;
    for (const auto& e : dm["11.0-02"].at("evaluations").as_array()) {
        if (const auto* mp =
                e.as_object().at("extra").as_object().if_contains("missingPermissions"))
            named =
                named || mp->as_array().at(0).as_string() == "config:DescribeConformancePackStatus";
    }
    EXPECT_TRUE(named);
}

// ---- the routes through `serve` ----

TEST(AuditRoutes, NdjsonStreamAnd404s) {
    if (!moto_available()) GTEST_SKIP() << "moto_server not installed";
    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    const auto port = dspm::test::free_port();
    auto env = clean_env(dspm::test::moto_env(moto.endpoint()));
    env["PORT"] = std::to_string(port);
    env["HOST"] = "127.0.0.1";
    dspm::test::Process serve({DSPM_BINARY, "serve"}, env, fs::temp_directory_path().string());
    ASSERT_TRUE(dspm::test::wait_for_port(port, std::chrono::seconds(20))) << serve.stderr_text();
    dspm::net::HttpClient http;
    const std::string base = "http://127.0.0.1:" + std::to_string(port);
    auto post = [&](const std::string& path) {
        dspm::net::HttpRequest req;
        req.method = "POST";
        req.url = base + path;
        req.total_timeout = std::chrono::milliseconds(60000);
        return http.send(req);
    };

    auto stream = post("/audit/isms-p/_all?stream=true");
    ASSERT_TRUE(stream);
    EXPECT_EQ(stream->status, 200);
    EXPECT_NE(stream->header("Content-Type").value_or("").find("application/x-ndjson"),
              std::string::npos);
    std::istringstream lines(stream->body);
    std::string line;
    std::vector<json::object> objs;
    while (std::getline(lines, line))
        if (!line.empty()) objs.push_back(json::parse(line).as_object());
    ASSERT_GE(objs.size(), 3u);
    EXPECT_EQ(objs.front().at("type").as_string(), "meta");
    const auto total = objs.front().at("total_requirements").to_number<std::uint64_t>();
    EXPECT_EQ(objs.back().at("type").as_string(), "summary");
    EXPECT_EQ(objs.size(), total + 2);
    EXPECT_EQ(objs[1].at("type").as_string(), "requirement");
    EXPECT_TRUE(objs[1].contains("requirement_status"));

    auto single = post("/audit/ISMS-P/2.7.1");
    ASSERT_TRUE(single);
    EXPECT_EQ(single->status, 200);
    auto sdoc = json::parse(single->body).as_object();
    EXPECT_EQ(sdoc.at("item_code").as_string(), "2.7.1");
    for (const char* k :
         {"framework", "requirement_id", "requirement_status", "summary", "results"})
        EXPECT_TRUE(sdoc.contains(k)) << k;

    auto all = post("/audit/ISMS-P/_all");
    ASSERT_TRUE(all);
    auto adoc = json::parse(all->body).as_object();
    EXPECT_EQ(adoc.at("total_requirements").to_number<std::uint64_t>(), total);
    EXPECT_EQ(adoc.at("executed").to_number<std::uint64_t>(), total);

    for (const char* path : {"/audit/NOPE/_all", "/audit/ISMS-P/999999", "/audit/NOPE/1"}) {
        auto nf = post(path);
        ASSERT_TRUE(nf);
        EXPECT_EQ(nf->status, 404) << path;
        EXPECT_TRUE(json::parse(nf->body).as_object().contains("detail")) << path;
    }
}

}  // namespace
