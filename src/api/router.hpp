#pragma once
// The route table: every HTTP route is declared here once, with its OpenAPI description, so that
// /openapi.json and the dispatcher can never disagree.
#include <boost/json/object.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "net/http_server.hpp"

namespace dspm::api {

using PathParams = std::map<std::string, std::string>;
using RouteHandler =
    std::function<net::ServerResponse(const net::ServerRequest&, const PathParams&)>;

struct Route {
    std::string method;   // "GET", "POST"
    std::string pattern;  // "/audit/{framework}/{req_id}"; a segment in braces matches one segment
    std::string summary;
    bool requires_token = true;  // false only for /health
    // OpenAPI operation object fields besides summary (parameters, responses, requestBody).
    boost::json::object openapi;
    RouteHandler handler;
};

class Router {
  public:
    explicit Router(std::string api_token = {});
    void add(Route route);
    const std::vector<Route>& routes() const { return routes_; }

    // 404 for unknown paths, 405 with Allow for a wrong method, 401 without a valid token,
    // 500 with a generic detail when a handler throws (the exception is logged, never sent).
    net::ServerResponse dispatch(const net::ServerRequest& request) const;

    boost::json::object openapi_document(const std::string& version) const;

  private:
    std::vector<Route> routes_;
    std::string api_token_;
};

// {"detail": message} with the given status.
net::ServerResponse error_response(int status, const std::string& detail);
net::ServerResponse json_response(int status, const boost::json::value& body);

}  // namespace dspm::api
