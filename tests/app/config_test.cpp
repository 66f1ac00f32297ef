#include "app/config.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "support/test_support.hpp"

namespace {
namespace fs = std::filesystem;
using dspm::app::FlagValues;
using dspm::app::load_settings;

// A temporary directory holding a .env file, removed afterwards.
class TempDir {
  public:
    TempDir() {
        path_ = fs::temp_directory_path() /
                ("dspm-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(next_++));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    std::string write_env(const std::string& text) const {
        const auto file = path_ / ".env";
        std::ofstream(file, std::ios::binary) << text;
        return file.string();
    }
    std::string path() const { return path_.string(); }
    std::string missing_env() const { return (path_ / "absent.env").string(); }

  private:
    static inline int next_ = 0;
    fs::path path_;
};

struct FakeEnv {
    std::map<std::string, std::string> vars;
    std::function<const char*(const char*)> lookup() const {
        return [this](const char* name) -> const char* {
            const auto it = vars.find(name);
            return it == vars.end() ? nullptr : it->second.c_str();
        };
    }
};

TEST(Config, DefaultsWhenNothingIsSet) {
    TempDir dir;
    FakeEnv env;
    const auto s = load_settings({}, env.lookup(), dir.missing_env());
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->aws_region, "ap-northeast-2");
    EXPECT_EQ(s->host, "127.0.0.1");
    EXPECT_EQ(s->port, 8103);
    EXPECT_EQ(s->log_level, "info");
    EXPECT_EQ(s->audit_concurrency, 16u);
    EXPECT_EQ(s->sso_permission_set_max, 20);
    EXPECT_TRUE(s->audit_regions.empty());
    EXPECT_EQ(s->origin.at("PORT"), "default");
    EXPECT_EQ(s->origin.at("AUDIT_API_TOKEN"), "default");
    EXPECT_EQ(s->origin.size(), dspm::app::describe_settings(*s).size());
}

TEST(Config, PrecedenceFlagOverEnvironmentOverDotenvOverDefault) {
    TempDir dir;
    const auto file = dir.write_env(
        "PORT=1111\n"
        "HOST=10.0.0.1\n"
        "AWS_REGION=eu-west-1\n");
    FakeEnv env;
    env.vars = {{"PORT", "2222"}, {"HOST", "10.0.0.2"}};
    const FlagValues flags{{"PORT", "3333"}};
    const auto s = load_settings(flags, env.lookup(), file);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->port, 3333);
    EXPECT_EQ(s->origin.at("PORT"), "flag");
    EXPECT_EQ(s->host, "10.0.0.2");
    EXPECT_EQ(s->origin.at("HOST"), "environment");
    EXPECT_EQ(s->aws_region, "eu-west-1");
    EXPECT_EQ(s->origin.at("AWS_REGION"), ".env:3");
    EXPECT_EQ(s->log_level, "info");
    EXPECT_EQ(s->origin.at("LOG_LEVEL"), "default");
}

TEST(Config, DotenvSyntax) {
    TempDir dir;
    const auto file = dir.write_env(
        "# a comment\n"
        "\n"
        "   \n"
        "export AWS_REGION=us-east-2\n"
        "HOST = 0.0.0.0   # inline comment\n"
        "MAPPING_BASE_URL='http://m.example:8003/'\n"
        "AUDIT_API_TOKEN=\"tok\\\\en\\\"x\"  # after quotes\n"
        "SSO_ADMIN_ALLOWLIST=\"alice, bob\\nignored\"\n"
        "RESULTS_DIR='/tmp/a # not a comment \\n' # a comment\n"
        "SSO_PERMISSION_SET_MAX=5\t# tab before comment\n"
        "LOG_LEVEL=DEBUG\r\n"
        "AUDIT_REGIONS= eu-west-1 , us-east-1 ,\n"
        "COLLECTOR_BASE_URL=\n"
        "UNRELATED_VAR=whatever\n"
        "AUDIT_CONCURRENCY=4\n"
        "AUDIT_CONCURRENCY=8\n");
    FakeEnv env;
    const auto s = load_settings({}, env.lookup(), file);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->aws_region, "us-east-2");
    EXPECT_EQ(s->origin.at("AWS_REGION"), ".env:4");
    EXPECT_EQ(s->host, "0.0.0.0");
    EXPECT_EQ(s->mapping_base_url, "http://m.example:8003");
    EXPECT_EQ(s->audit_api_token, "tok\\en\"x");
    EXPECT_EQ(s->sso_admin_allowlist, (std::vector<std::string>{"alice", "bob\nignored"}));
    // Single quotes are literal: no comment, no escapes inside.
    EXPECT_EQ(s->results_dir, "/tmp/a # not a comment \\n");
    EXPECT_EQ(s->sso_permission_set_max, 5);
    EXPECT_EQ(s->log_level, "debug");
    EXPECT_EQ(s->audit_regions, (std::vector<std::string>{"eu-west-1", "us-east-1"}));
    EXPECT_EQ(s->collector_base_url, "");
    EXPECT_EQ(s->origin.at("COLLECTOR_BASE_URL"), ".env:13");
    EXPECT_EQ(s->audit_concurrency, 8u);  // the last assignment wins
    EXPECT_EQ(s->origin.at("AUDIT_CONCURRENCY"), ".env:16");
}

