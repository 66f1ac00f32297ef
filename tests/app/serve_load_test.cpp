// `dspm-audit serve` under load, the real binary against a loopback fake of AWS that answers
// slowly: cheap routes stay prompt while the audit pool is full, a full pool answers 503, an audit
// whose client left stops reading AWS, one client cannot take every connection, HEAD works.
// DSPM_SERVE_BINARY overrides the binary (to measure another build against the same tests).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/test_support.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using dspm::test::Process;

std::string binary() {
    const char* other = std::getenv("DSPM_SERVE_BINARY");
    return other != nullptr && *other != '\0' ? other : DSPM_BINARY;
}

int connect_to(unsigned short port, std::chrono::milliseconds timeout = 5000ms) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{};
    tv.tv_sec = static_cast<long>(timeout.count() / 1000);
    tv.tv_usec = static_cast<long>((timeout.count() % 1000) * 1000);
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

bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const auto n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

struct Reply {
    int status = 0;
    std::string head, body;
    std::optional<std::size_t> content_length;
    bool complete = false;  // the body is exactly Content-Length bytes, then EOF
};

// Reads to EOF (or the socket's timeout) and checks the body against Content-Length exactly.
Reply read_reply(int fd) {
    std::string in;
    char buf[8192];
    for (;;) {
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, static_cast<std::size_t>(n));
    }
    Reply reply;
    const auto split = in.find("\r\n\r\n");
    if (in.size() < 12 || split == std::string::npos) return reply;
    reply.status = std::stoi(in.substr(9, 3));
    reply.head = in.substr(0, split);
    reply.body = in.substr(split + 4);
    std::string lower = reply.head;
    for (auto& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (const auto at = lower.find("\r\ncontent-length: "); at != std::string::npos)
        reply.content_length = std::stoul(lower.substr(at + 18));
    reply.complete = reply.content_length && *reply.content_length == reply.body.size();
    return reply;
}

Reply request(unsigned short port, const std::string& method, const std::string& path) {
    const int fd = connect_to(port);
    if (fd < 0) return {};
    send_all(fd,
             method + " " + path +
                 " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    auto reply = read_reply(fd);
    ::close(fd);
    return reply;
}

std::string post(const std::string& path) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n";
}

// AWS as seen from a slow network: every request is answered after `delay` with 403 AccessDenied
// (in the JSON or the XML protocols' shape), so no read is retried. One thread per connection;
// every request's arrival time is recorded.
class SlowAws {
  public:
    explicit SlowAws(std::chrono::milliseconds delay) : delay_(delay) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        ::listen(fd_, 512);
        acceptor_ = std::thread([this] { accept_loop(); });
    }
    ~SlowAws() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
            for (const int c : open_)
                ::shutdown(c, SHUT_RDWR);
        }
        changed_.notify_all();
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        acceptor_.join();
        for (auto& t : workers_)
            t.join();
    }
    SlowAws(const SlowAws&) = delete;
    SlowAws& operator=(const SlowAws&) = delete;

    std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::size_t total() const {
        std::lock_guard lock(mutex_);
        return arrivals_.size();
    }
    std::size_t since(Clock::time_point t) const {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (const auto a : arrivals_)
            n += a > t;
        return n;
    }
    bool wait_for_total(std::size_t n, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return arrivals_.size() >= n; });
    }

  private:
    void accept_loop() {
        for (;;) {
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) return;
            std::lock_guard lock(mutex_);
            if (stopping_) {
                ::close(c);
                return;
            }
            open_.push_back(c);
            workers_.emplace_back([this, c] { serve(c); });
        }
    }

    void serve(int c) {
        std::string raw;
        char buf[8192];
        bool open = true;
        while (open) {
            while (raw.find("\r\n\r\n") == std::string::npos) {
                const auto n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0) {
                    open = false;
                    break;
                }
                raw.append(buf, static_cast<std::size_t>(n));
            }
            if (!open) break;
            const auto end = raw.find("\r\n\r\n") + 4;
            std::string head = raw.substr(0, end);
            for (auto& ch : head)
                ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            std::size_t length = 0;
            if (const auto at = head.find("\r\ncontent-length:"); at != std::string::npos)
                length = std::stoul(head.substr(at + 17));
            while (raw.size() < end + length) {
                const auto n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0) break;
                raw.append(buf, static_cast<std::size_t>(n));
            }
            raw.erase(0, std::min(raw.size(), end + length));
            const bool json = head.find("\r\nx-amz-target:") != std::string::npos;
            {
                std::unique_lock lock(mutex_);
                arrivals_.push_back(Clock::now());
                changed_.notify_all();
                if (changed_.wait_for(lock, delay_, [&] { return stopping_; })) break;
            }
            const std::string body =
                json ? R"({"__type":"AccessDeniedException","message":"denied by the test"})"
                     : "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                       "<Message>denied by the test</Message></Error></ErrorResponse>";
            const std::string out = "HTTP/1.1 403 Forbidden\r\nContent-Type: " +
                                    std::string(json ? "application/x-amz-json-1.1" : "text/xml") +
                                    "\r\nContent-Length: " + std::to_string(body.size()) +
                                    "\r\n\r\n" + body;
            if (!send_all(c, out)) break;
        }
        ::close(c);
        std::lock_guard lock(mutex_);
        std::erase(open_, c);
    }

    std::chrono::milliseconds delay_;
    int fd_ = -1;
    unsigned short port_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    bool stopping_ = false;
    std::vector<Clock::time_point> arrivals_;
    std::vector<int> open_;
    std::vector<std::thread> workers_;
    std::thread acceptor_;
};

