#pragma once
// The inbound HTTP/1.1 server (Boost.Beast). This header is Beast-free on purpose: Beast and Asio
// stay inside src/net/*.cpp. Handlers run on worker pools, never on the I/O threads: requests the
// options mark heavy (audits) on a bounded pool of their own, everything else on a separate one, so
// that a full audit pool never delays /health.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/http_client.hpp"  // Headers, find_header

namespace dspm::net {

struct ServerRequest {
    std::string method;  // upper case, as received
    std::string target;  // raw request target
    std::string path;    // percent-decoded path without the query
    std::vector<std::pair<std::string, std::string>> query;  // decoded query parameters
    Headers headers;
    std::string body;
    std::string remote_address;
    // Requested once nobody will read the answer: the client closed or reset its connection while
    // the handler ran (or a streamed write failed, or shutdown's grace period ran out). Handlers
    // doing long work stop when it is requested; a default-constructed token never is.
    std::stop_token cancel;
    std::optional<std::string> header(std::string_view name) const {
        return find_header(headers, name);
    }
    std::optional<std::string> query_param(std::string_view name) const;
};

// Written to by a streaming handler from its worker thread; each chunk goes out as one HTTP chunk.
class ChunkSink {
  public:
    virtual ~ChunkSink() = default;
    // Returns false once the client has gone away; the handler should then stop its work.
    virtual bool write(std::string_view chunk) = 0;
    // True once a write failed or the client closed its connection (see ServerRequest::cancel).
    virtual bool client_gone() const = 0;
};

struct ServerResponse {
    int status = 200;
    Headers headers;  // Content-Type included here
    std::string body;
    // When set, the body is streamed with chunked encoding by calling this on a worker thread.
    std::function<void(ChunkSink&)> stream;

    static ServerResponse json(int status, std::string body);
};

using RequestHandler = std::function<ServerResponse(const ServerRequest&)>;
// Decides on the I/O thread, from the parsed request, whether it runs on the heavy pool.
using HeavyClassifier = std::function<bool(const ServerRequest&)>;

struct ServerOptions {
    std::string host = "127.0.0.1";
    unsigned short port = 8103;  // 0 picks a free port (see HttpServer::port())
    std::size_t io_threads = 1;
    std::size_t worker_threads = 8;  // the pool of requests that are not heavy
    // Heavy requests (is_heavy true) run on their own pool of this many threads, one request per
    // thread from start to its last streamed chunk. When every thread is taken a new heavy request
    // is answered 503 with Retry-After at once: queueing work that takes minutes helps no one.
    std::size_t heavy_threads = 4;
    HeavyClassifier is_heavy;  // empty: nothing is heavy
    // Headers added to every answer to a request whose head was read: the handler's, the 503 of
    // a full heavy pool, a stream's head and the errors of a bad target (CORS needs them on
    // every answer, or the browser hides the error from the page). A header the handler set wins.
    std::function<Headers(const ServerRequest&)> response_headers;
    std::chrono::seconds heavy_retry_after{5};
    std::string heavy_busy_detail = "Too many requests of this kind in progress, retry later";
    std::size_t max_connections = 1024;
    // Open connections per remote address (loopback included); past it a new connection is
    // answered 503 and closed, so one client cannot take every slot. 0: no per-client limit.
    std::size_t max_connections_per_client = 64;
    std::size_t max_header_bytes = 16 * 1024;
    std::size_t max_body_bytes = 1024 * 1024;
    std::chrono::milliseconds read_timeout{30000};
    std::chrono::milliseconds write_timeout{30000};
    std::chrono::milliseconds idle_timeout{60000};
    std::chrono::milliseconds shutdown_grace{30000};
};

class HttpServer {
  public:
    HttpServer(ServerOptions options, RequestHandler handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // SIGINT and SIGTERM stop the server gracefully from now on. Call it before start(): a
    // signal that arrives once the port accepts connections must not find the default action
    // (an abrupt exit) still in place; a signal before run() waits for the I/O threads.
    void handle_signals();
    // Binds and listens; throws std::runtime_error with a clear message when the bind fails.
    void start();
    unsigned short port() const;
    // Blocks until stop() or SIGINT/SIGTERM (with install_signal_handlers, or after
    // handle_signals()), then drains: stops accepting, lets in-flight requests finish within
    // shutdown_grace.
    void run(bool install_signal_handlers);
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace dspm::net
