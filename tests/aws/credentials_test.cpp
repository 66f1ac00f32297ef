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

// ---- chain order, files, process, refresh, STS retries and errors, container URIs -------------

namespace {

using std::chrono::system_clock;

std::string sts_credentials_xml(const std::string& action, const std::string& key,
                                const std::string& expiration) {
    return "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" +
           action + "Result><Credentials><AccessKeyId>" + key +
           "</AccessKeyId><SecretAccessKey>stssecret</SecretAccessKey><SessionToken>ststoken"
           "</SessionToken><Expiration>" +
           expiration + "</Expiration></Credentials></" + action + "Result></" + action +
           "Response>";
}

std::string sts_error_xml(const std::string& code, const std::string& message) {
    return "<ErrorResponse><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message +
           "</Message></Error><RequestId>r-1</RequestId></ErrorResponse>";
}

std::string action_of(const FakeRequest& r) {
    const auto start = r.body.find("Action=");
    if (start == std::string::npos) return {};
    return r.body.substr(start + 7, r.body.find('&', start) - start - 7);
}

// A fake STS answering both assume-role actions with credentials named after the action.
struct FakeSts {
    dspm::test::FakeHttpServer server{[](const FakeRequest& r) -> FakeResponse {
        const auto action = action_of(r);
        if (action == "AssumeRole")
            return {200, sts_credentials_xml(action, "ASIAROLE", "2099-01-01T00:00:00Z")};
        if (action == "AssumeRoleWithWebIdentity")
            return {200, sts_credentials_xml(action, "ASIAWEB", "2099-01-01T00:00:00Z")};
        return {400, sts_error_xml("InvalidAction", "unknown")};
    }};
};

// Credentials signed for the next call carry the source's access key in the Authorization header.
bool signed_with(const FakeRequest& r, const std::string& key) {
    auto it = r.headers.find("authorization");
    return it != r.headers.end() && it->second.find("Credential=" + key + "/") != std::string::npos;
}

}  // namespace

TEST(CredentialsChain, AssumeRoleProfileWinsOverEnvironmentWebIdentity) {
    FakeSts sts;
    Home home;
    home.write(".aws/credentials",
               "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = basesecret\n");
    home.write(".aws/config",
               "[profile auditor]\nrole_arn = arn:aws:iam::123456789012:role/auditor\n"
               "source_profile = base\n");
    home.write("webtoken", "web.token.value\n");
    Env env = base_env(home);
    env["AWS_ENDPOINT_URL_STS"] = sts.server.endpoint();
    env["AWS_WEB_IDENTITY_TOKEN_FILE"] = (home.dir / "webtoken").string();
    env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/web";
    env["AWS_PROFILE"] = "auditor";
    auto c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->source, "assume-role");
    EXPECT_EQ(c->access_key_id, "ASIAROLE");
    auto reqs = sts.server.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(action_of(reqs[0]), "AssumeRole");
    EXPECT_NE(reqs[0].body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fauditor"),
              std::string::npos)
        << reqs[0].body;
    EXPECT_TRUE(signed_with(reqs[0], "AKIABASE"));
}

