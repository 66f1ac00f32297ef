#include "aws/endpoints.hpp"

#include <cctype>

namespace dspm::aws {
namespace {

struct ServiceId {
    std::string_view service;
    std::string_view env_suffix;
};
// botocore service ids that differ from the upper-cased service name.
constexpr ServiceId service_ids[] = {
    {"config", "CONFIG_SERVICE"},      {"elbv2", "ELASTIC_LOAD_BALANCING_V2"},
    {"elb", "ELASTIC_LOAD_BALANCING"}, {"logs", "CLOUDWATCH_LOGS"},
    {"s3control", "S3_CONTROL"},       {"secretsmanager", "SECRETS_MANAGER"},
    {"apigateway", "API_GATEWAY"},     {"efs", "EFS"},
    {"opensearch", "OPENSEARCH"},      {"cloudwatch", "CLOUDWATCH"},
    {"stepfunctions", "SFN"},
};

std::string env_value(const EnvLookup& env, const std::string& name) {
    const char* v = env ? env(name.c_str()) : nullptr;
    return v ? std::string(v) : std::string();
}

struct UrlParts {
    std::string scheme, host, rest;  // host includes the port
};
UrlParts split_url(std::string url) {
    while (!url.empty() && url.back() == '/')
        url.pop_back();
    UrlParts p;
    auto pos = url.find("://");
    p.scheme = pos == std::string::npos ? "https" : url.substr(0, pos);
    std::string after = pos == std::string::npos ? url : url.substr(pos + 3);
    auto slash = after.find('/');
    p.host = after.substr(0, slash);
    p.rest = slash == std::string::npos ? "" : after.substr(slash);
    return p;
}

bool global_service(std::string_view s) {
    return s == "iam" || s == "organizations" || s == "cloudfront";
}

}  // namespace

std::string partition_of(std::string_view region) {
    if (region.starts_with("cn-")) return "aws-cn";
    if (region.starts_with("us-gov-")) return "aws-us-gov";
    return "aws";
}

std::string dns_suffix(std::string_view partition) {
    return partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

std::string endpoint_env_suffix(std::string_view service) {
    for (const auto& id : service_ids)
        if (id.service == service) return std::string(id.env_suffix);
    std::string out;
    for (char c : service)
        out.push_back(c == '-' || c == ' '
                          ? '_'
                          : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    return out;
}

bool dns_compatible_bucket(std::string_view b) {
    if (b.size() < 3 || b.size() > 63) return false;
    bool all_digits_or_dots = true;
    for (char c : b) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok) return false;  // dots break TLS wildcard certificates: path style
        if (c != '.' && !(c >= '0' && c <= '9')) all_digits_or_dots = false;
    }
    if (all_digits_or_dots) return false;
    return b.front() != '-' && b.back() != '-';
}

std::string s3_virtual_path(std::string_view path, std::string_view bucket) {
    std::string prefix(1, '/');
    prefix.append(bucket);
    if (path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/' ||
                                     path[prefix.size()] == '?')) {
        const std::string_view rest = path.substr(prefix.size());
        std::string out;
        if (rest.empty() || rest[0] != '/') out.push_back('/');
        out.append(rest);
        return out;
    }
    return std::string(path);
}

Endpoint resolve_endpoint(const EndpointQuery& q, const EnvLookup& env) {
    Endpoint ep;
    ep.partition = partition_of(q.region);
    ep.signing_region = q.region;
    ep.signing_name = q.signing_name.empty() ? q.service : q.signing_name;
    const std::string suffix = dns_suffix(ep.partition);

    std::string override_url;
    if (env_value(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") != "true") {
        override_url = env_value(env, "AWS_ENDPOINT_URL_" + endpoint_env_suffix(q.service));
        if (override_url.empty()) override_url = env_value(env, "AWS_ENDPOINT_URL");
    }
    if (!override_url.empty()) {
        const UrlParts p = split_url(override_url);
        ep.base_url = p.scheme + "://" + p.host + p.rest;
        ep.host = p.host;
        ep.overridden = true;  // S3 stays path style: emulators do not resolve bucket hosts
        return ep;
    }

    std::string host;
    const std::string prefix = q.endpoint_prefix.empty() ? q.service : q.endpoint_prefix;
    if (global_service(q.service)) {
        if (q.service == "iam") {
            if (ep.partition == "aws-cn") {
                host = "iam.cn-north-1.amazonaws.com.cn";
                ep.signing_region = "cn-north-1";
            } else if (ep.partition == "aws-us-gov") {
                host = "iam.us-gov.amazonaws.com";
                ep.signing_region = "us-gov-west-1";
            } else {
                host = "iam.amazonaws.com";
                ep.signing_region = "us-east-1";
            }
        } else if (q.service == "organizations") {
            if (ep.partition == "aws-cn") {
                host = "organizations.cn-northwest-1.amazonaws.com.cn";
                ep.signing_region = "cn-northwest-1";
            } else if (ep.partition == "aws-us-gov") {
                host = "organizations.us-gov-west-1.amazonaws.com";
                ep.signing_region = "us-gov-west-1";
            } else {
                host = "organizations.us-east-1.amazonaws.com";
                ep.signing_region = "us-east-1";
            }
        } else {  // cloudfront
            if (ep.partition == "aws-cn") {
                host = "cloudfront.cn-northwest-1.amazonaws.com.cn";
                ep.signing_region = "cn-northwest-1";
            } else {
                host = "cloudfront.amazonaws.com";
                ep.signing_region = "us-east-1";
            }
        }
    } else if (q.service == "s3") {
        host = "s3." + q.region + "." + suffix;
        if (!q.bucket.empty() && dns_compatible_bucket(q.bucket)) {
            host = q.bucket + "." + host;
            ep.s3_virtual_host = true;
        }
    } else if (q.service == "s3control") {
        host = "s3-control." + q.region + "." + suffix;
        if (!q.account_id.empty()) host = q.account_id + "." + host;
    } else {
        host = prefix + "." + q.region + "." + suffix;
    }
    ep.host = host;
    ep.base_url = "https://" + host;
    return ep;
}

}  // namespace dspm::aws
