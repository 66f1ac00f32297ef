// IAM Identity Center (SSO) profiles end to end: a temporary HOME with ~/.aws/config and a token
// cache, a fake SSO portal and a fake SSO OIDC on loopback, both reached through
// AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC.
#include "aws/sso.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "aws/credentials.hpp"
#include "aws/fake_server.hpp"
#include "net/http_client.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace dspm::aws;
using dspm::test::FakeRequest;
using dspm::test::FakeResponse;
using std::chrono::system_clock;

namespace {

constexpr const char* start_url = "https://corp.awsapps.com/start";
constexpr long long role_expiration_ms = 4102444800000;  // 2100-01-01T00:00:00Z

struct Fixture {
    fs::path home;
    std::shared_ptr<std::map<std::string, std::string>> vars =
        std::make_shared<std::map<std::string, std::string>>();
    std::atomic<int> portal_status{200};
    std::atomic<bool> oidc_fails{false};
    std::string valid_token = "CACHEDTOKEN";
    dspm::test::FakeHttpServer portal{[this](const FakeRequest& r) -> FakeResponse {
        if (portal_status != 200)
            return {
                portal_status.load(),
                portal_status == 401
                    ? R"({"__type":"UnauthorizedException","message":"Session token not found or invalid"})"
                    : R"({"__type":"ForbiddenException","message":"No access"})"};
        auto it = r.headers.find("x-amz-sso_bearer_token");
        if (r.method != "GET" || it == r.headers.end() || it->second != valid_token)
            return {401, R"({"__type":"UnauthorizedException","message":"bad token"})"};
        return {200, R"({"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"ssosecret",)"
                     R"("sessionToken":"ssotoken","expiration":)" +
                         std::to_string(role_expiration_ms) + "}}"};
    }};
    dspm::test::FakeHttpServer oidc{[this](const FakeRequest& r) -> FakeResponse {
        if (oidc_fails) return {400, R"({"error":"invalid_grant","error_description":"expired"})"};
        boost::system::error_code ec;
        auto v = json::parse(r.body, ec);
        if (ec || !v.is_object() || r.method != "POST" || r.path != "/token")
            return {400, R"({"error":"invalid_request"})"};
        const auto& o = v.as_object();
        if (o.at("grantType") != "refresh_token" || o.at("clientId") != "CLIENTID" ||
            o.at("clientSecret") != "CLIENTSECRET" || o.at("refreshToken") != "REFRESHTOKEN")
            return {400, R"({"error":"invalid_grant"})"};
        return {200, R"({"accessToken":"NEWTOKEN","expiresIn":28800,"refreshToken":"NEWREFRESH",)"
                     R"("tokenType":"Bearer"})"};
    }};

