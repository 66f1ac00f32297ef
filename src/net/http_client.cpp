// The outbound HTTP client on libcurl's easy interface.
//
// Connection reuse: libcurl keeps a connection cache inside each easy handle, and sharing that
// cache between concurrently running threads through CURLSH is documented as unsupported. So
// the client keeps a pool of easy handles: a request borrows one (LIFO, so the warmest
// connections are reused first), and returns it with its live connections afterwards. DNS
// answers and TLS sessions, which libcurl can share across threads safely, live in one CURLSH.
//
// Proxies: the environment is read once, when the client is built, and applied explicitly per
// request. libcurl alone ignores an upper-case HTTP_PROXY (a CGI safety rule that does not
// concern a client like this one), and calling getenv per request races with setenv.
#include "net/http_client.hpp"

#include <curl/curl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <vector>

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

struct HttpClient::Impl {
    HttpClientOptions options;
    ProxyConfig proxy = ProxyConfig::from_environment();
    CURLSH* share = nullptr;
    std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks;
    std::mutex pool_mutex;
    std::vector<EasyHandle> pool;

    explicit Impl(HttpClientOptions o) : options(o) {
        global_init();
        share = curl_share_init();
        if (share == nullptr) throw std::runtime_error("curl_share_init failed");
        curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Impl::lock);
        curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Impl::unlock);
        curl_share_setopt(share, CURLSHOPT_USERDATA, this);
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }
    ~Impl() {
        pool.clear();  // easy handles must go before the share they use
        curl_share_cleanup(share);
    }

    static void lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
        static_cast<Impl*>(user)->share_locks.at(static_cast<std::size_t>(data)).lock();
    }
    static void unlock(CURL*, curl_lock_data data, void* user) {
        static_cast<Impl*>(user)->share_locks.at(static_cast<std::size_t>(data)).unlock();
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
        // Drops the options that point into the finished request's frame; reset keeps the
        // handle's connection cache, which is what the pool is for.
        curl_easy_reset(h.get());
        std::lock_guard lock(pool_mutex);
        // Beyond the bound the handle and its connections are closed: idle sockets are capped.
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

    const CURLcode code = curl_easy_perform(h);
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
