#pragma once
// Seams of the AWS client for tests and embedders, beyond AwsClientConfig: the environment, the
// credentials provider and the retry settings (backoff base, sleeper) can be injected.
#include <memory>
#include <optional>

#include "aws/client.hpp"
#include "aws/credentials.hpp"
#include "aws/retry.hpp"

namespace dspm::aws {

struct ClientTuning {
    EnvLookup env;                                     // empty: the process environment
    std::shared_ptr<CredentialsProvider> credentials;  // empty: the AWS CLI's chain from env
    std::optional<RetryConfig> retry;  // empty: standard mode, max_attempts from config/env
    int max_pages = 1000;              // call_all_pages guard
};

std::shared_ptr<AwsClient> make_aws_client(AwsClientConfig config,
                                           std::shared_ptr<net::HttpClient> http,
                                           ClientTuning tuning);

// The error classification used by the client (exposed for tests and the engine).
ErrorKind classify_error(int http_status, std::string_view code);

}  // namespace dspm::aws