    Fixture() {
        static std::atomic<int> counter{0};
        home = fs::temp_directory_path() /
               ("dspm-sso-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        fs::create_directories(home / ".aws" / "sso" / "cache");
        env("HOME", home.string());
        env("AWS_EC2_METADATA_DISABLED", "true");
        env("AWS_ENDPOINT_URL_SSO", portal.endpoint());
        env("AWS_ENDPOINT_URL_SSO_OIDC", oidc.endpoint());
    }
    ~Fixture() { fs::remove_all(home); }

    void env(const std::string& k, const std::string& v) { (*vars)[k] = v; }
    void write(const fs::path& rel, const std::string& text) const {
        std::ofstream(home / rel) << text;
    }
    std::string read(const fs::path& rel) const {
        std::ifstream in(home / rel);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    fs::path cache_file(const std::string& key_source) const {
        return fs::path(".aws/sso/cache") / (sso_cache_key(key_source) + ".json");
    }
    CredentialsOptions options() const {
        CredentialsOptions o;
        auto v = vars;
        o.env = [v](const char* n) -> const char* {
            auto it = v->find(n);
            return it == v->end() ? nullptr : it->second.c_str();
        };
        o.http = std::make_shared<dspm::net::HttpClient>();
        o.sleeper = [](std::chrono::milliseconds) {};
        return o;
    }
    void session_config() const {
        write(".aws/config",
              "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n"
              "sso_role_name = Audit+Role@x\nregion = ap-northeast-2\n"
              "[sso-session corp]\nsso_start_url = " +
                  std::string(start_url) +
                  "\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n");
    }
};

std::string at(system_clock::duration from_now) {
    return format_iso8601(system_clock::now() + from_now);
}

std::string session_token_json(const std::string& token, const std::string& expires,
                               bool refresh_data, const std::string& registration_expires) {
    json::object o{{"startUrl", start_url},
                   {"region", "us-east-1"},
                   {"accessToken", token},
                   {"expiresAt", expires},
                   {"scopes", json::array{"sso:account:access"}}};
    if (refresh_data) {
        o["refreshToken"] = "REFRESHTOKEN";
        o["clientId"] = "CLIENTID";
        o["clientSecret"] = "CLIENTSECRET";
        o["registrationExpiresAt"] = registration_expires;
    }
    return json::serialize(o);
}

}  // namespace

TEST(SsoCredentials, CacheKeyIsSha1OfSessionOrStartUrl) {
    EXPECT_EQ(sso_cache_key("corp"), "ee0bfd2552fbd840c02cc48b6e823320543c450f");
    EXPECT_EQ(sso_cache_key("https://legacy.awsapps.com/start"),
              "79e435d7a515078e81c9dffc35f38d5687ebd3a7");
}

TEST(SsoCredentials, ValidSessionTokenGivesRoleCredentials) {
    Fixture f;
    f.session_config();
    f.write(f.cache_file("corp"), session_token_json("CACHEDTOKEN", at(std::chrono::hours(2)), true,
                                                     at(std::chrono::hours(24 * 30))));
    f.env("AWS_PROFILE", "dev");
    auto c = resolve_credentials(f.options());
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->source, "sso");
    EXPECT_EQ(c->access_key_id, "ASIASSO");
    EXPECT_EQ(c->secret_access_key, "ssosecret");
    EXPECT_EQ(c->session_token, "ssotoken");
    ASSERT_TRUE(c->expiration);
    EXPECT_EQ(format_iso8601(*c->expiration), "2100-01-01T00:00:00Z");
    auto reqs = f.portal.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].path,
              "/federation/credentials?role_name=Audit%2BRole%40x&account_id=123456789012");
    EXPECT_FALSE(reqs[0].headers.count("authorization"));  // unsigned
    EXPECT_TRUE(f.oidc.requests().empty());
}

