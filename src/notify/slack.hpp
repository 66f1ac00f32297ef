#pragma once
// Posting a run's message to a Slack incoming webhook (SLACK_WEBHOOK_URL). A failure is an
// answer for the caller to log: a notification never fails the audit it reports.
#include <memory>
#include <string>

#include "common/expected.hpp"

namespace dspm::net {
class HttpClient;
}

namespace dspm::notify {

// message: the JSON of report::slack_message. The error names the status or the transport
// failure, never the URL (its path is the webhook's secret).
Expected<int, std::string> post_slack(net::HttpClient& http, const std::string& webhook_url,
                                      const std::string& message);

}  // namespace dspm::notify