TEST(CredentialsChain, PrecedenceFollowsBotocore) {
    FakeSts sts;
    Home home;
    home.write("webtoken", "web.token.value\n");
    Env env = base_env(home);
    env["AWS_ENDPOINT_URL_STS"] = sts.server.endpoint();
    env["AWS_WEB_IDENTITY_TOKEN_FILE"] = (home.dir / "webtoken").string();
    env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/web";

    // The default profile's role comes before web identity as well (botocore's
    // AssumeRoleProvider precedes the profile providers whatever the profile).
    home.write(".aws/config",
               "[default]\nrole_arn = arn:aws:iam::123456789012:role/def\n"
               "credential_source = Environment\n"
               "[profile keys]\naws_access_key_id = AKIAKEYS\naws_secret_access_key = k\n"
               "[profile webprofile]\nrole_arn = arn:aws:iam::123456789012:role/profweb\n"
               "web_identity_token_file = " +
                   (home.dir / "webtoken").string() + "\n");
    {
        Env e = env;
        e.vars = std::make_shared<std::map<std::string, std::string>>(*env.vars);
        e["AWS_ACCESS_KEY_ID"] = "AKIAENV";
        e["AWS_SECRET_ACCESS_KEY"] = "envsecret";
        // Environment keys come first of all.
        auto c = resolve_credentials(options(e));
        ASSERT_TRUE(c) << c.error().message;
        EXPECT_EQ(c->source, "environment");
    }
    {
        // No environment keys: the default profile's credential_source has nothing to give.
        auto c = resolve_credentials(options(env));
        ASSERT_FALSE(c);
        EXPECT_NE(c.error().message.find("credential_source"), std::string::npos)
            << c.error().message;
        EXPECT_TRUE(sts.server.requests().empty());
    }
    {
        // A profile with static keys only: web identity from the environment comes first.
        env["AWS_PROFILE"] = "keys";
        auto c = resolve_credentials(options(env));
        ASSERT_TRUE(c) << c.error().message;
        EXPECT_EQ(c->source, "assume-role-with-web-identity");
        ASSERT_EQ(sts.server.requests().size(), 1u);
        EXPECT_NE(sts.server.requests()[0].body.find("role%2Fweb"), std::string::npos);
    }
    {
        // A web identity profile: the environment's settings win over the profile's.
        env["AWS_PROFILE"] = "webprofile";
        auto c = resolve_credentials(options(env));
        ASSERT_TRUE(c) << c.error().message;
        EXPECT_EQ(c->source, "assume-role-with-web-identity");
        EXPECT_NE(sts.server.requests().back().body.find("role%2Fweb&"), std::string::npos);
        // Without the environment, the profile's role is used.
        env.vars->erase("AWS_ROLE_ARN");
        env.vars->erase("AWS_WEB_IDENTITY_TOKEN_FILE");
        c = resolve_credentials(options(env));
        ASSERT_TRUE(c) << c.error().message;
        EXPECT_NE(sts.server.requests().back().body.find("role%2Fprofweb"), std::string::npos);
        EXPECT_NE(sts.server.requests().back().body.find("WebIdentityToken=web.token.value"),
                  std::string::npos);
    }
}

TEST(CredentialsChain, SourceProfileChainsAndLoops) {
    FakeSts sts;
    Home home;
    home.write(".aws/credentials",
               "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = basesecret\n");
    home.write(".aws/config",
               "[profile first]\nrole_arn = arn:aws:iam::123456789012:role/first\n"
               "source_profile = base\n"
               "[profile second]\nrole_arn = arn:aws:iam::123456789012:role/second\n"
               "source_profile = first\n"
               "[profile self]\nrole_arn = arn:aws:iam::123456789012:role/self\n"
               "source_profile = self\naws_access_key_id = AKIASELF\naws_secret_access_key = s\n"
               "[profile loopa]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = "
               "loopb\n"
               "[profile loopb]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = "
               "loopa\n"
               "[profile both]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = "
               "base\ncredential_source = Environment\n");
    Env env = base_env(home);
    env["AWS_ENDPOINT_URL_STS"] = sts.server.endpoint();
    env["AWS_PROFILE"] = "second";
    auto c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    auto reqs = sts.server.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_TRUE(signed_with(reqs[0], "AKIABASE"));
    EXPECT_TRUE(signed_with(reqs[1], "ASIAROLE"));
    EXPECT_NE(reqs[1].body.find("role%2Fsecond"), std::string::npos);

    env["AWS_PROFILE"] = "self";
    c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_TRUE(signed_with(sts.server.requests().back(), "AKIASELF"));

    env["AWS_PROFILE"] = "loopa";
    c = resolve_credentials(options(env));
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("loop"), std::string::npos) << c.error().message;

    env["AWS_PROFILE"] = "both";
    c = resolve_credentials(options(env));
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("both source_profile and credential_source"),
              std::string::npos);
}

