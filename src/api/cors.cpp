#include "api/cors.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

#include "catalog/local_source.hpp"  // to_lower

namespace dspm::api {
namespace {

// Header names (RFC 9110 tokens) separated by commas and spaces, bounded: anything else is not
// echoed back into a response header.
bool plain_header_list(std::string_view v) {
    if (v.empty() || v.size() > 1024) return false;
    return std::all_of(v.begin(), v.end(), [](unsigned char c) {
        return std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == ',' || c == ' ';
    });
}

// Headers a page may read from our answers besides the CORS-safelisted ones.
constexpr const char* kExposed = "Retry-After, X-Cache, X-Catalog-Source, WWW-Authenticate";
constexpr const char* kDefaultAllowedHeaders = "Authorization, Content-Type, Accept";

}  // namespace

Cors::Cors(std::vector<std::string> origins) {
    for (auto& o : origins) {
        if (o == "*")
            any_ = true;
        else if (!o.empty())
            origins_.insert(catalog::to_lower(std::move(o)));
    }
}

net::Headers Cors::response_headers(const net::ServerRequest& request) const {
    net::Headers out;
    if (any_) {
        out.emplace_back("Access-Control-Allow-Origin", "*");
    } else if (!origins_.empty()) {
        // The answer differs by Origin, so caches must keep them apart.
        out.emplace_back("Vary", "Origin");
        const auto origin = request.header("Origin");
        if (!origin || !origins_.contains(catalog::to_lower(*origin))) return out;
        out.emplace_back("Access-Control-Allow-Origin", *origin);
    } else {
        return out;
    }
    out.emplace_back("Access-Control-Expose-Headers", kExposed);
    return out;
}

bool Cors::is_preflight(const net::ServerRequest& request) {
    return request.method == "OPTIONS" && request.header("Access-Control-Request-Method");
}

net::ServerResponse Cors::preflight(const net::ServerRequest& request,
                                    const std::set<std::string>& methods) const {
    net::ServerResponse response;
    response.status = 204;
    std::string allow;
    for (const auto& m : methods)
        allow += (allow.empty() ? "" : ", ") + m;
    allow += allow.empty() ? "OPTIONS" : ", OPTIONS";
    response.headers.emplace_back("Allow", allow);
    if (!enabled()) return response;
    response.headers.emplace_back("Access-Control-Allow-Methods", allow);
    const auto asked = request.header("Access-Control-Request-Headers");
    response.headers.emplace_back("Access-Control-Allow-Headers", asked && plain_header_list(*asked)
                                                                      ? *asked
                                                                      : kDefaultAllowedHeaders);
    // Ten minutes, the cap Chromium applies anyway: one preflight per route per page session.
    response.headers.emplace_back("Access-Control-Max-Age", "600");
    return response;
}

}  // namespace dspm::api
