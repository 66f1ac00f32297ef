// The credentials chain: each source with a temporary HOME and a map environment, the order,
// credential_process, assume-role chains against moto's STS, and IMDSv2 against a local fake.
#include "aws/credentials.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "aws/fake_server.hpp"
#include "net/http_client.hpp"
#include "support/test_support.hpp"

namespace fs = std::filesystem;
using namespace dspm::aws;
using dspm::test::FakeRequest;
using dspm::test::FakeResponse;

namespace {

struct Home {
    fs::path dir;
    Home() {
        dir = fs::temp_directory_path() /
              ("dspm-creds-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
        fs::create_directories(dir / ".aws");
    }
    ~Home() { fs::remove_all(dir); }
    static int& counter() {
        static int c = 0;
        return c;
    }
    void write(const std::string& rel, const std::string& text) const {
        std::ofstream(dir / rel) << text;
    }
};

struct Env {
    std::shared_ptr<std::map<std::string, std::string>> vars =
        std::make_shared<std::map<std::string, std::string>>();
    EnvLookup lookup() const {
        auto v = vars;
        return [v](const char* n) -> const char* {
            auto it = v->find(n);
            return it == v->end() ? nullptr : it->second.c_str();
        };
    }
    std::string& operator[](const std::string& k) { return (*vars)[k]; }
};

CredentialsOptions options(const Env& env) {
    CredentialsOptions o;
    o.env = env.lookup();
    o.http = std::make_shared<dspm::net::HttpClient>();
    return o;
}

Env base_env(const Home& home) {
    Env e;
    e["HOME"] = home.dir.string();
    e["AWS_EC2_METADATA_DISABLED"] = "true";
    return e;
}

}  // namespace

TEST(Credentials, EnvironmentComesFirst) {
    Home home;
    home.write(".aws/credentials",
               "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = s\n");
    Env env = base_env(home);
    env["AWS_ACCESS_KEY_ID"] = "ENVKEY";
    env["AWS_SECRET_ACCESS_KEY"] = "envsecret";
    env["AWS_SESSION_TOKEN"] = "tok";
    auto c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "ENVKEY");
    EXPECT_EQ(c->session_token, "tok");
    EXPECT_EQ(c->source, "environment");
}

TEST(Credentials, SharedFilesProfilesAndPrecedence) {
    Home home;
    home.write(".aws/credentials",
               "[default]\naws_access_key_id = DEFKEY\naws_secret_access_key = s1\n"
               "[dev]\naws_access_key_id = DEVKEY\naws_secret_access_key = s2\n");
    home.write(".aws/config",
               "[default]\nregion = eu-west-1\n[profile dev]\naws_access_key_id = CONFIGKEY\n"
               "aws_secret_access_key = s3\n[profile cfgonly]\naws_access_key_id = CFGONLY\n"
               "aws_secret_access_key = s4\n");
    Env env = base_env(home);
    auto c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "DEFKEY");
    env["AWS_PROFILE"] = "dev";
    c = resolve_credentials(options(env));
    ASSERT_TRUE(c);
    EXPECT_EQ(c->access_key_id, "DEVKEY");  // the credentials file wins over config
    env["AWS_PROFILE"] = "cfgonly";
    c = resolve_credentials(options(env));
    ASSERT_TRUE(c);
    EXPECT_EQ(c->access_key_id, "CFGONLY");
    env["AWS_PROFILE"] = "missing";
    c = resolve_credentials(options(env));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().kind, ErrorKind::no_credentials);
    EXPECT_NE(c.error().message.find("missing"), std::string::npos);
}

TEST(Credentials, FileLocationsFromEnvironment) {
    Home home;
    home.write("creds", "[default]\naws_access_key_id = ALTKEY\naws_secret_access_key = s\n");
    Env env = base_env(home);
    env["AWS_SHARED_CREDENTIALS_FILE"] = (home.dir / "creds").string();
    env["AWS_CONFIG_FILE"] = (home.dir / "nope").string();
    auto c = resolve_credentials(options(env));
    ASSERT_TRUE(c);
    EXPECT_EQ(c->access_key_id, "ALTKEY");
}

TEST(Credentials, CredentialProcessVersion1) {
    Home home;
    home.write("proc.sh",
               "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"PROCKEY\", "
               "\"SecretAccessKey\": \"ps\", \"SessionToken\": \"pt\", "
               "\"Expiration\": \"2099-01-01T00:00:00Z\"}'\n");
    fs::permissions(home.dir / "proc.sh", fs::perms::owner_all);
    home.write(".aws/config",
               "[default]\ncredential_process = " + (home.dir / "proc.sh").string() + "\n");
    Env env = base_env(home);
    auto c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "PROCKEY");
    EXPECT_EQ(c->session_token, "pt");
    ASSERT_TRUE(c->expiration);
    EXPECT_GT(*c->expiration, std::chrono::system_clock::now());
    EXPECT_EQ(c->source, "custom-process");
}

TEST(Credentials, NothingFoundNamesThePlacesSearched) {
    Home home;
    Env env = base_env(home);
    auto c = resolve_credentials(options(env));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().kind, ErrorKind::no_credentials);
    for (const char* place : {"environment", "web identity", "shared credentials file",
                              "container credentials", "EC2 instance metadata"})
        EXPECT_NE(c.error().message.find(place), std::string::npos) << place;
}

