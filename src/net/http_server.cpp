// The inbound HTTP/1.1 server. All of Beast/Asio lives in this one translation unit (it is slow to
// compile). I/O threads only parse and write; handlers run on worker pools so a slow handler never
// holds up the accept loop, and heavy requests (audits) have a bounded pool of their own so that
// they never hold up the cheap ones (/health). While a handler runs, the connection is watched for
// the client leaving, which cancels the request's stop token.
#include "net/http_server.hpp"

#include <algorithm>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "common/log.hpp"

namespace dspm::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

std::optional<std::string> ServerRequest::query_param(std::string_view name) const {
    for (const auto& [k, v] : query) {
        if (k == name) return v;
    }
    return std::nullopt;
}

ServerResponse ServerResponse::json(int status, std::string body) {
    ServerResponse r;
    r.status = status;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
}

namespace {

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string error_body(std::string_view detail) {
    return std::string(R"({"detail":")") + std::string(detail) + "\"}";
}

// A complete 503 for a connection that is closed right after it; Content-Length is the body's.
std::string refusal(std::string_view detail) {
    const std::string body = error_body(detail);
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: "
           "application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\nRetry-After: 1\r\n\r\n" + body;
}

class Session;

// What every connection shares with the server; held by shared_ptr so a connection that outlives
// a stop() (its last handler still queued) never touches freed memory.
struct State {
    ServerOptions options;
    RequestHandler handler;
    asio::thread_pool workers;
    asio::thread_pool heavy_workers;
    // Heavy requests admitted and not finished; never more than heavy_threads, so a heavy task
    // always finds a thread instead of waiting in the pool's queue.
    std::atomic<std::size_t> heavy_busy{0};
    std::atomic<bool> draining{false};
    // Whole answers to a connection refused at accept, sized from their own bodies.
    const std::string too_many_connections;
    const std::string too_many_client_connections;

    std::mutex mutex;
    std::condition_variable changed;
    std::map<std::uint64_t, std::weak_ptr<Session>> sessions;
    std::map<std::string, std::size_t> per_client;  // open connections per remote address
    std::uint64_t next_id = 0;

    State(ServerOptions o, RequestHandler h)
        : options(std::move(o)),
          handler(std::move(h)),
          workers(std::max<std::size_t>(1, options.worker_threads)),
          heavy_workers(std::max<std::size_t>(1, options.heavy_threads)),
          too_many_connections(refusal("Too many open connections, retry")),
          too_many_client_connections(
              refusal("Too many open connections from this client, close some and retry")) {}

    bool claim_heavy() {
        const std::size_t limit = std::max<std::size_t>(1, options.heavy_threads);
        auto busy = heavy_busy.load();
        do {
            if (busy >= limit) return false;
        } while (!heavy_busy.compare_exchange_weak(busy, busy + 1));
        return true;
    }

    void release_client(const std::string& client) {
        std::lock_guard lock(mutex);
        auto it = per_client.find(client);
        if (it == per_client.end()) return;
        if (--it->second == 0) per_client.erase(it);
    }

