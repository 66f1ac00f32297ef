// Every report format from a real audit of the demo account on moto_server: the CLI's `report`
// and `audit --format`, the API's ?format=, SARIF and OCSF validated against their published JSON
// schemas (tests/report/schemas), and the HTML page loaded in a real headless Chromium, whose DOM
// after its script ran must hold the counts and a failing resource with its evidence. The
// screenshot is left in the build directory's test-output/ for a person to look at.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "aws/fake_server.hpp"
#include "support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::map<std::string, std::string> clean_env(std::map<std::string, std::string> env) {
    for (const char* k : {"MAPPING_BASE_URL", "COLLECTOR_BASE_URL", "AUDIT_API_TOKEN",
                          "CATALOG_DIR", "AWS_PROFILE", "RESULTS_DIR", "AUDIT_MUTELIST"})
        env.emplace(k, "");
    env["AUDIT_REGIONS"] = "us-east-1";
    env["LOG_LEVEL"] = "error";
    return env;
}

class DemoReports : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        auto& moto = dspm::test::Moto::instance();
        moto.reset();
        std::string out;
        ASSERT_EQ(dspm::test::run_shell("python3 " DSPM_SOURCE_DIR "/scripts/seed_demo.py " +
                                            moto.endpoint() + " us-east-1 2>&1",
                                        &out),
                  0)
            << out;
        dir_ = fs::temp_directory_path() / ("dspm-report-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        env_ = clean_env(dspm::test::moto_env(moto.endpoint()));
        dspm::test::Process audit(
            {DSPM_BINARY, "audit", "ISMS-P", "--all", "--output", (dir_ / "result.json").string()},
            env_, dir_.string());
        ASSERT_EQ(audit.wait(120s), 3) << audit.stderr_text();  // NON_COMPLIANT
        // --output keeps stdout for the summary table.
        ASSERT_NE(audit.stdout_text().find("summary: NON_COMPLIANT"), std::string::npos);
        result_ = json::parse(read(dir_ / "result.json")).as_object();
    }
    static void TearDownTestSuite() { fs::remove_all(dir_); }

    static fs::path report(const std::string& format) {
        const fs::path out = dir_ / ("report." + format);
        dspm::test::Process p({DSPM_BINARY, "report", (dir_ / "result.json").string(), "--format",
                               format, "--output", out.string()},
                              env_, dir_.string());
        EXPECT_EQ(p.wait(60s), 0) << p.stderr_text();
        return out;
    }

    static std::size_t evaluations() {
        std::set<std::string> seen;
        std::size_t n = 0;
        for (const auto& r : result_.at("results").as_array())
            for (const auto& m : r.at("results").as_array())
                if (seen.insert(std::string(m.at("mapping_code").as_string())).second)
                    n += m.at("evaluations").as_array().size();
        return n;
    }

    static inline fs::path dir_;
    static inline std::map<std::string, std::string> env_;
    static inline json::object result_;
};

TEST_F(DemoReports, SarifOcsfJunitCsvValidateAgainstTheirSchemasAndCounts) {
    for (const char* f : {"sarif", "ocsf", "junit", "csv", "md"})
        report(f);
    std::string out;
    const int rc = dspm::test::run_shell(
        "python3 " DSPM_SOURCE_DIR "/tests/report/validate_reports.py " + dir_.string() + " 2>&1",
        &out);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("sarif: valid"), std::string::npos) << out;
    EXPECT_NE(out.find("ocsf: valid"), std::string::npos) << out;
    EXPECT_NE(out.find("csv: " + std::to_string(evaluations()) + " evaluation rows"),
              std::string::npos)
        << out;
}