class ServeLoad : public ::testing::Test {
  protected:
    void launch(const std::string& aws_endpoint) {
        port_ = dspm::test::free_port();
        auto env = dspm::test::moto_env(aws_endpoint);
        env["PORT"] = std::to_string(port_);
        env["HOST"] = "127.0.0.1";
        env["AWS_MAX_ATTEMPTS"] = "1";
        dir_ = std::filesystem::temp_directory_path() /
               ("dspm-serve-load-" + std::to_string(::getpid()) + "-" + std::to_string(port_));
        std::filesystem::create_directories(dir_);
        process_.emplace(std::vector<std::string>{binary(), "serve"}, env, dir_.string());
        ASSERT_TRUE(dspm::test::wait_for_port(port_, 10s)) << process_->stderr_text();
    }
    void TearDown() override {
        process_.reset();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    void audit_then_leave(const std::string& path);

    unsigned short port_ = 0;
    std::filesystem::path dir_;
    std::optional<Process> process_;
};

// 20 audits against an AWS answering after 2.5 s: more than the audit pool has threads (8) and
// more than the one pool of old (16). /health must not wait behind them.
TEST_F(ServeLoad, HealthStaysPromptWhileTheAuditPoolIsFull) {
    SlowAws aws(2500ms);
    launch(aws.endpoint());
    constexpr int audits = 20;
    std::vector<int> clients;
    for (int i = 0; i < audits; ++i) {
        const int fd = connect_to(port_, 3000ms);
        ASSERT_GE(fd, 0);
        ASSERT_TRUE(send_all(fd, post("/audit/ISMS-P/_all")));
        clients.push_back(fd);
    }
    // The audits are reading AWS.
    ASSERT_TRUE(aws.wait_for_total(8, 10s)) << process_->stderr_text();
    std::chrono::milliseconds worst{0};
    for (int i = 0; i < 5; ++i) {
        const auto t0 = Clock::now();
        const auto health = request(port_, "GET", "/health");
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
        worst = std::max(worst, took);
        EXPECT_EQ(health.status, 200);
        EXPECT_LT(took, 500ms);
        const auto stats = request(port_, "GET", "/compliance/stats");
        EXPECT_EQ(stats.status, 200);
    }
    std::cerr << "[ measured ] worst /health latency with " << audits
              << " audits running: " << worst.count() << " ms\n";
    // The audits over the pool were answered at once: 503 with Retry-After, not queued.
    int busy = 0;
    for (const int fd : clients) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 0) != 1) continue;
        char buf[4096];
        const auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) continue;
        const std::string got(buf, static_cast<std::size_t>(n));
        if (got.rfind("HTTP/1.1 503", 0) == 0) {
            ++busy;
            EXPECT_NE(got.find("Retry-After: "), std::string::npos) << got;
            EXPECT_NE(got.find("Too many audits running"), std::string::npos) << got;
        }
    }
    EXPECT_EQ(busy, audits - 8);
    for (const int fd : clients)
        ::close(fd);
    EXPECT_EQ(process_->signal_and_wait(SIGTERM, 20s), 0);
}

