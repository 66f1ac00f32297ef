// A per-resource read never goes out with an empty identifier: AWS treats
// DescribeDBInstances?DBInstanceIdentifier= as "every instance", and the first one used to be
// scored as the resource "".
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "aws/client_options.hpp"
#include "aws/fake_server.hpp"
#include "net/http_client.hpp"

using namespace dspm::aws;

TEST(ClientEmptyId, EmptyStringParametersAreRefusedBeforeSending) {
    dspm::test::FakeHttpServer rds([](const dspm::test::FakeRequest&) -> dspm::test::FakeResponse {
        return {200,
                "<DescribeDBInstancesResponse><DescribeDBInstancesResult><DBInstances>"
                "<DBInstance><DBInstanceIdentifier>other</DBInstanceIdentifier>"
                "<StorageEncrypted>true</StorageEncrypted></DBInstance></DBInstances>"
                "</DescribeDBInstancesResult></DescribeDBInstancesResponse>"};
    });
    auto env = std::make_shared<std::map<std::string, std::string>>(
        std::map<std::string, std::string>{{"AWS_ACCESS_KEY_ID", "AKID"},
                                           {"AWS_SECRET_ACCESS_KEY", "s"},
                                           {"AWS_ENDPOINT_URL", rds.endpoint()},
                                           {"AWS_EC2_METADATA_DISABLED", "true"}});
    ClientTuning t;
    t.env = [env](const char* n) -> const char* {
        auto it = env->find(n);
        return it == env->end() ? nullptr : it->second.c_str();
    };
    auto client = make_aws_client({}, std::make_shared<dspm::net::HttpClient>(), t);
    auto r = client->call("rds", "DescribeDBInstances", {{"DBInstanceIdentifier", ""}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::invalid_request);
    EXPECT_NE(r.error().message.find("empty DBInstanceIdentifier"), std::string::npos);
    auto s3 = client->call("s3", "GetBucketEncryption", {{"Bucket", ""}});
    EXPECT_FALSE(s3);
    EXPECT_TRUE(rds.requests().empty());
    // The same read with its identifier goes out.
    EXPECT_TRUE(client->call("rds", "DescribeDBInstances", {{"DBInstanceIdentifier", "db1"}}));
    EXPECT_EQ(rds.requests().size(), 1u);
}

TEST(ClientEmptyId, AWriteThatMeansAnEmptyValueSendsIt) {
    dspm::test::FakeHttpServer sns([](const dspm::test::FakeRequest&) -> dspm::test::FakeResponse {
        return {200,
                "<SetTopicAttributesResponse><ResponseMetadata><RequestId>r</RequestId>"
                "</ResponseMetadata></SetTopicAttributesResponse>"};
    });
    auto env = std::make_shared<std::map<std::string, std::string>>(
        std::map<std::string, std::string>{{"AWS_ACCESS_KEY_ID", "AKID"},
                                           {"AWS_SECRET_ACCESS_KEY", "s"},
                                           {"AWS_ENDPOINT_URL", sns.endpoint()},
                                           {"AWS_EC2_METADATA_DISABLED", "true"}});
    ClientTuning t;
    t.env = [env](const char* n) -> const char* {
        auto it = env->find(n);
        return it == env->end() ? nullptr : it->second.c_str();
    };
    auto client = make_aws_client({}, std::make_shared<dspm::net::HttpClient>(), t);
    const boost::json::object off{{"TopicArn", "arn:aws:sns:us-east-1:123456789012:t"},
                                  {"AttributeName", "KmsMasterKeyId"},
                                  {"AttributeValue", ""}};
    EXPECT_FALSE(client->call("sns", "SetTopicAttributes", off));
    EXPECT_TRUE(sns.requests().empty());
    CallOptions write;
    write.allow_empty_values = true;
    ASSERT_TRUE(client->call("sns", "SetTopicAttributes", off, write));
    ASSERT_EQ(sns.requests().size(), 1u);
    const std::string body = sns.requests()[0].body;
    const auto at = body.find("AttributeValue=");
    ASSERT_NE(at, std::string::npos) << body;
    const auto after = at + std::string("AttributeValue=").size();
    EXPECT_TRUE(after == body.size() || body[after] == '&') << body;
}
