// The run store end to end on moto (issue 15): `serve` and the CLI store every audit; two audits
// of the same requirement with a fix between them give a history, a diff that says the bucket was
// resolved, a trend and a report of a stored run; a store that cannot write keeps the answer.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/pg_cluster.hpp"
#include "store/sql.hpp"
#include "support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using dspm::test::Process;
using namespace std::chrono_literals;

// Python with boto3 against moto: what the aws CLI would do, in one process.
void boto(const std::string& endpoint, const std::string& body) {
    const fs::path script =
        fs::temp_directory_path() / ("dspm-runs-seed-" + std::to_string(::getpid()) + ".py");
    std::ofstream(script) << "import boto3\n"
                             "s3 = boto3.client('s3', region_name='us-east-1', endpoint_url='"
                          << endpoint
                          << "', aws_access_key_id='testing', aws_secret_access_key='testing')\n"
                          << body;
    std::string out;
    ASSERT_EQ(dspm::test::run_shell("python3 " + script.string() + " 2>&1", &out), 0) << out;
    fs::remove(script);
}

constexpr const char* kBucket = "dspm-runs-ledger";

void seed_unencrypted_kms(const std::string& endpoint) {
    boto(endpoint, std::string("s3.create_bucket(Bucket='") + kBucket +
                       "')\n"
                       "s3.put_bucket_encryption(Bucket='" +
                       kBucket +
                       "', ServerSideEncryptionConfiguration={'Rules': [{"
                       "'ApplyServerSideEncryptionByDefault': {'SSEAlgorithm': 'AES256'}}]})\n");
}

void fix_with_kms(const std::string& endpoint) {
    boto(endpoint, std::string("s3.put_bucket_encryption(Bucket='") + kBucket +
                       "', ServerSideEncryptionConfiguration={'Rules': [{"
                       "'ApplyServerSideEncryptionByDefault': {'SSEAlgorithm': 'aws:kms', "
                       "'KMSMasterKeyID': 'alias/aws/s3'}}]})\n");
}

dspm::test::RawReply get(unsigned short port, const std::string& target) {
    return dspm::test::send_raw(
        port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 30s);
}

class RunsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto& moto = dspm::test::Moto::instance();
        moto.reset();
        endpoint_ = moto.endpoint();
        dir_ = fs::temp_directory_path() /
               ("dspm-runs-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        env_ = dspm::test::moto_env(endpoint_);
        env_["LOG_LEVEL"] = "warning";
        env_["AUDIT_MUTELIST"] = "";
        env_["DATABASE_URL"] = "";
        env_["DATA_DIR"] = "";
    }
    void TearDown() override {
        server_.reset();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    void serve() {
        port_ = dspm::test::free_port();
        env_["PORT"] = std::to_string(port_);
        env_["HOST"] = "127.0.0.1";
        server_.emplace(std::vector<std::string>{DSPM_BINARY, "serve"}, env_, dir_.string());
        ASSERT_TRUE(dspm::test::wait_for_port(port_, 10s)) << server_->stderr_text();
    }

    std::string endpoint_;
    fs::path dir_;
    std::map<std::string, std::string> env_;
    unsigned short port_ = 0;
    std::optional<Process> server_;
};

const json::object* find_item(const json::array& items, const std::string& code,
                              const std::string& resource) {
    for (const auto& i : items)
        if (i.at("mapping_code").as_string() == code && i.at("resource_id").as_string() == resource)
            return &i.as_object();
    return nullptr;
}