// An audit whose client closes 1 s into the checks' reads: the requests already at the fake
// finish, and no new one starts.
void ServeLoad::audit_then_leave(const std::string& path) {
    SlowAws aws(2500ms);
    launch(aws.endpoint());
    const int fd = connect_to(port_);
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(send_all(fd, post(path)));
    // Past sts:GetCallerIdentity: the checks are reading (AUDIT_CONCURRENCY=16 at once).
    ASSERT_TRUE(aws.wait_for_total(10, 10s)) << process_->stderr_text();
    std::this_thread::sleep_for(1s);
    ::close(fd);
    const auto closed = Clock::now();
    const auto before = aws.total();
    // Long enough for the reads in flight to end (2.5 s) and for any follow-up to arrive.
    std::this_thread::sleep_for(4s);
    // The server needs a moment to see the close; a request that arrives later was started after.
    const auto after = aws.since(closed + 200ms);
    std::cerr << "[ measured ] " << path << ": AWS requests before the close: " << before
              << ", arriving more than 200 ms after it (4 s window): " << after << "\n";
    EXPECT_EQ(after, 0u);
    EXPECT_EQ(request(port_, "GET", "/health").status, 200);
    // The service goes on auditing for the next client.
    const int again = connect_to(port_);
    ASSERT_GE(again, 0);
    ASSERT_TRUE(send_all(again, post(path)));
    ASSERT_TRUE(aws.wait_for_total(before + 1, 10s));
    ::close(again);
    EXPECT_EQ(process_->signal_and_wait(SIGTERM, 20s), 0);
    EXPECT_NE(process_->stderr_text().find("its request is cancelled"), std::string::npos);
}

TEST_F(ServeLoad, AuditWhoseClientLeftStopsReadingAws) {
    audit_then_leave("/audit/ISMS-P/_all");
}

// Streamed, the run learns it from the watch too, not only from its next failed line.
TEST_F(ServeLoad, StreamedAuditWhoseClientLeftStopsReadingAws) {
    audit_then_leave("/audit/ISMS-P/_all?stream=true");
}

// Every test client is 127.0.0.1, so one client holding 64 idle sockets is all clients here: the
// 65th connection is refused with an exact 503, and once the 64 close /health answers at once.
TEST_F(ServeLoad, OneClientCannotHoldEveryConnection) {
    launch("http://127.0.0.1:9");
    constexpr int limit = 64;
    std::vector<int> held;
    for (int i = 0; i < limit; ++i) {
        const int fd = connect_to(port_);
        ASSERT_GE(fd, 0);
        held.push_back(fd);
    }
    // The server has registered them all once one of them answers.
    ASSERT_TRUE(send_all(held.back(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    char buf[4096];
    ASSERT_GT(::recv(held.back(), buf, sizeof buf, 0), 0);
    for (int i = 0; i < 10; ++i) {
        const int fd = connect_to(port_);
        ASSERT_GE(fd, 0);
        const auto refused = read_reply(fd);
        ::close(fd);
        EXPECT_EQ(refused.status, 503);
        EXPECT_TRUE(refused.complete) << refused.head << "\n" << refused.body;
        EXPECT_NE(refused.body.find("from this client"), std::string::npos) << refused.body;
        EXPECT_NE(refused.head.find("Retry-After: "), std::string::npos);
    }
    // Close them the way the server sees at once (FIN), and wait until it has closed its ends.
    for (const int fd : held)
        ::shutdown(fd, SHUT_WR);
    for (const int fd : held) {
        while (::recv(fd, buf, sizeof buf, 0) > 0) {
        }
        ::close(fd);
    }
    const auto t0 = Clock::now();
    EXPECT_EQ(request(port_, "GET", "/health").status, 200);
    EXPECT_LT(Clock::now() - t0, 500ms);
    EXPECT_EQ(process_->signal_and_wait(SIGTERM, 10s), 0);
}

TEST_F(ServeLoad, HeadHealthIsTheHeadOfGet) {
    launch("http://127.0.0.1:9");
    const auto get = request(port_, "GET", "/health");
    const auto head = request(port_, "HEAD", "/health");
    EXPECT_EQ(head.status, 200) << head.head;
    EXPECT_TRUE(head.body.empty()) << head.body;
    ASSERT_TRUE(get.content_length && head.content_length) << head.head;
    EXPECT_EQ(*head.content_length, get.body.size());
    EXPECT_NE(head.head.find("Content-Type: application/json"), std::string::npos);
    EXPECT_EQ(request(port_, "HEAD", "/openapi.json").status, 200);
    EXPECT_EQ(request(port_, "HEAD", "/compliance/stats").status, 200);
    const auto wrong = request(port_, "DELETE", "/health");
    EXPECT_EQ(wrong.status, 405);
    EXPECT_NE(wrong.head.find("Allow: GET, HEAD"), std::string::npos) << wrong.head;
    EXPECT_EQ(process_->signal_and_wait(SIGTERM, 10s), 0);
}

}  // namespace
