#pragma once
// Building an Engine from the settings: the AWS client (AWS CLI environment, AWS_REGION), the
// collector when COLLECTOR_BASE_URL is set, and the catalog given by the caller. Shared by the HTTP
// routes and the CLI so both audit the same way.
#include <memory>

#include "common/settings.hpp"
#include "engine/engine.hpp"

namespace dspm::net {
class HttpClient;
}
namespace dspm::aws {
class CredentialsProvider;
}

namespace dspm::engine {

// The region the AWS client defaults to: AWS_REGION when set, else AWS_DEFAULT_REGION, else the
// settings' default.
std::string effective_region(const Settings& settings);

std::shared_ptr<aws::AwsClient> make_engine_aws_client(const Settings& settings,
                                                       std::shared_ptr<net::HttpClient> http);
// The same with given credentials (a role assumed in a member account of an Organization).
std::shared_ptr<aws::AwsClient> make_engine_aws_client(
    const Settings& settings, std::shared_ptr<net::HttpClient> http,
    std::shared_ptr<aws::CredentialsProvider> credentials);

std::shared_ptr<Engine> make_engine(Settings settings, std::shared_ptr<net::HttpClient> http,
                                    std::shared_ptr<catalog::CatalogSource> catalog,
                                    std::shared_ptr<aws::AwsClient> aws = nullptr);

}  // namespace dspm::engine
