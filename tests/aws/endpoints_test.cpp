// Endpoint resolution and the operation → IAM action table.
#include "aws/endpoints.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <set>

#include "aws/iam_actions.hpp"
#include "common/embedded.hpp"

using namespace dspm::aws;

namespace {
EnvLookup map_env(const std::map<std::string, std::string>& m) {
    return [m](const char* n) -> const char* {
        auto it = m.find(n);
        return it == m.end() ? nullptr : it->second.c_str();
    };
}
Endpoint resolve(const std::string& service, const std::string& prefix, const std::string& region,
                 const std::string& bucket = "",
                 const std::map<std::string, std::string>& env = {}) {
    // The map must outlive the lookup: keep a copy inside the lambda.
    auto ep = resolve_endpoint({service, prefix, prefix, region, bucket, ""}, map_env(env));
    EXPECT_TRUE(ep) << (ep ? "" : ep.error());
    return ep ? *ep : Endpoint{};
}
}  // namespace

TEST(Endpoints, RegionalAndPartitions) {
    EXPECT_EQ(resolve("rds", "rds", "ap-northeast-2").base_url,
              "https://rds.ap-northeast-2.amazonaws.com");
    EXPECT_EQ(resolve("sso-admin", "sso", "eu-west-1").host, "sso.eu-west-1.amazonaws.com");
    const auto cn = resolve("ec2", "ec2", "cn-north-1");
    EXPECT_EQ(cn.host, "ec2.cn-north-1.amazonaws.com.cn");
    EXPECT_EQ(cn.partition, "aws-cn");
    EXPECT_EQ(resolve("sts", "sts", "us-gov-west-1").host, "sts.us-gov-west-1.amazonaws.com");
    EXPECT_EQ(resolve("sts", "sts", "eu-central-1").signing_region, "eu-central-1");
}

TEST(Endpoints, GlobalServicesSignForTheirHomeRegion) {
    auto iam = resolve("iam", "iam", "ap-northeast-2");
    EXPECT_EQ(iam.host, "iam.amazonaws.com");
    EXPECT_EQ(iam.signing_region, "us-east-1");
    EXPECT_EQ(resolve("iam", "iam", "cn-northwest-1").host, "iam.cn-north-1.amazonaws.com.cn");
    EXPECT_EQ(resolve("iam", "iam", "us-gov-east-1").host, "iam.us-gov.amazonaws.com");
    auto org = resolve("organizations", "organizations", "eu-west-1");
    EXPECT_EQ(org.host, "organizations.us-east-1.amazonaws.com");
    EXPECT_EQ(org.signing_region, "us-east-1");
    auto cf = resolve("cloudfront", "cloudfront", "ap-south-1");
    EXPECT_EQ(cf.host, "cloudfront.amazonaws.com");
    EXPECT_EQ(cf.signing_region, "us-east-1");
}

TEST(Endpoints, S3Addressing) {
    auto v = resolve("s3", "s3", "eu-west-1", "my-bucket");
    EXPECT_EQ(v.host, "my-bucket.s3.eu-west-1.amazonaws.com");
    EXPECT_TRUE(v.s3_virtual_host);
    EXPECT_EQ(s3_virtual_path("/my-bucket", "my-bucket"), "/");
    EXPECT_EQ(s3_virtual_path("/my-bucket/a/b", "my-bucket"), "/a/b");
    auto p = resolve("s3", "s3", "eu-west-1", "My_Bucket");
    EXPECT_FALSE(p.s3_virtual_host);
    EXPECT_EQ(p.host, "s3.eu-west-1.amazonaws.com");
    EXPECT_FALSE(resolve("s3", "s3", "eu-west-1", "dotted.bucket").s3_virtual_host);
    EXPECT_FALSE(dns_compatible_bucket("ab"));
    EXPECT_TRUE(dns_compatible_bucket("abc-123"));
    // With an endpoint override (moto), always path style.
    auto o = resolve("s3", "s3", "eu-west-1", "my-bucket",
                     {{"AWS_ENDPOINT_URL", "http://127.0.0.1:5000/"}});
    EXPECT_FALSE(o.s3_virtual_host);
    EXPECT_EQ(o.base_url, "http://127.0.0.1:5000");
    EXPECT_EQ(o.host, "127.0.0.1:5000");
}

