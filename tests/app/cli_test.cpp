// The command line a security engineer expects (issue 14, part 4): options after the subcommand,
// "did you mean", one sentence without credentials, the checks list, regions as a comma list,
// progress with an estimate, and Ctrl-C writing what finished, marked incomplete.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include "support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

std::map<std::string, std::string> no_credentials() {
    return {{"AWS_ACCESS_KEY_ID", ""},
            {"AWS_SECRET_ACCESS_KEY", ""},
            {"AWS_SESSION_TOKEN", ""},
            {"AWS_PROFILE", ""},
            {"AWS_CONFIG_FILE", "/nonexistent"},
            {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"},
            {"AWS_EC2_METADATA_DISABLED", "true"},
            {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", ""},
            {"AWS_CONTAINER_CREDENTIALS_FULL_URI", ""},
            {"AWS_WEB_IDENTITY_TOKEN_FILE", ""},
            {"AUDIT_MUTELIST", ""},
            {"LOG_LEVEL", "error"}};
}

TEST(Cli, UnknownFrameworkSuggestsTheClosest) {
    for (const auto& [given, near] :
         {std::pair{"iso27001", "iso-27001"}, {"ISMSP", "ISMS-P"}, {"gdrp", "GDPR"}}) {
        dspm::test::Process p({DSPM_BINARY, "audit", given, "--all"}, no_credentials());
        EXPECT_EQ(p.wait(20s), 2);
        EXPECT_NE(p.stderr_text().find(std::string("did you mean ") + near + "?"),
                  std::string::npos)
            << p.stderr_text();
    }
}

TEST(Cli, NoCredentialsIsOneSentenceAndExit2) {
    dspm::test::Process p({DSPM_BINARY, "audit", "ISMS-P", "--all"}, no_credentials());
    EXPECT_EQ(p.wait(30s), 2);
    const auto err = p.stderr_text();
    EXPECT_NE(err.find("no AWS credentials found"), std::string::npos) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;  // no progress, no ERRORs
    EXPECT_EQ(p.stdout_text(), "");
}

TEST(Cli, ChecksListsEveryImplementedCode) {
    dspm::test::Process p({DSPM_BINARY, "checks", "--format", "json"});
    ASSERT_EQ(p.wait(20s), 0);
    const auto list = json::parse(p.stdout_text()).as_array();
    EXPECT_GE(list.size(), 100u);
    for (const auto& c : list) {
        EXPECT_FALSE(c.at("severity").as_string().empty()) << c;
        EXPECT_FALSE(c.at("iam_actions").as_array().empty()) << c;
    }
    dspm::test::Process table({DSPM_BINARY, "checks"});
    ASSERT_EQ(table.wait(20s), 0);
    EXPECT_NE(table.stdout_text().find("2.0-01   high      resource_setting"), std::string::npos);
}

TEST(Cli, GlobalOptionsAfterTheSubcommandAndHelpOnEach) {
    dspm::test::Process p({DSPM_BINARY, "config", "--log-level", "debug"}, no_credentials());
    const int rc = p.wait(20s);
    EXPECT_EQ(rc, 0) << p.stderr_text();
    EXPECT_NE(p.stdout_text().find("LOG_LEVEL"), std::string::npos);
    EXPECT_NE(p.stdout_text().find("debug"), std::string::npos) << p.stdout_text();
    for (const char* sub : {"audit", "report", "checks", "policy", "serve", "catalog"}) {
        dspm::test::Process h({DSPM_BINARY, sub, "--help"});
        EXPECT_EQ(h.wait(20s), 0) << sub;
        EXPECT_NE(h.stdout_text().find("Usage:"), std::string::npos) << sub;
    }
}

TEST(Cli, KoreanTitlesKeepTheirColumnsInTables) {
    dspm::test::Process p({DSPM_BINARY, "catalog", "requirements", "PIPA"});
    ASSERT_EQ(p.wait(20s), 0);
    std::istringstream lines(p.stdout_text());
    std::string line;
    while (std::getline(lines, line)) {
        // Every line is valid UTF-8: a cut never splits a character.
        for (std::size_t i = 0; i < line.size(); ++i) {
            const auto c = static_cast<unsigned char>(line[i]);
            if (c < 0x80) continue;
            const std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            ASSERT_LE(i + n, line.size()) << line;
            i += n - 1;
        }
    }
}

// An unknown requirement is exit 2 with the closest item code on every subcommand that takes one;
// an unknown framework likewise.
TEST(Cli, UnknownRequirementSuggestsTheClosestOnEverySubcommand) {
    const std::vector<std::vector<std::string>> calls = {
        {DSPM_BINARY, "audit", "ISMS-P", "2.5.1x"},
        {DSPM_BINARY, "catalog", "mappings", "ISMS-P", "2.5.1x"},
        {DSPM_BINARY, "policy", "ISMS-P", "2.5.1x"}};
    for (const auto& args : calls) {
        dspm::test::Process p(args, no_credentials());
        EXPECT_EQ(p.wait(20s), 2) << args[1];
        EXPECT_NE(p.stderr_text().find("did you mean 2.5.1?"), std::string::npos)
            << args[1] << ": " << p.stderr_text();
    }
    dspm::test::Process p({DSPM_BINARY, "catalog", "requirements", "iso27017"}, no_credentials());
    EXPECT_EQ(p.wait(20s), 2);
    EXPECT_NE(p.stderr_text().find("did you mean iso-27017?"), std::string::npos)
        << p.stderr_text();
}

// A filter value that names nothing would audit nothing and look clean: exit 2 with the closest
// name, before credentials are even looked for.
TEST(Cli, FilterValuesNameSomethingKnown) {
    for (const auto& [option, given, near] : {std::tuple{"--check", "2.0-1", "2.0-01"},
                                              {"--service", "s33", "s3"},
                                              {"--severity", "hihg", "high"}}) {
        dspm::test::Process p({DSPM_BINARY, "audit", "ISMS-P", "--all", option, given},
                              no_credentials());
        EXPECT_EQ(p.wait(20s), 2) << option;
        EXPECT_NE(p.stderr_text().find(std::string("did you mean ") + near + "?"),
                  std::string::npos)
            << p.stderr_text();
    }
    // Known, but no requirement in scope uses it.
    dspm::test::Process p({DSPM_BINARY, "audit", "ISMS-P", "1.1.1", "--check", "2.0-01"},
                          no_credentials());
    EXPECT_EQ(p.wait(20s), 2);
    EXPECT_NE(p.stderr_text().find("is checked by the selected checks"), std::string::npos)
        << p.stderr_text();
}

// On moto: a filtered audit runs only the selected checks, reports only the rows they serve and
// says in its summary that it is partial.
TEST(Cli, FilteredAuditRunsOnlyTheSelectedChecks) {
    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    const fs::path dir = fs::temp_directory_path() / ("dspm-filter-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto env = dspm::test::moto_env(moto.endpoint());
    env["LOG_LEVEL"] = "error";
    env["AUDIT_MUTELIST"] = "";
    // What the checks list says of each code: the expected selection, computed apart.
    dspm::test::Process list({DSPM_BINARY, "checks", "--format", "json"});
    ASSERT_EQ(list.wait(20s), 0);
    std::set<std::string> s3_high;
    const auto listed = json::parse(list.stdout_text());
    for (const auto& c : listed.as_array()) {
        bool s3 = c.at("service").as_string() == "S3";
        for (const auto& a : c.at("iam_actions").as_array())
            s3 = s3 || std::string(a.as_string()).rfind("s3:", 0) == 0;
        if (s3 && c.at("severity").as_string() == "high")
            s3_high.insert(std::string(c.at("code").as_string()));
    }
    ASSERT_FALSE(s3_high.empty());

    const auto run = [&](std::vector<std::string> filter) {
        std::vector<std::string> args = {
            DSPM_BINARY, "audit",     "ISMS-P",   "--all",
            "--region",  "us-east-1", "--output", (dir / "r.json").string()};
        args.insert(args.end(), filter.begin(), filter.end());
        dspm::test::Process p(args, env, dir.string());
        const int rc = p.wait(120s);
        EXPECT_TRUE(rc == 0 || rc == 1 || rc == 3) << rc << p.stderr_text();
        std::ifstream in(dir / "r.json");
        std::stringstream ss;
        ss << in.rdbuf();
        return json::parse(ss.str()).as_object();
    };
    const auto codes_of = [](const json::object& doc) {
        std::set<std::string> codes;
        for (const auto& r : doc.at("results").as_array())
            for (const auto& m : r.at("results").as_array())
                codes.insert(std::string(m.at("mapping_code").as_string()));
        return codes;
    };

    auto one = run({"--check", "2.0-01"});
    EXPECT_EQ(codes_of(one), std::set<std::string>{"2.0-01"});
    EXPECT_EQ(one.at("summary").at("checks_run").to_number<int>(), 1);
    EXPECT_EQ(one.at("summary").at("settings").at("filter").at("checks").as_array().size(), 1u);
    bool warned = false;
    for (const auto& w : one.at("summary").at("warnings").as_array())
        warned = warned || std::string(w.as_string()).find("filtered audit") == 0;
    EXPECT_TRUE(warned);
    EXPECT_LT(one.at("results").as_array().size(), 217u);  // rows without 2.0-01 left out

    auto s3 = run({"--service", "s3", "--severity", "high"});
    const auto got = codes_of(s3);
    EXPECT_FALSE(got.empty());
    for (const auto& c : got)
        EXPECT_TRUE(s3_high.contains(c)) << c;
    fs::remove_all(dir);
}

// Ctrl-C during a whole-framework audit on moto: exit 130, the file holds what finished and says
// it is incomplete. Sequential mode over two regions keeps the run going for seconds after its
// first progress line (the management-system rows finish at once).
TEST(Cli, CtrlCWritesWhatFinishedMarkedIncomplete) {
    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    const fs::path dir = fs::temp_directory_path() / ("dspm-cli-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto env = dspm::test::moto_env(moto.endpoint());
    env["AUDIT_REGIONS"] = "us-east-1,eu-west-1,ap-northeast-2";
    env["AUDIT_CONCURRENCY"] = "1";
    env["AUDIT_MODE"] = "sequential";
    env["LOG_LEVEL"] = "error";
    env["AUDIT_MUTELIST"] = "";
    dspm::test::Process p({DSPM_BINARY, "audit", "ISMS-P", "--all", "--region",
                           "us-east-1,eu-west-1", "--output", (dir / "r.json").string()},
                          env, dir.string());
    // Wait for the first progress line, then interrupt.
    for (int i = 0; i < 200 && p.stderr_text().find("] ") == std::string::npos; ++i)
        std::this_thread::sleep_for(50ms);
    ASSERT_NE(p.stderr_text().find("s elapsed, ~"), std::string::npos) << p.stderr_text();
    ::kill(p.pid(), SIGINT);
    const int rc = p.wait(60s);
    ASSERT_EQ(rc, 130) << p.stderr_text();
    std::ifstream in(dir / "r.json");
    std::stringstream ss;
    ss << in.rdbuf();
    auto doc = json::parse(ss.str());
    EXPECT_TRUE(doc.at("summary").at("cancelled").as_bool());
    EXPECT_EQ(doc.at("summary").at("regions").as_array().size(), 2u);  // "a,b" split
    EXPECT_NE(p.stderr_text().find("marked incomplete"), std::string::npos);
    std::size_t cancelled = 0;
    for (const auto& r : doc.at("results").as_array())
        for (const auto& m : r.at("results").as_array())
            if (m.as_object().contains("reason") && m.at("reason") == "cancelled") ++cancelled;
    EXPECT_GT(cancelled, 0u);  // checks not started say so; nothing reads as evaluated
    fs::remove_all(dir);
}

}  // namespace
