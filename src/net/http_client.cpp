// The outbound HTTP client: libcurl's multi interface on one I/O thread per client.
//
// A request is prepared on the caller's thread (an easy handle from a pool, its options), handed
// to the I/O thread, and the caller waits for its answer with an exec::Event: a task of an audit
// suspends there and its thread runs other tasks, a plain thread blocks. The I/O thread drives
// every transfer with epoll and curl_multi_socket_action, so hundreds of requests are in flight
// with no thread per request. Connections live in the multi handle's cache and are reused by
// whichever request goes to the same host next; DNS answers and TLS sessions are shared too.
//
// Proxies: the environment is read once, when the client is built, and applied explicitly per
// request. libcurl alone ignores an upper-case HTTP_PROXY (a CGI safety rule that does not
// concern a client like this one), and calling getenv per request races with setenv.
#include "net/http_client.hpp"

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <unordered_set>
#include <vector>

#include "common/log.hpp"
#include "exec/loop.hpp"

namespace dspm::net {
namespace {

void global_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            throw std::runtime_error("curl_global_init failed");
    });
}

struct EasyDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct HeaderListDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, HeaderListDeleter>;

std::string env_first(const char* lower_name, const char* upper_name) {
    if (const char* v = std::getenv(lower_name); v != nullptr && *v != '\0') return v;
    if (const char* v = std::getenv(upper_name); v != nullptr && *v != '\0') return v;
    return {};
}

bool is_https(std::string_view url) {
    return url.size() >= 8 &&
           std::equal(url.begin(), url.begin() + 8, "https://", [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == b;
           });
}

// Without this check libcurl reports an unreadable bundle only as a handshake failure (or, with
// some TLS backends, quietly falls back to the system store): name the file and the reason.
std::optional<std::string> unusable_ca_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::generic_category().message(errno);
    if (!S_ISREG(st.st_mode)) return std::string("not a regular file");
    if (::access(path.c_str(), R_OK) != 0) return std::generic_category().message(errno);
    return std::nullopt;
}

struct ProxyConfig {
    std::string http, https, all, no_proxy;
    static ProxyConfig from_environment() {
        return ProxyConfig{env_first("http_proxy", "HTTP_PROXY"),
                           env_first("https_proxy", "HTTPS_PROXY"),
                           env_first("all_proxy", "ALL_PROXY"), env_first("no_proxy", "NO_PROXY")};
    }
    const std::string& for_url(std::string_view url) const {
        const std::string& chosen = is_https(url) ? https : http;
        return chosen.empty() ? all : chosen;
    }
};

// Scheme, host and path only: a query string may carry a presigned credential.
std::string redact_url(const std::string& url) {
    return url.substr(0, std::min(url.find('?'), url.find('#')));
}

bool has_line_break(std::string_view s) {
    return s.find_first_of("\r\n") != std::string_view::npos || s.find('\0') != s.npos;
}

bool valid_method(std::string_view m) {
    return !m.empty() && std::all_of(m.begin(), m.end(), [](unsigned char c) {
        return std::isupper(c) != 0 || c == '-' || c == '_';
    });
}

