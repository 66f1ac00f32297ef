#include "net/http_client.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "exec/loop.hpp"
#include "support/test_support.hpp"

namespace {
using namespace std::chrono_literals;
using dspm::net::HttpClient;
using dspm::net::HttpClientOptions;
using dspm::net::HttpRequest;
using dspm::net::TransportErrorKind;

struct ServerRequest {
    std::string method, target, version;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    int connection = 0;  // which accepted connection carried it (1-based)
};

struct ServerResponse {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool chunked = false;  // send the body chunked, without Content-Length
    bool respond = true;   // false: read the request and never answer
    bool close = false;    // close the connection after answering
};

// A tiny HTTP/1.1 server on 127.0.0.1: keep-alive, Content-Length bodies, one thread per
// connection. Enough to observe what the client puts on the wire and how it reuses sockets.
class TestServer {
  public:
    using Handler = std::function<ServerResponse(const ServerRequest&)>;

    explicit TestServer(Handler handler) : handler_(std::move(handler)) {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        const int one = 1;
        ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::listen(listen_fd_, 64) != 0)
            throw std::runtime_error("test server: bind/listen failed");
        socklen_t len = sizeof addr;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }

    ~TestServer() {
        stopping_ = true;
        ::shutdown(listen_fd_, SHUT_RDWR);
        acceptor_.join();
        ::close(listen_fd_);
        std::vector<std::thread> threads;
        {
            std::lock_guard lock(mutex_);
            for (const int fd : open_fds_)
                ::shutdown(fd, SHUT_RDWR);
            threads = std::move(threads_);
        }
        for (auto& t : threads)
            t.join();
    }

    unsigned short port() const { return port_; }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    int connections() const { return accepted_.load(); }
    std::vector<ServerRequest> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }

  private:
    void accept_loop() {
        while (!stopping_) {
            const int fd = ::accept(listen_fd_, nullptr, nullptr);
            if (fd < 0) {
                if (stopping_) return;
                continue;
            }
            const int id = ++accepted_;
            std::lock_guard lock(mutex_);
            open_fds_.push_back(fd);
            threads_.emplace_back([this, fd, id] { serve(fd, id); });
        }
    }

    static bool send_all(int fd, const std::string& data) {
        std::size_t sent = 0;
        while (sent < data.size()) {
            const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return false;
            sent += static_cast<std::size_t>(n);
        }
        return true;
    }

    void serve(int fd, int id) {
        std::string buffer;
        char chunk[16384];
        for (;;) {
            std::size_t end;
            while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
                const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
                if (n <= 0) return;
                buffer.append(chunk, static_cast<std::size_t>(n));
            }
            ServerRequest req;
            req.connection = id;
            const std::string head = buffer.substr(0, end);
            buffer.erase(0, end + 4);
            std::size_t line_end = head.find("\r\n");
            const std::string request_line = head.substr(0, line_end);
            const auto sp1 = request_line.find(' ');
            const auto sp2 = request_line.rfind(' ');
            req.method = request_line.substr(0, sp1);
            req.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
            req.version = request_line.substr(sp2 + 1);
            while (line_end != std::string::npos && line_end < head.size()) {
                const std::size_t next = head.find("\r\n", line_end + 2);
                const std::string line = head.substr(line_end + 2, next - line_end - 2);
                const auto colon = line.find(':');
                if (colon != std::string::npos) {
                    std::string name = line.substr(0, colon);
                    for (auto& c : name)
                        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                    req.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
                }
                line_end = next;
            }
            std::size_t length = 0;
            if (auto it = req.headers.find("content-length"); it != req.headers.end())
                length = std::stoul(it->second);
            while (buffer.size() < length) {
                const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
                if (n <= 0) return;
                buffer.append(chunk, static_cast<std::size_t>(n));
            }
            req.body = buffer.substr(0, length);
            buffer.erase(0, length);
            {
                std::lock_guard lock(mutex_);
                requests_.push_back(req);
            }
            const ServerResponse res = handler_(req);
            if (!res.respond) continue;  // silence; the client's timeout has to end it
            std::string out = "HTTP/1.1 " + std::to_string(res.status) + " Status\r\n";
            for (const auto& [k, v] : res.headers)
                out += k + ": " + v + "\r\n";
            if (res.close) out += "Connection: close\r\n";
            if (res.chunked) {
                out += "Transfer-Encoding: chunked\r\n\r\n";
                for (std::size_t i = 0; i < res.body.size(); i += 65536) {
                    const std::string piece = res.body.substr(i, 65536);
                    char size[32];
                    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
                    out += size + piece + "\r\n";
                }
                out += "0\r\n\r\n";
            } else {
                out += "Content-Length: " + std::to_string(res.body.size()) + "\r\n\r\n";
                if (req.method != "HEAD") out += res.body;
            }
            if (!send_all(fd, out) || res.close) return;
        }
    }

    Handler handler_;
    int listen_fd_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int> accepted_{0};
    std::thread acceptor_;
    mutable std::mutex mutex_;
    std::vector<int> open_fds_;
    std::vector<std::thread> threads_;
    std::vector<ServerRequest> requests_;
};

