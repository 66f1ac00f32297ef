#pragma once
// The route table: every HTTP route is declared here once, with its OpenAPI description, so that
// /openapi.json and the dispatcher can never disagree.
#include <boost/json/object.hpp>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "api/cors.hpp"
#include "net/http_server.hpp"

namespace dspm::api {

using PathParams = std::map<std::string, std::string>;
using RouteHandler =
    std::function<net::ServerResponse(const net::ServerRequest&, const PathParams&)>;

struct Route {
    std::string method;   // "GET", "POST"; a GET route answers HEAD too
    std::string pattern;  // "/audit/{framework}/{req_id}"; a segment in braces matches one segment
    std::string summary;
    bool requires_token = true;  // false only for /health
    // OpenAPI operation object fields besides summary (parameters, responses, requestBody).
    boost::json::object openapi;
    RouteHandler handler;
    // Runs on the server's bounded heavy pool (audits: AWS reads for minutes), so that the cheap
    // routes never wait behind it; when that pool is full the server answers 503 + Retry-After.
    // Last, so that routes written as positional initialisers need not name it.
    bool heavy = false;
};

class Router {
  public:
    explicit Router(std::string api_token = {});
    void add(Route route);
    // OPTIONS on a known path answers the preflight with this policy (default: no CORS).
    void set_cors(Cors cors) { cors_ = std::move(cors); }
    const std::vector<Route>& routes() const { return routes_; }

    // 404 for unknown paths, 204 for OPTIONS (the CORS preflight, no token needed), 405 with
    // Allow for a wrong method, 401 without a valid token,
    // 500 with a generic detail when a handler throws (the exception is logged, never sent).
    net::ServerResponse dispatch(const net::ServerRequest& request) const;
    // True when the request goes to a heavy route and may use it (token checked): a request that
    // will be refused is cheap, so it never takes a heavy thread. For ServerOptions::is_heavy.
    bool is_heavy(const net::ServerRequest& request) const;

    boost::json::object openapi_document(const std::string& version) const;

  private:
    struct Match {
        const Route* route = nullptr;  // the most specific route of the path and method
        PathParams params;
        std::set<std::string> allowed;  // every method of the path (HEAD with GET)
    };
    Match find(const net::ServerRequest& request) const;

    std::vector<Route> routes_;
    std::string api_token_;
    Cors cors_{{}};
};

// {"detail": message} with the given status.
net::ServerResponse error_response(int status, const std::string& detail);
net::ServerResponse json_response(int status, const boost::json::value& body);

}  // namespace dspm::api
