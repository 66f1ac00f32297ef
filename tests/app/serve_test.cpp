// `dspm-audit serve` as a user runs it: the real binary on a free port, configured from the
// environment, answering over plain sockets, and shutting down cleanly on SIGTERM.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "support/test_support.hpp"

namespace {

using namespace std::chrono_literals;
using dspm::test::Process;

int connect_to(unsigned short port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

using Reply = dspm::test::RawReply;
using dspm::test::send_raw;

Reply request(unsigned short port, const std::string& method, const std::string& path,
              const std::string& extra_headers = {}) {
    return send_raw(port, method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers +
                              "Content-Length: 0\r\nConnection: close\r\n\r\n");
}

// A fresh empty directory to run in, so no stray .env file is read.
std::string empty_dir(const std::string& tag) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("dspm-serve-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
}

class ServeTest : public ::testing::Test {
  protected:
    void launch(std::map<std::string, std::string> env = {}) {
        port_ = dspm::test::free_port();
        env["PORT"] = std::to_string(port_);
        env["HOST"] = "127.0.0.1";
        // An empty working directory, so no developer's .env leaks into the test.
        dir_ = std::filesystem::temp_directory_path() /
               ("dspm-serve-" + std::to_string(::getpid()) + "-" + std::to_string(port_));
        std::filesystem::create_directories(dir_);
        process_.emplace(std::vector<std::string>{DSPM_BINARY, "serve"}, env, dir_.string());
        ASSERT_TRUE(dspm::test::wait_for_port(port_, 10s)) << process_->stderr_text();
    }
    void TearDown() override {
        process_.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }

    unsigned short port_ = 0;
    std::filesystem::path dir_;
    std::optional<Process> process_;
};

TEST_F(ServeTest, AnswersHealthAndTheErrorStatuses) {
    launch();
    const auto health = request(port_, "GET", "/health");
    EXPECT_EQ(health.status, 200) << process_->stderr_text();
    EXPECT_NE(health.body.find(R"("status":"ok")"), std::string::npos);
    EXPECT_NE(health.body.find(R"("version":")" DSPM_VERSION "\""), std::string::npos);
    EXPECT_NE(health.body.find(R"("uptime_s":)"), std::string::npos);

    const auto missing = request(port_, "GET", "/no/such/route");
    EXPECT_EQ(missing.status, 404);
    EXPECT_NE(missing.body.find(R"("detail")"), std::string::npos);

    const auto wrong = request(port_, "DELETE", "/health");
    EXPECT_EQ(wrong.status, 405);
    EXPECT_NE(wrong.head.find("Allow: GET"), std::string::npos);

    const auto too_big =
        send_raw(port_, "POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n");
    EXPECT_EQ(too_big.status, 413);
    const auto big_headers =
        send_raw(port_, "GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(64 * 1024, 'p') +
                            "\r\n\r\n");
    EXPECT_EQ(big_headers.status, 431);
    EXPECT_EQ(send_raw(port_, "NOT HTTP AT ALL\r\n\r\n").status, 400);

    const auto doc = request(port_, "GET", "/openapi.json");
    EXPECT_EQ(doc.status, 200);
    EXPECT_NE(doc.body.find(R"("openapi":"3.1.0")"), std::string::npos);

    // One JSON access line per request.
    const auto log = process_->stderr_text();
    EXPECT_NE(log.find(R"("msg":"access","method":"GET","path":"/health","status":200)"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find(R"("path":"/no/such/route","status":404)"), std::string::npos);
}

TEST_F(ServeTest, TokenGuardsEveryRouteButHealth) {
    const std::string token = "tok-7f3a9c-do-not-log";
    launch({{"AUDIT_API_TOKEN", token}});
    EXPECT_EQ(request(port_, "GET", "/health").status, 200);
    const auto denied = request(port_, "GET", "/openapi.json");
    EXPECT_EQ(denied.status, 401);
    EXPECT_NE(denied.head.find("WWW-Authenticate: Bearer"), std::string::npos);
    EXPECT_EQ(
        request(port_, "GET", "/openapi.json", "Authorization: Bearer wrong-token\r\n").status,
        401);
    EXPECT_EQ(
        request(port_, "GET", "/openapi.json", "Authorization: Bearer " + token + "\r\n").status,
        200);
    EXPECT_EQ(process_->signal_and_wait(SIGTERM, 10s), 0);
    EXPECT_EQ(process_->stderr_text().find(token), std::string::npos);
    EXPECT_EQ(process_->stdout_text().find(token), std::string::npos);
}

// With a token a browser page still gets its preflight (no credentials are sent on it) and can
// read a 401 (its CORS header is there); the warning about open CORS is for a service without one.
TEST_F(ServeTest, CorsPreflightWithoutTheTokenAndHeadersOnRefusals) {
    launch({{"AUDIT_API_TOKEN", "tok-1"}, {"CORS_ALLOW_ORIGINS", "http://dash.example.com:3000"}});
    const std::string from = "Origin: http://dash.example.com:3000\r\n";
    const auto pre = request(port_, "OPTIONS", "/audit/ISMS-P/_all",
                             from +
                                 "Access-Control-Request-Method: POST\r\n"
                                 "Access-Control-Request-Headers: authorization,content-type\r\n");
    EXPECT_EQ(pre.status, 204) << pre.head;
    EXPECT_NE(pre.head.find("Access-Control-Allow-Origin: http://dash.example.com:3000"),
              std::string::npos)
        << pre.head;
    EXPECT_NE(pre.head.find("Access-Control-Allow-Headers: authorization,content-type"),
              std::string::npos);
    const auto denied = request(port_, "POST", "/audit/ISMS-P/_all", from);
    EXPECT_EQ(denied.status, 401);
    EXPECT_NE(denied.head.find("Access-Control-Allow-Origin: http://dash.example.com:3000"),
              std::string::npos);
    const auto other =
        request(port_, "POST", "/audit/ISMS-P/_all", "Origin: https://elsewhere.example.com\r\n");
    EXPECT_EQ(other.head.find("Access-Control-Allow-Origin"), std::string::npos) << other.head;
    const auto bad = request(port_, "GET", "/health%zz", from);
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.head.find("Access-Control-Allow-Origin"), std::string::npos) << bad.head;
    EXPECT_EQ(process_->signal_and_wait(SIGTERM, 10s), 0);
    EXPECT_EQ(process_->stderr_text().find("CORS_ALLOW_ORIGINS=*"), std::string::npos);
}

TEST_F(ServeTest, WarnsThatAnyOriginWithoutTokenLetsAnyPageRead) {
    launch();
    EXPECT_EQ(process_->signal_and_wait(SIGTERM, 10s), 0);
    EXPECT_NE(process_->stderr_text().find("CORS_ALLOW_ORIGINS=* without AUDIT_API_TOKEN"),
              std::string::npos)
        << process_->stderr_text();
}

// Every test client is 127.0.0.1: 60 held connections stay under the per-client limit (64).
TEST_F(ServeTest, HealthAnswersWhile60ConnectionsAreHeldOpen) {
    launch();
    std::vector<int> held;
    for (int i = 0; i < 60; ++i) {
        const int fd = connect_to(port_);
        ASSERT_GE(fd, 0) << "connection " << i << " refused";
        held.push_back(fd);
        // Every other one is a slow client stuck in the middle of its request line.
        if (i % 2 == 0) {
            ASSERT_GT(::send(fd, "GET /hea", 8, MSG_NOSIGNAL), 0);
        }
    }
    for (int i = 0; i < 10; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        EXPECT_EQ(request(port_, "GET", "/health").status, 200);
        EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
    }
    for (const int fd : held)
        ::close(fd);
    EXPECT_EQ(process_->signal_and_wait(SIGTERM, 10s), 0);
}

// MAX_CONNECTIONS_PER_CLIENT bounds one address's open connections; the one past it is answered
// 503 and closed, and a slot that frees up is usable again.
TEST_F(ServeTest, MaxConnectionsPerClientIsASetting) {
    launch({{"MAX_CONNECTIONS_PER_CLIENT", "2"}});
    const int a = connect_to(port_), b = connect_to(port_);
    ASSERT_GE(a, 0);
    ASSERT_GE(b, 0);
    // A keep-alive request answered on each proves the server holds (and counts) both.
    const std::string keep = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    for (const int fd : {a, b}) {
        ASSERT_EQ(::send(fd, keep.data(), keep.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(keep.size()));
        char buf[512];
        ASSERT_GT(::recv(fd, buf, sizeof buf, 0), 0);
    }
    const auto refused = request(port_, "GET", "/health");
    EXPECT_EQ(refused.status, 503) << refused.body;
    ::close(a);
    ::close(b);
    bool answered = false;
    for (int i = 0; i < 50 && !answered; ++i) {
        answered = request(port_, "GET", "/health").status == 200;
        if (!answered) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(answered);
    EXPECT_NE(process_->stderr_text().find(R"("connections_per_client":2)"), std::string::npos)
        << process_->stderr_text();
    EXPECT_EQ(process_->signal_and_wait(SIGTERM, 10s), 0);
}

TEST_F(ServeTest, SigtermShutsDownGracefullyAndClosesThePort) {
    launch();
    ASSERT_EQ(request(port_, "GET", "/health").status, 200);
    // An idle keep-alive connection must not hold the shutdown up.
    const int idle = connect_to(port_);
    ASSERT_GE(idle, 0);
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(process_->signal_and_wait(SIGTERM, 10s), 0) << process_->stderr_text();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
    ::close(idle);
    const int again = connect_to(port_);
    EXPECT_LT(again, 0) << "the port still accepts connections after shutdown";
    if (again >= 0) ::close(again);
    EXPECT_NE(process_->stderr_text().find(R"("msg":"stopped")"), std::string::npos);
}

TEST_F(ServeTest, WarnsWhenBindingAllInterfacesWithoutToken) {
    port_ = dspm::test::free_port();
    dir_ = empty_dir("open");  // removed by TearDown
    Process p({DSPM_BINARY, "serve"}, {{"PORT", std::to_string(port_)}, {"HOST", "0.0.0.0"}},
              dir_.string());
    ASSERT_TRUE(dspm::test::wait_for_port(port_, 10s)) << p.stderr_text();
    EXPECT_EQ(p.signal_and_wait(SIGINT, 10s), 0);
    const auto log = p.stderr_text();
    EXPECT_NE(log.find(R"("level":"warning")"), std::string::npos) << log;
    EXPECT_NE(log.find("AUDIT_API_TOKEN"), std::string::npos) << log;
}

TEST(Serve, BindFailureExitsWithAClearMessage) {
    // Hold the port with a listening socket of our own.
    const int holder = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(holder, 1), 0);
    socklen_t len = sizeof addr;
    ::getsockname(holder, reinterpret_cast<sockaddr*>(&addr), &len);
    const auto port = std::to_string(ntohs(addr.sin_port));

    const auto dir = empty_dir("bind");
    Process p({DSPM_BINARY, "serve"}, {{"PORT", port}, {"HOST", "127.0.0.1"}}, dir);
    EXPECT_EQ(p.wait(10s), 1);
    const auto err = p.stderr_text();
    EXPECT_NE(err.find("127.0.0.1:" + port), std::string::npos) << err;
    ::close(holder);
    std::filesystem::remove_all(dir);
}

}  // namespace
