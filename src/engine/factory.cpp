#include "engine/factory.hpp"

#include <cstdlib>

#include "aws/client.hpp"
#include "aws/client_options.hpp"
#include "common/log.hpp"
#include "inventory/http_collector.hpp"
#include "mutelist/mutelist.hpp"
#include "net/http_client.hpp"

namespace dspm::engine {

std::string effective_region(const Settings& settings) {
    auto it = settings.origin.find("AWS_REGION");
    const bool defaulted = it == settings.origin.end() || it->second == "default";
    if (defaulted) {
        if (const char* r = std::getenv("AWS_DEFAULT_REGION"); r != nullptr && *r != '\0') return r;
    }
    return settings.aws_region;
}

std::shared_ptr<aws::AwsClient> make_engine_aws_client(const Settings& settings,
                                                       std::shared_ptr<net::HttpClient> http) {
    return make_engine_aws_client(settings, std::move(http), nullptr);
}

std::shared_ptr<aws::AwsClient> make_engine_aws_client(
    const Settings& settings, std::shared_ptr<net::HttpClient> http,
    std::shared_ptr<aws::CredentialsProvider> credentials) {
    aws::AwsClientConfig config;
    config.region = effective_region(settings);
    config.max_requests_per_second_per_operation = settings.aws_rate_limit;
    // An audit makes thousands of reads of a few operations: learn their limits from throttled
    // answers rather than lose reads to them (AWS_RETRY_MODE=standard switches it off).
    config.adaptive_rate = true;
    if (!http) http = std::make_shared<net::HttpClient>();
    if (!credentials) return aws::make_aws_client(config, std::move(http));
    aws::ClientTuning tuning;
    tuning.credentials = std::move(credentials);
    return aws::make_aws_client(config, std::move(http), std::move(tuning));
}

std::shared_ptr<Engine> make_engine(Settings settings, std::shared_ptr<net::HttpClient> http,
                                    std::shared_ptr<catalog::CatalogSource> catalog,
                                    std::shared_ptr<aws::AwsClient> aws) {
    if (!http) http = std::make_shared<net::HttpClient>();
    if (!aws) aws = make_engine_aws_client(settings, http);
    settings.aws_region = effective_region(settings);
    std::shared_ptr<inventory::CollectorSource> collector;
    if (!settings.collector_base_url.empty()) {
        // Its own client: a collector answer is bounded by SIBLING_MAX_RESPONSE_BYTES, far below
        // what an AWS answer may be.
        net::HttpClientOptions sibling;
        sibling.max_response_bytes = settings.sibling_max_response_bytes;
        collector = inventory::make_http_collector(settings.collector_base_url,
                                                   std::make_shared<net::HttpClient>(sibling),
                                                   settings.collector_max_rows);
    }
    EngineOptions options;
    if (!settings.audit_mutelist.empty()) {
        // Checked when the settings were read; a file that broke since then mutes nothing
        // (every finding shows) and says so, rather than stopping the service.
        auto list = mutelist::Mutelist::load_file(settings.audit_mutelist);
        if (list)
            options.mutelist = std::make_shared<const mutelist::Mutelist>(std::move(*list));
        else
            log::error("mutelist not applied", {{"error", list.error()}});
    }
    return std::make_shared<Engine>(std::move(settings), std::move(aws), std::move(catalog),
                                    std::move(collector), options);
}

}  // namespace dspm::engine