TEST(Credentials, ProfileDefaultSectionOfTheConfigFile) {
    Home home;
    home.write(".aws/config",
               "[profile default]\naws_access_key_id = PROFDEFAULT\naws_secret_access_key = s\n");
    Env env = base_env(home);
    auto c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "PROFDEFAULT");
    EXPECT_EQ(c->source, "config-file");
    env["AWS_PROFILE"] = "default";
    c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "PROFDEFAULT");

    // Both forms: the later section replaces the earlier one, as in botocore.
    home.write(".aws/config",
               "[default]\naws_access_key_id = PLAIN\naws_secret_access_key = s\n"
               "[profile default]\naws_access_key_id = PREFIXED\naws_secret_access_key = s\n");
    c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "PREFIXED");
    home.write(".aws/config",
               "[profile default]\naws_access_key_id = PREFIXED\naws_secret_access_key = s\n"
               "[default]\naws_access_key_id = PLAIN\naws_secret_access_key = s\n");
    c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "PLAIN");
}

namespace {

// A credential_process script printing `json`; returns the command line.
std::string process_script(const Home& home, const std::string& name, const std::string& body) {
    home.write(name, "#!/bin/sh\n" + body);
    fs::permissions(home.dir / name, fs::perms::owner_all);
    return (home.dir / name).string();
}

}  // namespace

TEST(Credentials, CredentialProcessOrderAmongStaticKeys) {
    Home home;
    const auto proc = process_script(
        home, "proc.sh",
        "echo '{\"Version\": 1, \"AccessKeyId\": \"PROCKEY\", \"SecretAccessKey\": \"ps\"}'\n");
    // botocore: credentials file keys, then credential_process, then config file keys.
    home.write(".aws/config", "[default]\ncredential_process = " + proc +
                                  "\naws_access_key_id = CONFIGKEY\naws_secret_access_key = cs\n");
    Env env = base_env(home);
    auto c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "PROCKEY");
    EXPECT_EQ(c->source, "custom-process");
    EXPECT_FALSE(c->expiration.has_value());

    home.write(".aws/credentials",
               "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = fs\n");
    c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "FILEKEY");
    EXPECT_EQ(c->source, "shared-credentials-file");
}

TEST(Credentials, CredentialProcessRunsWithoutAShell) {
    Home home;
    const auto proc =
        process_script(home, "proc.sh",
                       "out=\"$1\"; shift\n"
                       "for a in \"$@\"; do printf '<%s>\\n' \"$a\"; done > \"$out\"\n"
                       "echo '{\"Version\": 1, \"AccessKeyId\": \"PROCKEY\", "
                       "\"SecretAccessKey\": \"ps\"}'\n");
    const auto args = (home.dir / "args.txt").string();
    const auto pwned = (home.dir / "pwned").string();
    home.write(".aws/config", "[default]\ncredential_process = " + proc + " " + args +
                                  " \"two words\" 'it''s' back\\ slash \"q\\\"uote\" $HOME ; "
                                  "touch " +
                                  pwned + "\n");
    Env env = base_env(home);
    auto c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    std::ifstream in(args);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), "<two words>\n<its>\n<back slash>\n<q\"uote>\n<$HOME>\n<;>\n<touch>\n<" +
                            pwned + ">\n");
    EXPECT_FALSE(fs::exists(pwned));
}

