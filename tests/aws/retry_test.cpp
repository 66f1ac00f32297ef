// Retries, timeouts and the retry quota against a local fault-injecting HTTP server.
#include "aws/retry.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "aws/client_options.hpp"
#include "net/http_client.hpp"
#include "support/test_support.hpp"

using namespace dspm::aws;
using namespace std::chrono_literals;

namespace {

struct Action {
    enum Kind { respond, reset, slow } kind = respond;
    int status = 200;
    std::string body;
    std::chrono::milliseconds delay{0};
};

const char* sts_ok =
    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
    "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn>"
    "<UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
    "<ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>";

std::string sts_error(const std::string& code) {
    return "<ErrorResponse><Error><Type>Sender</Type><Code>" + code +
           "</Code><Message>m</Message>"
           "</Error><RequestId>r2</RequestId></ErrorResponse>";
}

// Answers each request with the next scripted action; after the script, the last action repeats.
class FaultServer {
  public:
    explicit FaultServer(std::vector<Action> script) : script_(script.begin(), script.end()) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        ::listen(fd_, 16);
        thread_ = std::thread([this] { loop(); });
    }
    ~FaultServer() {
        stop_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        thread_.join();
    }
    std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int requests() const { return requests_; }

  private:
    void loop() {
        while (!stop_) {
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) return;
            std::string req;
            char buf[4096];
            // Read headers, then Content-Length bytes of body.
            while (req.find("\r\n\r\n") == std::string::npos) {
                const auto n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0) break;
                req.append(buf, static_cast<std::size_t>(n));
            }
            const auto hdr_end = req.find("\r\n\r\n");
            std::size_t want = 0;
            std::string lower = req.substr(0, hdr_end);
            for (auto& ch : lower)
                ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (auto p = lower.find("content-length:"); p != std::string::npos)
                want = std::stoul(lower.substr(p + 15));
            while (hdr_end != std::string::npos && req.size() - hdr_end - 4 < want) {
                const auto n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0) break;
                req.append(buf, static_cast<std::size_t>(n));
            }
            ++requests_;
            Action a;
            {
                std::lock_guard lock(mutex_);
                a = script_.front();
                if (script_.size() > 1) script_.pop_front();
            }
            if (a.kind == Action::reset) {
                linger lg{1, 0};  // RST instead of FIN
                ::setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
                ::close(c);
                continue;
            }
            if (a.kind == Action::slow) std::this_thread::sleep_for(a.delay);
            const std::string resp =
                "HTTP/1.1 " + std::to_string(a.status) +
                " X\r\nContent-Type: text/xml\r\nContent-Length: " + std::to_string(a.body.size()) +
                "\r\nConnection: close\r\n\r\n" + a.body;
            ::send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
            ::close(c);
        }
    }

    int fd_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> requests_{0};
    std::mutex mutex_;
    std::deque<Action> script_;
    std::thread thread_;
};

struct Fixture {
    std::map<std::string, std::string> env;
    std::shared_ptr<AwsClient> client;
    std::vector<std::chrono::milliseconds> sleeps;
};

std::unique_ptr<Fixture> make_client(const FaultServer& server, int max_attempts = 3,
                                     std::chrono::milliseconds attempt_timeout = 2000ms,
                                     int quota_capacity = 500) {
    auto f = std::make_unique<Fixture>();
    f->env = {
        {"AWS_ACCESS_KEY_ID", "AKID"},           {"AWS_SECRET_ACCESS_KEY", "secret"},
        {"AWS_ENDPOINT_URL", server.endpoint()}, {"AWS_EC2_METADATA_DISABLED", "true"},
        {"AWS_CONFIG_FILE", "/dev/null"},        {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}};
    auto* fx = f.get();
    ClientTuning t;
    t.env = [fx](const char* n) -> const char* {
        auto it = fx->env.find(n);
        return it == fx->env.end() ? nullptr : it->second.c_str();
    };
    RetryConfig r;
    r.max_attempts = max_attempts;
    r.base_delay = 2ms;
    r.sleeper = [fx](std::chrono::milliseconds d) { fx->sleeps.push_back(d); };
    r.quota_capacity = quota_capacity;
    t.retry = r;
    AwsClientConfig cfg;
    cfg.attempt_timeout = attempt_timeout;
    f->client = make_aws_client(cfg, std::make_shared<dspm::net::HttpClient>(), t);
    return f;
}

}  // namespace