HttpRequest request(std::string url, std::string method = "GET", std::string body = {},
                    dspm::net::Headers headers = {}) {
    HttpRequest req;
    req.method = std::move(method);
    req.url = std::move(url);
    req.body = std::move(body);
    req.headers = std::move(headers);
    return req;
}

ServerResponse respond(int status, std::string body = {}) {
    ServerResponse res;
    res.status = status;
    res.body = std::move(body);
    return res;
}

ServerResponse silence(const ServerRequest&) {
    ServerResponse res;
    res.respond = false;
    return res;
}

ServerResponse echo(const ServerRequest& req) {
    ServerResponse res;
    res.status = req.target.rfind("/created", 0) == 0 ? 201 : 200;
    res.headers = {{"X-Method", req.method}, {"X-Body-Length", std::to_string(req.body.size())}};
    const auto test = req.headers.find("x-test");
    res.body = req.method + " " + req.target + " " +
               (test == req.headers.end() ? std::string("-") : test->second) + " " + req.body;
    return res;
}

// Sets (or unsets, with nullopt) environment variables for one test and restores them after.
class ScopedEnv {
  public:
    explicit ScopedEnv(std::map<std::string, std::optional<std::string>> vars) {
        for (const auto& [k, v] : vars) {
            const char* old = std::getenv(k.c_str());
            saved_[k] = old ? std::optional<std::string>(old) : std::nullopt;
            if (v)
                ::setenv(k.c_str(), v->c_str(), 1);
            else
                ::unsetenv(k.c_str());
        }
    }
    ~ScopedEnv() {
        for (const auto& [k, v] : saved_) {
            if (v)
                ::setenv(k.c_str(), v->c_str(), 1);
            else
                ::unsetenv(k.c_str());
        }
    }

  private:
    std::map<std::string, std::optional<std::string>> saved_;
};

// Proxy variables that the machine running the tests may have set would change the routes.
std::map<std::string, std::optional<std::string>> no_proxy_env() {
    std::map<std::string, std::optional<std::string>> vars;
    for (const char* name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                             "ALL_PROXY", "no_proxy", "NO_PROXY"})
        vars[name] = std::nullopt;
    return vars;
}

TEST(HttpClient, PostRoundTripWithHeadersAndBody) {
    ScopedEnv env(no_proxy_env());
    TestServer server(echo);
    HttpClient client;
    HttpRequest req;
    req.method = "POST";
    req.url = server.url("/created?x=1");
    req.headers = {{"X-Test", "abc"}, {"Content-Type", "application/json"}};
    req.body = R"({"k":"v"})";
    const auto res = client.send(req);
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->status, 201);
    EXPECT_EQ(res->body, R"(POST /created?x=1 abc {"k":"v"})");
    EXPECT_EQ(res->header("x-method"), "POST");  // case-insensitive lookup
    EXPECT_EQ(res->header("Content-Length"), std::to_string(res->body.size()));
    const auto seen = server.requests();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].version, "HTTP/1.1");
    EXPECT_EQ(seen[0].headers.at("content-type"), "application/json");
}