TEST_F(DemoReports, HtmlInHeadlessChromiumShowsCountsAndEvidence) {
    const fs::path html = report("html");
    const auto page = read(html);
    // Self-contained: nothing fetched from anywhere when the page opens.
    EXPECT_EQ(page.find("src=\"http"), std::string::npos);
    EXPECT_EQ(page.find("<link"), std::string::npos);
    const std::string chromium =
        "chromium --headless=new --no-sandbox --disable-gpu --no-first-run "
        "--user-data-dir=" +
        (dir_ / "chromium").string() + " ";
    std::string dom;
    ASSERT_EQ(dspm::test::run_shell(chromium + "--virtual-time-budget=3000 --dump-dom file://" +
                                        html.string() + " 2>/dev/null",
                                    &dom),
              0);
    const auto& summary = result_.at("summary").as_object();
    const auto counts = summary.at("counts").as_object();
    // The counts table as the browser built it, and the filter script ran (it writes f-count).
    EXPECT_NE(dom.find("<td class=\"c-NON_COMPLIANT\">" +
                       std::to_string(counts.at("NON_COMPLIANT").to_number<int>()) + "</td>"),
              std::string::npos);
    EXPECT_NE(dom.find(std::to_string(evaluations()) + " evaluations shown"), std::string::npos);
    // A failing resource with its evidence: the AES256 bucket of 2.0-01.
    const auto row = dom.find("<span class=\"mono\">demo-web-aes256</span>");
    ASSERT_NE(row, std::string::npos);
    EXPECT_NE(dom.find("arn:aws:s3:::demo-web-aes256"), std::string::npos);
    EXPECT_NE(dom.find("put-bucket-encryption --bucket demo-web-aes256"), std::string::npos);
    EXPECT_NE(dom.find("AES256"), std::string::npos);
    EXPECT_NE(dom.find("demo-payments"), std::string::npos);  // the account alias
    EXPECT_NE(dom.find("lang=\"ko\""), std::string::npos);
    const fs::path shots = fs::current_path() / "test-output";
    fs::create_directories(shots);
    std::string log;
    EXPECT_EQ(dspm::test::run_shell(chromium + "--window-size=1280,2000 --screenshot=" +
                                        (shots / "report-demo.png").string() + " file://" +
                                        html.string() + " 2>&1",
                                    &log),
              0)
        << log;
    EXPECT_GT(fs::file_size(shots / "report-demo.png"), 10000u);
}

TEST_F(DemoReports, AuditFormatAndApiFormatRenderTheSameAnswer) {
    const fs::path md = dir_ / "direct.md";
    dspm::test::Process p(
        {DSPM_BINARY, "audit", "ISMS-P", "2.7.1", "--format", "md", "--output", md.string()}, env_,
        dir_.string());
    EXPECT_EQ(p.wait(60s), 3) << p.stderr_text();
    EXPECT_EQ(read(md).rfind("# ISMS-P audit: NON_COMPLIANT", 0), 0u);

    auto env = env_;
    const auto port = dspm::test::free_port();
    env["PORT"] = std::to_string(port);
    env["HOST"] = "127.0.0.1";
    dspm::test::Process serve({DSPM_BINARY, "serve"}, env, dir_.string());
    ASSERT_TRUE(dspm::test::wait_for_port(port, 20s)) << serve.stderr_text();
    auto csv = dspm::test::post(port, "/audit/ISMS-P/2.7.1?format=csv");
    EXPECT_EQ(csv.status, 200);
    EXPECT_NE(csv.head.find("text/csv"), std::string::npos) << csv.head;
    EXPECT_EQ(csv.body.rfind("framework,requirements,mapping_code", 0), 0u);
    EXPECT_NE(csv.body.find("demo-web-aes256"), std::string::npos);
    auto sarif = dspm::test::post(port, "/audit/ISMS-P/_all?format=sarif");
    EXPECT_EQ(sarif.status, 200);
    EXPECT_NE(sarif.head.find("application/sarif+json"), std::string::npos);
    EXPECT_EQ(json::parse(sarif.body).at("version"), "2.1.0");
    EXPECT_EQ(dspm::test::post(port, "/audit/ISMS-P/_all?format=pdf").status, 400);
    EXPECT_EQ(dspm::test::post(port, "/audit/ISMS-P/_all?format=csv&stream=true").status, 400);
}