TEST(Config, DotenvHashWithoutSpaceBeforeItIsPartOfTheValue) {
    TempDir dir;
    const auto file = dir.write_env("HOST=my#host # comment\nRESULTS_DIR=#x\n");
    FakeEnv env;
    const auto s = load_settings({}, env.lookup(), file);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->host, "my#host");
    EXPECT_EQ(s->results_dir, "");  // a '#' right after '=' starts a comment
}

TEST(Config, UrlTrailingSlashIsDropped) {
    TempDir dir;
    FakeEnv env;
    env.vars = {{"MAPPING_BASE_URL", "https://mapping.example/api/"}};
    const auto s = load_settings({}, env.lookup(), dir.missing_env());
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->mapping_base_url, "https://mapping.example/api");
}

TEST(Config, MalformedDotenvLinesNameFileAndLine) {
    const std::map<std::string, std::string> cases = {
        {"PORT=1\nNOEQUALS\n", ":2: malformed line: expected KEY=VALUE"},
        {"# c\n\n1BAD=x\n", ":3: malformed line: invalid variable name"},
        {"HOST='unterminated\n", ":1: malformed line: unterminated quote"},
        {"A=1\nB=2\nHOST=\"open \\\" still open\n", ":3: malformed line: unterminated quote"},
        {"HOST=\"a\" trailing\n", ":1: malformed line: unexpected text after the closing quote"},
        {"=value\n", ":1: malformed line: invalid variable name"},
    };
    for (const auto& [text, expected] : cases) {
        TempDir dir;
        const auto file = dir.write_env(text);
        FakeEnv env;
        const auto s = load_settings({}, env.lookup(), file);
        ASSERT_FALSE(s) << text;
        EXPECT_EQ(s.error().message, file + expected) << text;
    }
}

TEST(Config, MalformedLineErrorDoesNotEchoTheLine) {
    TempDir dir;
    const auto file = dir.write_env("AUDIT_API_TOKEN 'supersecret\n");
    FakeEnv env;
    const auto s = load_settings({}, env.lookup(), file);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message.find("supersecret"), std::string::npos);
}

