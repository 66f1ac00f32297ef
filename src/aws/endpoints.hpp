#pragma once
// Where a request goes and how it is signed: regional and global endpoints in the aws, aws-cn and
// aws-us-gov partitions, S3 virtual-hosted or path-style addressing, FIPS and dual-stack hosts
// (AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT), and the AWS CLI's endpoint overrides
// (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS).
#include <string>
#include <string_view>

#include "aws/credentials.hpp"
#include "common/expected.hpp"

namespace dspm::aws {

struct EndpointQuery {
    std::string service;  // botocore name: "s3", "sso-admin"
    std::string
        endpoint_prefix;       // botocore metadata endpointPrefix ("sso", "elasticloadbalancing")
    std::string signing_name;  // credential scope service ("sso", "s3")
    std::string region;
    std::string bucket;      // S3: the request's bucket (may be empty)
    std::string account_id;  // s3control: the AccountId host prefix
};

struct Endpoint {
    std::string base_url;  // scheme://host[:port][/base-path], no trailing slash
    std::string host;      // Host header value (with port when not default)
    std::string signing_region;
    std::string signing_name;
    std::string partition;         // "aws", "aws-cn", "aws-us-gov"
    bool s3_virtual_host = false;  // the bucket is in the host name: drop "/bucket" from the path
    bool overridden = false;       // from AWS_ENDPOINT_URL*
};

std::string partition_of(std::string_view region);
std::string dns_suffix(std::string_view partition);  // "amazonaws.com", "amazonaws.com.cn"
// Where the partition of `region` serves its global services (IAM, S3 bucket lists and locations,
// Organizations, CloudFront): us-east-1, cn-north-1 or us-gov-west-1.
std::string global_region_of(std::string_view region);

// The suffix of AWS_ENDPOINT_URL_<SERVICE>: botocore's service id upper-cased with spaces and
// hyphens as underscores ("sso-admin" → SSO_ADMIN, "config" → CONFIG_SERVICE).
std::string endpoint_env_suffix(std::string_view service);

// Bucket names usable as a DNS label under TLS (lower case, 3-63, no dots, not an IP address).
bool dns_compatible_bucket(std::string_view bucket);

// Refuses (with a message) a region outside the served partitions' grammar, an account id that
// is not 12 digits and an override URL that is not http(s)://host[:port][/path]; hosts are built
// from validated DNS labels only, so no input can choose the host a signed request goes to.
Expected<Endpoint, std::string> resolve_endpoint(const EndpointQuery& query, const EnvLookup& env);

// Path-style "/bucket/key" → "/key" for virtual-hosted addressing.
std::string s3_virtual_path(std::string_view path, std::string_view bucket);

}  // namespace dspm::aws
