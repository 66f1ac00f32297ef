// The inbound server against a tiny blocking socket client: framing limits, keep-alive, streaming,
// worker isolation and graceful shutdown.
#include "net/http_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using dspm::net::HttpServer;
using dspm::net::ServerOptions;
using dspm::net::ServerRequest;
using dspm::net::ServerResponse;

// A blocking client socket with a receive timeout, so a broken server fails a test instead of
// hanging it.
class Client {
  public:
    explicit Client(unsigned short port, std::chrono::milliseconds timeout = 5000ms) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        timeval tv{};
        tv.tv_sec = static_cast<long>(timeout.count() / 1000);
        tv.tv_usec = static_cast<long>((timeout.count() % 1000) * 1000);
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~Client() {
        if (fd_ >= 0) ::close(fd_);
    }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    bool connected() const { return connected_; }

    bool send(std::string_view data) {
        while (!data.empty()) {
            const auto n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    // Reads one response: the head, then a Content-Length body or a chunked body (returned
    // de-chunked, with the chunk sizes in `chunks`). Empty on EOF or timeout before a head.
    std::string read_response(std::vector<std::size_t>* chunks = nullptr) {
        while (pending_.find("\r\n\r\n") == std::string::npos) {
            if (!fill()) return {};
        }
        const auto head_end = pending_.find("\r\n\r\n") + 4;
        std::string head = pending_.substr(0, head_end);
        pending_.erase(0, head_end);
        std::string lower = head;
        for (auto& c : lower)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string body;
        if (lower.find("transfer-encoding: chunked") != std::string::npos) {
            for (;;) {
                while (pending_.find("\r\n") == std::string::npos)
                    if (!fill()) return head + body;
                const auto line_end = pending_.find("\r\n");
                const auto size = std::stoul(pending_.substr(0, line_end), nullptr, 16);
                while (pending_.size() < line_end + 2 + size + 2)
                    if (!fill()) return head + body;
                body += pending_.substr(line_end + 2, size);
                pending_.erase(0, line_end + 2 + size + 2);
                if (size == 0) break;
                if (chunks) chunks->push_back(size);
            }
            return head + body;
        }
        const auto cl = lower.find("content-length: ");
        if (cl != std::string::npos) {
            const auto length = std::stoul(lower.substr(cl + 16));
            while (pending_.size() < length)
                if (!fill()) break;
            body = pending_.substr(0, length);
            pending_.erase(0, body.size());
        }
        return head + body;
    }

    // True when the server closed the connection (EOF or reset) within the timeout.
    bool closed_by_peer() {
        char c;
        const auto n = ::recv(fd_, &c, 1, 0);
        return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
    }

    bool read_some() { return fill(); }

    // What has been read and not consumed by read_response.
    std::string take_pending() { return std::exchange(pending_, std::string()); }

    // A response head only (a HEAD answer has no body whatever its Content-Length says).
    std::string read_until_blank_line() {
        while (pending_.find("\r\n\r\n") == std::string::npos)
            if (!fill()) return {};
        const auto end = pending_.find("\r\n\r\n") + 4;
        std::string head = pending_.substr(0, end);
        pending_.erase(0, end);
        return head;
    }

    void shutdown_write() { ::shutdown(fd_, SHUT_WR); }

  private:
    bool fill() {
        char buf[8192];
        const auto n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return false;
        pending_.append(buf, static_cast<std::size_t>(n));
        return true;
    }

    int fd_ = -1;
    bool connected_ = false;
    std::string pending_;
};

int status_of(const std::string& response) {
    if (response.size() < 12) return 0;
    return std::stoi(response.substr(9, 3));
}

std::string body_of(const std::string& response) {
    const auto p = response.find("\r\n\r\n");
    return p == std::string::npos ? std::string() : response.substr(p + 4);
}

std::string get(std::string_view path, bool close = false) {
    return "GET " + std::string(path) + " HTTP/1.1\r\nHost: x\r\n" +
           (close ? "Connection: close\r\n" : "") + "\r\n";
}

// A server running on its own thread with a handler that the tests steer by path.
class ServerFixture : public ::testing::Test {
  protected:
    void start(ServerOptions options = {}) {
        options.port = 0;
        server_ = std::make_unique<HttpServer>(
            options, [this](const ServerRequest& r) { return handle(r); });
        server_->start();
        runner_ = std::thread([this] { server_->run(false); });
    }

    void TearDown() override {
        release_.set_value();
        stop_and_join();
    }

    void stop_and_join() {
        if (!server_) return;
        server_->stop();
        if (runner_.joinable()) runner_.join();
    }

    ServerResponse handle(const ServerRequest& r) {
        if (r.path == "/health") return ServerResponse::json(200, R"({"status":"ok"})");
        if (r.path == "/echo") {
            auto resp = ServerResponse::json(200, r.method + " " + r.path +
                                                      " q=" + r.query_param("q").value_or("-") +
                                                      " body=" + std::to_string(r.body.size()));
            return resp;
        }
        if (r.path == "/slow") {
            slow_started_ = true;
            std::this_thread::sleep_for(2s);
            return ServerResponse::json(200, R"({"slow":true})");
        }
        if (r.path == "/wait") {
            // Blocks until the test releases it, so "in flight" is a fact, not a timing guess.
            waiting_.store(true);
            released_.wait();
            return ServerResponse::json(200, R"({"waited":true})");
        }
        if (r.path == "/stream") {
            ServerResponse resp;
            resp.headers.emplace_back("Content-Type", "application/x-ndjson");
            resp.stream = [](dspm::net::ChunkSink& sink) {
                for (int i = 0; i < 3; ++i)
                    sink.write("{\"line\":" + std::to_string(i) + "}\n");
            };
            return resp;
        }
        if (r.path == "/throw") throw std::runtime_error("secret detail");
        return ServerResponse::json(404, R"({"detail":"Not Found"})");
    }

    std::unique_ptr<HttpServer> server_;
    std::thread runner_;
    std::atomic<bool> slow_started_{false};
    std::atomic<bool> waiting_{false};
    std::promise<void> release_;
    std::shared_future<void> released_{release_.get_future().share()};
};

TEST_F(ServerFixture, KeepAliveServesTwoRequestsOnOneConnection) {
    start();
    Client c(server_->port());
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.send(get("/echo?q=a%20b")));
    const auto first = c.read_response();
    EXPECT_EQ(status_of(first), 200);
    EXPECT_EQ(body_of(first), "GET /echo q=a b body=0");
    ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"));
    const auto second = c.read_response();
    EXPECT_EQ(status_of(second), 200);
    EXPECT_EQ(body_of(second), "POST /echo q=- body=5");
}

TEST_F(ServerFixture, BodyOverTheLimitIs413) {
    ServerOptions o;
    o.max_body_bytes = 1024;
    start(o);
    Client c(server_->port());
    ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
                       std::string(4096, 'x')));
    const auto r = c.read_response();
    EXPECT_EQ(status_of(r), 413);
    EXPECT_NE(body_of(r).find("detail"), std::string::npos);
}