TEST(SsoCredentials, ExpiredTokenIsRefreshedAndTheCacheRewritten) {
    Fixture f;
    f.session_config();
    f.valid_token = "NEWTOKEN";
    f.write(f.cache_file("corp"), session_token_json("OLDTOKEN", at(-std::chrono::minutes(1)), true,
                                                     at(std::chrono::hours(24 * 30))));
    f.env("AWS_PROFILE", "dev");
    auto c = resolve_credentials(f.options());
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "ASIASSO");
    ASSERT_EQ(f.oidc.requests().size(), 1u);
    EXPECT_EQ(f.portal.requests().at(0).headers.at("x-amz-sso_bearer_token"), "NEWTOKEN");

    const auto cached = json::parse(f.read(f.cache_file("corp"))).as_object();
    EXPECT_EQ(cached.at("accessToken"), "NEWTOKEN");
    EXPECT_EQ(cached.at("refreshToken"), "NEWREFRESH");
    EXPECT_EQ(cached.at("clientSecret"), "CLIENTSECRET");
    EXPECT_EQ(cached.at("startUrl"), start_url);
    EXPECT_TRUE(cached.contains("scopes"));  // what the CLI wrote is kept
    const auto expires = parse_iso8601(std::string(cached.at("expiresAt").as_string()));
    ASSERT_TRUE(expires);
    EXPECT_GT(*expires, system_clock::now() + std::chrono::hours(7));
    struct stat st {};
    ASSERT_EQ(::stat((f.home / f.cache_file("corp")).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    // No temporary file is left behind.
    int files = 0;
    for (const auto& e : fs::directory_iterator(f.home / ".aws/sso/cache")) {
        (void)e;
        ++files;
    }
    EXPECT_EQ(files, 1);
}

TEST(SsoCredentials, TokenInsideRefreshWindowIsRefreshedButKeptWhenRefreshFails) {
    Fixture f;
    f.session_config();
    f.env("AWS_PROFILE", "dev");
    f.oidc_fails = true;
    // Expires in 5 minutes: inside botocore's 15-minute window, still usable.
    const std::string entry = session_token_json("CACHEDTOKEN", at(std::chrono::minutes(5)), true,
                                                 at(std::chrono::hours(24)));
    f.write(f.cache_file("corp"), entry);
    auto c = resolve_credentials(f.options());
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(f.oidc.requests().size(), 1u);
    EXPECT_EQ(f.read(f.cache_file("corp")), entry);  // unchanged
}

TEST(SsoCredentials, ExpiredWithoutRefreshDataAsksForSsoLogin) {
    Fixture f;
    f.session_config();
    f.env("AWS_PROFILE", "dev");
    for (const auto& entry :
         {session_token_json("OLDTOKEN", at(-std::chrono::minutes(1)), false, ""),
          // refresh data, but the client registration expired
          session_token_json("OLDTOKEN", at(-std::chrono::minutes(1)), true,
                             at(-std::chrono::hours(1)))}) {
        f.write(f.cache_file("corp"), entry);
        auto c = resolve_credentials(f.options());
        ASSERT_FALSE(c);
        EXPECT_NE(c.error().message.find("aws sso login --profile dev"), std::string::npos)
            << c.error().message;
        EXPECT_EQ(c.error().message.find("OLDTOKEN"), std::string::npos);
        EXPECT_EQ(c.error().message.find("REFRESHTOKEN"), std::string::npos);
    }
    EXPECT_TRUE(f.oidc.requests().empty());
    EXPECT_TRUE(f.portal.requests().empty());

    // Refresh refused by SSO OIDC.
    f.oidc_fails = true;
    f.write(f.cache_file("corp"), session_token_json("OLDTOKEN", at(-std::chrono::minutes(1)), true,
                                                     at(std::chrono::hours(1))));
    auto c = resolve_credentials(f.options());
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("aws sso login --profile dev"), std::string::npos);
    EXPECT_EQ(f.oidc.requests().size(), 1u);

    // No cache entry at all.
    fs::remove(f.home / f.cache_file("corp"));
    c = resolve_credentials(f.options());
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().kind, ErrorKind::no_credentials);
    EXPECT_NE(c.error().message.find("aws sso login --profile dev"), std::string::npos);
}

TEST(SsoCredentials, LegacyProfileForm) {
    Fixture f;
    const std::string legacy_url = "https://legacy.awsapps.com/start";
    f.write(
        ".aws/config",
        "[default]\nsso_start_url = " + legacy_url +
            "\nsso_region = eu-west-1\nsso_account_id = 210987654321\nsso_role_name = Reader\n");
    f.write(f.cache_file(legacy_url),
            json::serialize(json::object{
                {"startUrl", legacy_url},
                {"region", "eu-west-1"},
                {"accessToken", "CACHEDTOKEN"},
                {"expiresAt", format_iso8601(system_clock::now() + std::chrono::hours(1))}}));
    CredentialsProvider provider(f.options());
    auto c = provider.get();
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->source, "sso");
    EXPECT_EQ(f.portal.requests().at(0).path,
              "/federation/credentials?role_name=Reader&account_id=210987654321");

    // The legacy form is never refreshed: expired means `aws sso login`.
    f.write(f.cache_file(legacy_url), session_token_json("OLD", at(-std::chrono::seconds(5)), true,
                                                         at(std::chrono::hours(1))));
    auto e = resolve_credentials(f.options());
    ASSERT_FALSE(e);
    EXPECT_NE(e.error().message.find("aws sso login --profile default"), std::string::npos);
    EXPECT_TRUE(f.oidc.requests().empty());
}

TEST(SsoCredentials, PortalErrorsAreClearAndHoldNoToken) {
    Fixture f;
    f.session_config();
    f.env("AWS_PROFILE", "dev");
    f.write(f.cache_file("corp"), session_token_json("CACHEDTOKEN", at(std::chrono::hours(2)), true,
                                                     at(std::chrono::hours(24))));
    f.portal_status = 401;
    auto c = resolve_credentials(f.options());
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().kind, ErrorKind::invalid_credentials);
    EXPECT_NE(c.error().message.find("UnauthorizedException"), std::string::npos);
    EXPECT_NE(c.error().message.find("aws sso login --profile dev"), std::string::npos);
    EXPECT_EQ(c.error().message.find("CACHEDTOKEN"), std::string::npos);

    f.portal_status = 403;
    c = resolve_credentials(f.options());
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().kind, ErrorKind::permission_denied);
    EXPECT_EQ(c.error().iam_action, "sso:GetRoleCredentials");
    EXPECT_NE(c.error().message.find("Audit+Role@x"), std::string::npos);
    EXPECT_NE(c.error().message.find("123456789012"), std::string::npos);
    EXPECT_EQ(c.error().message.find("CACHEDTOKEN"), std::string::npos);
}