TEST(Config, InvalidValuesAreRejectedWithClearMessages) {
    struct Case {
        std::string name, value, expected;
    };
    const Case cases[] = {
        {"PORT", "abc", "invalid PORT \"abc\" (from environment): expected an integer 1-65535"},
        {"PORT", "70000", "invalid PORT \"70000\" (from environment): expected an integer 1-65535"},
        {"PORT", "0", "expected an integer 1-65535"},
        {"PORT", "80x", "expected an integer 1-65535"},
        {"MAPPING_BASE_URL", "localhost:8003",
         "invalid MAPPING_BASE_URL \"localhost:8003\" (from environment): expected an absolute "
         "URL starting with http:// or https://"},
        {"COLLECTOR_BASE_URL", "ftp://x", "starting with http:// or https://"},
        {"COLLECTOR_BASE_URL", "http://", "expected a host after the scheme"},
        {"AUDIT_CONCURRENCY", "0", "expected an integer 1-512"},
        {"AUDIT_CONCURRENCY", "513", "expected an integer 1-512"},
        {"LOG_LEVEL", "verbose", "expected one of debug, info, warning, error"},
        {"MAPPING_FALLBACK", "remote", "expected \"\" or \"embedded\""},
        {"AUDIT_REGIONS", "all,us-east-1", "\"all\" cannot be combined"},
        {"AUDIT_REGIONS", "US East", "expected a comma list of AWS region names"},
        {"AWS_REGION", "", "expected an AWS region name"},
        {"SSO_PERMISSION_SET_MAX", "-1", "expected an integer"},
        {"CATALOG_DIR", "/nonexistent/dspm-catalog", "expected an existing directory"},
        {"AUDIT_MODE", "fast", "expected parallel or sequential"},
        {"AUDIT_AWS_RATE_LIMIT", "-1", "expected requests per second"},
        {"AUDIT_AWS_RATE_LIMIT", "10/s", "expected requests per second"},
        // A webhook's path is its secret: over https only (plain http to loopback), never echoed.
        {"SLACK_WEBHOOK_URL", "http://hooks.slack.com/services/T/B/x",
         "invalid SLACK_WEBHOOK_URL \"***\" (from environment): expected an https:// URL"},
        {"SLACK_WEBHOOK_URL", "hooks.slack.com", "expected https://hooks.slack.com/services/"},
        {"AUDIT_MUTELIST", "/nonexistent/mutes.yaml", "cannot read /nonexistent/mutes.yaml"},
    };
    for (const auto& c : cases) {
        TempDir dir;
        FakeEnv env;
        env.vars = {{c.name, c.value}};
        const auto s = load_settings({}, env.lookup(), dir.missing_env());
        ASSERT_FALSE(s) << c.name << "=" << c.value;
        EXPECT_NE(s.error().message.find(c.expected), std::string::npos)
            << c.name << "=" << c.value << " gave: " << s.error().message;
    }
}

TEST(Config, SlackWebhookIsASecretAndLoopbackHttpIsAllowed) {
    TempDir dir;
    FakeEnv env;
    env.vars = {{"SLACK_WEBHOOK_URL", "http://127.0.0.1:9/services/T/B/secret"}};
    const auto s = load_settings({}, env.lookup(), dir.missing_env());
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->slack_webhook_url, "http://127.0.0.1:9/services/T/B/secret");
    EXPECT_TRUE(dspm::app::is_secret_setting("SLACK_WEBHOOK_URL"));
}

TEST(Config, InvalidValueErrorNamesTheDotenvLineOrFlag) {
    TempDir dir;
    const auto file = dir.write_env("\nPORT=abc\n");
    FakeEnv env;
    auto s = load_settings({}, env.lookup(), file);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message,
              "invalid PORT \"abc\" (from " + file + ":2): expected an integer 1-65535");
    s = load_settings({{"PORT", "99999"}}, env.lookup(), dir.missing_env());
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("(from flag)"), std::string::npos);
}

TEST(Config, ValidValuesAreNormalised) {
    TempDir dir;
    FakeEnv env;
    env.vars = {{"LOG_LEVEL", "Warn"},        {"MAPPING_FALLBACK", "EMBEDDED"},
                {"AUDIT_REGIONS", "ALL"},     {"PORT", "65535"},
                {"AUDIT_CONCURRENCY", "256"}, {"CATALOG_DIR", dir.path()}};
    const auto s = load_settings({}, env.lookup(), dir.missing_env());
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->log_level, "warning");
    EXPECT_EQ(s->mapping_fallback, "embedded");
    EXPECT_EQ(s->audit_regions, std::vector<std::string>{"all"});
    EXPECT_EQ(s->port, 65535);
    EXPECT_EQ(s->audit_concurrency, 256u);
    EXPECT_EQ(s->catalog_dir, dir.path());
}

TEST(Config, SecretsAreRedactedInDescriptionAndErrors) {
    TempDir dir;
    FakeEnv env;
    env.vars = {{"AUDIT_API_TOKEN", "hunter2"}};
    auto s = load_settings({}, env.lookup(), dir.missing_env());
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->audit_api_token, "hunter2");
    for (const auto& view : dspm::app::describe_settings(*s)) {
        EXPECT_EQ(view.value.find("hunter2"), std::string::npos) << view.name;
        if (view.name == "AUDIT_API_TOKEN") {
            EXPECT_EQ(view.value, "***");
        }
    }
    env.vars = {{"AUDIT_API_TOKEN", "has space"}};
    s = load_settings({}, env.lookup(), dir.missing_env());
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().message.find("has space"), std::string::npos) << s.error().message;
    EXPECT_TRUE(dspm::app::is_secret_setting("AUDIT_API_TOKEN"));
    EXPECT_FALSE(dspm::app::is_secret_setting("PORT"));
}