TEST_F(ServerFixture, ChunkedBodyOverTheLimitIs413) {
    ServerOptions o;
    o.max_body_bytes = 1024;
    start(o);
    Client c(server_->port());
    std::string req = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 4; ++i)
        req += "200\r\n" + std::string(512, 'y') + "\r\n";
    req += "0\r\n\r\n";
    ASSERT_TRUE(c.send(req));
    EXPECT_EQ(status_of(c.read_response()), 413);
}

TEST_F(ServerFixture, HeadersOverTheLimitAre431) {
    ServerOptions o;
    o.max_header_bytes = 2048;
    start(o);
    Client c(server_->port());
    ASSERT_TRUE(
        c.send("GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8192, 'h') + "\r\n\r\n"));
    EXPECT_EQ(status_of(c.read_response()), 431);
}

TEST_F(ServerFixture, MalformedRequestIs400) {
    start();
    {
        Client c(server_->port());
        ASSERT_TRUE(c.send("THIS IS NOT HTTP\r\n\r\n"));
        EXPECT_EQ(status_of(c.read_response()), 400);
    }
    {
        Client c(server_->port());
        ASSERT_TRUE(c.send("GET /x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"));
        EXPECT_EQ(status_of(c.read_response()), 400);
    }
    // The server is still healthy afterwards.
    Client c(server_->port());
    ASSERT_TRUE(c.send(get("/health")));
    EXPECT_EQ(status_of(c.read_response()), 200);
}

TEST_F(ServerFixture, HandlerExceptionIs500WithoutTheMessage) {
    start();
    Client c(server_->port());
    ASSERT_TRUE(c.send(get("/throw")));
    const auto r = c.read_response();
    EXPECT_EQ(status_of(r), 500);
    EXPECT_EQ(r.find("secret detail"), std::string::npos);
}

TEST_F(ServerFixture, StreamingResponseArrivesAsChunks) {
    start();
    Client c(server_->port());
    ASSERT_TRUE(c.send(get("/stream")));
    std::vector<std::size_t> chunks;
    const auto r = c.read_response(&chunks);
    EXPECT_EQ(status_of(r), 200);
    EXPECT_NE(r.find("application/x-ndjson"), std::string::npos);
    EXPECT_EQ(body_of(r), "{\"line\":0}\n{\"line\":1}\n{\"line\":2}\n");
    EXPECT_EQ(chunks.size(), 3u);
    // The connection stays usable after a streamed response.
    ASSERT_TRUE(c.send(get("/health")));
    EXPECT_EQ(status_of(c.read_response()), 200);
}

TEST_F(ServerFixture, StreamingWriterLearnsTheClientLeft) {
    std::promise<bool> gone;
    auto gone_future = gone.get_future();
    ServerOptions o;
    o.port = 0;
    server_ = std::make_unique<HttpServer>(o, [&gone](const ServerRequest&) {
        ServerResponse resp;
        resp.stream = [&gone](dspm::net::ChunkSink& sink) {
            const std::string block(64 * 1024, 'z');
            const auto deadline = std::chrono::steady_clock::now() + 10s;
            while (std::chrono::steady_clock::now() < deadline) {
                if (!sink.write(block)) break;
            }
            gone.set_value(sink.client_gone());
        };
        return resp;
    });
    server_->start();
    runner_ = std::thread([this] { server_->run(false); });
    {
        Client c(server_->port());
        ASSERT_TRUE(c.send(get("/stream")));
        ASSERT_TRUE(c.read_some());  // the stream has begun
    }                                // the client disconnects without reading the rest
    ASSERT_EQ(gone_future.wait_for(8s), std::future_status::ready);
    EXPECT_TRUE(gone_future.get());
}

TEST_F(ServerFixture, SlowHandlerDoesNotDelayHealth) {
    start();
    Client slow(server_->port());
    ASSERT_TRUE(slow.send(get("/slow")));
    while (!slow_started_)
        std::this_thread::sleep_for(1ms);
    const auto t0 = std::chrono::steady_clock::now();
    Client c(server_->port());
    ASSERT_TRUE(c.send(get("/health")));
    EXPECT_EQ(status_of(c.read_response()), 200);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
    EXPECT_EQ(status_of(slow.read_response()), 200);
}

TEST_F(ServerFixture, HealthAnswersWhile200IdleConnectionsAreOpen) {
    ServerOptions o;
    o.max_connections_per_client = 0;  // every client here is 127.0.0.1
    start(o);
    std::vector<std::unique_ptr<Client>> idle;
    for (int i = 0; i < 200; ++i) {
        idle.push_back(std::make_unique<Client>(server_->port()));
        ASSERT_TRUE(idle.back()->connected());
    }
    // Half of them have sent an incomplete request (slow clients), the rest nothing at all.
    for (int i = 0; i < 100; ++i)
        ASSERT_TRUE(idle[static_cast<std::size_t>(i)]->send("GET /health HTTP/1.1\r\nHo"));
    for (int i = 0; i < 20; ++i) {
        Client c(server_->port());
        ASSERT_TRUE(c.send(get("/health")));
        EXPECT_EQ(status_of(c.read_response()), 200);
    }
    // The slow ones still complete.
    ASSERT_TRUE(idle[0]->send("st: x\r\n\r\n"));
    EXPECT_EQ(status_of(idle[0]->read_response()), 200);
}

TEST_F(ServerFixture, ConnectionsBeyondTheLimitAreRefused) {
    ServerOptions o;
    o.max_connections = 4;
    start(o);
    std::vector<std::unique_ptr<Client>> held;
    for (int i = 0; i < 4; ++i) {
        held.push_back(std::make_unique<Client>(server_->port()));
        ASSERT_TRUE(held.back()->send(get("/health")));
        ASSERT_EQ(status_of(held.back()->read_response()), 200);
    }
    Client extra(server_->port());
    ASSERT_TRUE(extra.connected());
    EXPECT_EQ(status_of(extra.read_response()), 503);
    held.clear();
    // Once connections close, new ones are served again (the count is released).
    bool served = false;
    for (int attempt = 0; attempt < 50 && !served; ++attempt) {
        Client again(server_->port());
        again.send(get("/health"));
        served = status_of(again.read_response()) == 200;
        if (!served) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(served);
}

TEST_F(ServerFixture, ParallelKeepAliveClientsOnSeveralIoThreads) {
    ServerOptions o;
    o.io_threads = 4;
    o.worker_threads = 4;
    start(o);
    std::atomic<int> ok{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 8; ++t) {
        clients.emplace_back([&, t] {
            Client c(server_->port());
            for (int i = 0; i < 50; ++i) {
                const auto path = (i % 5 == 4) ? std::string("/stream")
                                               : "/echo?q=" + std::to_string(t * 100 + i);
                if (!c.send(get(path))) return;
                const auto r = c.read_response();
                const bool good =
                    path == "/stream"
                        ? body_of(r).find("{\"line\":2}") != std::string::npos
                        : body_of(r).find("q=" + std::to_string(t * 100 + i)) != std::string::npos;
                if (status_of(r) == 200 && good) ++ok;
            }
        });
    }
    for (auto& c : clients)
        c.join();
    EXPECT_EQ(ok.load(), 8 * 50);
}

TEST_F(ServerFixture, IdleConnectionIsClosedAfterTheIdleTimeout) {
    ServerOptions o;
    o.idle_timeout = 200ms;
    start(o);
    Client c(server_->port(), 3000ms);
    ASSERT_TRUE(c.connected());
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.closed_by_peer());
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2500ms);
}

TEST_F(ServerFixture, SlowRequestIsCutOffAfterTheReadTimeout) {
    ServerOptions o;
    o.read_timeout = 300ms;
    start(o);
    Client c(server_->port(), 3000ms);
    ASSERT_TRUE(c.send("GET /health HTTP/1.1\r\nHo"));  // ... and never the rest
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.closed_by_peer());
    const auto waited = std::chrono::steady_clock::now() - t0;
    EXPECT_GE(waited, 200ms);
    EXPECT_LT(waited, 2500ms);
}