struct Transfer {
    std::size_t max_bytes = 0;
    bool too_large = false;
    HttpResponse response;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    if (t->response.body.size() + n > t->max_bytes) {
        t->too_large = true;
        return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    t->response.body.append(data, n);
    return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const std::size_t n = size * count;
    std::string_view line(data, n);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n'))
        line.remove_suffix(1);
    // Each status line starts a new response (a proxy's CONNECT answer, 100 Continue, a
    // redirect when following): only the last one's headers are kept.
    if (line.rfind("HTTP/", 0) == 0) {
        t->response.headers.clear();
        return n;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return n;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
    t->response.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    return n;
}

TransportErrorKind classify(CURLcode code, bool too_large) {
    if (too_large) return TransportErrorKind::too_large;
    return classify_curl_code(static_cast<int>(code));
}

TransportError invalid(std::string message) {
    return TransportError{TransportErrorKind::invalid_request, std::move(message)};
}

}  // namespace

TransportErrorKind classify_curl_code(int curl_code) {
    switch (static_cast<CURLcode>(curl_code)) {
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
            return TransportErrorKind::connect;
        case CURLE_OPERATION_TIMEDOUT:
            return TransportErrorKind::timeout;
        case CURLE_FILESIZE_EXCEEDED:
            return TransportErrorKind::too_large;
        // The handshake with the peer failed: what it sent was no TLS, it went away during the
        // handshake, or its certificate does not verify.
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_SHUTDOWN_FAILED:
        case CURLE_SSL_ISSUER_ERROR:
        case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        case CURLE_SSL_INVALIDCERTSTATUS:
        case CURLE_SSL_CLIENTCERT:
        case CURLE_USE_SSL_FAILED:
            return TransportErrorKind::tls;
        // Local configuration the request cannot be made with: the same on every attempt.
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CRL_BADFILE:
        case CURLE_SSL_ENGINE_NOTFOUND:
        case CURLE_SSL_ENGINE_SETFAILED:
        case CURLE_SSL_ENGINE_INITFAILED:
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_NOT_BUILT_IN:
        case CURLE_BAD_FUNCTION_ARGUMENT:
            return TransportErrorKind::invalid_request;
        // Connected, then the exchange broke (reset, closed early, half an answer, a reply that
        // is not HTTP, an HTTP/2 stream error) and everything else.
        default:
            return TransportErrorKind::other;
    }
}

// One request on the I/O thread: its handle, and the result the waiting caller reads.
struct Exchange {
    CURL* handle = nullptr;
    CURLcode code = CURLE_OK;
    exec::Event done;
};

struct HttpClient::Impl {
    HttpClientOptions options;
    ProxyConfig proxy = ProxyConfig::from_environment();
    CURLSH* share = nullptr;
    std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks;
    std::mutex pool_mutex;
    std::vector<EasyHandle> pool;

    // The I/O thread's state. The queue is shared with callers; the rest is the thread's own.
    CURLM* multi = nullptr;
    int epoll_fd = -1;
    int wake_fd = -1;
    std::mutex queue_mutex;
    std::vector<Exchange*> queue;
    bool stopping = false;
    std::optional<std::chrono::steady_clock::time_point> timer;
    std::unordered_set<Exchange*> running;
    std::thread io;

