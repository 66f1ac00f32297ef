#pragma once
// Where a request goes and how it is signed: regional and global endpoints in the aws, aws-cn and
// aws-us-gov partitions, S3 virtual-hosted or path-style addressing, and the AWS CLI's endpoint
// overrides (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>).
#include <string>
#include <string_view>

#include "aws/credentials.hpp"

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

// The suffix of AWS_ENDPOINT_URL_<SERVICE>: botocore's service id upper-cased with spaces and
// hyphens as underscores ("sso-admin" → SSO_ADMIN, "config" → CONFIG_SERVICE).
std::string endpoint_env_suffix(std::string_view service);

// Bucket names usable as a DNS label under TLS (lower case, 3-63, no dots, not an IP address).
bool dns_compatible_bucket(std::string_view bucket);

Endpoint resolve_endpoint(const EndpointQuery& query, const EnvLookup& env);

// Path-style "/bucket/key" → "/key" for virtual-hosted addressing.
std::string s3_virtual_path(std::string_view path, std::string_view bucket);

}  // namespace dspm::aws