TEST_F(ServerFixture, StopLetsInFlightRequestFinishAndRefusesNewConnections) {
    start();
    const auto port = server_->port();
    Client inflight(port);
    ASSERT_TRUE(inflight.send(get("/wait")));
    while (!waiting_)
        std::this_thread::sleep_for(1ms);
    Client idle(port);
    ASSERT_TRUE(idle.connected());

    server_->stop();
    // The idle keep-alive connection is closed by the drain.
    EXPECT_TRUE(idle.closed_by_peer());
    // New connections are refused while the in-flight request is still running.
    Client refused(port, 1000ms);
    EXPECT_FALSE(refused.connected());

    release_.set_value();
    const auto r = inflight.read_response();
    EXPECT_EQ(status_of(r), 200);
    EXPECT_EQ(body_of(r), R"({"waited":true})");
    EXPECT_NE(r.find("Connection: close"), std::string::npos);
    runner_.join();
    release_ = std::promise<void>();  // TearDown releases again
}

TEST(HttpServer, BindFailureThrowsAClearError) {
    ServerOptions any;
    any.port = 0;
    HttpServer first(any, [](const ServerRequest&) { return ServerResponse{}; });
    first.start();
    ServerOptions o;
    o.port = first.port();
    HttpServer second(o, [](const ServerRequest&) { return ServerResponse{}; });
    try {
        second.start();
        FAIL() << "expected the bind to fail";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(std::to_string(o.port)), std::string::npos);
    }
}