// The real binary, in a directory of its own so that no stray .env is read, and with the
// settings cleared from the inherited environment (a shell may export HOST, for one).
std::vector<std::string> binary(std::vector<std::string> args,
                                const std::map<std::string, std::string>& vars = {}) {
    std::vector<std::string> argv{"env"};
    for (const auto& view : dspm::app::describe_settings(dspm::Settings{})) {
        argv.push_back("-u");
        argv.push_back(view.name);
    }
    for (const auto& [k, v] : vars)
        argv.push_back(k + "=" + v);
    argv.push_back(DSPM_BINARY);
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

TEST(ConfigBinary, InvalidPortExitsWithUsageCode) {
    TempDir dir;
    dspm::test::Process p(binary({"config"}, {{"PORT", "abc"}}), {}, dir.path());
    EXPECT_EQ(p.wait(std::chrono::seconds(20)), 2);
    EXPECT_NE(p.stderr_text().find("invalid PORT \"abc\""), std::string::npos) << p.stderr_text();
    EXPECT_NE(p.stderr_text().find("1-65535"), std::string::npos) << p.stderr_text();
}

TEST(ConfigBinary, MalformedDotenvInWorkingDirectoryExitsWithUsageCode) {
    TempDir dir;
    dir.write_env("HOST=ok\nthis line is broken\n");
    dspm::test::Process p(binary({"config"}), {}, dir.path());
    EXPECT_EQ(p.wait(std::chrono::seconds(20)), 2);
    EXPECT_NE(p.stderr_text().find(".env:2: malformed line"), std::string::npos) << p.stderr_text();
}

TEST(ConfigBinary, PrintsValuesAndOriginsWithTokenRedacted) {
    TempDir dir;
    dir.write_env("# settings\nLOG_LEVEL=debug\n");
    dspm::test::Process p(binary({"--port", "9001", "config", "--format", "json"},
                                 {{"AUDIT_API_TOKEN", "tok-very-secret"}, {"PORT", "1234"}}),
                          {}, dir.path());
    ASSERT_EQ(p.wait(std::chrono::seconds(20)), 0) << p.stderr_text();
    const std::string out = p.stdout_text();
    EXPECT_EQ(out.find("tok-very-secret"), std::string::npos) << out;
    EXPECT_NE(out.find(R"({"name":"AUDIT_API_TOKEN","value":"***","origin":"environment")"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find(R"({"name":"PORT","value":"9001","origin":"flag")"), std::string::npos)
        << out;
    EXPECT_NE(out.find(R"({"name":"LOG_LEVEL","value":"debug","origin":".env:2")"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find(R"({"name":"HOST","value":"127.0.0.1","origin":"default")"),
              std::string::npos)
        << out;
}

TEST(ConfigBinary, TableFormatIsTheDefault) {
    TempDir dir;
    dspm::test::Process p(binary({"config"}, {{"AUDIT_API_TOKEN", "tok-very-secret"}}), {},
                          dir.path());
    ASSERT_EQ(p.wait(std::chrono::seconds(20)), 0) << p.stderr_text();
    const std::string out = p.stdout_text();
    EXPECT_EQ(out.find("tok-very-secret"), std::string::npos) << out;
    EXPECT_EQ(out.rfind("NAME", 0), 0u) << out;
    EXPECT_NE(out.find("AUDIT_API_TOKEN"), std::string::npos);
    EXPECT_NE(out.find("***"), std::string::npos);
    EXPECT_NE(out.find("environment"), std::string::npos);
}

}  // namespace

TEST(Config, AuditModeAndRateLimitAreRead) {
    TempDir dir;
    FakeEnv env;
    env.vars = {{"AUDIT_MODE", "Sequential"}, {"AUDIT_AWS_RATE_LIMIT", "2.5"}};
    const auto s = load_settings({}, env.lookup(), dir.missing_env());
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->audit_mode, "sequential");
    EXPECT_DOUBLE_EQ(s->aws_rate_limit, 2.5);
    EXPECT_EQ(s->origin.at("AUDIT_AWS_RATE_LIMIT"), "environment");
}

// The AWS CLI's variables are read by the AWS client; a typo in them stops start-up like a typo
// in PORT (AWS_MAX_ATTEMPTS=abc used to mean 3, AWS_ENDPOINT_URL=not-a-url a request to nowhere).
TEST(Config, AwsVariablesAreValidatedAtStartUp) {
    struct Case {
        std::string name, value, expected;
    };
    const Case cases[] = {
        {"AWS_MAX_ATTEMPTS", "abc", "invalid AWS_MAX_ATTEMPTS \"abc\" (from environment)"},
        {"AWS_MAX_ATTEMPTS", "0", "expected an integer 1-50"},
        {"AWS_RETRY_MODE", "bogus", "expected legacy, standard or adaptive"},
        {"AWS_ENDPOINT_URL", "not-a-url", "invalid AWS_ENDPOINT_URL"},
        {"AWS_ENDPOINT_URL_S3", "ftp://127.0.0.1:1", "invalid AWS_ENDPOINT_URL_S3"},
        {"AWS_ENDPOINT_URL_EVENTBRIDGE", "http://", "expected a host"},
        {"AWS_ENDPOINT_URL_STS", "http://u:p@127.0.0.1:1", "without user information"},
        {"AWS_USE_FIPS_ENDPOINT", "yes", "expected true or false"},
    };
    for (const auto& c : cases) {
        TempDir dir;
        FakeEnv env;
        env.vars = {{c.name, c.value}};
        const auto s = load_settings({}, env.lookup(), dir.missing_env());
        ASSERT_FALSE(s) << c.name << "=" << c.value;
        EXPECT_NE(s.error().message.find(c.expected), std::string::npos)
            << c.name << "=" << c.value << " gave: " << s.error().message;
        EXPECT_EQ(s.error().message.find("u:p@"), std::string::npos);
    }
    TempDir dir;
    FakeEnv env;
    env.vars = {{"AWS_MAX_ATTEMPTS", "5"},
                {"AWS_RETRY_MODE", "Adaptive"},
                {"AWS_ENDPOINT_URL", "http://127.0.0.1:5000/"},
                {"AWS_USE_DUALSTACK_ENDPOINT", "FALSE"}};
    EXPECT_TRUE(load_settings({}, env.lookup(), dir.missing_env()));
}

// A .env that is a FIFO used to hang start-up on open, and /dev/zero never ended.
TEST(Config, DotenvMustBeASmallRegularFile) {
    TempDir dir;
    FakeEnv env;
    const auto fifo = dir.path() + "/fifo.env";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    auto s = load_settings({}, env.lookup(), fifo);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("not a regular file"), std::string::npos) << s.error().message;
    const auto zero = dir.path() + "/zero.env";
    fs::create_symlink("/dev/zero", zero);
    s = load_settings({}, env.lookup(), zero);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("not a regular file"), std::string::npos);
    const auto big = dir.write_env("# " + std::string(2 * 1024 * 1024, 'x') + "\n");
    s = load_settings({}, env.lookup(), big);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("larger than"), std::string::npos);
}

