#include "inventory/http_collector.hpp"

#include <boost/json/parse.hpp>
#include <chrono>
#include <system_error>

#include "net/http_client.hpp"

namespace dspm::inventory {

namespace json = boost::json;

namespace {

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
        if (doc.is_array()) return std::move(doc.get_array());
        // Some collector versions wrap the list.
        if (doc.is_object()) {
            for (const char* key : {"items", "data", "rows", "results"}) {
                if (auto* v = doc.get_object().if_contains(key); v != nullptr && v->is_array())
                    return v->get_array();
            }
        }
        return unexpected("collector " + request.url + ": expected a JSON list of rows");
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