    std::size_t open_connections() {
        std::lock_guard lock(mutex);
        return sessions.size();
    }
};

// Fills path and query from the raw target; false when the target is not a valid URI reference.
bool parse_target(std::string_view target, ServerRequest& out) {
    auto parsed = boost::urls::parse_uri_reference(target);
    if (!parsed) return false;
    const auto& url = *parsed;
    out.path = url.path();
    if (out.path.empty()) out.path = "/";
    if (out.path.front() != '/') return false;
    boost::urls::encoding_opts opts;
    opts.space_as_plus = true;
    for (const auto& param : url.params(opts))
        out.query.emplace_back(param.key, param.has_value ? param.value : std::string());
    return true;
}

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, std::shared_ptr<State> state, std::uint64_t id, std::string client)
        : stream_(std::move(socket)),
          state_(std::move(state)),
          id_(id),
          client_(std::move(client)) {
        beast::error_code ec;
        const auto ep = stream_.socket().remote_endpoint(ec);
        if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    }

    ~Session() {
        release_heavy();
        release_client();
        {
            std::lock_guard lock(state_->mutex);
            state_->sessions.erase(id_);
        }
        state_->changed.notify_all();
    }

    void start() {
        asio::dispatch(stream_.get_executor(),
                       [self = shared_from_this()] { self->wait_for_request(); });
    }

    // Called (through the strand) when the server starts draining: an idle connection closes
    // now; a busy one closes after its current response.
    void on_drain() {
        if (phase_ == Phase::idle) close();
    }

    void force_close() {
        gone_ = true;
        close();
    }

    // Runs on the strand: writes one chunk and reports the result to the waiting worker.
    void write_chunk(std::string_view data, std::shared_ptr<std::promise<bool>> done) {
        if (gone_) {
            done->set_value(false);
            return;
        }
        stream_.expires_after(state_->options.write_timeout);
        chunk_ = std::string(data);
        asio::async_write(stream_, http::make_chunk(asio::buffer(chunk_)),
                          [self = shared_from_this(), done](beast::error_code ec, std::size_t) {
                              if (ec) {
                                  self->gone_ = true;
                                  self->cancel_.request_stop();
                              }
                              done->set_value(!ec);
                          });
    }

    bool gone() const { return gone_; }
    auto executor() { return stream_.get_executor(); }

  private:
    enum class Phase { idle, reading, handling, writing };

    void wait_for_request() {
        if (state_->draining) return close();
        phase_ = Phase::idle;
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(state_->options.max_header_bytes));
        parser_->body_limit(state_->options.max_body_bytes);
        if (buffer_.size() > 0) return read_header();
        // Waiting for the first byte uses the idle timeout; once a request has begun, the whole
        // request must arrive within the read timeout.
        stream_.expires_after(state_->options.idle_timeout);
        stream_.async_read_some(buffer_.prepare(8192),
                                [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                    // A drain may have closed the socket after the bytes arrived.
                                    if (ec || self->gone_) return self->close();
                                    self->buffer_.commit(n);
                                    self->read_header();
                                });
    }

    void read_header() {
        phase_ = Phase::reading;
        started_ = Clock::now();
        stream_.expires_after(state_->options.read_timeout);
        http::async_read_header(stream_, buffer_, *parser_,
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                    if (ec) return self->on_read_error(ec);
                                    self->after_header();
                                });
    }

    void after_header() {
        auto& req = parser_->get();
        method_ = std::string(req.method_string());
        // Until the target is parsed, log it without its query (which may carry anything).
        path_ = std::string(req.target().substr(0, req.target().find('?')));
        if (parser_->is_done()) return on_request();
        // A client that asked to be told before sending its body is told now, so it can send it.
        if (beast::iequals(req[http::field::expect], "100-continue")) {
            continue_ = std::make_unique<http::response<http::empty_body>>(http::status::continue_,
                                                                           req.version());
            http::async_write(stream_, *continue_,
                              [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                  if (ec) return self->close();
                                  self->read_body();
                              });
            return;
        }
        read_body();
    }

    void read_body() {
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec) return self->on_read_error(ec);
                             self->on_request();
                         });
    }

    void on_read_error(beast::error_code ec) {
        if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
            ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
            ec == asio::error::eof || ec == http::error::partial_message)
            return close();
        added_headers_.clear();  // the previous request's; this one's head was not read whole
        if (ec == http::error::header_limit)
            return send_error(431, "Request header fields too large");
        if (ec == http::error::body_limit) return send_error(413, "Request body too large");
        return send_error(400, "Bad Request");
    }

    bool classify_heavy(const ServerRequest& request) const {
        if (!state_->options.is_heavy) return false;
        try {
            return state_->options.is_heavy(request);
        } catch (const std::exception& e) {
            log::error("request classifier failed", {{"path", request.path}, {"error", e.what()}});
            return false;
        }
    }

    void on_request() {
        phase_ = Phase::handling;
        auto msg = parser_->release();
        ServerRequest request;
        request.method = std::string(msg.method_string());
        request.target = std::string(msg.target());
        request.remote_address = remote_;
        for (const auto& field : msg)
            request.headers.emplace_back(std::string(field.name_string()),
                                         std::string(field.value()));
        request.body = std::move(msg.body());
        added_headers_.clear();
        if (state_->options.response_headers) {
            try {
                added_headers_ = state_->options.response_headers(request);
            } catch (const std::exception& e) {
                log::error("response header hook failed", {{"error", e.what()}});
            }
        }
        keep_alive_ = msg.keep_alive();
        version_ = msg.version();
        head_ = msg.method() == http::verb::head;
        peer_left_ = false;
        if (!parse_target(request.target, request)) return send_error(400, "Bad Request");
        path_ = request.path;
        cancel_ = std::stop_source();
        request.cancel = cancel_.get_token();

        heavy_ = classify_heavy(request);
        if (heavy_ && !state_->claim_heavy()) {
            // Every heavy thread is taken: say so now rather than queue work that takes minutes.
            heavy_ = false;
            auto busy = ServerResponse::json(503, error_body(state_->options.heavy_busy_detail));
            busy.headers.emplace_back("Retry-After",
                                      std::to_string(state_->options.heavy_retry_after.count()));
            return send_response(std::move(busy));
        }
        holds_heavy_ = heavy_;
        watch_peer();
        auto& pool = heavy_ ? state_->heavy_workers : state_->workers;
        asio::post(pool, [self = shared_from_this(), request = std::move(request)] {
            ServerResponse response;
            try {
                response = self->state_->handler(request);
            } catch (const std::exception& e) {
                log::error("unhandled exception in request handler",
                           {{"path", request.path}, {"error", e.what()}});
                response = ServerResponse::json(500, error_body("Internal Server Error"));
            } catch (...) {
                log::error("unhandled exception in request handler", {{"path", request.path}});
                response = ServerResponse::json(500, error_body("Internal Server Error"));
            }
            asio::post(self->stream_.get_executor(),
                       [self, response = std::move(response)]() mutable {
                           self->on_handled(std::move(response));
                       });
        });
    }

    void on_handled(ServerResponse response) {
        // A streamed answer keeps its heavy thread and the watch until its last chunk.
        if (!response.stream || head_) {
            stop_watching();
            release_heavy();
        }
        send_response(std::move(response));
    }

    // While the handler works nothing else reads the socket, so readiness means either the
    // client left (EOF, reset) or it pipelined its next request.
    void watch_peer() {
        watching_ = true;
        const auto generation = ++watch_generation_;
        stream_.socket().async_wait(tcp::socket::wait_read,
                                    [self = shared_from_this(), generation](beast::error_code ec) {
                                        self->on_peer_readable(ec, generation);
                                    });
    }

    void on_peer_readable(beast::error_code ec, std::uint64_t generation) {
        // A wait that completed after its answer was sent belongs to a request that is over.
        if (!watching_ || generation != watch_generation_) return;
        if (ec == asio::error::operation_aborted) return;
        if (ec) return peer_left();
        // Readiness alone proves nothing: the reactor may report the edge of bytes that the
        // request's own read already took. A peek that does not wait tells EOF from nothing new.
        auto& socket = stream_.socket();
        beast::error_code pec, ignored;
        // Set once and left on: the synchronous calls below must never block an I/O thread, and
        // clearing it again would turn the descriptor blocking under a pending streamed write.
        // Asynchronous operations do not depend on it.
        socket.non_blocking(true, ignored);
        char probe = 0;
        const auto peeked = socket.receive(asio::buffer(&probe, 1), tcp::socket::message_peek, pec);
        const auto nothing = [](const beast::error_code& e) {
            return e == asio::error::would_block || e == asio::error::try_again;
        };
        if (nothing(pec)) return watch_peer();
        if (pec || peeked == 0) return peer_left();  // EOF, reset
        // Bytes of a pipelined request: keep them for after this answer and keep watching, as long
        // as they fit in what one request may be; past that the client is plainly still there.
        const auto limit = state_->options.max_header_bytes + state_->options.max_body_bytes;
        if (buffer_.size() >= limit) {
            watching_ = false;
            return;
        }
        const std::size_t available = std::max<std::size_t>(1, socket.available(ignored));
        const auto n =
            socket.read_some(buffer_.prepare(std::min(available, limit - buffer_.size())), pec);
        if (nothing(pec)) return watch_peer();
        if (pec) return peer_left();
        buffer_.commit(n);
        watch_peer();
    }

    void peer_left() {
        watching_ = false;
        peer_left_ = true;
        if (!cancel_.stop_requested())
            log::info("client closed its connection; its request is cancelled",
                      {{"method", method_}, {"path", path_}, {"remote", remote_}});
        cancel_.request_stop();
    }

    void stop_watching() {
        if (!watching_) return;
        watching_ = false;
        ++watch_generation_;
        // Nothing else is pending on the socket at this point: the only operation cancelled is
        // the wait.
        beast::error_code ec;
        stream_.socket().cancel(ec);
    }

    void release_heavy() {
        if (!holds_heavy_) return;
        holds_heavy_ = false;
        --state_->heavy_busy;
    }

    // The per-client count follows open sockets, so a client that closed its connections may
    // open new ones at once, even while a handler of the old ones still finishes.
    void release_client() {
        if (client_released_) return;
        client_released_ = true;
        state_->release_client(client_);
    }

    template <class Message>
    void copy_headers(const ServerResponse& response, Message& msg) {
        for (const auto& [name, value] : response.headers) {
            const auto lower = lowercase(name);
            if (lower == "content-length" || lower == "transfer-encoding" || lower == "connection")
                continue;
            msg.insert(name, value);
        }
        for (const auto& [name, value] : added_headers_)
            if (!find_header(response.headers, name)) msg.insert(name, value);
    }

    bool keep_open() const { return keep_alive_ && !state_->draining && !gone_ && !peer_left_; }

    void send_response(ServerResponse response) {
        phase_ = Phase::writing;
        status_ = response.status;
        if (response.stream) return start_stream(std::move(response));
        if (head_) {
            // The head GET would send, Content-Length included, and no body.
            auto msg = std::make_shared<http::response<http::empty_body>>();
            msg->version(11);
            msg->result(static_cast<unsigned>(response.status));
            copy_headers(response, *msg);
            msg->keep_alive(keep_open());
            msg->content_length(response.body.size());
            return write_message(std::move(msg), false);
        }
        auto msg = std::make_shared<http::response<http::string_body>>();
        msg->version(11);
        msg->result(static_cast<unsigned>(response.status));
        copy_headers(response, *msg);
        msg->body() = std::move(response.body);
        msg->keep_alive(keep_open());
        msg->prepare_payload();
        write_message(std::move(msg), false);
    }

    template <class Message>
    void write_message(std::shared_ptr<Message> msg, bool linger) {
        stream_.expires_after(state_->options.write_timeout);
        const bool keep = msg->keep_alive() && !linger;
        response_ = msg;
        http::async_write(
            stream_, *msg,
            [self = shared_from_this(), keep, linger](beast::error_code ec, std::size_t) {
                self->response_.reset();
                self->log_access();
                if (ec) return self->close();
                if (linger) return self->lingering_close();
                if (!keep) return self->close();
                self->wait_for_request();
            });
    }

    // The request could not be read; answer and close (the stream cannot be resynchronised).
    void send_error(int status, std::string_view detail) {
        phase_ = Phase::writing;
        status_ = status;
        if (method_.empty()) method_ = "-";
        auto msg = std::make_shared<http::response<http::string_body>>();
        msg->version(11);
        msg->result(static_cast<unsigned>(status));
        msg->set(http::field::content_type, "application/json");
        for (const auto& [name, value] : added_headers_)
            msg->insert(name, value);
        msg->body() = error_body(detail);
        msg->keep_alive(false);
        msg->prepare_payload();
        write_message(std::move(msg), true);
    }

    void start_stream(ServerResponse response) {
        stream_header_ = std::make_unique<http::response<http::empty_body>>();
        stream_header_->version(11);
        stream_header_->result(static_cast<unsigned>(response.status));
        copy_headers(response, *stream_header_);
        stream_header_->keep_alive(keep_open());
        stream_header_->chunked(true);
        serializer_ =
            std::make_unique<http::response_serializer<http::empty_body>>(*stream_header_);
        stream_.expires_after(state_->options.write_timeout);
        http::async_write_header(stream_, *serializer_,
                                 [self = shared_from_this(), producer = std::move(response.stream)](
                                     beast::error_code ec, std::size_t) mutable {
                                     if (ec) {
                                         self->gone_ = true;
                                         self->cancel_.request_stop();
                                         self->stop_watching();
                                         self->release_heavy();
                                         self->log_access();
                                         return self->close();
                                     }
                                     // HEAD: the head of the stream is the whole answer.
                                     if (self->head_) return self->finish_head_of_stream();
                                     auto& pool = self->heavy_ ? self->state_->heavy_workers
                                                               : self->state_->workers;
                                     asio::post(pool, [self, producer = std::move(producer),
                                                       cancel = self->cancel_.get_token()] {
                                         run_producer(self, producer, cancel);
                                     });
                                 });
    }

    void finish_head_of_stream() {
        const bool keep = stream_header_->keep_alive() && keep_open();
        serializer_.reset();
        stream_header_.reset();
        log_access();
        if (!keep) return close();
        wait_for_request();
    }

    static void run_producer(const std::shared_ptr<Session>& self,
                             const std::function<void(ChunkSink&)>& producer,
                             std::stop_token cancel);

    void finish_stream(bool ok) {
        stop_watching();
        release_heavy();
        serializer_.reset();
        const bool keep = stream_header_->keep_alive() && keep_open();
        stream_header_.reset();
        if (!ok || gone_) {
            // Without the terminating chunk the client sees a truncated body, not a complete one.
            log_access();
            return close();
        }
        stream_.expires_after(state_->options.write_timeout);
        asio::async_write(stream_, http::make_chunk_last(),
                          [self = shared_from_this(), keep](beast::error_code ec, std::size_t) {
                              self->log_access();
                              if (ec || !keep) return self->close();
                              self->wait_for_request();
                          });
    }

    void log_access() {
        // Integers: Boost.JSON would print a double as "2.4E0", which nobody wants to read.
        const auto us =
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_).count();
        log::info("access", {{"method", method_},
                             {"path", path_},
                             {"status", status_},
                             {"duration_ms", (us + 500) / 1000},
                             {"duration_us", us},
                             {"remote", remote_},
                             {"client_gone", peer_left_ || gone_.load()}});
        method_.clear();
        path_.clear();
    }

    // After an error response, stop sending and read (and discard) what the client still sends
    // for a moment: closing with unread data would reset the connection and could destroy the
    // response before the client reads it.
    void lingering_close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        if (ec) return close();
        stream_.expires_after(std::chrono::seconds(2));
        drain_some();
    }

    void drain_some() {
        buffer_.consume(buffer_.size());
        stream_.async_read_some(buffer_.prepare(64 * 1024),
                                [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                    if (ec) return self->close();
                                    self->drain_some();
                                });
    }

    void close() {
        phase_ = Phase::idle;
        gone_ = true;
        // A handler still running for this connection has nobody left to answer.
        cancel_.request_stop();
        watching_ = false;
        release_client();
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.socket().close(ec);
    }

    beast::tcp_stream stream_;
    std::shared_ptr<State> state_;
    std::uint64_t id_;
    std::string client_;  // the remote address, the key of the per-client count
    bool client_released_ = false;
    std::string remote_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::unique_ptr<http::response<http::empty_body>> continue_;
    std::shared_ptr<void> response_;  // the message being written, alive until its write ends
    std::unique_ptr<http::response<http::empty_body>> stream_header_;
    std::unique_ptr<http::response_serializer<http::empty_body>> serializer_;
    std::string chunk_;
    Phase phase_ = Phase::idle;
    std::atomic<bool> gone_{false};
    std::stop_source cancel_;   // a fresh one per request
    bool heavy_ = false;        // the current request runs on the heavy pool
    bool holds_heavy_ = false;  // ... and still holds its claim on a heavy thread
    bool watching_ = false;
    std::uint64_t watch_generation_ = 0;
    bool peer_left_ = false;
    bool head_ = false;
    bool keep_alive_ = true;
    unsigned version_ = 11;
    Clock::time_point started_ = Clock::now();
    std::string method_, path_;
    int status_ = 0;
    Headers added_headers_;  // ServerOptions::response_headers of the current request
};

