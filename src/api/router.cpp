#include "api/router.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <exception>
#include <set>
#include <string_view>

#include "common/log.hpp"
#include "common/utf8.hpp"

namespace dspm::api {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    if (!path.empty() && path.front() == '/') start = 1;
    while (start <= path.size()) {
        const auto end = path.find('/', start);
        if (end == std::string_view::npos) {
            parts.push_back(path.substr(start));
            break;
        }
        parts.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

bool is_param(std::string_view segment) {
    return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// Matches path against pattern; on success fills params and a specificity key (1 for each
// literal segment, by position) so "/audit/{f}/_all" wins over "/audit/{f}/{id}".
bool match(std::string_view pattern, std::string_view path, PathParams& params,
           std::vector<int>& specificity) {
    const auto pat = split_path(pattern);
    const auto got = split_path(path);
    if (pat.size() != got.size()) return false;
    PathParams found;
    std::vector<int> key;
    for (std::size_t i = 0; i < pat.size(); ++i) {
        if (is_param(pat[i])) {
            if (got[i].empty()) return false;
            found.emplace(std::string(pat[i].substr(1, pat[i].size() - 2)), std::string(got[i]));
            key.push_back(0);
        } else {
            if (pat[i] != got[i]) return false;
            key.push_back(1);
        }
    }
    params = std::move(found);
    specificity = std::move(key);
    return true;
}

// Compares digests rather than the strings, so neither the content nor the length of the token
// leaks through timing.
bool token_matches(std::string_view given, std::string_view expected) {
    unsigned char a[SHA256_DIGEST_LENGTH];
    unsigned char b[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
    SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), b);
    return CRYPTO_memcmp(a, b, sizeof a) == 0;
}

bool authorized(const net::ServerRequest& request, const std::string& token) {
    const auto header = request.header("Authorization");
    if (!header) return false;
    std::string_view value = *header;
    constexpr std::string_view scheme = "bearer ";
    if (value.size() < scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(value[i])) != scheme[i]) return false;
    }
    value.remove_prefix(scheme.size());
    while (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ')
        value.remove_suffix(1);
    return token_matches(value, token);
}

std::string lower(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

net::ServerResponse error_response(int status, const std::string& detail) {
    // Details quote request values (a framework code from the path): keep the body valid JSON.
    return json_response(status, boost::json::object{{"detail", to_valid_utf8(detail)}});
}

net::ServerResponse json_response(int status, const boost::json::value& body) {
    return net::ServerResponse::json(status, boost::json::serialize(body));
}

Router::Router(std::string api_token) : api_token_(std::move(api_token)) {}

void Router::add(Route route) {
    routes_.push_back(std::move(route));
}

Router::Match Router::find(const net::ServerRequest& request) const {
    Match found;
    std::vector<int> best_key;
    // HEAD is GET without the body (the server drops it), so a GET route answers both.
    const bool head = request.method == "HEAD";
    for (const auto& route : routes_) {
        PathParams params;
        std::vector<int> key;
        if (!match(route.pattern, request.path, params, key)) continue;
        found.allowed.insert(route.method);
        if (route.method == "GET") found.allowed.insert("HEAD");
        if (route.method != request.method && !(head && route.method == "GET")) continue;
        if (found.route == nullptr || key > best_key) {
            found.route = &route;
            found.params = std::move(params);
            best_key = std::move(key);
        }
    }
    return found;
}

bool Router::is_heavy(const net::ServerRequest& request) const {
    const auto found = find(request);
    if (found.route == nullptr || !found.route->heavy) return false;
    return api_token_.empty() || !found.route->requires_token || authorized(request, api_token_);
}

net::ServerResponse Router::dispatch(const net::ServerRequest& request) const {
    const auto found = find(request);
    const Route* best = found.route;
    const auto& allowed = found.allowed;
    if (allowed.empty()) return error_response(404, "Not Found");
    if (request.method == "OPTIONS") return cors_.preflight(request, allowed);
    if (best == nullptr) {
        std::string allow;
        for (const auto& m : allowed)
            allow += (allow.empty() ? "" : ", ") + m;
        auto response = error_response(405, "Method Not Allowed");
        response.headers.emplace_back("Allow", allow);
        return response;
    }
    if (!api_token_.empty() && best->requires_token && !authorized(request, api_token_)) {
        auto response = error_response(401, "Not authenticated");
        response.headers.emplace_back("WWW-Authenticate", "Bearer");
        return response;
    }
    try {
        return best->handler(request, found.params);
    } catch (const std::exception& e) {
        log::error("request handler failed", {{"method", request.method},
                                              {"path", request.path},
                                              {"route", best->pattern},
                                              {"error", e.what()}});
    } catch (...) {
        log::error("request handler failed",
                   {{"method", request.method}, {"path", request.path}, {"route", best->pattern}});
    }
    return error_response(500, "Internal Server Error");
}

boost::json::object Router::openapi_document(const std::string& version) const {
    boost::json::object paths;
    for (const auto& route : routes_) {
        boost::json::object operation = route.openapi;
        operation["summary"] = route.summary;

        boost::json::array parameters;
        if (const auto* given = route.openapi.if_contains("parameters"); given && given->is_array())
            parameters = given->as_array();
        for (const auto segment : split_path(route.pattern)) {
            if (!is_param(segment)) continue;
            const std::string name(segment.substr(1, segment.size() - 2));
            const bool declared = std::any_of(parameters.begin(), parameters.end(), [&](auto& p) {
                const auto* obj = p.if_object();
                return obj && obj->contains("name") && obj->at("name") == name.c_str() &&
                       obj->contains("in") && obj->at("in") == "path";
            });
            if (!declared)
                parameters.push_back(
                    boost::json::object{{"name", name},
                                        {"in", "path"},
                                        {"required", true},
                                        {"schema", boost::json::object{{"type", "string"}}}});
        }
        if (!parameters.empty()) operation["parameters"] = std::move(parameters);
        if (!operation.contains("responses"))
            operation["responses"] =
                boost::json::object{{"200", boost::json::object{{"description", "OK"}}}};
        if (route.requires_token)
            operation["security"] =
                boost::json::array{boost::json::object{{"bearerAuth", boost::json::array{}}}};
        else
            operation["security"] = boost::json::array{};

        auto& item = paths[route.pattern];
        if (!item.is_object()) item = boost::json::object{};
        item.as_object()[lower(route.method)] = std::move(operation);
    }
    return boost::json::object{
        {"openapi", "3.1.0"},
        {"info",
         boost::json::object{
             {"title", "dspm-audit"},
             {"version", version},
             {"description", "Audits AWS accounts against compliance frameworks, with evidence."}}},
        {"paths", std::move(paths)},
        {"components",
         boost::json::object{
             {"securitySchemes",
              boost::json::object{
                  {"bearerAuth", boost::json::object{{"type", "http"}, {"scheme", "bearer"}}}}}}}};
}

}  // namespace dspm::api
