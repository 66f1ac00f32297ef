#pragma once
// The outbound HTTP client (libcurl) used for every call the service makes: Mapping API,
// Collector API and AWS. Thread-safe; connections are reused across requests and threads.
// send() waits for the answer with exec's waits: called from a task (an audit's check), the task
// suspends and its thread runs others; one I/O thread per client carries every transfer.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/expected.hpp"

namespace dspm::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup.
std::optional<std::string> find_header(const Headers& headers, std::string_view name);

struct HttpRequest {
    std::string method = "GET";
    std::string url;  // absolute, already percent-encoded as it must go on the wire
    Headers headers;
    std::string body;
    // Zero means: use the client's defaults.
    std::chrono::milliseconds connect_timeout{0};
    std::chrono::milliseconds total_timeout{0};
    // Send the path exactly as given: libcurl otherwise removes "./" and "../" segments, which
    // breaks a signature computed over the path as is (S3 keys may contain such segments).
    bool path_as_is = false;
    // A PEM bundle to verify https servers with instead of the system's (AWS_CA_BUNDLE). A file
    // that cannot be read fails the request before anything is sent; plain http ignores it.
    std::string ca_file;
};

struct HttpResponse {
    int status = 0;
    Headers headers;  // names as received
    std::string body;
    std::optional<std::string> header(std::string_view name) const {
        return find_header(headers, name);
    }
};

// connect: no connection (refused, DNS, proxy); timeout: connect or total timeout; too_large: the
// answer exceeds max_response_bytes; tls: the handshake failed (garbage instead of TLS, a reset
// during it, a certificate the peer presented that does not verify); invalid_request: the request
// cannot be made as configured (URL, method, headers, an unreadable CA bundle or client
// certificate), so trying again cannot help; other: the exchange broke after connecting (reset,
// nothing or half an answer, protocol errors).
enum class TransportErrorKind { connect, timeout, too_large, tls, invalid_request, other };

struct TransportError {
    TransportErrorKind kind = TransportErrorKind::other;
    std::string message;  // never contains request headers (they may carry secrets)
};

std::string_view to_string(TransportErrorKind kind);

// The kind of a libcurl result code (a CURLcode; int so that callers need not include curl.h).
TransportErrorKind classify_curl_code(int curl_code);

struct HttpClientOptions {
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds total_timeout{30000};
    std::size_t max_response_bytes = 64 * 1024 * 1024;
    // Kept open for reuse after their request (an audit has up to AUDIT_CONCURRENCY in flight).
    std::size_t max_idle_connections = 512;
    bool verify_tls = true;  // never turned off by configuration; tests use plain http on loopback
};

class HttpClient {
  public:
    explicit HttpClient(HttpClientOptions options = {});
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    Expected<HttpResponse, TransportError> send(const HttpRequest& request) const;
    const HttpClientOptions& options() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace dspm::net
