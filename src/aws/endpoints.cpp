#include "aws/endpoints.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <cctype>

#include "aws/regions.hpp"

namespace dspm::aws {
namespace {

struct ServiceId {
    std::string_view service;
    std::string_view env_suffix;
};
// botocore service ids that differ from the upper-cased service name (metadata.serviceId of the
// models in data/aws/models, upper-cased, spaces and hyphens as underscores).
constexpr ServiceId service_ids[] = {
    {"config", "CONFIG_SERVICE"},      {"elbv2", "ELASTIC_LOAD_BALANCING_V2"},
    {"elb", "ELASTIC_LOAD_BALANCING"}, {"logs", "CLOUDWATCH_LOGS"},
    {"s3control", "S3_CONTROL"},       {"secretsmanager", "SECRETS_MANAGER"},
    {"apigateway", "API_GATEWAY"},     {"stepfunctions", "SFN"},
    {"events", "EVENTBRIDGE"},         {"resourcegroupstaggingapi", "RESOURCE_GROUPS_TAGGING_API"},
};

std::string env_value(const EnvLookup& env, const std::string& name) {
    const char* v = env ? env(name.c_str()) : nullptr;
    return v ? std::string(v) : std::string();
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool env_true(const EnvLookup& env, const char* name) {
    return lower(env_value(env, name)) == "true";
}

// Every host this resolver builds is a sequence of DNS labels of lower-case letters, digits and
// hyphens; anything else means an input slipped past validation upstream.
bool dns_label(std::string_view l) {
    if (l.empty() || l.size() > 63 || l.front() == '-' || l.back() == '-') return false;
    for (char c : l)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

Expected<std::string, std::string> https_origin(const std::vector<std::string>& labels) {
    std::string host;
    for (const auto& l : labels) {
        // The DNS suffix has dots of its own: check each of its labels too.
        std::size_t start = 0;
        while (start <= l.size()) {
            const auto dot = std::min(l.find('.', start), l.size());
            if (!dns_label(std::string_view(l).substr(start, dot - start)))
                return unexpected("refusing to build an endpoint host from \"" + printable(l) +
                                  "\"");
            start = dot + 1;
        }
        if (!host.empty()) host.push_back('.');
        host += l;
    }
    boost::urls::url u;
    u.set_scheme("https");
    u.set_host_name(host);
    return std::string(u.buffer());
}

Expected<Endpoint, std::string> from_override(const std::string& url_text, Endpoint ep) {
    auto parsed = boost::urls::parse_absolute_uri(url_text);
    if (!parsed)
        return unexpected("endpoint override \"" + printable(url_text) +
                          "\" is not an absolute URL");
    const boost::urls::url_view& u = *parsed;
    const std::string scheme = lower(u.scheme());
    if (scheme != "http" && scheme != "https")
        return unexpected("endpoint override \"" + printable(url_text) +
                          "\" must use http:// or https://");
    if (u.encoded_host().empty())
        return unexpected("endpoint override \"" + printable(url_text) + "\" has no host");
    if (u.has_userinfo() || u.has_query() || u.has_fragment())
        return unexpected("endpoint override \"" + printable(url_text) +
                          "\" must be scheme://host[:port][/path] (no user, query or fragment)");
    std::string path(u.encoded_path());
    while (!path.empty() && path.back() == '/')
        path.pop_back();
    ep.host = std::string(u.encoded_host_and_port());
    ep.base_url = scheme + "://" + ep.host + path;
    ep.overridden = true;  // S3 stays path style: emulators do not resolve bucket hosts
    return ep;
}

}  // namespace

std::string partition_of(std::string_view region) {
    if (const auto* p = partition_for_region(region)) return std::string(p->id);
    // Not a valid region: callers refuse it; the prefix rule keeps messages meaningful.
    if (region.starts_with("cn-")) return "aws-cn";
    if (region.starts_with("us-gov-")) return "aws-us-gov";
    return "aws";
}

std::string dns_suffix(std::string_view partition) {
    return partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}

std::string global_region_of(std::string_view region) {
    const std::string partition = partition_of(region);
    if (partition == "aws-cn") return "cn-north-1";
    if (partition == "aws-us-gov") return "us-gov-west-1";
    return "us-east-1";
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

Expected<Endpoint, std::string> resolve_endpoint(const EndpointQuery& q, const EnvLookup& env) {
    // Defence in depth: the region becomes part of the host, so nothing but a region of a served
    // partition may pass, whatever the caller validated.
    const PartitionInfo* partition = partition_for_region(q.region);
    if (partition == nullptr)
        return unexpected("invalid region \"" + printable(q.region) + "\" (" + region_forms_hint() +
                          ")");
    if (!q.account_id.empty() &&
        (q.account_id.size() != 12 ||
         q.account_id.find_first_not_of("0123456789") != std::string::npos))
        return unexpected("invalid account id \"" + printable(q.account_id) +
                          "\": expected 12 digits");

    Endpoint ep;
    ep.partition = std::string(partition->id);
    ep.signing_region = q.region;
    ep.signing_name = q.signing_name.empty() ? q.service : q.signing_name;

    if (!env_true(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
        std::string override_url =
            env_value(env, "AWS_ENDPOINT_URL_" + endpoint_env_suffix(q.service));
        if (override_url.empty()) override_url = env_value(env, "AWS_ENDPOINT_URL");
        if (!override_url.empty()) return from_override(override_url, std::move(ep));
    }

    const bool fips = env_true(env, "AWS_USE_FIPS_ENDPOINT");
    const bool dualstack = env_true(env, "AWS_USE_DUALSTACK_ENDPOINT");
    const std::string suffix(dualstack ? partition->dualstack_dns_suffix : partition->dns_suffix);
    const std::string region = q.region;
    std::vector<std::string> labels;
    const std::string prefix = q.endpoint_prefix.empty() ? q.service : q.endpoint_prefix;
    const std::string_view pid = partition->id;

    if (q.service == "iam") {
        // IAM is one endpoint per partition (botocore endpoints.json "partitionEndpoint").
        if (pid == "aws-cn") {
            labels = {"iam", "cn-north-1", "amazonaws.com.cn"};
            ep.signing_region = "cn-north-1";
        } else if (pid == "aws-us-gov") {
            // GovCloud's IAM endpoint is FIPS validated already.
            labels = {"iam", "us-gov", "amazonaws.com"};
            ep.signing_region = "us-gov-west-1";
        } else {
            labels = {fips ? "iam-fips" : "iam", "amazonaws.com"};
            ep.signing_region = "us-east-1";
        }
    } else if (q.service == "organizations") {
        if (pid == "aws-cn") {
            labels = {"organizations", "cn-northwest-1", "amazonaws.com.cn"};
            ep.signing_region = "cn-northwest-1";
        } else if (pid == "aws-us-gov") {
            labels = {"organizations", "us-gov-west-1", "amazonaws.com"};
            ep.signing_region = "us-gov-west-1";
        } else {
            labels = {fips ? "organizations-fips" : "organizations", "us-east-1", "amazonaws.com"};
            ep.signing_region = "us-east-1";
        }
    } else if (q.service == "cloudfront") {
        if (pid == "aws-cn") {
            labels = {"cloudfront", "cn-northwest-1", "amazonaws.com.cn"};
            ep.signing_region = "cn-northwest-1";
        } else {
            // CloudFront has no GovCloud endpoint; the aws partition's is the only one.
            labels = {fips ? "cloudfront-fips" : "cloudfront", "amazonaws.com"};
            ep.signing_region = "us-east-1";
        }
    } else if (q.service == "shield") {
        // Shield Advanced is served from us-east-1 (aws) only.
        labels = {fips ? "shield-fips" : "shield", "us-east-1", "amazonaws.com"};
        ep.signing_region = "us-east-1";
    } else if (q.service == "s3") {
        if (fips && dualstack)
            labels = {"s3-fips", "dualstack", region, std::string(partition->dns_suffix)};
        else if (dualstack)
            labels = {"s3", "dualstack", region, std::string(partition->dns_suffix)};
        else
            labels = {fips ? "s3-fips" : "s3", region, std::string(partition->dns_suffix)};
        if (!q.bucket.empty() && dns_compatible_bucket(q.bucket)) {
            labels.insert(labels.begin(), q.bucket);
            ep.s3_virtual_host = true;
        }
    } else if (q.service == "s3control") {
        labels = {fips ? "s3-control-fips" : "s3-control"};
        if (dualstack) labels.push_back("dualstack");
        labels.push_back(region);
        labels.push_back(std::string(partition->dns_suffix));
        if (!q.account_id.empty()) labels.insert(labels.begin(), q.account_id);
    } else {
        labels = {fips ? prefix + "-fips" : prefix, region, suffix};
    }
    auto origin = https_origin(labels);
    if (!origin) return unexpected(origin.error());
    ep.base_url = *origin;
    ep.host = ep.base_url.substr(std::string_view("https://").size());
    return ep;
}

}  // namespace dspm::aws