TEST(Credentials, ImdsV2TokenFirstAndRefreshBeforeExpiry) {
    std::atomic<int> minutes_left{3};
    dspm::test::FakeHttpServer imds([&](const FakeRequest& r) -> FakeResponse {
        if (r.method == "PUT" && r.path == "/latest/api/token") return {200, "TOKEN123"};
        if (!r.headers.count("x-aws-ec2-metadata-token") ||
            r.headers.at("x-aws-ec2-metadata-token") != "TOKEN123")
            return {401, ""};
        if (r.path == "/latest/meta-data/iam/security-credentials/") return {200, "my-role"};
        if (r.path == "/latest/meta-data/iam/security-credentials/my-role") {
            const auto exp = std::chrono::system_clock::now() + std::chrono::minutes(minutes_left);
            const std::time_t t = std::chrono::system_clock::to_time_t(exp);
            char buf[32];
            std::tm tm{};
            gmtime_r(&t, &tm);
            std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
            return {200,
                    std::string("{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAIMDS\","
                                "\"SecretAccessKey\":\"is\",\"Token\":\"it\",\"Expiration\":\"") +
                        buf + "\"}"};
        }
        return {404, ""};
    });
    Home home;
    Env env = base_env(home);
    env["AWS_EC2_METADATA_DISABLED"] = "false";
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.endpoint();
    CredentialsProvider provider(options(env));
    auto c = provider.get();
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "ASIAIMDS");
    EXPECT_EQ(c->source, "iam-role");
    auto reqs = imds.requests();
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[0].method, "PUT");
    EXPECT_EQ(reqs[0].headers.at("x-aws-ec2-metadata-token-ttl-seconds"), "21600");
    // Expiring within the 5-minute window: the next get() fetches again.
    minutes_left = 60;
    ASSERT_TRUE(provider.get());
    EXPECT_EQ(imds.requests().size(), 6u);
    // Now valid for an hour: cached.
    ASSERT_TRUE(provider.get());
    EXPECT_EQ(imds.requests().size(), 6u);

    // Disabled: IMDS is not asked.
    env["AWS_EC2_METADATA_DISABLED"] = "true";
    auto none = resolve_credentials(options(env));
    EXPECT_FALSE(none);
    EXPECT_EQ(imds.requests().size(), 6u);
}

TEST(Credentials, ContainerFullUriWithAuthorizationToken) {
    dspm::test::FakeHttpServer ecs([](const FakeRequest& r) -> FakeResponse {
        if (r.path != "/creds" || !r.headers.count("authorization") ||
            r.headers.at("authorization") != "Bearer abc")
            return {403, ""};
        return {200,
                "{\"AccessKeyId\":\"ASIAECS\",\"SecretAccessKey\":\"es\",\"Token\":\"et\","
                "\"Expiration\":\"2099-01-01T00:00:00Z\"}"};
    });
    Home home;
    Env env = base_env(home);
    env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = ecs.endpoint() + "/creds";
    home.write("token", "Bearer abc\n");
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = (home.dir / "token").string();
    auto c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "ASIAECS");
    EXPECT_EQ(c->source, "container-role");
}

TEST(CredentialsMoto, AssumeRoleChainsAndWebIdentity) {
    auto& moto = dspm::test::Moto::instance();
    Home home;
    home.write(".aws/credentials",
               "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = basesecret\n");
    home.write(".aws/config",
               "[profile auditor]\nrole_arn = arn:aws:iam::123456789012:role/auditor\n"
               "source_profile = base\nexternal_id = ext-1\nrole_session_name = audit-test\n"
               "[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/second\n"
               "source_profile = auditor\n"
               "[profile fromenv]\nrole_arn = arn:aws:iam::123456789012:role/envrole\n"
               "credential_source = Environment\n");
    Env env = base_env(home);
    env["AWS_ENDPOINT_URL"] = moto.endpoint();
    env["AWS_PROFILE"] = "auditor";
    auto c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->source, "assume-role");
    EXPECT_NE(c->access_key_id, "AKIABASE");
    EXPECT_FALSE(c->session_token.empty());
    EXPECT_TRUE(c->expiration.has_value());

    env["AWS_PROFILE"] = "chained";
    auto c2 = resolve_credentials(options(env));
    ASSERT_TRUE(c2) << c2.error().message;
    EXPECT_EQ(c2->source, "assume-role");
    EXPECT_NE(c2->access_key_id, c->access_key_id);

    env["AWS_PROFILE"] = "fromenv";
    auto none = resolve_credentials(options(env));  // no keys in the environment
    EXPECT_FALSE(none);

    Env wenv = base_env(home);
    wenv["AWS_ENDPOINT_URL"] = moto.endpoint();
    home.write("webtoken", "eyJhbGciOi.fake.token\n");
    wenv["AWS_WEB_IDENTITY_TOKEN_FILE"] = (home.dir / "webtoken").string();
    wenv["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/web";
    wenv["AWS_ROLE_SESSION_NAME"] = "web-session";
    auto w = resolve_credentials(options(wenv));
    ASSERT_TRUE(w) << w.error().message;
    EXPECT_EQ(w->source, "assume-role-with-web-identity");
    EXPECT_FALSE(w->session_token.empty());
}

TEST(Credentials, FailureIsRememberedBriefly) {
    dspm::test::FakeHttpServer imds([](const FakeRequest&) -> FakeResponse { return {404, ""}; });
    Home home;
    Env env = base_env(home);
    env["AWS_EC2_METADATA_DISABLED"] = "false";
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.endpoint();
    CredentialsProvider provider(options(env));
    auto first = provider.get();
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error().kind, ErrorKind::no_credentials);
    const auto asked = imds.requests().size();
    EXPECT_GE(asked, 1u);
    auto second = provider.get();
    ASSERT_FALSE(second);
    EXPECT_EQ(imds.requests().size(), asked);
}