// Reads a response to EOF; true when the body is exactly Content-Length bytes.
bool exact_length(const std::string& response) {
    std::string lower = response;
    for (auto& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto at = lower.find("\r\ncontent-length: ");
    if (at == std::string::npos) return false;
    return std::stoul(lower.substr(at + 18)) == body_of(response).size();
}

std::string read_to_eof(Client& c) {
    while (c.read_some()) {
    }
    return c.take_pending();
}

// A server whose "/heavy..." requests are heavy and block until released; the rest are cheap.
class HeavyFixture : public ::testing::Test {
  protected:
    void start(ServerOptions options) {
        options.port = 0;
        options.is_heavy = [](const ServerRequest& r) { return r.path.starts_with("/heavy"); };
        server_ = std::make_unique<HttpServer>(
            options, [this](const ServerRequest& r) { return handle(r); });
        server_->start();
        runner_ = std::thread([this] { server_->run(false); });
    }
    void TearDown() override {
        release();
        if (server_) server_->stop();
        if (runner_.joinable()) runner_.join();
    }
    void release() {
        {
            std::lock_guard lock(mutex_);
            released_ = true;
        }
        changed_.notify_all();
    }
    // Waits until n heavy handlers have started, or the timeout.
    bool wait_started(int n, std::chrono::milliseconds timeout = 5000ms) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return started_ >= n; });
    }
    bool wait_cancelled(int n, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return cancelled_ >= n; });
    }

    ServerResponse handle(const ServerRequest& r) {
        if (r.path == "/health") return ServerResponse::json(200, R"({"status":"ok"})");
        if (r.path == "/heavy") {
            // Until released or the client leaves: a stop callback wakes the wait. Made before
            // the lock is taken, since it runs at once when the stop was already requested.
            std::stop_callback wake(r.cancel, [this] {
                { std::lock_guard inner(mutex_); }
                changed_.notify_all();
            });
            std::unique_lock lock(mutex_);
            ++started_;
            changed_.notify_all();
            changed_.wait(lock, [&] { return released_ || r.cancel.stop_requested(); });
            if (r.cancel.stop_requested()) ++cancelled_;
            changed_.notify_all();
            return ServerResponse::json(200, R"({"heavy":true})");
        }
        if (r.path == "/heavy/stream") {
            ServerResponse resp;
            resp.headers.emplace_back("Content-Type", "application/x-ndjson");
            resp.stream = [this, cancel = r.cancel](dspm::net::ChunkSink& sink) {
                sink.write("{\"begun\":true}\n");
                std::stop_callback wake(cancel, [this] {
                    { std::lock_guard inner(mutex_); }
                    changed_.notify_all();
                });
                std::unique_lock lock(mutex_);
                ++started_;
                changed_.notify_all();
                // No write while waiting: only the watch can tell that the client left.
                changed_.wait(lock, [&] { return released_ || cancel.stop_requested(); });
                if (sink.client_gone()) ++cancelled_;
                changed_.notify_all();
            };
            return resp;
        }
        return ServerResponse::json(200, R"({"path":")" + r.path + "\"}");
    }

    std::unique_ptr<HttpServer> server_;
    std::thread runner_;
    std::mutex mutex_;
    std::condition_variable changed_;
    bool released_ = false;
    int started_ = 0;
    int cancelled_ = 0;
};

