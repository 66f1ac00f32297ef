#pragma once
// The AWS client every check's facts come through. One call = one AWS operation, described by its
// botocore service and operation names, with parameters and results as JSON documents whose paths
// read like the AWS CLI's JSON output (DBInstances[0].StorageEncrypted).
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "aws/error.hpp"
#include "common/expected.hpp"

namespace dspm::net {
class HttpClient;
}

namespace dspm::aws {

struct CallOptions {
    std::string region;  // empty: the client's default region
    // Empty top-level strings are refused by default: AWS reads an empty identifier as "no
    // filter". A fixer's write may need one on purpose (SNS AttributeValue "" turns SSE off).
    bool allow_empty_values = false;
};

struct CallStats {
    std::size_t calls = 0;     // logical operations (a paginated call counts each page)
    std::size_t attempts = 0;  // HTTP attempts including retries
    std::size_t retries = 0;
    std::map<std::string, std::size_t> by_operation;  // "s3:GetBucketEncryption" → count
};

class AwsClient {
  public:
    virtual ~AwsClient() = default;

    // One operation, one page.
    virtual Expected<boost::json::value, AwsError> call(std::string_view service,
                                                        std::string_view operation,
                                                        const boost::json::object& params,
                                                        const CallOptions& options = {}) = 0;

    // Every page of a paginated operation (botocore's paginator for it), result keys concatenated
    // into one document. Operations without a paginator make a single call.
    virtual Expected<boost::json::value, AwsError> call_all_pages(
        std::string_view service, std::string_view operation, const boost::json::object& params,
        const CallOptions& options = {}) = 0;

    virtual std::string default_region() const = 0;
    virtual CallStats stats() const = 0;
};

struct AwsClientConfig {
    std::string region = "us-east-1";
    int max_attempts = 3;  // AWS_MAX_ATTEMPTS
    std::chrono::milliseconds attempt_timeout{10000};
    std::chrono::milliseconds total_timeout{60000};
    // Client-side limit per operation and region (AWS sets its API limits per action);
    // 0: none. Keeps a long audit under the account's limits instead of leaning on retries.
    double max_requests_per_second_per_operation = 0;
    // Learn each operation's limit from throttled answers (AWS_RETRY_MODE=adaptive, or
    // standard to switch it off, overrides this).
    bool adaptive_rate = false;
};

// Reads credentials (the AWS CLI's chain), endpoints (AWS_ENDPOINT_URL*, partitions) and retry
// settings from the environment as the AWS CLI does. Throws nothing: credential failures surface as
// AwsError{no_credentials} on the first call.
std::shared_ptr<AwsClient> make_aws_client(AwsClientConfig config,
                                           std::shared_ptr<net::HttpClient> http);

}  // namespace dspm::aws