TEST(HttpClient, EveryMethodCarriesItsBody) {
    ScopedEnv env(no_proxy_env());
    TestServer server(echo);
    HttpClient client;
    for (const std::string method : {"GET", "POST", "PUT", "DELETE", "PATCH"}) {
        HttpRequest req;
        req.method = method;
        req.url = server.url("/m");
        req.body = method == "GET" ? "" : "payload-" + method;
        const auto res = client.send(req);
        ASSERT_TRUE(res) << method << ": " << res.error().message;
        EXPECT_EQ(res->body, method + " /m - " + req.body) << method;
    }
    HttpRequest head;
    head.method = "HEAD";
    head.url = server.url("/h");
    const auto res = client.send(head);
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->status, 200);
    EXPECT_TRUE(res->body.empty());
    EXPECT_EQ(res->header("X-Method"), "HEAD");
    EXPECT_EQ(server.connections(), 1);  // HEAD did not spoil the kept-alive connection
}

TEST(HttpClient, LargeBodyIsSentWithoutExpectContinueDelay) {
    ScopedEnv env(no_proxy_env());
    TestServer server(echo);
    HttpClient client;
    HttpRequest req;
    req.method = "PUT";
    req.url = server.url("/big");
    req.body.assign(512 * 1024, 'x');
    const auto start = std::chrono::steady_clock::now();
    const auto res = client.send(req);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->header("X-Body-Length"), std::to_string(req.body.size()));
    EXPECT_LT(elapsed, 900ms);  // libcurl's Expect wait is a full second
    const auto seen = server.requests();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].headers.count("expect"), 0u);
}

TEST(HttpClient, SequentialRequestsReuseOneConnection) {
    ScopedEnv env(no_proxy_env());
    TestServer server(echo);
    HttpClient client;
    for (int i = 0; i < 5; ++i) {
        const auto res = client.send(request(server.url("/r" + std::to_string(i))));
        ASSERT_TRUE(res) << res.error().message;
        EXPECT_EQ(res->status, 200);
    }
    EXPECT_EQ(server.connections(), 1);
    for (const auto& r : server.requests())
        EXPECT_EQ(r.connection, 1);
}

TEST(HttpClient, ServerClosingTheConnectionIsHandled) {
    ScopedEnv env(no_proxy_env());
    TestServer server([](const ServerRequest& req) {
        ServerResponse res = echo(req);
        res.close = true;
        return res;
    });
    HttpClient client;
    for (int i = 0; i < 3; ++i) {
        const auto res = client.send(request(server.url("/c")));
        ASSERT_TRUE(res) << res.error().message;
    }
    EXPECT_EQ(server.connections(), 3);
}

TEST(HttpClient, RedirectsAreNotFollowed) {
    ScopedEnv env(no_proxy_env());
    TestServer server([](const ServerRequest& req) {
        if (req.target != "/from") return echo(req);
        ServerResponse res = respond(302, "moved");
        res.headers = {{"Location", "/to"}};
        return res;
    });
    HttpClient client;
    const auto res = client.send(request(server.url("/from")));
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->status, 302);
    EXPECT_EQ(res->header("location"), "/to");
    EXPECT_EQ(server.requests().size(), 1u);
}

TEST(HttpClient, ConcurrentUseFromEightThreads) {
    ScopedEnv env(no_proxy_env());
    TestServer server(echo);
    HttpClient client;
    constexpr int threads = 8, per_thread = 25;
    std::atomic<int> ok{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                const std::string body = std::to_string(t) + ":" + std::to_string(i);
                const HttpRequest req = request(server.url("/t"), "POST", body);
                const auto res = client.send(req);
                if (res && res->status == 200 && res->body == "POST /t - " + body) ++ok;
            }
        });
    }
    for (auto& w : workers)
        w.join();
    EXPECT_EQ(ok.load(), threads * per_thread);
    // Handles return to the pool with their connections: at most one socket per thread.
    EXPECT_LE(server.connections(), threads);
}