TEST(Endpoints, OverridesPerServiceWinOverGlobal) {
    const std::map<std::string, std::string> env{
        {"AWS_ENDPOINT_URL", "http://all:1"},
        {"AWS_ENDPOINT_URL_SSO_ADMIN", "http://sso:2"},
        {"AWS_ENDPOINT_URL_CONFIG_SERVICE", "http://config:3"},
        {"AWS_ENDPOINT_URL_IAM", "https://iam:4/base"}};
    EXPECT_EQ(resolve("sso-admin", "sso", "us-east-1", "", env).base_url, "http://sso:2");
    EXPECT_EQ(resolve("config", "config", "us-east-1", "", env).base_url, "http://config:3");
    EXPECT_EQ(resolve("iam", "iam", "us-east-1", "", env).base_url, "https://iam:4/base");
    EXPECT_EQ(resolve("rds", "rds", "us-east-1", "", env).base_url, "http://all:1");
    auto env2 = env;
    env2["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
    EXPECT_EQ(resolve("rds", "rds", "us-east-1", "", env2).host, "rds.us-east-1.amazonaws.com");
    // botocore reads the flag case-insensitively ("True" from a config file or an export).
    env2["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "True";
    EXPECT_EQ(resolve("rds", "rds", "us-east-1", "", env2).host, "rds.us-east-1.amazonaws.com");
    EXPECT_EQ(endpoint_env_suffix("dynamodb"), "DYNAMODB");
    EXPECT_EQ(endpoint_env_suffix("sso-admin"), "SSO_ADMIN");
    EXPECT_EQ(endpoint_env_suffix("config"), "CONFIG_SERVICE");
}

TEST(Endpoints, EventBridgeOverrideUsesTheCliName) {
    // botocore's serviceId of "events" is "EventBridge": the AWS CLI reads
    // AWS_ENDPOINT_URL_EVENTBRIDGE, never AWS_ENDPOINT_URL_EVENTS.
    EXPECT_EQ(endpoint_env_suffix("events"), "EVENTBRIDGE");
    EXPECT_EQ(resolve("events", "events", "eu-west-1", "",
                      {{"AWS_ENDPOINT_URL_EVENTBRIDGE", "http://127.0.0.1:9"}})
                  .base_url,
              "http://127.0.0.1:9");
    EXPECT_EQ(endpoint_env_suffix("stepfunctions"), "SFN");
    EXPECT_EQ(endpoint_env_suffix("sso-oidc"), "SSO_OIDC");
}

TEST(Endpoints, FipsAndDualStack) {
    const std::map<std::string, std::string> fips{{"AWS_USE_FIPS_ENDPOINT", "true"}};
    const std::map<std::string, std::string> dual{{"AWS_USE_DUALSTACK_ENDPOINT", "TRUE"}};
    const std::map<std::string, std::string> both{{"AWS_USE_FIPS_ENDPOINT", "true"},
                                                  {"AWS_USE_DUALSTACK_ENDPOINT", "true"}};
    EXPECT_EQ(resolve("kms", "kms", "us-east-1", "", fips).host,
              "kms-fips.us-east-1.amazonaws.com");
    EXPECT_EQ(resolve("kms", "kms", "us-east-1", "", dual).host, "kms.us-east-1.api.aws");
    EXPECT_EQ(resolve("kms", "kms", "us-east-1", "", both).host, "kms-fips.us-east-1.api.aws");
    EXPECT_EQ(resolve("ec2", "ec2", "cn-north-1", "", dual).host,
              "ec2.cn-north-1.api.amazonwebservices.com.cn");
    EXPECT_EQ(resolve("s3", "s3", "us-west-2", "", fips).host, "s3-fips.us-west-2.amazonaws.com");
    EXPECT_EQ(resolve("s3", "s3", "us-west-2", "bkt", dual).host,
              "bkt.s3.dualstack.us-west-2.amazonaws.com");
    EXPECT_EQ(resolve("s3", "s3", "us-west-2", "", both).host,
              "s3-fips.dualstack.us-west-2.amazonaws.com");
    EXPECT_EQ(resolve("iam", "iam", "us-east-1", "", fips).host, "iam-fips.amazonaws.com");
    // "false" and unset are the same; an override still wins over both flags.
    EXPECT_EQ(resolve("kms", "kms", "us-east-1", "", {{"AWS_USE_FIPS_ENDPOINT", "false"}}).host,
              "kms.us-east-1.amazonaws.com");
    EXPECT_EQ(resolve("kms", "kms", "us-east-1", "",
                      {{"AWS_USE_FIPS_ENDPOINT", "true"}, {"AWS_ENDPOINT_URL", "http://h:1"}})
                  .host,
              "h:1");
}

TEST(Endpoints, GlobalRegionFollowsThePartition) {
    EXPECT_EQ(global_region_of("ap-northeast-2"), "us-east-1");
    EXPECT_EQ(global_region_of("cn-northwest-1"), "cn-north-1");
    EXPECT_EQ(global_region_of("us-gov-east-1"), "us-gov-west-1");
    const auto org = resolve("organizations", "organizations", "us-gov-east-1");
    EXPECT_EQ(org.host, "organizations.us-gov-west-1.amazonaws.com");
    EXPECT_EQ(org.signing_region, "us-gov-west-1");
    EXPECT_EQ(resolve("cloudfront", "cloudfront", "cn-north-1").host,
              "cloudfront.cn-northwest-1.amazonaws.com.cn");
    EXPECT_EQ(resolve("shield", "shield", "eu-west-1").host, "shield.us-east-1.amazonaws.com");
}

// The region is the part of a request that becomes a host name: anything that is not a region of
// a served partition is refused by the resolver itself, whoever forgot to validate it.
TEST(Endpoints, RefusesAnythingButARegion) {
    const std::vector<std::string> hostile = {"x@127.0.0.1:5991/",
                                              "x.evil/",
                                              "us-east-1.evil",
                                              "%2e",
                                              "us-east-1\r\nHost: evil",
                                              std::string(300, 'a'),
                                              "US-EAST-1",
                                              "us-east-1#",
                                              "us-east-1?a=b",
                                              "127.0.0.1",
                                              "us-east-1:443",
                                              "",
                                              "us-east-",
                                              "-us-east-1",
                                              "us-iso-east-1",
                                              "zz-east-1",
                                              "us-east-1/..",
                                              "us-east-\xc3\xa9"};
    for (const auto& r : hostile) {
        for (const char* service : {"sts", "s3", "s3control", "iam", "ec2"}) {
            auto ep = resolve_endpoint({service, service, service, r, "bucket", ""}, map_env({}));
            EXPECT_FALSE(ep) << service << " " << r << " → " << (ep ? ep->base_url : "");
        }
    }
    // Other inputs of the host: the s3control account id and S3 bucket names.
    EXPECT_FALSE(resolve_endpoint(
        {"s3control", "s3-control", "s3", "us-east-1", "", "1@127.0.0.1:9/"}, map_env({})));
    auto path_style =
        resolve_endpoint({"s3", "s3", "s3", "us-east-1", "x@127.0.0.1:5991", ""}, map_env({}));
    ASSERT_TRUE(path_style);
    EXPECT_EQ(path_style->host, "s3.us-east-1.amazonaws.com");
    EXPECT_FALSE(path_style->s3_virtual_host);
}

TEST(Endpoints, OverrideMustBeAPlainHttpUrl) {
    for (const std::string bad : {"ftp://h:1", "not-a-url", "http://user:pw@h:1", "http://h:1/?q=1",
                                  "http://h:1/#f", "file:///etc/passwd", "http://"}) {
        auto ep = resolve_endpoint({"rds", "rds", "rds", "us-east-1", "", ""},
                                   map_env({{"AWS_ENDPOINT_URL", bad}}));
        EXPECT_FALSE(ep) << bad;
    }
    auto ok = resolve_endpoint({"rds", "rds", "rds", "us-east-1", "", ""},
                               map_env({{"AWS_ENDPOINT_URL", "HTTP://[::1]:4566/base/"}}));
    ASSERT_TRUE(ok) << ok.error();
    EXPECT_EQ(ok->base_url, "http://[::1]:4566/base");
}

TEST(IamActions, Exceptions) {
    EXPECT_EQ(iam_action("s3", "GetBucketEncryption"), "s3:GetEncryptionConfiguration");
    EXPECT_EQ(iam_action("s3", "ListBuckets"), "s3:ListAllMyBuckets");
    EXPECT_EQ(iam_action("s3", "HeadBucket"), "s3:ListBucket");
    EXPECT_EQ(iam_action("s3", "GetPublicAccessBlock"), "s3:GetBucketPublicAccessBlock");
    EXPECT_EQ(iam_action("sso-admin", "ListInstances"), "sso:ListInstances");
    EXPECT_EQ(iam_action("elbv2", "DescribeLoadBalancers"),
              "elasticloadbalancing:DescribeLoadBalancers");
    EXPECT_EQ(iam_action("opensearch", "DescribeDomain"), "es:DescribeDomain");
    EXPECT_EQ(iam_action("cloudfront", "GetDistributionConfig"),
              "cloudfront:GetDistributionConfig");
    EXPECT_EQ(iam_action("rds", "DescribeDBInstances"), "rds:DescribeDBInstances");
}

// Every operation of every embedded model has an explicit entry: adding an operation to the
// models without deciding its IAM action fails here.
// An operation whose request and answer both carry a page token pages, whether or not botocore
// ships a paginator for it; without one in the embedded model the client would read its first
// page as the whole list (scripts/gen_aws_models.py's EXTRA_PAGINATORS adds the missing ones).
TEST(Models, EveryOperationThatPagesByATokenHasAPaginator) {
    const std::set<std::string> token_names = {"NextToken",  "nextToken",       "Marker",
                                               "NextMarker", "PaginationToken", "position"};
    std::vector<std::string> missing;
    int paged = 0;
    for (const auto& file : dspm::embedded::all()) {
        if (!file.path.starts_with("aws/models/") || !file.path.ends_with(".json")) continue;
        const auto doc = boost::json::parse(file.content).as_object();
        const std::string service(doc.at("metadata").as_object().at("service").as_string());
        const auto& shapes = doc.at("shapes").as_object();
        const auto members = [&](const boost::json::object& op, const char* side) {
            std::set<std::string> out;
            const auto* ref = op.if_contains(side);
            if (ref == nullptr) return out;
            const auto* shape = shapes.if_contains(ref->as_object().at("shape").as_string());
            if (shape == nullptr) return out;
            if (const auto* m = shape->as_object().if_contains("members"))
                for (const auto& [name, _] : m->as_object())
                    out.insert(std::string(name));
            return out;
        };
        for (const auto& [name, op_value] : doc.at("operations").as_object()) {
            const auto& op = op_value.as_object();
            const auto in = members(op, "input");
            const auto out = members(op, "output");
            bool pages = false;
            for (const auto& t : token_names)
                pages = pages || (in.count(t) && (out.count(t) || out.count("Next" + t)));
            if (!pages) continue;
            ++paged;
            if (!op.contains("paginator")) missing.push_back(service + ":" + std::string(name));
        }
    }
    EXPECT_GT(paged, 50);
    std::string list;
    for (const auto& m : missing)
        list += " " + m;
    EXPECT_TRUE(missing.empty()) << "operations that page by a token without a paginator:" << list;
}

TEST(IamActions, TableCoversEveryModelOperation) {
    int models = 0, operations = 0;
    std::vector<std::string> missing;
    for (const auto& file : dspm::embedded::all()) {
        if (!file.path.starts_with("aws/models/") || !file.path.ends_with(".json")) continue;
        const auto doc = boost::json::parse(file.content).as_object();
        const std::string service(doc.at("metadata").as_object().at("service").as_string());
        ++models;
        for (const auto& [op, _] : doc.at("operations").as_object()) {
            ++operations;
            if (!find_iam_action(service, op)) missing.push_back(service + ":" + std::string(op));
        }
    }
    EXPECT_GT(models, 10);
    EXPECT_GT(operations, 50);
    EXPECT_TRUE(missing.empty()) << "operations without an IAM action: " << missing.size()
                                 << (missing.empty() ? "" : " first " + missing.front());
    std::printf("[ iam      ] %d operations of %d models mapped\n", operations, models);
}