// Handed to a streaming handler on its worker thread. Each write hops onto the connection's strand
// (Beast streams are not thread-safe) and waits for the chunk to be written.
class StrandSink : public ChunkSink {
  public:
    StrandSink(std::shared_ptr<Session> session, std::stop_token cancel)
        : session_(std::move(session)), cancel_(std::move(cancel)) {}

    bool write(std::string_view chunk) override {
        if (client_gone()) return false;
        if (chunk.empty()) return true;  // an empty chunk would end the body
        auto done = std::make_shared<std::promise<bool>>();
        auto result = done->get_future();
        asio::post(session_->executor(),
                   [session = session_, chunk, done] { session->write_chunk(chunk, done); });
        try {
            return result.get();
        } catch (const std::future_error&) {
            return false;  // the I/O loop stopped before the write ran
        }
    }

    bool client_gone() const override { return session_->gone() || cancel_.stop_requested(); }

  private:
    std::shared_ptr<Session> session_;
    std::stop_token cancel_;
};

void Session::run_producer(const std::shared_ptr<Session>& self,
                           const std::function<void(ChunkSink&)>& producer,
                           std::stop_token cancel) {
    bool ok = true;
    try {
        StrandSink sink(self, cancel);
        producer(sink);
    } catch (const std::exception& e) {
        ok = false;
        log::error("unhandled exception in streaming handler",
                   {{"path", self->path_}, {"error", e.what()}});
    } catch (...) {
        ok = false;
        log::error("unhandled exception in streaming handler", {{"path", self->path_}});
    }
    asio::post(self->stream_.get_executor(), [self, ok] { self->finish_stream(ok); });
}

}  // namespace