TEST_F(HeavyFixture, FullHeavyPoolAnswers503AndCheapRequestsStayPrompt) {
    ServerOptions o;
    o.heavy_threads = 2;
    o.worker_threads = 2;
    o.heavy_retry_after = std::chrono::seconds(7);
    start(o);
    Client a(server_->port()), b(server_->port());
    ASSERT_TRUE(a.send(get("/heavy")));
    ASSERT_TRUE(b.send(get("/heavy")));
    ASSERT_TRUE(wait_started(2));
    // A third heavy request: refused at once, on a connection that stays usable.
    Client c(server_->port());
    ASSERT_TRUE(c.send(get("/heavy")));
    const auto busy = c.read_response();
    EXPECT_EQ(status_of(busy), 503);
    EXPECT_NE(busy.find("Retry-After: 7"), std::string::npos) << busy;
    EXPECT_NE(body_of(busy).find("detail"), std::string::npos);
    // Cheap requests, more of them at once than the cheap pool has threads, answer promptly.
    for (int round = 0; round < 3; ++round) {
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<std::unique_ptr<Client>> cheap;
        for (int i = 0; i < 4; ++i) {
            cheap.push_back(std::make_unique<Client>(server_->port()));
            ASSERT_TRUE(cheap.back()->send(get("/health")));
        }
        for (auto& h : cheap)
            EXPECT_EQ(status_of(h->read_response()), 200);
        EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
    }
    ASSERT_TRUE(c.send(get("/cheap")));
    EXPECT_EQ(status_of(c.read_response()), 200);
    release();
    EXPECT_EQ(status_of(a.read_response()), 200);
    EXPECT_EQ(status_of(b.read_response()), 200);
    // The slots are free again.
    ASSERT_TRUE(c.send(get("/heavy")));
    EXPECT_EQ(status_of(c.read_response()), 200);
}