TEST(RetryRules, Classification) {
    EXPECT_EQ(classify_attempt(400, "Throttling", nullptr), RetryClass::throttling);
    EXPECT_EQ(classify_attempt(400, "SlowDown", nullptr), RetryClass::throttling);
    EXPECT_EQ(classify_attempt(429, "", nullptr), RetryClass::throttling);
    EXPECT_EQ(classify_attempt(503, "", nullptr), RetryClass::transient);
    EXPECT_EQ(classify_attempt(400, "RequestTimeout", nullptr), RetryClass::transient);
    EXPECT_EQ(classify_attempt(403, "AccessDenied", nullptr), RetryClass::none);
    EXPECT_EQ(classify_attempt(404, "NoSuchBucket", nullptr), RetryClass::none);
    dspm::net::TransportError t{dspm::net::TransportErrorKind::timeout, "t"};
    EXPECT_EQ(classify_attempt(0, "", &t), RetryClass::timeout);
    t.kind = dspm::net::TransportErrorKind::connect;
    EXPECT_EQ(classify_attempt(0, "", &t), RetryClass::connection);
}

// botocore's standard mode retries every ConnectionError and HTTPClientError: refused, DNS,
// reset, closed early, TLS handshake (SSLError), connect and read timeouts. Not retried: what is
// the same on every attempt (a request that cannot be made as configured, the size cap).
TEST(RetryRules, TransportKindsAreRetriedAsBotocoreDoes) {
    using dspm::net::TransportError;
    using K = dspm::net::TransportErrorKind;
    const std::pair<K, RetryClass> expected[] = {
        {K::connect, RetryClass::connection}, {K::timeout, RetryClass::timeout},
        {K::tls, RetryClass::connection},     {K::other, RetryClass::connection},
        {K::too_large, RetryClass::none},     {K::invalid_request, RetryClass::none},
    };
    for (const auto& [kind, cls] : expected) {
        const TransportError t{kind, "x"};
        EXPECT_EQ(classify_attempt(0, "", &t), cls) << dspm::net::to_string(kind);
    }
}

TEST(RetryRules, CurlErrorsEndInTheRightRetryClass) {
    const std::pair<CURLcode, RetryClass> expected[] = {
        {CURLE_COULDNT_CONNECT, RetryClass::connection},
        {CURLE_COULDNT_RESOLVE_HOST, RetryClass::connection},
        {CURLE_COULDNT_RESOLVE_PROXY, RetryClass::connection},
        {CURLE_OPERATION_TIMEDOUT, RetryClass::timeout},
        {CURLE_SSL_CONNECT_ERROR, RetryClass::connection},  // garbage or a reset in the handshake
        {CURLE_PEER_FAILED_VERIFICATION, RetryClass::connection},
        {CURLE_SSL_CIPHER, RetryClass::connection},
        {CURLE_SSL_SHUTDOWN_FAILED, RetryClass::connection},
        {CURLE_SSL_INVALIDCERTSTATUS, RetryClass::connection},
        {CURLE_RECV_ERROR, RetryClass::connection},  // connection reset
        {CURLE_SEND_ERROR, RetryClass::connection},
        {CURLE_GOT_NOTHING, RetryClass::connection},
        {CURLE_PARTIAL_FILE, RetryClass::connection},
        {CURLE_WEIRD_SERVER_REPLY, RetryClass::connection},
        {CURLE_HTTP2, RetryClass::connection},
        {CURLE_HTTP2_STREAM, RetryClass::connection},
        {CURLE_SSL_CACERT_BADFILE, RetryClass::none},
        {CURLE_SSL_CERTPROBLEM, RetryClass::none},
        {CURLE_SSL_CRL_BADFILE, RetryClass::none},
        {CURLE_URL_MALFORMAT, RetryClass::none},
        {CURLE_UNSUPPORTED_PROTOCOL, RetryClass::none},
        {CURLE_FILESIZE_EXCEEDED, RetryClass::none},
    };
    for (const auto& [code, cls] : expected) {
        const dspm::net::TransportError t{dspm::net::classify_curl_code(code), "x"};
        EXPECT_EQ(classify_attempt(0, "", &t), cls) << curl_easy_strerror(code);
    }
}

