#include "aws/error.hpp"

namespace dspm::aws {

std::string_view to_string(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::permission_denied:
            return "permission_denied";
        case ErrorKind::not_found:
            return "not_found";
        case ErrorKind::throttled:
            return "throttled";
        case ErrorKind::invalid_credentials:
            return "invalid_credentials";
        case ErrorKind::no_credentials:
            return "no_credentials";
        case ErrorKind::network:
            return "network";
        case ErrorKind::timeout:
            return "timeout";
        case ErrorKind::malformed:
            return "malformed";
        case ErrorKind::invalid_request:
            return "invalid_request";
        case ErrorKind::service:
            return "service";
    }
    return "service";
}

}  // namespace dspm::aws