TEST(SsoCredentials, ConfigurationIsValidated) {
    Fixture f;
    f.env("AWS_PROFILE", "dev");
    f.write(".aws/config",
            "[profile dev]\nsso_start_url = https://x.awsapps.com/start\nsso_region = "
            "us-east-1.evil.example\nsso_account_id = 123456789012\nsso_role_name = R\n");
    f.write(f.cache_file("https://x.awsapps.com/start"),
            session_token_json("CACHEDTOKEN", at(std::chrono::hours(2)), false, ""));
    auto c = resolve_credentials(f.options());
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("sso_region"), std::string::npos) << c.error().message;
    EXPECT_TRUE(f.portal.requests().empty());

    f.write(".aws/config",
            "[profile dev]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = R\n");
    c = resolve_credentials(f.options());
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("sso-session 'nope'"), std::string::npos);

    f.write(".aws/config", "[profile dev]\nsso_account_id = 1\nsso_role_name = R\n");
    c = resolve_credentials(f.options());
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("sso_start_url, sso_region"), std::string::npos)
        << c.error().message;
}

TEST(SsoCredentials, SsoProfileAsSourceOfAnAssumedRole) {
    Fixture f;
    dspm::test::FakeHttpServer sts([](const FakeRequest& r) -> FakeResponse {
        if (r.headers.count("authorization") &&
            r.headers.at("authorization").find("Credential=ASIASSO/") != std::string::npos)
            return {200,
                    "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE"
                    "</AccessKeyId><SecretAccessKey>rs</SecretAccessKey><SessionToken>rt"
                    "</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
                    "</AssumeRoleResult></AssumeRoleResponse>"};
        return {403, "<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>"};
    });
    f.session_config();
    f.write(".aws/config", f.read(".aws/config") +
                               "[profile audit]\nrole_arn = arn:aws:iam::123456789012:role/audit\n"
                               "source_profile = dev\n");
    f.write(f.cache_file("corp"),
            session_token_json("CACHEDTOKEN", at(std::chrono::hours(2)), false, ""));
    f.env("AWS_PROFILE", "audit");
    f.env("AWS_ENDPOINT_URL_STS", sts.endpoint());
    auto c = resolve_credentials(f.options());
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->source, "assume-role");
    EXPECT_EQ(c->access_key_id, "ASIAROLE");
}

TEST(SsoCredentials, WhoamiWithAnSsoProfile) {
    auto& moto = dspm::test::Moto::instance();
    Fixture f;
    f.session_config();
    f.write(f.cache_file("corp"),
            session_token_json("CACHEDTOKEN", at(std::chrono::hours(2)), false, ""));
    std::map<std::string, std::string> env{
        {"HOME", f.home.string()},
        {"AWS_PROFILE", "dev"},
        {"AWS_ACCESS_KEY_ID", ""},
        {"AWS_SECRET_ACCESS_KEY", ""},
        {"AWS_CONFIG_FILE", (f.home / ".aws/config").string()},
        {"AWS_SHARED_CREDENTIALS_FILE", (f.home / ".aws/credentials").string()},
        {"AWS_EC2_METADATA_DISABLED", "true"},
        {"AWS_REGION", "us-east-1"},
        {"AWS_ENDPOINT_URL_STS", moto.endpoint()},
        {"AWS_ENDPOINT_URL_SSO", f.portal.endpoint()},
    };
    dspm::test::Process p({DSPM_BINARY, "aws", "whoami"}, env);
    ASSERT_EQ(p.wait(std::chrono::seconds(20)), 0) << p.stderr_text();
    EXPECT_NE(p.stdout_text().find("\"Account\""), std::string::npos) << p.stdout_text();
    EXPECT_EQ(f.portal.requests().size(), 1u);
}