// The event loop's point: one thread's tasks keep many requests open at once. The server
// counts how many it holds at the same moment; each is held until 64 have arrived, so the test
// passes only if all 64 are in flight together (a client that sent one at a time per thread, or
// fewer, would see every request time out instead).
TEST(HttpClient, SixtyFourRequestsInFlightFromTheTasksOfOneThread) {
    ScopedEnv env(no_proxy_env());
    constexpr int n = 64;
    std::mutex mutex;
    std::condition_variable all_in;
    int inside = 0, peak = 0;
    TestServer server([&](const ServerRequest& req) {
        std::unique_lock lock(mutex);
        peak = std::max(peak, ++inside);
        all_in.notify_all();
        const bool met = all_in.wait_for(lock, 5s, [&] { return peak >= n; });
        --inside;
        ServerResponse res = echo(req);
        if (!met) res.status = 504;
        return res;
    });
    HttpClient client;
    const auto caller = std::this_thread::get_id();
    int ok = 0;
    bool one_thread = true;
    dspm::exec::for_each(n, n, [&](std::size_t i) {
        const auto res = client.send(request(server.url("/t"), "POST", std::to_string(i)));
        one_thread = one_thread && std::this_thread::get_id() == caller;
        if (res && res->status == 200 && res->body == "POST /t - " + std::to_string(i)) ++ok;
    });
    EXPECT_EQ(ok, n);
    EXPECT_EQ(peak, n);
    EXPECT_TRUE(one_thread);
    EXPECT_EQ(server.connections(), n);  // one connection per request in flight
    // Afterwards the connections are reused, not opened again.
    dspm::exec::for_each(n, n, [&](std::size_t i) {
        (void)client.send(request(server.url("/again"), "POST", std::to_string(i)));
    });
    EXPECT_EQ(server.connections(), n);
}

TEST(HttpClient, TotalTimeoutAgainstASilentServer) {
    ScopedEnv env(no_proxy_env());
    TestServer server(silence);
    HttpClientOptions options;
    options.total_timeout = 5000ms;
    HttpClient client(options);
    HttpRequest req = request(server.url("/silent"));
    req.total_timeout = 300ms;  // the per-request value wins over the client's 5 s
    const auto start = std::chrono::steady_clock::now();
    const auto res = client.send(req);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, TransportErrorKind::timeout) << res.error().message;
    EXPECT_GE(elapsed, 250ms);
    EXPECT_LT(elapsed, 2000ms);
}

TEST(HttpClient, ConnectErrorOnAClosedPort) {
    ScopedEnv env(no_proxy_env());
    HttpClient client;
    const auto port = dspm::test::free_port();
    const auto res =
        client.send(request("http://127.0.0.1:" + std::to_string(port) + "/x?secret=1"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, TransportErrorKind::connect) << res.error().message;
    EXPECT_EQ(res.error().message.find("secret"), std::string::npos) << res.error().message;
}

TEST(HttpClient, ResponseSizeCap) {
    ScopedEnv env(no_proxy_env());
    const std::string big(300 * 1024, 'b');
    TestServer server([&](const ServerRequest& req) {
        ServerResponse res = respond(200, big);
        res.chunked = req.target == "/chunked";  // no Content-Length: the cap must count bytes
        return res;
    });
    HttpClientOptions small;
    small.max_response_bytes = 100 * 1024;
    HttpClient client(small);
    for (const std::string path : {"/sized", "/chunked"}) {
        const auto res = client.send(request(server.url(path)));
        ASSERT_FALSE(res) << path;
        EXPECT_EQ(res.error().kind, TransportErrorKind::too_large)
            << path << ": " << res.error().message;
    }
    HttpClientOptions exact;
    exact.max_response_bytes = big.size();
    HttpClient roomy(exact);
    const auto res = roomy.send(request(server.url("/chunked")));
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->body.size(), big.size());
}

TEST(HttpClient, ErrorsNeverContainRequestHeaders) {
    ScopedEnv env(no_proxy_env());
    TestServer server(silence);
    HttpClient client;
    HttpRequest req = request(server.url("/"), "GET", "", {{"Authorization", "Bearer topsecret"}});
    req.total_timeout = 100ms;
    const auto res = client.send(req);
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().message.find("topsecret"), std::string::npos) << res.error().message;
}

TEST(HttpClient, InvalidRequestsAreRefusedBeforeSending) {
    ScopedEnv env(no_proxy_env());
    TestServer server(echo);
    HttpClient client;
    auto res = client.send(request(server.url("/"), "GET", "", {{"X-Evil", "a\r\nInjected: 1"}}));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, TransportErrorKind::invalid_request);
    res = client.send(request(server.url("/"), "GET /x"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, TransportErrorKind::invalid_request);
    res = client.send(request("file:///etc/passwd"));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, TransportErrorKind::invalid_request) << res.error().message;
    EXPECT_EQ(server.connections(), 0);
}

