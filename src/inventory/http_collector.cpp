#include "inventory/http_collector.hpp"

#include <boost/json/parse.hpp>
#include <chrono>
#include <optional>
#include <system_error>

#include "aws/regions.hpp"
#include "net/http_client.hpp"

namespace dspm::inventory {

namespace json = boost::json;

namespace {

// A row's region chooses the AWS host its resource is read from, so an answer that names anything
// but a region is not trusted at all (the checks then read the list from AWS and say so).
std::optional<std::string> invalid_region(const json::array& rows) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (!rows[i].is_object()) continue;
        const auto* r = rows[i].get_object().if_contains("region");
        if (r == nullptr || r->is_null()) continue;
        if (!r->is_string()) return "row " + std::to_string(i) + ": \"region\" is not a string";
        const std::string_view name = r->get_string();
        if (!name.empty() && !aws::valid_region_name(name))
            return "row " + std::to_string(i) + ": invalid region \"" + aws::printable(name) + "\"";
    }
    return std::nullopt;
}

class HttpCollector final : public CollectorSource {
  public:
    HttpCollector(std::string base_url, std::shared_ptr<net::HttpClient> http)
        : base_(std::move(base_url)), http_(std::move(http)) {
        while (!base_.empty() && base_.back() == '/')
            base_.pop_back();
    }

    CollectorResult rows(std::string_view kind) override {
        net::HttpRequest request;
        request.url = base_ + "/api/" + std::string(kind);
        request.headers.emplace_back("Accept", "application/json");
        request.total_timeout = std::chrono::milliseconds(30000);
        auto response = http_->send(request);
        if (!response) {
            return unexpected("collector " + request.url + ": " +
                              std::string(net::to_string(response.error().kind)) + ": " +
                              response.error().message);
        }
        if (response->status != 200) {
            return unexpected("collector " + request.url + ": HTTP " +
                              std::to_string(response->status));
        }
        std::error_code ec;
        json::value doc = json::parse(response->body, ec);
        if (ec) return unexpected("collector " + request.url + ": invalid JSON");
        json::array* rows = doc.is_array() ? &doc.get_array() : nullptr;
        // Some collector versions wrap the list.
        if (rows == nullptr && doc.is_object()) {
            for (const char* key : {"items", "data", "rows", "results"}) {
                if (auto* v = doc.get_object().if_contains(key); v != nullptr && v->is_array()) {
                    rows = &v->get_array();
                    break;
                }
            }
        }
        if (rows == nullptr)
            return unexpected("collector " + request.url + ": expected a JSON list of rows");
        if (auto bad = invalid_region(*rows))
            return unexpected("collector " + request.url + ": " + *bad);
        return std::move(*rows);
    }

  private:
    std::string base_;
    std::shared_ptr<net::HttpClient> http_;
};

}  // namespace

std::shared_ptr<CollectorSource> make_http_collector(std::string base_url,
                                                     std::shared_ptr<net::HttpClient> http) {
    return std::make_shared<HttpCollector>(std::move(base_url), std::move(http));
}

}  // namespace dspm::inventory
