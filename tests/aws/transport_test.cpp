// What the AWS client puts on the wire and how it recovers from transport and clock problems:
// paths sent as signed, TLS failures retried as botocore retries them, clock skew corrected from
// the server's Date, AWS_CA_BUNDLE, and the IAM action named when credentials cannot be had.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "aws/client_options.hpp"
#include "aws/loopback_server.hpp"
#include "net/http_client.hpp"
#include "support/test_support.hpp"

using namespace dspm::aws;
using namespace std::chrono_literals;
using dspm::test::ConnectionFault;
using dspm::test::LoopbackServer;
using dspm::test::LoopRequest;
using dspm::test::LoopResponse;

namespace {

const char* sts_ok =
    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
    "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn>"
    "<UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
    "<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>";

const char* s3_encryption_ok =
    "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>"
    "<SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault>"
    "</Rule></ServerSideEncryptionConfiguration>";

struct Setup {
    std::map<std::string, std::string> env;
    std::vector<std::chrono::milliseconds> sleeps;
    std::shared_ptr<AwsClient> client;
};

// A client with static keys, no profile files, no IMDS, and the given variables on top.
std::unique_ptr<Setup> make_client(std::map<std::string, std::string> extra, int max_attempts = 3) {
    auto s = std::make_unique<Setup>();
    s->env = {{"AWS_ACCESS_KEY_ID", "AKID"},
              {"AWS_SECRET_ACCESS_KEY", "secret"},
              {"AWS_EC2_METADATA_DISABLED", "true"},
              {"AWS_CONFIG_FILE", "/dev/null"},
              {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}};
    for (auto& [k, v] : extra)
        s->env[k] = v;
    auto* raw = s.get();
    ClientTuning t;
    t.env = [raw](const char* n) -> const char* {
        auto it = raw->env.find(n);
        return it == raw->env.end() ? nullptr : it->second.c_str();
    };
    RetryConfig r;
    r.max_attempts = max_attempts;
    r.base_delay = 1ms;
    r.sleeper = [raw](std::chrono::milliseconds d) { raw->sleeps.push_back(d); };
    t.retry = r;
    s->client = make_aws_client({}, std::make_shared<dspm::net::HttpClient>(), t);
    return s;
}

std::string temp_dir(const std::string& name) {
    const std::string dir =
        ::testing::TempDir() + "dspm-" + name + "-" + std::to_string(::getpid());
    dspm::test::run_shell("rm -rf " + dir + " && mkdir -p " + dir);
    return dir;
}

// ---- 1. the path goes on the wire as it was signed ----

TEST(Transport, PathWithDotSegmentsArrivesAsSigned) {
    LoopbackServer s3([](const LoopRequest&) { return LoopResponse{200, {}, ""}; });
    auto c = make_client({{"AWS_ENDPOINT_URL_S3", s3.endpoint()}});
    auto r = c->client->call("s3", "PutObject",
                             {{"Bucket", "bkt"}, {"Key", "a/../b/./c"}, {"Body", "x"}});
    ASSERT_TRUE(r) << r.error().message;
    const auto seen = s3.requests();
    ASSERT_EQ(seen.size(), 1u);
    // libcurl would have sent "/bkt/b/c" and the signature over "/bkt/a/../b/./c" would not match.
    EXPECT_EQ(seen[0].target.substr(0, seen[0].target.find('?')), "/bkt/a/../b/./c");
    EXPECT_EQ(seen[0].method, "PUT");
}

// ---- 2. TLS failures are retried (botocore: SSLError is a ConnectionError) ----

TEST(Transport, GarbageInsteadOfTlsIsRetried) {
    LoopbackServer front([](const LoopRequest&) { return LoopResponse{}; },
                         [](int) { return ConnectionFault::garbage; });
    auto c = make_client({{"AWS_ENDPOINT_URL", front.endpoint("https")}}, 3);
    auto r = c->client->call("sts", "GetCallerIdentity", {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::network) << r.error().message;
    EXPECT_NE(r.error().message.find("tls"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().attempts, 3);
    EXPECT_EQ(front.connections(), 3);
    EXPECT_EQ(c->sleeps.size(), 2u);
}

TEST(Transport, ResetDuringTheTlsHandshakeIsRetried) {
    LoopbackServer front([](const LoopRequest&) { return LoopResponse{}; },
                         [](int) { return ConnectionFault::reset; });
    auto c = make_client({{"AWS_ENDPOINT_URL", front.endpoint("https")}}, 2);
    auto r = c->client->call("sts", "GetCallerIdentity", {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::network) << r.error().message;
    // libcurl reports a reset in the handshake as a TLS connect error, not as a reset.
    EXPECT_EQ(r.error().message.rfind("tls: ", 0), 0u) << r.error().message;
    EXPECT_EQ(front.connections(), 2);
}

// A real TLS server (Python's ssl module, a certificate for 127.0.0.1 made with openssl) behind a
// front that resets the first connection: the second attempt completes the handshake, trusting
// the certificate only through AWS_CA_BUNDLE.
class TlsServer {
  public:
    TlsServer() {
        if (dspm::test::run_shell("command -v openssl >/dev/null 2>&1 && "
                                  "command -v python3 >/dev/null 2>&1") != 0)
            return;
        dir_ = temp_dir("xport-tls");
        if (dspm::test::run_shell(
                "cd " + dir_ +
                " && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem"
                " -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"
                " >/dev/null 2>&1") != 0)
            return;
        std::ofstream(dir_ + "/serve.py") << R"(import http.server, ssl, sys
body = open(sys.argv[3], 'rb').read()
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length', 0)))
        self.send_response(200)
        self.send_header('Content-Type', 'text/xml')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2] + '/cert.pem', sys.argv[2] + '/key.pem')
server.socket = ctx.wrap_socket(server.socket, server_side=True)
server.serve_forever()
)";
        std::ofstream(dir_ + "/body.xml") << sts_ok;
        port_ = dspm::test::free_port();
        process_.emplace(std::vector<std::string>{"python3", dir_ + "/serve.py",
                                                  std::to_string(port_), dir_, dir_ + "/body.xml"});
        ready_ = dspm::test::wait_for_port(port_, 10s);
    }
    ~TlsServer() {
        process_.reset();
        if (!dir_.empty()) dspm::test::run_shell("rm -rf " + dir_);
    }
    bool ready() const { return ready_; }
    unsigned short port() const { return port_; }
    std::string ca_file() const { return dir_ + "/cert.pem"; }

  private:
    std::string dir_;
    unsigned short port_ = 0;
    std::optional<dspm::test::Process> process_;
    bool ready_ = false;
};

TEST(Transport, TlsResetOnTheFirstConnectionThenSuccessWithTheCaBundle) {
    TlsServer tls;
    if (!tls.ready()) GTEST_SKIP() << "openssl or python3 not usable";
    LoopbackServer front(
        [](const LoopRequest&) { return LoopResponse{}; },
        [](int n) { return n == 1 ? ConnectionFault::reset : ConnectionFault::forward; },
        tls.port());
    auto c = make_client(
        {{"AWS_ENDPOINT_URL", front.endpoint("https")}, {"AWS_CA_BUNDLE", tls.ca_file()}});
    auto r = c->client->call("sts", "GetCallerIdentity", {});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->at("Account").as_string(), "123456789012");
    EXPECT_EQ(front.connections(), 2);