TEST(Credentials, CredentialProcessTimeoutOutputLimitAndStatus) {
    Home home;
    Env env = base_env(home);
    auto opts = options(env);
    opts.process_timeout = std::chrono::milliseconds(300);
    opts.process_max_output = 1000;

    const auto slow = process_script(home, "slow.sh", "sleep 30\n");
    home.write(".aws/config", "[default]\ncredential_process = " + slow + "\n");
    const auto started = std::chrono::steady_clock::now();
    auto c = resolve_credentials(opts);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().kind, ErrorKind::timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));

    const auto chatty = process_script(home, "chatty.sh", "head -c 100000 /dev/zero\n");
    home.write(".aws/config", "[default]\ncredential_process = " + chatty + "\n");
    c = resolve_credentials(opts);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("more than 1000 bytes"), std::string::npos)
        << c.error().message;

    const auto failing = process_script(home, "fail.sh", "exit 7\n");
    home.write(".aws/config", "[default]\ncredential_process = " + failing + " --secret=xyz\n");
    c = resolve_credentials(opts);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("status 7"), std::string::npos) << c.error().message;
    EXPECT_EQ(c.error().message.find("xyz"), std::string::npos);  // arguments are not echoed

    home.write(".aws/config", "[default]\ncredential_process = /no/such/program\n");
    c = resolve_credentials(opts);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("could not be started"), std::string::npos);

    for (const std::string& version : std::vector<std::string>{"2", "\"1\"", "null"}) {
        const auto v =
            process_script(home, "v.sh",
                           "echo '{\"Version\": " + version +
                               ", \"AccessKeyId\": \"K\", \"SecretAccessKey\": \"S\"}'\n");
        home.write(".aws/config", "[default]\ncredential_process = " + v + "\n");
        c = resolve_credentials(opts);
        ASSERT_FALSE(c) << version;
        EXPECT_NE(c.error().message.find("Version"), std::string::npos);
    }
}

TEST(Credentials, ExpirationKeepsItsUtcOffset) {
    Home home;
    const auto proc = process_script(home, "proc.sh",
                                     "echo '{\"Version\": 1, \"AccessKeyId\": \"PROCKEY\", "
                                     "\"SecretAccessKey\": \"ps\", \"SessionToken\": \"pt\", "
                                     "\"Expiration\": \"2026-12-02T10:00:00+09:00\"}'\n");
    home.write(".aws/config", "[default]\ncredential_process = " + proc + "\n");
    Env env = base_env(home);
    auto c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE(c->expiration);
    EXPECT_EQ(format_iso8601(*c->expiration), "2026-12-02T01:00:00Z");

    // STS answers are read the same way.
    dspm::test::FakeHttpServer sts([](const FakeRequest& r) -> FakeResponse {
        return {200, sts_credentials_xml(action_of(r), "ASIAROLE", "2026-12-02T10:00:00.5-0130")};
    });
    home.write(".aws/config",
               "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n"
               "[profile base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n");
    env["AWS_ENDPOINT_URL_STS"] = sts.endpoint();
    c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE(c->expiration);
    EXPECT_EQ(*c->expiration, *parse_iso8601("2026-12-02T11:30:00.5Z"));

    // And so are container (and instance metadata) answers.
    dspm::test::FakeHttpServer ecs([](const FakeRequest&) -> FakeResponse {
        return {200,
                "{\"AccessKeyId\":\"ASIAECS\",\"SecretAccessKey\":\"es\",\"Token\":\"et\","
                "\"Expiration\":\"2026-12-02T10:00:00+0900\"}"};
    });
    home.write(".aws/config", "");
    env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = ecs.endpoint() + "/creds";
    c = resolve_credentials(options(env));
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE(c->expiration);
    EXPECT_EQ(format_iso8601(*c->expiration), "2026-12-02T01:00:00Z");
}

TEST(Credentials, Iso8601Forms) {
    const auto z = parse_iso8601("2026-12-02T01:00:00Z");
    ASSERT_TRUE(z);
    for (const char* same :
         {"2026-12-02T10:00:00+09:00", "2026-12-02T10:00:00+0900", "2026-12-02T10:00:00+09",
          "2026-12-01T20:30:00-04:30", "2026-12-02T01:00:00", "2026-12-02T01:00:00UTC",
          "2026-12-02t01:00:00z", "2026-12-02 01:00:00+00:00", "2026-12-02T01:00:00.000Z",
          " 2026-12-02T01:00:00Z\n"}) {
        auto t = parse_iso8601(same);
        ASSERT_TRUE(t) << same;
        EXPECT_EQ(*t, *z) << same;
    }
    auto frac = parse_iso8601("2026-12-02T01:00:00.123456Z");
    ASSERT_TRUE(frac);
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::microseconds>(*frac - *z).count(), 123456);
    for (const char* bad :
         {"", "2026-12-02", "2026-13-02T01:00:00Z", "2026-02-30T01:00:00Z", "2026-12-02T25:00:00Z",
          "2026-12-02T01:00:00+9", "2026-12-02T01:00:00X", "2026-12-02T01:00:00.Z", "not a time"})
        EXPECT_FALSE(parse_iso8601(bad)) << bad;
    EXPECT_EQ(format_iso8601(*parse_iso8601("2024-02-29T23:59:59.9-00:01")),
              "2024-03-01T00:00:59Z");
}

