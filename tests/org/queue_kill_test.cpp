// Three workers on one run over ten accounts, sharing a real PostgreSQL; one is killed with
// SIGKILL while it holds a unit. Its lease runs out, another worker takes the unit again, the run
// completes, and every unit's result is stored exactly once.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "store/pg_cluster.hpp"
#include "store/sql.hpp"
#include "support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using dspm::test::Process;
using namespace std::chrono_literals;

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++n;
    return n;
}

TEST(QueueKill, AWorkerKilledMidRunLosesNothingAndNothingIsStoredTwice) {
    auto& cluster = dspm::test::PgCluster::instance();
    ASSERT_TRUE(cluster.available()) << cluster.why_not();
    auto admin = dspm::store::connect_postgres(cluster.url());
    ASSERT_TRUE(admin) << admin.error();
    const std::string db = "queue" + std::to_string(::getpid());
    ASSERT_TRUE((*admin)->script("CREATE DATABASE " + db));

    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    std::string out;
    ASSERT_EQ(dspm::test::run_shell("python3 " DSPM_SOURCE_DIR "/tests/org/seed_org.py " +
                                        moto.endpoint() + " 9 2>&1",
                                    &out),
              0)
        << out;
    const fs::path dir = fs::temp_directory_path() / ("dspm-queue-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto env = dspm::test::moto_env(moto.endpoint());
    env["DATABASE_URL"] = cluster.url(db);
    env["WORKER_LEASE_SECONDS"] = "3";
    env["AUDIT_QUEUE_LOCAL"] = "0";  // only the workers work: the killed one must be missed

    std::vector<std::unique_ptr<Process>> workers;
    for (int i = 0; i < 3; ++i)
        workers.push_back(std::make_unique<Process>(
            std::vector<std::string>{DSPM_BINARY, "worker", "--parallel", "1"}, env, dir.string()));
    Process run({DSPM_BINARY, "audit", "ISMS-P", "--all", "--org", "--region", "us-east-1",
                 "--no-store", "--output", (dir / "org.json").string()},
                env, dir.string());

    // The first worker is killed while the database says it holds a unit.
    auto conn = dspm::store::connect_postgres(cluster.url(db));
    ASSERT_TRUE(conn) << conn.error();
    const std::string mine = "%:" + std::to_string(workers[0]->pid()) + ":%";
    std::string held;
    for (auto until = std::chrono::steady_clock::now() + 120s;
         held.empty() && std::chrono::steady_clock::now() < until;) {
        auto rows = (*conn)->query(
            "SELECT unit_key FROM work_units WHERE state = 'leased' AND lease_owner LIKE $1",
            {mine});
        if (rows && !rows->empty() && rows->front()[0]) {
            held = *rows->front()[0];
            break;
        }
        std::this_thread::sleep_for(20ms);
    }
    ASSERT_FALSE(held.empty()) << "worker 0 never held a unit: " << workers[0]->stderr_text();
    workers[0]->signal_and_wait(SIGKILL, 10s);

    EXPECT_EQ(run.wait(300s), 3) << run.stderr_text();
    std::ifstream in(dir / "org.json");
    std::stringstream ss;
    ss << in.rdbuf();
    const auto answer = json::parse(ss.str()).as_object();
    const auto& accounts = answer.at("accounts").as_array();
    ASSERT_EQ(accounts.size(), 10u);
    std::set<std::string> ids;
    for (const auto& a : accounts) {
        ids.insert(std::string(a.at("account").as_string()));
        // Every account was audited whole: none is missing its answer.
        EXPECT_TRUE(a.as_object().contains("answer")) << a;
        EXPECT_NE(a.at("status").as_string(), "ERROR") << a;
    }
    EXPECT_EQ(ids.size(), 10u);
    const auto& execution = answer.at("summary").at("execution").as_object();
    EXPECT_EQ(execution.at("mode").as_string(), "queue");
    EXPECT_GE(execution.at("units_retaken").as_int64(), 1);

    // Each unit stored once: the survivors and the killed worker (before it died) together
    // stored exactly ten results, and the unit it held was stored by another worker.
    for (int i = 1; i < 3; ++i) {
        workers[i]->signal_and_wait(SIGTERM, 30s);
    }
    std::string logs;
    for (const auto& w : workers)
        logs += w->stderr_text() + w->stdout_text();
    EXPECT_EQ(count_of(logs, "\"stored\":true"), 10u) << logs;
    EXPECT_EQ(count_of(logs, "\"unit\":\"" + held + "\""), 1u) << logs;
    const std::string survivors = workers[1]->stderr_text() + workers[1]->stdout_text() +
                                  workers[2]->stderr_text() + workers[2]->stdout_text();
    EXPECT_NE(survivors.find("\"unit\":\"" + held + "\""), std::string::npos) << survivors;
    // A finished run leaves nothing in the queue.
    auto left = (*conn)->query("SELECT count(*) FROM work_units", {});
    ASSERT_TRUE(left);
    EXPECT_EQ(left->front()[0].value_or(""), "0");
    std::error_code ec;
    fs::remove_all(dir, ec);
}

}  // namespace