    explicit Impl(HttpClientOptions o) : options(o) {
        global_init();
        share = curl_share_init();
        if (share == nullptr) throw std::runtime_error("curl_share_init failed");
        curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Impl::lock);
        curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Impl::unlock);
        curl_share_setopt(share, CURLSHOPT_USERDATA, this);
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
        multi = curl_multi_init();
        epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
        wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (multi == nullptr || epoll_fd < 0 || wake_fd < 0) {
            close_io();
            throw std::runtime_error("HTTP client: cannot set up its I/O (multi, epoll, eventfd)");
        }
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = wake_fd;
        ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev);
        curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
        curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
        curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
        curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
        // Idle connections kept for reuse; beyond it the oldest is closed.
        curl_multi_setopt(
            multi, CURLMOPT_MAXCONNECTS,
            static_cast<long>(std::max<std::size_t>(options.max_idle_connections, 1)));
        // The I/O thread takes no signals: a process's SIGINT/SIGTERM belong to whoever waits for
        // them (the CLI's sigwait thread); delivered here, they would end the process unhandled.
        sigset_t all{}, previous{};
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &previous);
        io = std::thread([this] { io_loop(); });
        pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    }
    ~Impl() {
        {
            std::lock_guard lock(queue_mutex);
            stopping = true;
            wake();
        }
        if (io.joinable()) io.join();
        close_io();
        pool.clear();  // easy handles must go before the share they use
        curl_share_cleanup(share);
    }

    void close_io() {
        if (multi != nullptr) curl_multi_cleanup(multi);
        if (epoll_fd >= 0) ::close(epoll_fd);
        if (wake_fd >= 0) ::close(wake_fd);
        multi = nullptr;
        epoll_fd = wake_fd = -1;
    }

    static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
        static_cast<Impl*>(user)->share_locks.at(static_cast<std::size_t>(data)).lock();
    }
    static void unlock(CURL*, curl_lock_data data, void* user) {
        static_cast<Impl*>(user)->share_locks.at(static_cast<std::size_t>(data)).unlock();
    }

    // Called with queue_mutex held.
    void wake() const {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto n = ::write(wake_fd, &one, sizeof one);
    }

    // False when the client is shutting down.
    bool submit(Exchange* exchange) {
        std::lock_guard lock(queue_mutex);
        if (stopping) return false;
        queue.push_back(exchange);
        if (queue.size() == 1) wake();  // a longer queue has a wake-up pending already
        return true;
    }

    static int on_socket(CURL*, curl_socket_t fd, int what, void* user, void*) {
        auto* self = static_cast<Impl*>(user);
        if (what == CURL_POLL_REMOVE) {
            ::epoll_ctl(self->epoll_fd, EPOLL_CTL_DEL, fd, nullptr);  // may be closed already
            return 0;
        }
        epoll_event ev{};
        ev.data.fd = fd;
        ev.events = ((what & CURL_POLL_IN) != 0 ? EPOLLIN : 0u) |
                    ((what & CURL_POLL_OUT) != 0 ? EPOLLOUT : 0u);
        if (::epoll_ctl(self->epoll_fd, EPOLL_CTL_MOD, fd, &ev) != 0 && errno == ENOENT)
            ::epoll_ctl(self->epoll_fd, EPOLL_CTL_ADD, fd, &ev);
        return 0;
    }

    static int on_timer(CURLM*, long timeout_ms, void* user) {
        auto* self = static_cast<Impl*>(user);
        if (timeout_ms < 0)
            self->timer.reset();
        else
            self->timer = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        return 0;
    }

    void finish(Exchange* exchange, CURLcode code) {
        running.erase(exchange);
        exchange->code = code;
        exchange->done.set();  // the caller may free the exchange from here on
    }

    void collect_finished() {
        int left = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
            if (msg->msg != CURLMSG_DONE) continue;
            CURL* h = msg->easy_handle;
            const CURLcode code = msg->data.result;
            void* user = nullptr;
            curl_easy_getinfo(h, CURLINFO_PRIVATE, &user);
            curl_multi_remove_handle(multi, h);
            finish(static_cast<Exchange*>(user), code);
        }
    }

    void io_loop() {
        std::array<epoll_event, 256> events{};
        int still_running = 0;
        for (;;) {
            int wait_ms = -1;
            if (timer) {
                const auto left = std::chrono::ceil<std::chrono::milliseconds>(
                    *timer - std::chrono::steady_clock::now());
                wait_ms = static_cast<int>(std::clamp<long long>(left.count(), 0, 60'000));
            }
            const int n =
                ::epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), wait_ms);
            if (n < 0 && errno != EINTR) {
                log::error("HTTP client: epoll_wait failed", {{"error", std::strerror(errno)}});
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            bool woken = false;
            for (int i = 0; i < n; ++i) {
                const int fd = events[static_cast<std::size_t>(i)].data.fd;
                const auto e = events[static_cast<std::size_t>(i)].events;
                if (fd == wake_fd) {
                    woken = true;
                    continue;
                }
                int flags = 0;
                if ((e & (EPOLLIN | EPOLLHUP | EPOLLRDHUP)) != 0) flags |= CURL_CSELECT_IN;
                if ((e & EPOLLOUT) != 0) flags |= CURL_CSELECT_OUT;
                if ((e & EPOLLERR) != 0) flags |= CURL_CSELECT_ERR;
                curl_multi_socket_action(multi, fd, flags, &still_running);
            }
            if (timer && std::chrono::steady_clock::now() >= *timer) {
                timer.reset();
                curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &still_running);
            }
            if (woken) {
                std::uint64_t count = 0;
                [[maybe_unused]] const auto r = ::read(wake_fd, &count, sizeof count);
                std::vector<Exchange*> incoming;
                bool stop = false;
                {
                    std::lock_guard lock(queue_mutex);
                    incoming.swap(queue);
                    stop = stopping;
                }
                for (Exchange* x : incoming) {
                    running.insert(x);
                    if (stop || curl_multi_add_handle(multi, x->handle) != CURLM_OK)
                        finish(x, CURLE_ABORTED_BY_CALLBACK);
                }
                if (stop) break;
                // Start the new transfers now rather than one epoll round later.
                if (!incoming.empty())
                    curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &still_running);
            }
            collect_finished();
        }
        // Shutting down: nobody should be waiting, but whoever is gets an answer.
        std::vector<Exchange*> left(running.begin(), running.end());
        for (Exchange* x : left) {
            curl_multi_remove_handle(multi, x->handle);
            finish(x, CURLE_ABORTED_BY_CALLBACK);
        }
    }

    EasyHandle acquire() {
        {
            std::lock_guard lock(pool_mutex);
            if (!pool.empty()) {
                EasyHandle h = std::move(pool.back());
                pool.pop_back();
                return h;
            }
        }
        EasyHandle h(curl_easy_init());
        if (!h) throw std::runtime_error("curl_easy_init failed");
        return h;
    }

    void release(EasyHandle h) {
        // Drops the options that point into the finished request's frame.
        curl_easy_reset(h.get());
        std::lock_guard lock(pool_mutex);
        if (pool.size() < std::max<std::size_t>(options.max_idle_connections, 1))
            pool.push_back(std::move(h));
    }
};