TEST(Credentials, SplitCommandLineLikeShlex) {
    using V = std::vector<std::string>;
    auto split = [](const char* s) { return split_command_line(s); };
    EXPECT_EQ(*split("a  b\tc"), (V{"a", "b", "c"}));
    EXPECT_EQ(*split("'a b' \"c d\" e\\ f"), (V{"a b", "c d", "e f"}));
    EXPECT_EQ(*split("x'y'\"z\""), (V{"xyz"}));
    EXPECT_EQ(*split("'' \"\""), (V{"", ""}));
    EXPECT_EQ(*split("\"a\\\"b\\\\c\\d\""), (V{"a\"b\\c\\d"}));
    EXPECT_EQ(*split("'a\\b'"), (V{"a\\b"}));
    EXPECT_EQ(*split("\\$HOME;"), (V{"$HOME;"}));
    EXPECT_TRUE(split("")->empty());
    EXPECT_FALSE(split("'open"));
    EXPECT_FALSE(split("\"open"));
    EXPECT_FALSE(split("trailing\\"));
}

TEST(CredentialsProvider, FailedRefreshKeepsValidCredentials) {
    std::atomic<bool> imds_up{true};
    std::atomic<int> minutes{4};
    const auto start = system_clock::now();
    dspm::test::FakeHttpServer imds([&](const FakeRequest& r) -> FakeResponse {
        if (!imds_up) return {500, ""};
        if (r.method == "PUT") return {200, "TOKEN"};
        if (r.path == "/latest/meta-data/iam/security-credentials/") return {200, "role"};
        return {200, "{\"AccessKeyId\":\"ASIA" + std::to_string(minutes.load()) +
                         "\",\"SecretAccessKey\":\"s\",\"Token\":\"t\",\"Expiration\":\"" +
                         format_iso8601(start + std::chrono::minutes(minutes)) + "\"}"};
    });
    Home home;
    Env env = base_env(home);
    env["AWS_EC2_METADATA_DISABLED"] = "false";
    env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.endpoint();
    auto opts = options(env);
    auto offset = std::make_shared<std::atomic<long long>>(0);  // seconds
    opts.clock = [start, offset] { return start + std::chrono::seconds(offset->load()); };
    opts.refresh_retry = std::chrono::seconds(15);
    opts.failure_cache = std::chrono::seconds(30);
    CredentialsProvider provider(opts);

    auto c = provider.get();  // valid for 4 minutes: inside the 5-minute refresh window
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "ASIA4");
    const auto asked = [&] { return imds.requests().size(); };
    EXPECT_EQ(asked(), 3u);

    imds_up = false;
    c = provider.get();  // the refresh fails: the old credentials are still good
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "ASIA4");
    const auto after_failure = asked();
    EXPECT_GT(after_failure, 3u);
    c = provider.get();  // not asked again at once ...
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "ASIA4");
    EXPECT_EQ(asked(), after_failure);
    *offset = 20;  // ... but a little later
    c = provider.get();
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_GT(asked(), after_failure);

    imds_up = true;
    minutes = 60;
    *offset = 40;
    c = provider.get();  // recovered: the new credentials replace the old
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "ASIA60");

    // Nothing valid left: the failure surfaces, and is remembered briefly.
    imds_up = false;
    *offset = 61 * 60;
    c = provider.get();
    ASSERT_FALSE(c);
    const auto after_surfaced = asked();
    c = provider.get();
    ASSERT_FALSE(c);
    EXPECT_EQ(asked(), after_surfaced);
    *offset = 61 * 60 + 31;
    c = provider.get();
    ASSERT_FALSE(c);
    EXPECT_GT(asked(), after_surfaced);
}