    // Without the bundle the certificate does not verify (a TLS error, retried as botocore
    // retries its SSLError, and still failing).
    auto untrusting = make_client({{"AWS_ENDPOINT_URL", front.endpoint("https")}}, 2);
    auto refused = untrusting->client->call("sts", "GetCallerIdentity", {});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::network) << refused.error().message;
    EXPECT_EQ(refused.error().attempts, 2);
}

// ---- 8. AWS_CA_BUNDLE ----

TEST(Transport, MissingCaBundleIsAnErrorBeforeConnecting) {
    LoopbackServer server([](const LoopRequest&) { return LoopResponse{200, {}, sts_ok}; });
    auto c = make_client({{"AWS_ENDPOINT_URL", server.endpoint("https")},
                          {"AWS_CA_BUNDLE", "/nonexistent/dspm/ca.pem"}});
    auto r = c->client->call("sts", "GetCallerIdentity", {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::network);
    EXPECT_NE(r.error().message.find("/nonexistent/dspm/ca.pem"), std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find("AWS_CA_BUNDLE"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().attempts, 1);  // the same on every attempt: not retried
    EXPECT_EQ(server.connections(), 0);
}

TEST(Transport, CaBundleDoesNotConcernPlainHttp) {
    LoopbackServer server([](const LoopRequest&) { return LoopResponse{200, {}, sts_ok}; });
    auto c = make_client(
        {{"AWS_ENDPOINT_URL", server.endpoint()}, {"AWS_CA_BUNDLE", "/nonexistent/dspm/ca.pem"}});
    auto r = c->client->call("sts", "GetCallerIdentity", {});
    ASSERT_TRUE(r) << r.error().message;
}

// ---- 3. clock skew ----

std::string http_date(std::chrono::system_clock::time_point t) {
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

std::chrono::system_clock::time_point parse_amz_date(const std::string& s) {
    std::tm tm{};
    if (s.size() < 16 || strptime(s.c_str(), "%Y%m%dT%H%M%SZ", &tm) == nullptr) return {};
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

// A server whose clock runs `shift` ahead of ours and that rejects signing times more than
// 5 minutes from its clock with `rejection` (status, body), telling its time in Date.
LoopbackServer::Handler skewed_server(std::chrono::seconds shift, int status, std::string rejection,
                                      std::string ok) {
    return [=](const LoopRequest& r) {
        const auto server_now = std::chrono::system_clock::now() + shift;
        const auto it = r.headers.find("x-amz-date");
        const auto signed_at = it == r.headers.end() ? std::chrono::system_clock::time_point{}
                                                     : parse_amz_date(it->second);
        const auto diff = signed_at > server_now ? signed_at - server_now : server_now - signed_at;
        if (diff > 5min) return LoopResponse{status, {{"Date", http_date(server_now)}}, rejection};
        return LoopResponse{200, {{"Date", http_date(server_now)}}, ok};
    };
}

TEST(ClockSkew, S3RequestTimeTooSkewedIsCorrectedOnceAndRemembered) {
    LoopbackServer s3(skewed_server(
        std::chrono::hours(1), 403,
        "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time"
        " and the current time is too large.</Message></Error>",
        s3_encryption_ok));
    // One attempt allowed: the correction is not a retry of a transient failure.
    auto c = make_client({{"AWS_ENDPOINT_URL_S3", s3.endpoint()}}, 1);
    auto r = c->client->call("s3", "GetBucketEncryption", {{"Bucket", "bkt"}});
    ASSERT_TRUE(r) << r.error().code << " " << r.error().message;
    EXPECT_EQ(s3.requests().size(), 2u);
    EXPECT_TRUE(c->sleeps.empty());
    // Later calls sign with the server's time from the start.
    ASSERT_TRUE(c->client->call("s3", "GetBucketEncryption", {{"Bucket", "bkt"}}));
    EXPECT_EQ(s3.requests().size(), 3u);
}

TEST(ClockSkew, StsSignatureDoesNotMatchWithASkewedDateIsCorrected) {
    LoopbackServer sts(skewed_server(
        -std::chrono::minutes(20), 403,
        "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>"
        "Signature expired: 20250101T002000Z is now earlier than 20250101T000000Z"
        "</Message></Error><RequestId>r</RequestId></ErrorResponse>",
        sts_ok));
    auto c = make_client({{"AWS_ENDPOINT_URL", sts.endpoint()}});
    auto r = c->client->call("sts", "GetCallerIdentity", {});
    ASSERT_TRUE(r) << r.error().code << " " << r.error().message;
    EXPECT_EQ(sts.requests().size(), 2u);
}

TEST(ClockSkew, JsonInvalidSignatureExceptionWithAnExpiryMessageIsCorrected) {
    LoopbackServer ddb(skewed_server(
        std::chrono::hours(3), 400,
        R"({"__type":"com.amazon.coral.service#InvalidSignatureException",)"
        R"("message":"Signature expired: 20250101T000000Z is now earlier than 20250101T025500Z"})",
        R"({"TableNames":["t1"]})"));
    auto c = make_client({{"AWS_ENDPOINT_URL", ddb.endpoint()}});
    auto r = c->client->call("dynamodb", "ListTables", {});
    ASSERT_TRUE(r) << r.error().code << " " << r.error().message;
    EXPECT_EQ(ddb.requests().size(), 2u);
}

TEST(ClockSkew, ABadSignatureWithoutSkewIsNotRetried) {
    LoopbackServer sts([](const LoopRequest&) {
        return LoopResponse{403,
                            {{"Date", http_date(std::chrono::system_clock::now())}},
                            "<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch"
                            "</Code><Message>The request signature we calculated does not match"
                            "</Message></Error></ErrorResponse>"};
    });
    auto c = make_client({{"AWS_ENDPOINT_URL", sts.endpoint()}});
    auto r = c->client->call("sts", "GetCallerIdentity", {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::invalid_credentials);
    EXPECT_EQ(sts.requests().size(), 1u);
}

TEST(ClockSkew, AServerThatKeepsRejectingIsAskedOnlyTwice) {
    LoopbackServer s3([](const LoopRequest&) {
        return LoopResponse{403,
                            {{"Date", http_date(std::chrono::system_clock::now() + 2h)}},
                            "<Error><Code>RequestTimeTooSkewed</Code><Message>m</Message></Error>"};
    });
    auto c = make_client({{"AWS_ENDPOINT_URL_S3", s3.endpoint()}});
    auto r = c->client->call("s3", "GetBucketEncryption", {{"Bucket", "bkt"}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "RequestTimeTooSkewed");
    ASSERT_EQ(s3.requests().size(), 2u);
    const auto corrected = parse_amz_date(s3.requests()[1].headers.at("x-amz-date"));
    EXPECT_GT(corrected, std::chrono::system_clock::now() + 1h);
    // The correction did not help, so it was taken back: the next call signs with local time.
    (void)c->client->call("s3", "GetBucketEncryption", {{"Bucket", "bkt"}});
    ASSERT_GE(s3.requests().size(), 3u);
    const auto next = parse_amz_date(s3.requests()[2].headers.at("x-amz-date"));
    EXPECT_LT(next, std::chrono::system_clock::now() + 5min);
}

// ---- 7. the IAM action of a credentials failure ----

TEST(CredentialsFailure, AssumeRoleDenialKeepsItsIamAction) {
    LoopbackServer sts([](const LoopRequest&) {
        return LoopResponse{403,
                            {},
                            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                            "<Message>not authorized to perform sts:AssumeRole</Message></Error>"
                            "<RequestId>r</RequestId></ErrorResponse>"};
    });
    const std::string dir = temp_dir("xport-profile");
    std::ofstream(dir + "/config") << "[profile audit]\n"
                                      "role_arn = arn:aws:iam::123456789012:role/audit\n"
                                      "source_profile = base\n";
    std::ofstream(dir + "/credentials") << "[base]\n"
                                           "aws_access_key_id = AKIDBASE\n"
                                           "aws_secret_access_key = secret\n";
    auto c = make_client({{"AWS_PROFILE", "audit"},
                          {"AWS_CONFIG_FILE", dir + "/config"},
                          {"AWS_SHARED_CREDENTIALS_FILE", dir + "/credentials"},
                          {"AWS_ENDPOINT_URL", sts.endpoint()}});
    c->env.erase("AWS_ACCESS_KEY_ID");
    c->env.erase("AWS_SECRET_ACCESS_KEY");
    auto r = c->client->call("s3", "GetBucketEncryption", {{"Bucket", "bkt"}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().iam_action, "sts:AssumeRole") << r.error().message;
    EXPECT_EQ(r.error().operation, "GetBucketEncryption");
    dspm::test::run_shell("rm -rf " + dir);
}

TEST(CredentialsFailure, NoCredentialsNamesTheCallsIamAction) {
    auto c = make_client({});
    c->env.erase("AWS_ACCESS_KEY_ID");
    c->env.erase("AWS_SECRET_ACCESS_KEY");
    auto r = c->client->call("s3", "GetBucketEncryption", {{"Bucket", "bkt"}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::no_credentials) << r.error().message;
    EXPECT_EQ(r.error().iam_action, "s3:GetEncryptionConfiguration");
}

}  // namespace
