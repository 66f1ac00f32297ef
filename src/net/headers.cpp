#include <strings.h>

#include "net/http_client.hpp"

namespace dspm::net {

std::optional<std::string> find_header(const Headers& headers, std::string_view name) {
    for (const auto& [k, v] : headers) {
        if (k.size() == name.size() && ::strncasecmp(k.data(), name.data(), k.size()) == 0)
            return v;
    }
    return std::nullopt;
}

std::string_view to_string(TransportErrorKind kind) {
    switch (kind) {
        case TransportErrorKind::connect:
            return "connect";
        case TransportErrorKind::timeout:
            return "timeout";
        case TransportErrorKind::too_large:
            return "too_large";
        case TransportErrorKind::tls:
            return "tls";
        case TransportErrorKind::invalid_request:
            return "invalid_request";
        case TransportErrorKind::other:
            return "other";
    }
    return "other";
}

}  // namespace dspm::net