TEST(RetryRules, QuotaIsPerServiceAndRegion) {
    RetryConfig c;
    c.max_attempts = 1000;
    RetryPolicy p(c);
    int granted = 0;
    while (p.next_delay(1, RetryClass::transient, nullptr, "sts/us-east-1"))
        ++granted;
    EXPECT_EQ(granted, 100);  // 500 tokens / 5 per retry
    EXPECT_EQ(p.quota("sts/us-east-1").available(), 0);
    // Another region of the service, another service in the region: full quotas of their own.
    EXPECT_TRUE(p.next_delay(1, RetryClass::transient, nullptr, "sts/eu-west-1"));
    EXPECT_TRUE(p.next_delay(1, RetryClass::timeout, nullptr, "s3/us-east-1"));
    EXPECT_EQ(p.quota("sts/eu-west-1").available(), 495);
    EXPECT_EQ(p.quota("s3/us-east-1").available(), 490);
    // A refund goes to the quota that paid.
    p.on_success(5, "sts/us-east-1");
    EXPECT_EQ(p.quota("sts/us-east-1").available(), 5);
    EXPECT_EQ(p.quota("sts/eu-west-1").available(), 495);
}

TEST(RetryRules, BackoffIsFullJitterUnderTheCap) {
    RetryConfig c;
    c.max_attempts = 10;
    c.base_delay = 100ms;
    c.max_backoff = 300ms;
    RetryPolicy p(c);
    for (int attempt = 1; attempt < 10; ++attempt) {
        int cost = 0;
        auto d = p.next_delay(attempt, RetryClass::throttling, &cost);
        ASSERT_TRUE(d);
        EXPECT_EQ(cost, 5);
        EXPECT_LE(d->count(), std::min(300, 100 << (attempt - 1)));
        EXPECT_GE(d->count(), 0);
    }
    EXPECT_FALSE(p.next_delay(10, RetryClass::throttling, nullptr));
    EXPECT_FALSE(p.next_delay(1, RetryClass::none, nullptr));
}

TEST(RetryRules, QuotaStopsRetriesAndRefundsOnSuccess) {
    RetryConfig c;
    c.max_attempts = 1000;
    RetryPolicy p(c);
    int granted = 0;
    for (int i = 0; i < 200; ++i)
        if (p.next_delay(1, RetryClass::timeout, nullptr)) ++granted;
    EXPECT_EQ(granted, 50);  // 500 tokens / 10 per timeout retry
    EXPECT_FALSE(p.next_delay(1, RetryClass::transient, nullptr));
    p.on_success(10);
    EXPECT_EQ(p.quota().available(), 10);
    EXPECT_TRUE(p.next_delay(1, RetryClass::transient, nullptr));
    p.on_success(0);  // success without retry earns one token
    EXPECT_EQ(p.quota().available(), 6);
}

TEST(RetryRules, RateLimiterSpacesRequests) {
    RateLimiter limiter(10);  // 10/s, burst 10
    std::chrono::milliseconds slept{0};
    auto sleeper = [&](std::chrono::milliseconds d) { slept += d; };
    for (int i = 0; i < 10; ++i)
        limiter.acquire("s3", sleeper);
    EXPECT_EQ(slept.count(), 0);
    limiter.acquire("s3", sleeper);
    EXPECT_GE(slept.count(), 50);  // the 11th waits ~100 ms
    limiter.acquire("iam", sleeper);
    EXPECT_LE(slept.count(), 150);  // other services have their own bucket
}

TEST(RetryRules, AdaptiveLimiterLearnsFromThrottlingAndRecovers) {
    RateLimiter limiter(0, /*adaptive=*/true);
    std::chrono::milliseconds slept{0};
    auto sleeper = [&](std::chrono::milliseconds d) { slept += d; };
    // Unlimited until told otherwise.
    for (int i = 0; i < 40; ++i)
        limiter.acquire("s3:GetBucketEncryption/us-east-1", sleeper);
    EXPECT_EQ(slept.count(), 0);
    EXPECT_EQ(limiter.rate("s3:GetBucketEncryption/us-east-1"), 0.0);
    // A throttled answer: 60 % of the 40 sent in the last second.
    limiter.on_throttled("s3:GetBucketEncryption/us-east-1");
    EXPECT_NEAR(limiter.rate("s3:GetBucketEncryption/us-east-1"), 24.0, 0.01);
    // More throttled answers from requests already in flight do not cut it again within a second.
    limiter.on_throttled("s3:GetBucketEncryption/us-east-1");
    EXPECT_NEAR(limiter.rate("s3:GetBucketEncryption/us-east-1"), 24.0, 0.01);
    // The learned rate now spaces requests; other operations are unaffected.
    limiter.acquire("s3:GetBucketEncryption/us-east-1", sleeper);
    EXPECT_GT(slept.count(), 0);
    EXPECT_EQ(limiter.rate("s3:GetBucketLocation/us-east-1"), 0.0);
    // Successes raise it again.
    for (int i = 0; i < 48; ++i)
        limiter.on_success("s3:GetBucketEncryption/us-east-1");
    EXPECT_GT(limiter.rate("s3:GetBucketEncryption/us-east-1"), 24.9);
    // Not adaptive: throttled answers change nothing.
    RateLimiter fixed(0);
    fixed.on_throttled("k");
    EXPECT_EQ(fixed.rate("k"), 0.0);
}