TEST(CredentialsSts, RetriesThrottlingServerAndNetworkErrors) {
    std::atomic<int> calls{0};
    dspm::test::FakeHttpServer sts([&](const FakeRequest& r) -> FakeResponse {
        const int n = ++calls;
        if (n == 1) return {400, sts_error_xml("Throttling", "Rate exceeded")};
        if (n == 2) return {503, ""};
        return {200, sts_credentials_xml(action_of(r), "ASIAROLE", "2099-01-01T00:00:00Z")};
    });
    Home home;
    home.write(".aws/config",
               "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\n"
               "[profile base]\naws_access_key_id = AKIABASE\naws_secret_access_key = s\n");
    Env env = base_env(home);
    env["AWS_ENDPOINT_URL_STS"] = sts.endpoint();
    auto opts = options(env);
    std::vector<std::chrono::milliseconds> slept;
    opts.sleeper = [&](std::chrono::milliseconds d) { slept.push_back(d); };
    auto c = resolve_credentials(opts);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(calls.load(), 3);
    ASSERT_EQ(slept.size(), 2u);
    EXPECT_LE(slept[0], std::chrono::milliseconds(1000));  // full jitter of 1 s, then 2 s
    EXPECT_LE(slept[1], std::chrono::milliseconds(2000));

    // AWS_MAX_ATTEMPTS bounds the attempts; the last error is reported as throttled.
    calls = 0;
    slept.clear();
    env["AWS_MAX_ATTEMPTS"] = "1";
    c = resolve_credentials(opts);
    ASSERT_FALSE(c);
    EXPECT_EQ(calls.load(), 1);
    EXPECT_EQ(c.error().kind, ErrorKind::throttled);
    EXPECT_EQ(c.error().code, "Throttling");
    EXPECT_TRUE(slept.empty());

    // Network errors are retried too.
    const unsigned short closed = dspm::test::free_port();
    env["AWS_MAX_ATTEMPTS"] = "4";
    env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:" + std::to_string(closed);
    c = resolve_credentials(opts);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().kind, ErrorKind::network);
    EXPECT_EQ(c.error().attempts, 4);
    EXPECT_EQ(slept.size(), 3u);
}

TEST(CredentialsSts, WebIdentityRetriesIdpCommunicationError) {
    std::atomic<int> calls{0};
    dspm::test::FakeHttpServer sts([&](const FakeRequest& r) -> FakeResponse {
        if (++calls == 1)
            return {400, sts_error_xml("IDPCommunicationError", "the IdP did not answer")};
        return {200, sts_credentials_xml(action_of(r), "ASIAWEB", "2099-01-01T00:00:00Z")};
    });
    Home home;
    home.write("webtoken", "web.token.value\n");
    Env env = base_env(home);
    env["AWS_ENDPOINT_URL_STS"] = sts.endpoint();
    env["AWS_WEB_IDENTITY_TOKEN_FILE"] = (home.dir / "webtoken").string();
    env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/web";
    auto opts = options(env);
    opts.sleeper = [](std::chrono::milliseconds) {};
    auto c = resolve_credentials(opts);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "ASIAWEB");
    EXPECT_EQ(calls.load(), 2);
}

