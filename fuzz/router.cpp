// The HTTP route table (src/api/router.cpp): a Router with the shapes of the real routes (a
// token-free /health, literal-vs-parameter specificity as /audit/{f}/_all vs /audit/{f}/{id},
// several methods on one path) dispatching fuzzed requests. Input:
//   <METHOD> <target>
//   Header-Name: value
//   ...
//   <empty line>
//   <body>
// Properties: 404 only for unknown paths, 405 carries Allow without the request's method, a
// request with the right bearer token is never 401, /health never needs it, path parameters
// are non-empty single segments, and 204 is an OPTIONS preflight whose headers hold no control
// character (the requested headers are echoed only when they are a plain list).
#include "api/router.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_input.hpp"

namespace {

using namespace dspm;
constexpr const char* kToken = "fuzz-token-0123456789";

net::ServerResponse echo(const net::ServerRequest&, const api::PathParams& params) {
    boost::json::object o;
    for (const auto& [name, value] : params) {
        if (value.empty()) fuzz::broken("an empty path parameter");
        if (value.find('/') != std::string::npos) fuzz::broken("a path parameter with a slash");
        o[name] = value;
    }
    return api::json_response(200, o);
}

const api::Router& router() {
    static const api::Router r = [] {
        api::Router router(kToken);
        auto add = [&](const char* method, const char* pattern, bool token = true) {
            api::Route route;
            route.method = method;
            route.pattern = pattern;
            route.summary = pattern;
            route.requires_token = token;
            route.handler = echo;
            router.add(std::move(route));
        };
        add("GET", "/health", false);
        add("POST", "/audit/{framework}/{req_id}");
        add("POST", "/audit/{framework}/_all");
        add("GET", "/compliance/stats");
        add("GET", "/compliance/{code}/requirements");
        add("GET", "/compliance/{code}/requirements/{id}/mappings");
        add("GET", "/compliance/mappings");
        add("GET", "/compliance/mappings/{code}");
        add("DELETE", "/compliance/mappings/{code}");
        add("GET", "/openapi.json");
        router.set_cors(api::Cors({"*"}));
        (void)router.openapi_document("0.0.0");
        return router;
    }();
    return r;
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

std::string decode(std::string_view s, bool plus_is_space) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += plus_is_space && s[i] == '+' ? ' ' : s[i];
        }
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto text = fuzz::as_text(data, size);
    const auto first = fuzz::take_line(text);
    const auto w = fuzz::words(first);
    net::ServerRequest req;
    req.method = w.size() > 0 ? std::string(w[0]) : "GET";
    req.target = w.size() > 1 ? std::string(w[1]) : "/";
    const auto q = req.target.find('?');
    req.path = decode(std::string_view(req.target).substr(0, q), false);
    if (q != std::string::npos) {
        std::string_view query = std::string_view(req.target).substr(q + 1);
        while (!query.empty()) {
            const auto amp = query.find('&');
            const auto part = query.substr(0, amp);
            const auto eq = part.find('=');
            req.query.emplace_back(
                decode(part.substr(0, eq), true),
                eq == std::string_view::npos ? "" : decode(part.substr(eq + 1), true));
            query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
        }
    }
    for (auto& [name, value] : fuzz::take_headers(text))
        req.headers.emplace_back(std::move(name), std::move(value));
    req.body = std::string(text);
    req.remote_address = "127.0.0.1";

    const auto resp = router().dispatch(req);
    const bool health = req.path == "/health" && (req.method == "GET" || req.method == "HEAD");
    const auto auth = req.header("Authorization");
    const bool has_token = auth && *auth == std::string("Bearer ") + kToken;
    switch (resp.status) {
        case 200:
            break;
        case 401:
            if (health) fuzz::broken("/health asked for the token");
            if (has_token) fuzz::broken("the right token was refused");
            break;
        case 404:
            if (health) fuzz::broken("/health not found");
            break;
        case 204: {
            // The CORS preflight: OPTIONS only, and nothing of the request's headers may reach
            // ours unless it is a plain list of header names.
            if (req.method != "OPTIONS") fuzz::broken("204 for another method than OPTIONS");
            bool allow = false;
            for (const auto& [k, v] : resp.headers) {
                if (k == "Allow") allow = true;
                for (const char c : v)
                    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                        fuzz::broken("a control character in a response header");
            }
            if (!allow) fuzz::broken("204 without Allow");
            if (!resp.body.empty()) fuzz::broken("a preflight with a body");
            break;
        }
        case 405: {
            std::string allow;
            for (const auto& [k, v] : resp.headers)
                if (k == "Allow") allow = v;
            if (allow.empty()) fuzz::broken("405 without Allow");
            if (!req.method.empty() &&
                (", " + allow + ",").find(", " + req.method + ",") != std::string::npos)
                fuzz::broken("405 for a method in Allow");
            break;
        }
        default:
            fuzz::broken("an unexpected status");
    }
    // The router's own answers are JSON; the echo handler's body carries the request's bytes.
    if (resp.status != 200 && resp.status != 204) {
        boost::system::error_code ec;
        (void)boost::json::parse(resp.body, ec);
        if (ec) fuzz::broken("a response body that is not JSON");
    }
    return 0;
}