// TLS verification is on: a self-signed server is refused, and accepted only when verification
// is switched off (which shows the refusal came from verification, not from a broken server).
TEST(HttpClient, TlsVerificationRejectsASelfSignedServer) {
    if (dspm::test::run_shell("command -v openssl >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "openssl command not installed";
    ScopedEnv env(no_proxy_env());
    const std::string dir = ::testing::TempDir() + "dspm-tls-" + std::to_string(::getpid());
    ASSERT_EQ(dspm::test::run_shell("mkdir -p " + dir + " && cd " + dir +
                                    " && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem"
                                    " -out cert.pem -days 1 -subj /CN=127.0.0.1 >/dev/null 2>&1"),
              0);
    const auto port = dspm::test::free_port();
    dspm::test::Process server({"openssl", "s_server", "-accept",
                                "127.0.0.1:" + std::to_string(port), "-cert", dir + "/cert.pem",
                                "-key", dir + "/key.pem", "-www", "-quiet"});
    ASSERT_TRUE(dspm::test::wait_for_port(port, 10s));
    const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/";
    HttpClient client;
    const auto res = client.send(request(url));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, TransportErrorKind::tls) << res.error().message;
    HttpClientOptions insecure;
    insecure.verify_tls = false;
    HttpClient trusting(insecure);
    const auto ok = trusting.send(request(url));
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->status, 200);
    dspm::test::run_shell("rm -rf " + dir);
}

TEST(HttpClient, PathAsIsKeepsDotSegments) {
    ScopedEnv env(no_proxy_env());
    TestServer server(echo);
    HttpClient client;
    HttpRequest req = request(server.url("/bkt/a/../b/./c?x=1"));
    req.path_as_is = true;
    auto res = client.send(req);
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(server.requests().back().target, "/bkt/a/../b/./c?x=1");
    // Without it libcurl resolves the segments (the default, for callers that want URL semantics).
    res = client.send(request(server.url("/bkt/a/../b/./c")));
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(server.requests().back().target, "/bkt/b/c");
}

TEST(HttpClient, CurlCodesAreClassifiedByWhatRetryingCanChange) {
    using K = TransportErrorKind;
    const std::pair<CURLcode, K> expected[] = {
        {CURLE_COULDNT_CONNECT, K::connect},
        {CURLE_COULDNT_RESOLVE_HOST, K::connect},
        {CURLE_COULDNT_RESOLVE_PROXY, K::connect},
        {CURLE_OPERATION_TIMEDOUT, K::timeout},
        {CURLE_FILESIZE_EXCEEDED, K::too_large},
        {CURLE_SSL_CONNECT_ERROR, K::tls},
        {CURLE_PEER_FAILED_VERIFICATION, K::tls},
        {CURLE_SSL_CIPHER, K::tls},
        {CURLE_SSL_SHUTDOWN_FAILED, K::tls},
        {CURLE_SSL_ISSUER_ERROR, K::tls},
        {CURLE_SSL_PINNEDPUBKEYNOTMATCH, K::tls},
        {CURLE_SSL_INVALIDCERTSTATUS, K::tls},
        {CURLE_USE_SSL_FAILED, K::tls},
        {CURLE_SSL_CACERT_BADFILE, K::invalid_request},
        {CURLE_SSL_CERTPROBLEM, K::invalid_request},
        {CURLE_SSL_CRL_BADFILE, K::invalid_request},
        {CURLE_SSL_ENGINE_NOTFOUND, K::invalid_request},
        {CURLE_URL_MALFORMAT, K::invalid_request},
        {CURLE_UNSUPPORTED_PROTOCOL, K::invalid_request},
        {CURLE_RECV_ERROR, K::other},
        {CURLE_SEND_ERROR, K::other},
        {CURLE_GOT_NOTHING, K::other},
        {CURLE_PARTIAL_FILE, K::other},
        {CURLE_WEIRD_SERVER_REPLY, K::other},
        {CURLE_HTTP2, K::other},
        {CURLE_HTTP2_STREAM, K::other},
    };
    for (const auto& [code, kind] : expected)
        EXPECT_EQ(dspm::net::classify_curl_code(code), kind) << curl_easy_strerror(code);
}

