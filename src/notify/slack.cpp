#include "notify/slack.hpp"

#include <chrono>

#include "net/http_client.hpp"

namespace dspm::notify {

Expected<int, std::string> post_slack(net::HttpClient& http, const std::string& webhook_url,
                                      const std::string& message) {
    net::HttpRequest request;
    request.method = "POST";
    request.url = webhook_url;
    request.headers = {{"Content-Type", "application/json; charset=utf-8"}};
    request.body = message;
    request.connect_timeout = std::chrono::seconds(5);
    request.total_timeout = std::chrono::seconds(15);
    auto response = http.send(request);
    if (!response)
        return unexpected("Slack webhook not reached (" +
                          std::string(net::to_string(response.error().kind)) + ")");
    if (response->status < 200 || response->status > 299)
        return unexpected("Slack webhook answered HTTP " + std::to_string(response->status) + ": " +
                          response->body.substr(0, 200));
    return response->status;
}

}  // namespace dspm::notify
