#pragma once
// The Resource Collector API over HTTP: GET {base}/api/{kind} → a JSON list of Steampipe rows,
// checked by sanitize_collector_rows (at most max_rows rows; ids, regions and column types).
#include <cstddef>
#include <memory>
#include <string>

#include "inventory/facts.hpp"

namespace dspm::net {
class HttpClient;
}

namespace dspm::inventory {

std::shared_ptr<CollectorSource> make_http_collector(std::string base_url,
                                                     std::shared_ptr<net::HttpClient> http,
                                                     std::size_t max_rows = 50000);

}  // namespace dspm::inventory
