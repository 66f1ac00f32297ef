// The two helpers of net::ServerRequest/ServerResponse the route table uses, as defined in
// src/net/http_server.cpp, which the fuzz build leaves out (Boost.Beast; see the top-level
// CMakeLists.txt). Keep them in step with that file.
#include <optional>
#include <string>
#include <string_view>

#include "net/http_server.hpp"

namespace dspm::net {

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

}  // namespace dspm::net