TEST_F(HeavyFixture, ClientClosingWhileTheHandlerRunsCancelsItsToken) {
    start({});
    {
        Client a(server_->port());
        ASSERT_TRUE(a.send(get("/heavy")));
        ASSERT_TRUE(wait_started(1));
    }  // closed without waiting for the answer
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(wait_cancelled(1, 2000ms));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
    // The server is fine, and the heavy slot came back.
    Client h(server_->port());
    ASSERT_TRUE(h.send(get("/health")));
    EXPECT_EQ(status_of(h.read_response()), 200);
}

TEST_F(HeavyFixture, PipelinedRequestIsNotMistakenForTheClientLeaving) {
    start({});
    Client a(server_->port());
    // The second request arrives while the first one's handler runs.
    ASSERT_TRUE(a.send(get("/heavy")));
    ASSERT_TRUE(wait_started(1));
    ASSERT_TRUE(a.send(get("/after")));
    std::this_thread::sleep_for(100ms);  // time for the watch to see the bytes
    release();
    const auto first = a.read_response();
    EXPECT_EQ(status_of(first), 200);
    EXPECT_EQ(body_of(first), R"({"heavy":true})");
    const auto second = a.read_response();
    EXPECT_EQ(status_of(second), 200);
    EXPECT_EQ(body_of(second), R"({"path":"/after"})");
    std::lock_guard lock(mutex_);
    EXPECT_EQ(cancelled_, 0);
}

