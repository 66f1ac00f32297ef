#pragma once
// The Resource Collector API over HTTP: GET {base}/api/{kind} → a JSON list of Steampipe rows.
#include <memory>
#include <string>

#include "inventory/facts.hpp"

namespace dspm::net {
class HttpClient;
}

namespace dspm::inventory {

std::shared_ptr<CollectorSource> make_http_collector(std::string base_url,
                                                     std::shared_ptr<net::HttpClient> http);

}  // namespace dspm::inventory