// --notify slack and ?notify=slack post the summary and the worst findings to the webhook (a
// loopback stand-in for Slack); a webhook that fails changes nothing about the audit's answer.
TEST_F(DemoReports, SlackGetsTheSummaryAndAFailingWebhookChangesNothing) {
    std::atomic<int> status{200};
    dspm::test::FakeHttpServer slack([&status](const dspm::test::FakeRequest&) {
        return dspm::test::FakeResponse{status.load(), status.load() == 200 ? "ok" : "no_team"};
    });
    auto env = env_;
    env["SLACK_WEBHOOK_URL"] = slack.endpoint() + "/services/T000/B000/secret";
    dspm::test::Process p({DSPM_BINARY, "audit", "ISMS-P", "--all", "--notify", "slack", "--output",
                           (dir_ / "notified.json").string()},
                          env, dir_.string());
    EXPECT_EQ(p.wait(120s), 3) << p.stderr_text();
    ASSERT_EQ(slack.requests().size(), 1u);
    const auto req = slack.requests().front();
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.path, "/services/T000/B000/secret");
    auto msg = json::parse(req.body);
    EXPECT_NE(msg.at("text").as_string().find("ISMS-P audit: NON_COMPLIANT"), std::string::npos);
    const std::string blocks = json::serialize(msg.at("blocks"));
    EXPECT_NE(blocks.find("Worst findings"), std::string::npos);
    EXPECT_NE(blocks.find("critical"), std::string::npos);  // the worst come first
    EXPECT_NE(p.stderr_text().find("summary posted to Slack"), std::string::npos);

    status = 404;
    dspm::test::Process failing({DSPM_BINARY, "audit", "ISMS-P", "2.7.1", "--notify", "slack",
                                 "--output", (dir_ / "failing.json").string()},
                                env, dir_.string());
    EXPECT_EQ(failing.wait(60s), 3);  // the audit's verdict, not the notification's
    EXPECT_NE(failing.stderr_text().find("notify slack failed: Slack webhook answered HTTP 404"),
              std::string::npos)
        << failing.stderr_text();
    EXPECT_EQ(failing.stderr_text().find("secret"), std::string::npos);  // the URL stays unsaid
    EXPECT_TRUE(json::parse(read(dir_ / "failing.json")).is_object());

    // No webhook configured: refused before anything runs.
    dspm::test::Process unset({DSPM_BINARY, "audit", "ISMS-P", "2.7.1", "--notify", "slack"}, env_,
                              dir_.string());
    EXPECT_EQ(unset.wait(30s), 2);

    status = 200;
    const auto port = dspm::test::free_port();
    env["PORT"] = std::to_string(port);
    env["HOST"] = "127.0.0.1";
    dspm::test::Process serve({DSPM_BINARY, "serve"}, env, dir_.string());
    ASSERT_TRUE(dspm::test::wait_for_port(port, 20s)) << serve.stderr_text();
    EXPECT_EQ(dspm::test::post(port, "/audit/ISMS-P/2.7.1?notify=slack").status, 200);
    EXPECT_EQ(slack.requests().size(), 3u);
    EXPECT_EQ(dspm::test::post(port, "/audit/ISMS-P/2.7.1?notify=teams").status, 400);
    EXPECT_EQ(dspm::test::post(port, "/audit/ISMS-P/_all?notify=slack&stream=true").status, 400);
}