TEST(HttpClient, UnreadableCaFileFailsHttpsBeforeConnecting) {
    ScopedEnv env(no_proxy_env());
    TestServer server(echo);
    HttpClient client;
    HttpRequest req = request("https://127.0.0.1:" + std::to_string(server.port()) + "/");
    req.ca_file = "/nonexistent/dspm/ca.pem";
    auto res = client.send(req);
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, TransportErrorKind::invalid_request);
    EXPECT_NE(res.error().message.find("/nonexistent/dspm/ca.pem"), std::string::npos)
        << res.error().message;
    EXPECT_NE(res.error().message.find("No such file"), std::string::npos) << res.error().message;
    req.ca_file = "/";  // a directory
    res = client.send(req);
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, TransportErrorKind::invalid_request) << res.error().message;
    EXPECT_EQ(server.connections(), 0);
    // Plain http has nothing to verify.
    HttpRequest plain = request(server.url("/plain"));
    plain.ca_file = "/nonexistent/dspm/ca.pem";
    const auto ok = client.send(plain);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->status, 200);
}

TEST(HttpClient, CaFileIsTrustedForHttps) {
    if (dspm::test::run_shell("command -v openssl >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "openssl command not installed";
    ScopedEnv env(no_proxy_env());
    const std::string dir = ::testing::TempDir() + "dspm-ca-" + std::to_string(::getpid());
    ASSERT_EQ(dspm::test::run_shell("mkdir -p " + dir + " && cd " + dir +
                                    " && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem"
                                    " -out cert.pem -days 1 -subj /CN=127.0.0.1"
                                    " -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1"),
              0);
    const auto port = dspm::test::free_port();
    dspm::test::Process server({"openssl", "s_server", "-accept",
                                "127.0.0.1:" + std::to_string(port), "-cert", dir + "/cert.pem",
                                "-key", dir + "/key.pem", "-www", "-quiet"});
    ASSERT_TRUE(dspm::test::wait_for_port(port, 10s));
    HttpClient client;
    HttpRequest req = request("https://127.0.0.1:" + std::to_string(port) + "/");
    const auto refused = client.send(req);  // the system's store does not know the certificate
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, TransportErrorKind::tls) << refused.error().message;
    req.ca_file = dir + "/cert.pem";
    const auto ok = client.send(req);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->status, 200);
    dspm::test::run_shell("rm -rf " + dir);
}

// A stand-in proxy: answers plain requests itself and refuses CONNECT tunnels.
ServerResponse proxy_handler(const ServerRequest& req) {
    if (req.method == "CONNECT") {
        ServerResponse res = respond(403);
        res.close = true;
        return res;
    }
    return respond(200, "via proxy " + req.target);
}

TEST(HttpClient, UpperCaseHttpProxyIsHonoured) {
    TestServer proxy(proxy_handler);
    auto vars = no_proxy_env();
    vars["HTTP_PROXY"] = "http://127.0.0.1:" + std::to_string(proxy.port());
    ScopedEnv env(vars);
    HttpClient client;
    const auto res = client.send(request("http://upstream.invalid/path"));
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->body, "via proxy http://upstream.invalid/path");
}

TEST(HttpClient, UpperCaseHttpsProxyTunnelsThroughConnect) {
    TestServer proxy(proxy_handler);
    auto vars = no_proxy_env();
    vars["HTTPS_PROXY"] = "http://127.0.0.1:" + std::to_string(proxy.port());
    ScopedEnv env(vars);
    HttpClient client;
    const auto res = client.send(request("https://upstream.invalid/"));
    ASSERT_FALSE(res);  // the stand-in refuses the tunnel
    const auto seen = proxy.requests();
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].method, "CONNECT");
    EXPECT_EQ(seen[0].target, "upstream.invalid:443");
}

TEST(HttpClient, NoProxyBypassesTheProxy) {
    TestServer proxy(proxy_handler);
    TestServer direct(echo);
    auto vars = no_proxy_env();
    vars["HTTP_PROXY"] = "http://127.0.0.1:" + std::to_string(proxy.port());
    vars["NO_PROXY"] = "localhost,127.0.0.1";
    ScopedEnv env(vars);
    HttpClient client;
    const auto res = client.send(request(direct.url("/d")));
    ASSERT_TRUE(res) << res.error().message;
    EXPECT_EQ(res->body, "GET /d - ");
    EXPECT_EQ(proxy.connections(), 0);
    EXPECT_EQ(direct.connections(), 1);
}

}  // namespace