TEST_F(HeavyFixture, StreamingProducerLearnsTheClientLeftWithoutWriting) {
    start({});
    {
        Client a(server_->port());
        ASSERT_TRUE(a.send(get("/heavy/stream")));
        ASSERT_TRUE(a.read_some());  // the head and the first line
        ASSERT_TRUE(wait_started(1));
    }
    ASSERT_TRUE(wait_cancelled(1, 2000ms));
}

TEST_F(ServerFixture, RefusedConnectionGetsExactlyTheDeclaredBody) {
    ServerOptions o;
    o.max_connections = 1;
    start(o);
    Client held(server_->port());
    ASSERT_TRUE(held.send(get("/health")));
    ASSERT_EQ(status_of(held.read_response()), 200);
    Client extra(server_->port());
    const auto r = read_to_eof(extra);
    EXPECT_EQ(status_of(r), 503);
    EXPECT_TRUE(exact_length(r)) << r;
    EXPECT_EQ(body_of(r), R"({"detail":"Too many open connections, retry"})");
}

TEST_F(ServerFixture, PerClientLimitRefusesTheClientAndFreesAtOnceOnClose) {
    ServerOptions o;
    o.max_connections_per_client = 3;
    o.max_connections = 100;
    start(o);
    std::vector<std::unique_ptr<Client>> held;
    for (int i = 0; i < 3; ++i)
        held.push_back(std::make_unique<Client>(server_->port()));
    // The last one answering shows the server has taken all three.
    ASSERT_TRUE(held.back()->send(get("/health")));
    ASSERT_EQ(status_of(held.back()->read_response()), 200);
    for (int i = 0; i < 3; ++i) {
        Client extra(server_->port());
        const auto r = read_to_eof(extra);
        EXPECT_EQ(status_of(r), 503);
        EXPECT_TRUE(exact_length(r)) << r;
        EXPECT_NE(body_of(r).find("from this client"), std::string::npos) << r;
    }
    // One closes (the server sees the FIN and closes its end): a new connection is served.
    held.front()->shutdown_write();
    EXPECT_TRUE(held.front()->closed_by_peer());
    Client next(server_->port());
    ASSERT_TRUE(next.send(get("/health")));
    EXPECT_EQ(status_of(next.read_response()), 200);
}

TEST_F(ServerFixture, GlobalCapStillAppliesUnderThePerClientLimit) {
    ServerOptions o;
    o.max_connections_per_client = 10;
    o.max_connections = 2;
    start(o);
    Client a(server_->port()), b(server_->port());
    ASSERT_TRUE(b.send(get("/health")));
    ASSERT_EQ(status_of(b.read_response()), 200);
    Client extra(server_->port());
    const auto r = read_to_eof(extra);
    EXPECT_EQ(status_of(r), 503);
    EXPECT_EQ(body_of(r), R"({"detail":"Too many open connections, retry"})");
}

TEST_F(ServerFixture, HeadAnswersTheHeadOfGetWithoutItsBody) {
    start();
    Client c(server_->port());
    ASSERT_TRUE(c.send(get("/health")));
    const auto got = c.read_response();
    ASSERT_TRUE(c.send("HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    // No body follows the head: the next response on the connection parses right after it.
    ASSERT_TRUE(c.send(get("/echo?q=next")));
    const auto head = c.read_until_blank_line();
    EXPECT_EQ(status_of(head), 200);
    EXPECT_NE(head.find("Content-Length: " + std::to_string(body_of(got).size())),
              std::string::npos)
        << head;
    EXPECT_NE(head.find("Content-Type: application/json"), std::string::npos);
    const auto next = c.read_response();
    EXPECT_EQ(status_of(next), 200) << next;
    EXPECT_EQ(body_of(next), "GET /echo q=next body=0");
}

}  // namespace