TEST(RetryServer, ThrottlingThenSuccess) {
    FaultServer server(
        {{Action::respond, 400, sts_error("Throttling"), {}}, {Action::respond, 200, sts_ok, {}}});
    auto f = make_client(server);
    auto r = f->client->call("sts", "GetCallerIdentity", {});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->as_object().at("Account").as_string(), "123456789012");
    EXPECT_EQ(server.requests(), 2);
    EXPECT_EQ(f->client->stats().attempts, 2u);
    EXPECT_EQ(f->client->stats().retries, 1u);
    EXPECT_EQ(f->sleeps.size(), 1u);
}

TEST(RetryServer, ServiceUnavailableThenSuccess) {
    FaultServer server({{Action::respond, 503, "", {}}, {Action::respond, 200, sts_ok, {}}});
    auto f = make_client(server);
    auto r = f->client->call("sts", "GetCallerIdentity", {});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(server.requests(), 2);
}

TEST(RetryServer, ConnectionResetThenSuccess) {
    FaultServer server({{Action::reset, 0, "", {}}, {Action::respond, 200, sts_ok, {}}});
    auto f = make_client(server);
    auto r = f->client->call("sts", "GetCallerIdentity", {});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(server.requests(), 2);
}

TEST(RetryServer, PersistentThrottlingIsClassifiedAfterMaxAttempts) {
    FaultServer server({{Action::respond, 400, sts_error("Throttling"), {}}});
    auto f = make_client(server, 4);
    auto r = f->client->call("sts", "GetCallerIdentity", {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::throttled);
    EXPECT_EQ(r.error().attempts, 4);
    EXPECT_EQ(r.error().iam_action, "sts:GetCallerIdentity");
    EXPECT_EQ(server.requests(), 4);
}

TEST(RetryServer, SlowAnswerTimesOut) {
    FaultServer server({{Action::slow, 200, sts_ok, 700ms}});
    auto f = make_client(server, 2, 150ms);
    const auto t0 = std::chrono::steady_clock::now();
    auto r = f->client->call("sts", "GetCallerIdentity", {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::timeout);
    EXPECT_EQ(r.error().attempts, 2);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 650ms);
}

TEST(RetryServer, AccessDeniedIsNotRetried) {
    FaultServer server({{Action::respond, 403, sts_error("AccessDenied"), {}}});
    auto f = make_client(server);
    auto r = f->client->call("sts", "GetCallerIdentity", {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::permission_denied);
    EXPECT_EQ(r.error().attempts, 1);
    EXPECT_EQ(server.requests(), 1);
}

// An exhausted quota of one service in one region leaves the others' retries alone.
TEST(RetryServer, QuotaOfOneServiceAndRegionDoesNotStopOthers) {
    FaultServer server({{Action::respond, 503, "", {}}});
    // 10 tokens: two retries (5 each) empty a quota.
    auto f = make_client(server, 3, 2000ms, 10);
    auto r = f->client->call("sts", "GetCallerIdentity", {}, {"us-east-1"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().attempts, 3);
    r = f->client->call("sts", "GetCallerIdentity", {}, {"us-east-1"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().attempts, 1);  // that quota is empty
    r = f->client->call("sts", "GetCallerIdentity", {}, {"eu-west-1"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().attempts, 3);  // another region: its own quota
    r = f->client->call("dynamodb", "ListTables", {}, {"us-east-1"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().attempts, 3);  // another service: its own quota
    EXPECT_EQ(server.requests(), 3 + 1 + 3 + 3);
}
