#pragma once
// The inbound HTTP/1.1 server (Boost.Beast). This header is Beast-free on purpose: Beast and Asio
// stay inside src/net/*.cpp. Handlers run on a worker pool, never on the I/O threads.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
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

struct ServerOptions {
    std::string host = "127.0.0.1";
    unsigned short port = 8103;  // 0 picks a free port (see HttpServer::port())
    std::size_t io_threads = 1;
    std::size_t worker_threads = 8;
    std::size_t max_connections = 1024;
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

    // Binds and listens; throws std::runtime_error with a clear message when the bind fails.
    void start();
    unsigned short port() const;
    // Blocks until stop() or SIGINT/SIGTERM (when install_signal_handlers was called), then
    // drains: stops accepting, lets in-flight requests finish within shutdown_grace.
    void run(bool install_signal_handlers);
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace dspm::net