TEST_F(RunsTest, HistoryDiffTrendAndReportThroughTheApi) {
    seed_unencrypted_kms(endpoint_);
    serve();
    const std::string target = "/audit/ISMS-P/2.7.1.2?region=us-east-1";
    const auto first = dspm::test::post(port_, target, 120s);
    ASSERT_EQ(first.status, 200) << first.body << server_->stderr_text();
    const auto a = json::parse(first.body).as_object();
    ASSERT_TRUE(a.contains("run_id")) << first.body;
    const std::string id_a(a.at("run_id").as_string());
    EXPECT_FALSE(a.contains("run_stored"));
    fix_with_kms(endpoint_);
    const auto second = dspm::test::post(port_, target, 120s);
    ASSERT_EQ(second.status, 200);
    const std::string id_b(json::parse(second.body).at("run_id").as_string());
    EXPECT_LT(id_a, id_b);

    // The stored answer is the answer, byte for byte.
    const auto stored = get(port_, "/runs/" + id_a);
    ASSERT_EQ(stored.status, 200);
    EXPECT_EQ(stored.body, first.body);

    const auto list = get(port_, "/runs?framework=isms-p");
    ASSERT_EQ(list.status, 200) << list.body;
    const auto runs = json::parse(list.body).at("runs").as_array();
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0].at("run_id").as_string(), id_b);
    EXPECT_EQ(runs[0].at("requirement").as_string(), "2.7.1.2");
    EXPECT_EQ(runs[0].at("account").as_string(), "123456789012");
    EXPECT_EQ(runs[1].at("status").as_string(), "NON_COMPLIANT");
    EXPECT_TRUE(runs[0].at("counts").at("evaluations").is_object());
    const auto paged = json::parse(get(port_, "/runs?limit=1").body).as_object();
    EXPECT_EQ(paged.at("runs").as_array().size(), 1u);
    EXPECT_EQ(paged.at("next").as_string(), id_b);
    const auto older =
        json::parse(get(port_, "/runs?limit=1&before=" + id_b).body).at("runs").as_array();
    EXPECT_EQ(older.at(0).at("run_id").as_string(), id_a);

    const auto diff = get(port_, "/runs/" + id_b + "/diff");
    ASSERT_EQ(diff.status, 200) << diff.body;
    const auto d = json::parse(diff.body).as_object();
    EXPECT_EQ(d.at("against").as_string(), id_a);
    const auto* resolved = find_item(d.at("resolved").as_array(), "2.0-01", kBucket);
    ASSERT_NE(resolved, nullptr) << diff.body;
    EXPECT_EQ(resolved->at("before").at("status").as_string(), "NON_COMPLIANT");
    EXPECT_EQ(resolved->at("after").at("status").as_string(), "COMPLIANT");
    EXPECT_EQ(resolved->at("after").at("observed_value").as_string(), "aws:kms");
    EXPECT_EQ(find_item(d.at("still_failing").as_array(), "2.0-01", kBucket), nullptr);
    EXPECT_EQ(get(port_, "/runs/" + id_a + "/diff").status, 404);  // nothing earlier
    EXPECT_EQ(get(port_, "/runs/" + id_a + "/diff?against=" + id_b).status, 200);

    const auto trend = get(port_, "/frameworks/ISMS-P/trend");
    ASSERT_EQ(trend.status, 200);
    const auto points = json::parse(trend.body).at("runs").as_array();
    ASSERT_EQ(points.size(), 2u);
    EXPECT_EQ(points[0].at("run_id").as_string(), id_a);  // oldest first
    EXPECT_EQ(points[0].at("status").as_string(), "NON_COMPLIANT");

    const auto html = get(port_, "/runs/" + id_a + "/report?format=html");
    ASSERT_EQ(html.status, 200);
    EXPECT_NE(html.head.find("text/html"), std::string::npos);
    EXPECT_NE(html.body.find(kBucket), std::string::npos);

    // Inputs are checked before any query.
    EXPECT_EQ(get(port_, "/runs/20261203T101845123Z-3f9a1c2b'--").status, 400);
    EXPECT_EQ(get(port_, "/runs/..%2f..%2fetc").status / 100, 4);
    EXPECT_EQ(get(port_, "/runs/20000101T000000000Z-00000000").status, 404);
    EXPECT_EQ(get(port_, "/runs?since=yesterday").status, 400);
    EXPECT_EQ(get(port_, "/runs?status=BAD").status, 400);
    EXPECT_EQ(get(port_, "/runs?limit=0").status, 400);
    EXPECT_EQ(get(port_, "/runs?before=x'--").status, 400);
    EXPECT_EQ(get(port_, "/runs/" + id_b + "/diff?against=latest").status, 400);
    EXPECT_EQ(get(port_, "/runs/" + id_b + "/report?format=pdf").status, 400);
}

TEST_F(RunsTest, AStreamedAuditIsStoredWhole) {
    serve();
    const auto reply =
        dspm::test::post(port_, "/audit/GDPR/_all?region=us-east-1&stream=true", 180s);
    ASSERT_EQ(reply.status, 200);
    // The body is chunked: the summary is the line that starts with its type.
    const auto at = reply.body.find(R"({"type":"summary")");
    ASSERT_NE(at, std::string::npos) << reply.body.substr(0, 2000);
    const auto summary =
        json::parse(reply.body.substr(at, reply.body.find('\n', at) - at)).as_object();
    ASSERT_EQ(summary.at("type").as_string(), "summary");
    ASSERT_TRUE(summary.contains("run_id"));
    const auto stored = get(port_, "/runs/" + std::string(summary.at("run_id").as_string()));
    ASSERT_EQ(stored.status, 200);
    const auto whole = json::parse(stored.body).as_object();
    EXPECT_EQ(whole.at("framework").as_string(), "GDPR");
    EXPECT_EQ(whole.at("results").as_array().size(),
              summary.at("total_requirements").to_number<std::size_t>());
}