TEST(CredentialsSts, DeniedAssumeRoleNamesTheActionAndTheRole) {
    std::atomic<int> calls{0};
    dspm::test::FakeHttpServer sts([&](const FakeRequest&) -> FakeResponse {
        ++calls;
        return {403, sts_error_xml("AccessDenied",
                                   "User: arn:aws:iam::123456789012:user/base is "
                                   "not authorized to perform: sts:AssumeRole")};
    });
    Home home;
    home.write(".aws/config",
               "[profile auditor]\nrole_arn = arn:aws:iam::123456789012:role/auditor\n"
               "source_profile = base\n"
               "[profile base]\naws_access_key_id = AKIABASE\naws_secret_access_key = "
               "verysecretvalue\n");
    home.write("webtoken", "web.token.secretvalue\n");
    Env env = base_env(home);
    env["AWS_ENDPOINT_URL_STS"] = sts.endpoint();
    env["AWS_PROFILE"] = "auditor";
    CredentialsProvider provider(options(env));
    auto c = provider.get();
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().kind, ErrorKind::permission_denied);
    EXPECT_EQ(c.error().iam_action, "sts:AssumeRole");
    EXPECT_EQ(c.error().service, "sts");
    EXPECT_EQ(c.error().code, "AccessDenied");
    EXPECT_NE(c.error().message.find("arn:aws:iam::123456789012:role/auditor"), std::string::npos)
        << c.error().message;
    EXPECT_EQ(c.error().message.find("verysecretvalue"), std::string::npos);
    EXPECT_EQ(calls.load(), 1);  // a denial is not retried

    Env wenv = base_env(home);
    wenv["AWS_ENDPOINT_URL_STS"] = sts.endpoint();
    wenv["AWS_WEB_IDENTITY_TOKEN_FILE"] = (home.dir / "webtoken").string();
    wenv["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/web";
    CredentialsProvider web(options(wenv));
    auto w = web.get();
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().kind, ErrorKind::permission_denied);
    EXPECT_EQ(w.error().iam_action, "sts:AssumeRoleWithWebIdentity");
    EXPECT_NE(w.error().message.find("arn:aws:iam::123456789012:role/web"), std::string::npos);
    EXPECT_EQ(w.error().message.find("secretvalue"), std::string::npos);
}

TEST(Credentials, ContainerUriHostsAsBotocoreAllows) {
    dspm::test::FakeHttpServer ecs([](const FakeRequest&) -> FakeResponse {
        return {200,
                "{\"AccessKeyId\":\"ASIAECS\",\"SecretAccessKey\":\"es\",\"Token\":\"et\","
                "\"Expiration\":\"2099-01-01T00:00:00Z\"}"};
    });
    const std::string port = ecs.endpoint().substr(ecs.endpoint().rfind(':') + 1);
    Home home;
    Env env = base_env(home);
    env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "Bearer container-secret";
    for (const std::string& url : std::vector<std::string>{
             "http://evil.example:" + port + "/creds", "http://127.1:" + port + "/creds",
             "http://0x7f000001:" + port + "/creds", "http://[::ffff:127.0.0.1]:" + port + "/creds",
             "http://user@127.0.0.1:" + port + "/creds", "ftp://127.0.0.1:" + port + "/creds",
             "127.0.0.1:" + port + "/creds", "http://169.254.169.254/latest"}) {
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = url;
        auto c = resolve_credentials(options(env));
        ASSERT_FALSE(c) << url;
        EXPECT_EQ(c.error().kind, ErrorKind::invalid_request) << url;
        EXPECT_NE(c.error().message.find("AWS_CONTAINER_CREDENTIALS_FULL_URI"), std::string::npos)
            << c.error().message;
        EXPECT_EQ(c.error().message.find("container-secret"), std::string::npos);
    }
    EXPECT_TRUE(ecs.requests().empty());

    for (const std::string& url : std::vector<std::string>{"http://127.0.0.1:" + port + "/creds",
                                                           "http://localhost:" + port + "/creds"}) {
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = url;
        auto c = resolve_credentials(options(env));
        ASSERT_TRUE(c) << url << ": " << c.error().message;
        EXPECT_EQ(c->access_key_id, "ASIAECS");
    }
    EXPECT_EQ(ecs.requests().size(), 2u);
    EXPECT_EQ(ecs.requests()[0].headers.at("authorization"), "Bearer container-secret");

    env.vars->erase("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    env["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "@evil.example/creds";
    auto c = resolve_credentials(options(env));
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), std::string::npos);
    EXPECT_EQ(ecs.requests().size(), 2u);
}
