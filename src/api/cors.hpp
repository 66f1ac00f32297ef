#pragma once
// Cross-origin access for browser clients (the original service's React dashboards are served from
// another origin than the API): which origins may read our answers, and the preflight answer.
#include <set>
#include <string>
#include <vector>

#include "net/http_server.hpp"

namespace dspm::api {

class Cors {
  public:
    // origins: {"*"} for any origin, exact lower-case "scheme://host[:port]" values, or empty for
    // no CORS headers at all (same-origin clients only).
    explicit Cors(std::vector<std::string> origins);

    bool enabled() const { return any_ || !origins_.empty(); }
    // Added to every answer (errors and streams included): without them the browser hides even
    // an error's status from the page.
    net::Headers response_headers(const net::ServerRequest& request) const;
    // An OPTIONS request carrying Access-Control-Request-Method.
    static bool is_preflight(const net::ServerRequest& request);
    // 204 naming the path's methods; the requested headers are echoed when they are a plain list
    // of header names. Needs no token: a browser never sends credentials on a preflight.
    net::ServerResponse preflight(const net::ServerRequest& request,
                                  const std::set<std::string>& methods) const;

  private:
    bool any_ = false;
    std::set<std::string> origins_;
};

}  // namespace dspm::api