// DATA_DIR under a regular file: the store cannot write, the audit still answers whole and says
// it was not stored; the history routes say the store is unavailable.
TEST_F(RunsTest, AStoreThatCannotWriteKeepsTheAnswer) {
    std::ofstream(dir_ / "blocked") << "a file, not a folder";
    env_["DATA_DIR"] = (dir_ / "blocked" / "data").string();
    serve();
    const auto reply = dspm::test::post(port_, "/audit/ISMS-P/2.7.1.2?region=us-east-1", 120s);
    ASSERT_EQ(reply.status, 200);
    const auto a = json::parse(reply.body).as_object();
    EXPECT_FALSE(a.at("run_stored").as_bool());
    EXPECT_NE(std::string(a.at("store_error").as_string()).find("sqlite"), std::string::npos);
    EXPECT_FALSE(a.contains("run_id"));
    EXPECT_TRUE(a.contains("results"));
    EXPECT_EQ(get(port_, "/runs").status, 503);
}

// The demo account (scripts/seed_demo.py) plus one bucket that gets fixed between two audits, on
// SQLite (DATA_DIR's default beside the working directory) and on a real PostgreSQL.
class RunsCliTest : public RunsTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(RunsCliTest, TheCommandLineStoresListsShowsAndDiffs) {
    std::string out;
    ASSERT_EQ(dspm::test::run_shell("python3 " DSPM_SOURCE_DIR "/scripts/seed_demo.py " +
                                        endpoint_ + " us-east-1 2>&1",
                                    &out),
              0)
        << out;
    seed_unencrypted_kms(endpoint_);
    const bool pg = GetParam() == "postgresql";
    if (pg) {
        auto& cluster = dspm::test::PgCluster::instance();
        ASSERT_TRUE(cluster.available()) << cluster.why_not();
        auto admin = dspm::store::connect_postgres(cluster.url());
        ASSERT_TRUE(admin) << admin.error();
        const std::string db = "cli" + std::to_string(::getpid());
        ASSERT_TRUE((*admin)->script("CREATE DATABASE " + db));
        env_["DATABASE_URL"] = cluster.url(db);
    }
    const auto audit = [&] {
        Process p({DSPM_BINARY, "audit", "ISMS-P", "2.7.1.2", "--region", "us-east-1", "--output",
                   (dir_ / "r.json").string()},
                  env_, dir_.string());
        const int rc = p.wait(120s);
        EXPECT_TRUE(rc == 0 || rc == 1 || rc == 3) << p.stderr_text();
        EXPECT_NE(p.stderr_text().find(pg ? "stored (postgresql" : "stored (sqlite"),
                  std::string::npos)
            << p.stderr_text();
        std::ifstream in(dir_ / "r.json");
        std::stringstream ss;
        ss << in.rdbuf();
        return std::string(json::parse(ss.str()).at("run_id").as_string());
    };
    const auto id_a = audit();
    fix_with_kms(endpoint_);
    const auto id_b = audit();
    // DATA_DIR's default, beside the working directory; nothing there with PostgreSQL.
    EXPECT_EQ(fs::exists(dir_ / "data" / "runs.sqlite3"), !pg);

    Process list({DSPM_BINARY, "runs", "list", "--format", "json"}, env_, dir_.string());
    ASSERT_EQ(list.wait(20s), 0) << list.stderr_text();
    const auto runs = json::parse(list.stdout_text()).at("runs").as_array();
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0].at("run_id").as_string(), id_b);
    Process table({DSPM_BINARY, "runs", "list"}, env_, dir_.string());
    ASSERT_EQ(table.wait(20s), 0);
    EXPECT_NE(table.stdout_text().find(id_a), std::string::npos) << table.stdout_text();

    Process diff({DSPM_BINARY, "runs", "diff", id_b, "--format", "json"}, env_, dir_.string());
    ASSERT_EQ(diff.wait(20s), 0) << diff.stderr_text();
    const auto d = json::parse(diff.stdout_text()).as_object();
    EXPECT_NE(find_item(d.at("resolved").as_array(), "2.0-01", kBucket), nullptr)
        << diff.stdout_text();
    Process diff_table({DSPM_BINARY, "runs", "diff", id_b}, env_, dir_.string());
    ASSERT_EQ(diff_table.wait(20s), 0);
    EXPECT_NE(diff_table.stdout_text().find(std::string("2.0-01 ") + kBucket +
                                            " [us-east-1] NON_COMPLIANT -> COMPLIANT"),
              std::string::npos)
        << diff_table.stdout_text();

    Process show({DSPM_BINARY, "runs", "show", id_a, "--format", "md"}, env_, dir_.string());
    ASSERT_EQ(show.wait(20s), 0) << show.stderr_text();
    EXPECT_NE(show.stdout_text().find(kBucket), std::string::npos);
    Process bad({DSPM_BINARY, "runs", "show", "../../etc/passwd"}, env_, dir_.string());
    EXPECT_EQ(bad.wait(20s), 2);
    Process first({DSPM_BINARY, "runs", "diff", id_a}, env_, dir_.string());
    EXPECT_EQ(first.wait(20s), 2);  // no earlier run
    EXPECT_NE(first.stderr_text().find("no earlier complete run"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Engines, RunsCliTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