// Credentials inside the sibling services' base URLs never reach `dspm-audit config` or messages.
TEST(Config, BaseUrlCredentialsAreRedacted) {
    TempDir dir;
    FakeEnv env;
    env.vars = {{"COLLECTOR_BASE_URL", "https://svc:s3cr3t@collector.internal:8000"},
                {"MAPPING_BASE_URL", "https://m:t0k3n@mapping.internal/api"}};
    const auto s = load_settings({}, env.lookup(), dir.missing_env());
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->collector_base_url, "https://svc:s3cr3t@collector.internal:8000");  // still used
    std::string shown;
    for (const auto& v : dspm::app::describe_settings(*s))
        shown += v.name + "=" + v.value + "\n";
    EXPECT_EQ(shown.find("s3cr3t"), std::string::npos) << shown;
    EXPECT_EQ(shown.find("t0k3n"), std::string::npos) << shown;
    EXPECT_NE(shown.find("COLLECTOR_BASE_URL=https://***@collector.internal:8000"),
              std::string::npos)
        << shown;
    env.vars = {{"COLLECTOR_BASE_URL", "https://svc:s3cr3t@collector.internal:8000/?q"}};
    const auto bad = load_settings({}, env.lookup(), dir.missing_env());
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message.find("s3cr3t"), std::string::npos) << bad.error().message;
}