HttpClient::HttpClient(HttpClientOptions options) : impl_(std::make_unique<Impl>(options)) {}
HttpClient::~HttpClient() = default;

const HttpClientOptions& HttpClient::options() const {
    return impl_->options;
}

Expected<HttpResponse, TransportError> HttpClient::send(const HttpRequest& request) const {
    const std::string method = request.method.empty() ? std::string("GET") : request.method;
    if (!valid_method(method)) return unexpected(invalid("invalid HTTP method"));
    if (request.url.empty() || has_line_break(request.url))
        return unexpected(invalid("invalid URL"));
    if (!request.ca_file.empty() && is_https(request.url)) {
        if (auto why = unusable_ca_file(request.ca_file))
            return unexpected(invalid("CA bundle " + request.ca_file + " cannot be used: " + *why));
    }
    HeaderList headers;
    const auto append = [&headers](const std::string& line) {
        curl_slist* head = curl_slist_append(headers.get(), line.c_str());
        if (head == nullptr) throw std::bad_alloc();
        (void)headers.release();  // the same list, now one longer (or the first node)
        headers.reset(head);
    };
    bool expect_given = false;
    for (const auto& [name, value] : request.headers) {
        if (name.empty() || has_line_break(name) || has_line_break(value) ||
            name.find(':') != std::string::npos)
            return unexpected(invalid("invalid request header (name or value not sendable)"));
        if (::strcasecmp(name.c_str(), "Expect") == 0) expect_given = true;
        // "Name;" is libcurl's spelling for a header sent with an empty value.
        append(value.empty() ? name + ";" : name + ": " + value);
    }
    // Waiting for "100 Continue" costs a second against servers that never send it.
    if (!expect_given) append("Expect:");

    const auto& opts = impl_->options;
    const auto connect_timeout =
        request.connect_timeout.count() > 0 ? request.connect_timeout : opts.connect_timeout;
    const auto total_timeout =
        request.total_timeout.count() > 0 ? request.total_timeout : opts.total_timeout;

    EasyHandle handle = impl_->acquire();
    CURL* h = handle.get();
    Transfer transfer;
    transfer.max_bytes = opts.max_response_bytes;
    std::array<char, CURL_ERROR_SIZE> errbuf{};

    curl_easy_setopt(h, CURLOPT_SHARE, impl_->share);
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf.data());
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(total_timeout.count()));
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, opts.verify_tls ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, opts.verify_tls ? 2L : 0L);
    if (!request.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, request.ca_file.c_str());
    if (request.path_as_is) curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(h, CURLOPT_PROXY, impl_->proxy.for_url(request.url).c_str());
    curl_easy_setopt(h, CURLOPT_NOPROXY, impl_->proxy.no_proxy.c_str());
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(std::min<std::size_t>(
                         opts.max_response_bytes, static_cast<std::size_t>(INT64_MAX))));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

    const auto set_body = [&] {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    };
    if (method == "GET" && request.body.empty()) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (method == "HEAD") {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (method == "POST") {
        set_body();
    } else {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
        // PUT and PATCH announce an empty body (Content-Length: 0); others send one only if given.
        if (!request.body.empty() || method == "PUT" || method == "PATCH") set_body();
    }

    Exchange exchange;
    exchange.handle = h;
    curl_easy_setopt(h, CURLOPT_PRIVATE, &exchange);
    if (!impl_->submit(&exchange)) {
        impl_->release(std::move(handle));
        return unexpected(TransportError{TransportErrorKind::other,
                                         "HTTP client is shutting down: " + method + " " +
                                             redact_url(request.url) + " not sent"});
    }
    exchange.done.wait();
    const CURLcode code = exchange.code;
    if (code != CURLE_OK) {
        std::string message = std::string(to_string(classify(code, transfer.too_large))) +
                              " error on " + method + " " + redact_url(request.url) + ": ";
        if (transfer.too_large)
            message +=
                "response body exceeds " + std::to_string(opts.max_response_bytes) + " bytes";
        else
            message += errbuf[0] != '\0' ? std::string(errbuf.data()) : curl_easy_strerror(code);
        const TransportErrorKind kind = classify(code, transfer.too_large);
        impl_->release(std::move(handle));
        return unexpected(TransportError{kind, std::move(message)});
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    transfer.response.status = static_cast<int>(status);
    impl_->release(std::move(handle));
    return std::move(transfer.response);
}

}  // namespace dspm::net