struct HttpServer::Impl {
    std::shared_ptr<State> state;
    asio::io_context ioc;
    asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
    asio::strand<asio::io_context::executor_type> accept_strand{asio::make_strand(ioc)};
    tcp::acceptor acceptor{accept_strand};
    std::optional<asio::signal_set> signals;  // handle_signals(); reset after the drain
    std::vector<std::thread> io_threads;
    unsigned short bound_port = 0;
    bool started = false;
    bool finished = false;

    std::mutex stop_mutex;
    std::condition_variable stop_cv;
    bool stop_requested = false;

    Impl(ServerOptions options, RequestHandler handler)
        : state(std::make_shared<State>(std::move(options), std::move(handler))),
          ioc(static_cast<int>(std::max<std::size_t>(1, state->options.io_threads))) {}

    void accept() {
        acceptor.async_accept(
            asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
                if (ec) {
                    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
                    // Out of descriptors and the like: keep serving the connections already open.
                    log::warn("accept failed", {{"error", ec.message()}});
                    return accept();
                }
                if (state->draining) return;  // the acceptor is closing; this one is refused
                on_accepted(std::move(socket));
                accept();
            });
    }

    void on_accepted(tcp::socket socket) {
        beast::error_code ec;
        const auto ep = socket.remote_endpoint(ec);
        std::string client = ec ? std::string() : ep.address().to_string();
        std::shared_ptr<Session> session;
        const std::string* refused = nullptr;
        {
            std::lock_guard lock(state->mutex);
            const auto per_client = state->options.max_connections_per_client;
            if (state->sessions.size() >= state->options.max_connections) {
                refused = &state->too_many_connections;
            } else if (per_client > 0 && state->per_client[client] >= per_client) {
                refused = &state->too_many_client_connections;
            } else {
                const auto id = state->next_id++;
                ++state->per_client[client];
                session = std::make_shared<Session>(std::move(socket), state, id, client);
                state->sessions.emplace(id, session);
            }
        }
        if (session) return session->start();
        // Over a limit: a short answer and close, never a queue that grows without bound.
        log::debug("connection refused", {{"remote", client},
                                          {"reason", refused == &state->too_many_connections
                                                         ? "max_connections"
                                                         : "max_connections_per_client"}});
        auto sock = std::make_shared<tcp::socket>(std::move(socket));
        asio::async_write(*sock, asio::buffer(*refused),
                          // The answer lives in the state: it stays alive until written.
                          [sock, keep = state](beast::error_code, std::size_t) {
                              (void)keep;
                              beast::error_code ec;
                              sock->shutdown(tcp::socket::shutdown_both, ec);
                              sock->close(ec);
                          });
    }

    void start() {
        if (started) return;
        const auto& o = state->options;
        beast::error_code ec;
        const auto address = asio::ip::make_address(o.host, ec);
        if (ec) throw std::runtime_error("invalid listen address \"" + o.host + "\"");
        const tcp::endpoint endpoint{address, o.port};
        const auto where = o.host + ":" + std::to_string(o.port);
        acceptor.open(endpoint.protocol(), ec);
        if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) acceptor.bind(endpoint, ec);
        if (ec) throw std::runtime_error("cannot bind " + where + ": " + ec.message());
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
        if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
        bound_port = acceptor.local_endpoint().port();
        started = true;
        asio::dispatch(accept_strand, [this] { accept(); });
        const auto n = std::max<std::size_t>(1, o.io_threads);
        for (std::size_t i = 0; i < n; ++i)
            io_threads.emplace_back([this] { ioc.run(); });
    }

    void request_stop() {
        {
            std::lock_guard lock(stop_mutex);
            stop_requested = true;
        }
        stop_cv.notify_all();
    }

    template <class F>
    void for_each_session(F f) {
        std::vector<std::shared_ptr<Session>> live;
        {
            std::lock_guard lock(state->mutex);
            for (auto& [id, weak] : state->sessions)
                if (auto s = weak.lock()) live.push_back(std::move(s));
        }
        for (auto& s : live)
            asio::post(s->executor(), [s, f] { f(*s); });
    }

    // Stop accepting, let in-flight requests finish within the grace period, then shut down.
    void drain() {
        if (finished || !started) return;
        finished = true;
        std::promise<void> closed;
        // Set on the accept strand, so an accepted socket is either registered before the drain
        // walks the sessions or dropped, and never outlives the listening socket unnoticed.
        asio::post(accept_strand, [this, &closed] {
            state->draining = true;
            beast::error_code ec;
            acceptor.close(ec);
            closed.set_value();
        });
        closed.get_future().wait();
        for_each_session([](Session& s) { s.on_drain(); });
        {
            std::unique_lock lock(state->mutex);
            const bool drained = state->changed.wait_for(lock, state->options.shutdown_grace,
                                                         [&] { return state->sessions.empty(); });
            if (!drained)
                log::warn("shutdown grace period over; closing remaining connections",
                          {{"open_connections", state->sessions.size()}});
        }
        for_each_session([](Session& s) { s.force_close(); });
        // Handlers still running see client_gone(); the I/O loop keeps going until they return so
        // their last writes complete (with an error) instead of hanging.
        state->workers.join();
        state->heavy_workers.join();
        work.reset();
        ioc.stop();
        for (auto& t : io_threads)
            t.join();
        io_threads.clear();
    }
};

HttpServer::HttpServer(ServerOptions options, RequestHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() {
    impl_->drain();
    if (!impl_->started) {
        impl_->state->workers.join();
        impl_->state->heavy_workers.join();
    }
}

void HttpServer::start() {
    impl_->start();
}

unsigned short HttpServer::port() const {
    return impl_->bound_port;
}

void HttpServer::handle_signals() {
    if (impl_->signals) return;
    impl_->signals.emplace(impl_->ioc, SIGINT, SIGTERM);
    impl_->signals->async_wait([this](beast::error_code ec, int signal) {
        if (ec) return;
        log::info("shutting down", {{"signal", signal}});
        impl_->request_stop();
    });
}

void HttpServer::run(bool install_signal_handlers) {
    if (install_signal_handlers) handle_signals();
    start();
    {
        std::unique_lock lock(impl_->stop_mutex);
        impl_->stop_cv.wait(lock, [&] { return impl_->stop_requested; });
    }
    // The signal set stays armed-and-idle until the I/O threads have stopped: cancelling it here
    // would race with them.
    impl_->drain();
    impl_->signals.reset();
}

void HttpServer::stop() {
    impl_->request_stop();
}

}  // namespace dspm::net