TEST(Config, SiblingBounds) {
    TempDir dir;
    FakeEnv env;
    auto s = load_settings({}, env.lookup(), dir.missing_env());
    ASSERT_TRUE(s);
    EXPECT_EQ(s->collector_max_rows, 50000u);
    EXPECT_EQ(s->mapping_max_requirements, 5000u);
    EXPECT_EQ(s->sibling_max_response_bytes, 16u << 20);
    env.vars = {{"COLLECTOR_MAX_ROWS", "0"}};
    EXPECT_FALSE(load_settings({}, env.lookup(), dir.missing_env()));
    env.vars = {{"MAPPING_MAX_REQUIREMENTS", "200"}, {"SIBLING_MAX_RESPONSE_BYTES", "65536"}};
    s = load_settings({}, env.lookup(), dir.missing_env());
    ASSERT_TRUE(s);
    EXPECT_EQ(s->mapping_max_requirements, 200u);
    EXPECT_EQ(s->sibling_max_response_bytes, 65536u);
}

TEST(Config, ServerBounds) {
    TempDir dir;
    FakeEnv env;
    auto s = load_settings({}, env.lookup(), dir.missing_env());
    ASSERT_TRUE(s);
    EXPECT_EQ(s->audit_max_runs, 8u);
    EXPECT_EQ(s->audit_retry_after_s, 10u);
    EXPECT_EQ(s->server_worker_threads, 8u);
    EXPECT_EQ(s->max_connections_per_client, 64u);
    env.vars = {{"AUDIT_MAX_RUNS", "2"},
                {"AUDIT_RETRY_AFTER", "30"},
                {"SERVER_WORKER_THREADS", "3"},
                {"MAX_CONNECTIONS_PER_CLIENT", "0"}};
    s = load_settings({}, env.lookup(), dir.missing_env());
    ASSERT_TRUE(s);
    EXPECT_EQ(s->audit_max_runs, 2u);
    EXPECT_EQ(s->audit_retry_after_s, 30u);
    EXPECT_EQ(s->server_worker_threads, 3u);
    EXPECT_EQ(s->max_connections_per_client, 0u);
    for (const auto& [name, bad] :
         std::vector<std::pair<std::string, std::string>>{{"AUDIT_MAX_RUNS", "0"},
                                                          {"AUDIT_MAX_RUNS", "x"},
                                                          {"AUDIT_RETRY_AFTER", "0"},
                                                          {"SERVER_WORKER_THREADS", "1000"},
                                                          {"MAX_CONNECTIONS_PER_CLIENT", "-1"}}) {
        env.vars = {{name, bad}};
        const auto r = load_settings({}, env.lookup(), dir.missing_env());
        EXPECT_FALSE(r) << name << "=" << bad;
        if (!r) {
            EXPECT_NE(r.error().message.find(name), std::string::npos) << r.error().message;
        }
    }
}

namespace {

TEST(Config, BrowserSettingsAreValidated) {
    TempDir dir;
    FakeEnv env;
    auto s = load_settings({}, env.lookup(), dir.missing_env());
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->cors_allow_origins, (std::vector<std::string>{"*"}));  // the original's default
    EXPECT_EQ(s->mapping_port, 0);
    EXPECT_EQ(s->session_ttl_s, 600u);

    env.vars = {{"CORS_ALLOW_ORIGINS", " https://Dash.example.com/ , http://localhost:3000"},
                {"MAPPING_PORT", "8003"},
                {"SESSION_TTL", "0"}};
    s = load_settings({}, env.lookup(), dir.missing_env());
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->cors_allow_origins,
              (std::vector<std::string>{"https://dash.example.com", "http://localhost:3000"}));
    EXPECT_EQ(s->mapping_port, 8003);
    EXPECT_EQ(s->session_ttl_s, 0u);

    env.vars = {{"CORS_ALLOW_ORIGINS", ""}};
    s = load_settings({}, env.lookup(), dir.missing_env());
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_TRUE(s->cors_allow_origins.empty());

    // An origin is scheme://host[:port]: a value that could smuggle anything else is refused.
    for (const char* bad : {"javascript:alert(1)", "https://a.example.com/path", "example.com",
                            "https://a.example.com\r\nX: y"}) {
        env.vars = {{"CORS_ALLOW_ORIGINS", bad}};
        s = load_settings({}, env.lookup(), dir.missing_env());
        EXPECT_FALSE(s) << bad;
    }
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"MAPPING_PORT", "70000"}, {"MAPPING_PORT", "-1"}, {"SESSION_TTL", "86401"}}) {
        env.vars = {{name, value}};
        EXPECT_FALSE(load_settings({}, env.lookup(), dir.missing_env())) << name << "=" << value;
    }
}

}  // namespace