TEST(ReportCommand, RefusesWhatIsNotAnAuditResult) {
    const fs::path dir =
        fs::temp_directory_path() / ("dspm-report-bad-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "not.json") << "{\"detail\": \"Not Found\"}";
    std::ofstream(dir / "broken.json") << "{\"framework\": ";
    for (const auto& [file, format, want] :
         {std::tuple{"not.json", "html", "framework and results[]"},
          std::tuple{"broken.json", "csv", "is not JSON"},
          std::tuple{"missing.json", "csv", "cannot read"},
          std::tuple{"not.json", "pdf", "expected one of"}}) {
        dspm::test::Process p({DSPM_BINARY, "report", (dir / file).string(), "--format", format},
                              {}, dir.string());
        EXPECT_EQ(p.wait(20s), 2) << file;
        EXPECT_NE(p.stderr_text().find(want), std::string::npos) << p.stderr_text();
    }
    fs::remove_all(dir);
}

}  // namespace

namespace {

// AUDIT_MUTELIST end to end: the two failing buckets of 2.0-01 accepted, an expired entry listed,
// the HTML shows them apart, and a broken file stops the command naming its line.
TEST(Mutelist, AcceptedFindingsLeaveTheRollUpAndShowApart) {
    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    std::string out;
    ASSERT_EQ(dspm::test::run_shell("python3 " DSPM_SOURCE_DIR "/scripts/seed_demo.py " +
                                        moto.endpoint() + " us-east-1 2>&1",
                                    &out),
              0)
        << out;
    const fs::path dir = fs::temp_directory_path() / ("dspm-mutes-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "mutes.yaml") << "mutes:\n"
                                         "  - id: legacy-buckets\n"
                                         "    code: \"2.0-01\"\n"
                                         "    resource: [demo-web-*, demo-scratch-*]\n"
                                         "    reason: no personal data, migration in Q1\n"
                                         "    approved_by: ciso@example.com\n"
                                         "    expires: 2999-12-31\n"
                                         "  - id: stale\n"
                                         "    code: \"9.0-04\"\n"
                                         "    reason: replaced\n"
                                         "    approved_by: secops\n"
                                         "    expires: 2020-01-31\n";
    auto env = clean_env(dspm::test::moto_env(moto.endpoint()));
    env["AUDIT_MUTELIST"] = (dir / "mutes.yaml").string();
    dspm::test::Process p(
        {DSPM_BINARY, "audit", "ISMS-P", "2.7.1", "--output", (dir / "r.json").string()}, env,
        dir.string());
    p.wait(90s);
    auto doc = json::parse(read(dir / "r.json")).as_object();
    const json::object* s3 = nullptr;
    for (const auto& m : doc.at("results").as_array())
        if (m.at("mapping_code") == "2.0-01") s3 = &m.as_object();
    ASSERT_NE(s3, nullptr);
    EXPECT_EQ(s3->at("status"), "COMPLIANT");  // the three KMS buckets; the two others accepted
    EXPECT_EQ(s3->at("status_without_mutes"), "NON_COMPLIANT");
    EXPECT_EQ(s3->at("muted").to_number<int>(), 2);
    for (const auto& e : s3->at("evaluations").as_array()) {
        const bool legacy = e.at("resource_id") == "demo-web-aes256" ||
                            e.at("resource_id") == "demo-scratch-noconfig";
        EXPECT_EQ(e.as_object().contains("muted"), legacy) << e;
        if (legacy) {
            EXPECT_EQ(e.at("status"), "NON_COMPLIANT");  // the finding stays what it is
            EXPECT_EQ(e.at("mute").at("approved_by"), "ciso@example.com");
        }
    }
    const auto& ml = doc.at("summary").at("mutelist").as_object();
    EXPECT_EQ(ml.at("muted").to_number<int>(), 2);
    EXPECT_EQ(ml.at("expired").as_array().size(), 1u);
    EXPECT_EQ(ml.at("expired").as_array()[0], "stale (expired 2020-01-31)");

    dspm::test::Process html({DSPM_BINARY, "report", (dir / "r.json").string(), "--format", "html"},
                             {}, dir.string());
    EXPECT_EQ(html.wait(30s), 0);
    const auto page = html.stdout_text();
    const auto muted_table = page.find("<table id=\"muted\">");
    ASSERT_NE(muted_table, std::string::npos);
    EXPECT_NE(page.find("no personal data, migration in Q1", muted_table), std::string::npos);

    std::ofstream(dir / "bad.yaml") << "mutes:\n  - code: \"2.0-01\"\n    reason: r\n";
    env["AUDIT_MUTELIST"] = (dir / "bad.yaml").string();
    dspm::test::Process bad({DSPM_BINARY, "audit", "ISMS-P", "2.7.1"}, env, dir.string());
    EXPECT_EQ(bad.wait(30s), 2);
    EXPECT_NE(bad.stderr_text().find("bad.yaml:2: approved_by is required"), std::string::npos)
        << bad.stderr_text();
    fs::remove_all(dir);
}

// A tags selector: the run reads the resources' tags (tag:GetResources, once per region) and
// mutes the bucket whose tags match, not its untagged neighbour of the same code.
TEST(Mutelist, TagsMuteTheTaggedResourceOnly) {
    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    std::string out;
    ASSERT_EQ(dspm::test::run_shell("python3 " DSPM_SOURCE_DIR "/scripts/seed_demo.py " +
                                        moto.endpoint() + " us-east-1 2>&1",
                                    &out),
              0)
        << out;
    ASSERT_EQ(dspm::test::run_shell(
                  "python3 -c \"import boto3; boto3.client('s3', region_name='us-east-1', "
                  "endpoint_url='" +
                      moto.endpoint() +
                      "', aws_access_key_id='testing', aws_secret_access_key='testing')"
                      ".put_bucket_tagging(Bucket='demo-web-aes256', Tagging={'TagSet': [{'Key': "
                      "'env', 'Value': 'legacy-web'}, {'Key': 'owner', 'Value': 'web'}]})\" 2>&1",
                  &out),
              0)
        << out;
    const fs::path dir =
        fs::temp_directory_path() / ("dspm-tag-mutes-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "mutes.yaml") << "mutes:\n"
                                         "  - id: legacy-by-tag\n"
                                         "    code: \"2.0-01\"\n"
                                         "    tags: {env: \"legacy-*\", owner: web}\n"
                                         "    reason: static site, no personal data\n"
                                         "    approved_by: ciso@example.com\n";
    auto env = clean_env(dspm::test::moto_env(moto.endpoint()));
    env["AUDIT_MUTELIST"] = (dir / "mutes.yaml").string();
    dspm::test::Process p(
        {DSPM_BINARY, "audit", "ISMS-P", "2.7.1", "--output", (dir / "r.json").string()}, env,
        dir.string());
    p.wait(90s);
    auto doc = json::parse(read(dir / "r.json")).as_object();
    const json::object* s3 = nullptr;
    for (const auto& m : doc.at("results").as_array())
        if (m.at("mapping_code") == "2.0-01") s3 = &m.as_object();
    ASSERT_NE(s3, nullptr);
    EXPECT_EQ(s3->at("muted").to_number<int>(), 1);
    EXPECT_EQ(s3->at("status"), "NON_COMPLIANT");  // demo-scratch-noconfig is not accepted
    for (const auto& e : s3->at("evaluations").as_array()) {
        const bool tagged = e.at("resource_id") == "demo-web-aes256";
        EXPECT_EQ(e.as_object().contains("muted"), tagged) << e;
        if (tagged) {
            EXPECT_EQ(e.at("mute").at("id"), "legacy-by-tag");
        }
    }
    for (const auto& w : doc.at("summary").at("warnings").as_array())
        EXPECT_EQ(std::string(w.as_string()).find("mutelist:"), std::string::npos) << w;
    fs::remove_all(dir);
}

}  // namespace
