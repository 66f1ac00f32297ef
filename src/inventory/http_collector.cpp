#include "inventory/http_collector.hpp"

#include <boost/json/parse.hpp>
#include <chrono>
#include <system_error>

#include "inventory/collector_rows.hpp"
#include "net/http_client.hpp"
#include "net/redact.hpp"

namespace dspm::inventory {

namespace json = boost::json;

namespace {

class HttpCollector final : public CollectorSource {
  public:
    HttpCollector(std::string base_url, std::shared_ptr<net::HttpClient> http, std::size_t max_rows)
        : base_(std::move(base_url)), http_(std::move(http)), max_rows_(max_rows) {
        while (!base_.empty() && base_.back() == '/')
            base_.pop_back();
    }

    CollectorResult rows(std::string_view kind) override {
        net::HttpRequest request;
        request.url = base_ + "/api/" + std::string(kind);
        request.headers.emplace_back("Accept", "application/json");
        request.total_timeout = std::chrono::milliseconds(30000);
        // The URL may carry credentials (user:pass@, ?token=): messages show it redacted.
        const std::string shown = "collector " + net::redact_url(request.url) + ": ";
        auto response = http_->send(request);
        if (!response) {
            return unexpected(shown + std::string(net::to_string(response.error().kind)) + ": " +
                              net::redact_urls_in(response.error().message));
        }
        if (response->status != 200)
            return unexpected(shown + "HTTP " + std::to_string(response->status));
        std::error_code ec;
        json::value doc = json::parse(response->body, ec);
        if (ec) return unexpected(shown + "invalid JSON");
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
        if (rows == nullptr) return unexpected(shown + "expected a JSON list of rows");
        auto clean = sanitize_collector_rows(kind, std::move(*rows), max_rows_);
        if (!clean) return unexpected(shown + clean.error());
        return clean;
    }

  private:
    std::string base_;
    std::shared_ptr<net::HttpClient> http_;
    std::size_t max_rows_;
};

}  // namespace

std::shared_ptr<CollectorSource> make_http_collector(std::string base_url,
                                                     std::shared_ptr<net::HttpClient> http,
                                                     std::size_t max_rows) {
    return std::make_shared<HttpCollector>(std::move(base_url), std::move(http), max_rows);
}

}  // namespace dspm::inventory
