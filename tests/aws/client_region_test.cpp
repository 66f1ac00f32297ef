// S3's wrong-region answer: the client learns the bucket's region and retries there once.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "aws/client_options.hpp"
#include "aws/fake_server.hpp"
#include "net/http_client.hpp"

using namespace dspm::aws;
using dspm::test::FakeRequest;
using dspm::test::FakeResponse;

TEST(ClientRegion, S3WrongRegionIsRetriedInTheBucketsRegion) {
    dspm::test::FakeHttpServer s3([](const FakeRequest& r) -> FakeResponse {
        const auto& auth = r.headers.at("authorization");
        if (r.path.find("?location") != std::string::npos)  // answered from any region
            return {200, "<LocationConstraint>eu-west-1</LocationConstraint>"};
        if (auth.find("/eu-west-1/s3/") == std::string::npos)
            return {301,
                    "<Error><Code>PermanentRedirect</Code><Message>wrong region</Message>"
                    "<Region>eu-west-1</Region></Error>"};
        return {200,
                "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>"
                "<SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault>"
                "</Rule></ServerSideEncryptionConfiguration>"};
    });
    auto env = std::make_shared<std::map<std::string, std::string>>(
        std::map<std::string, std::string>{{"AWS_ACCESS_KEY_ID", "AKID"},
                                           {"AWS_SECRET_ACCESS_KEY", "s"},
                                           {"AWS_ENDPOINT_URL_S3", s3.endpoint()},
                                           {"AWS_EC2_METADATA_DISABLED", "true"}});
    ClientTuning t;
    t.env = [env](const char* n) -> const char* {
        auto it = env->find(n);
        return it == env->end() ? nullptr : it->second.c_str();
    };
    auto client = make_aws_client({}, std::make_shared<dspm::net::HttpClient>(), t);
    auto r = client->call("s3", "GetBucketEncryption", {{"Bucket", "eu-bucket"}});
    ASSERT_TRUE(r) << r.error().code << " " << r.error().message;
    EXPECT_EQ(r->at("ServerSideEncryptionConfiguration")
                  .at("Rules")
                  .at(0)
                  .at("ApplyServerSideEncryptionByDefault")
                  .at("SSEAlgorithm")
                  .as_string(),
              "AES256");
    // The region was found with GetBucketLocation (no x-amz-bucket-region header here) or the
    // redirect; either way the bucket's region is cached: the next call goes there directly.
    const auto before = s3.requests().size();
    ASSERT_TRUE(client->call("s3", "GetBucketEncryption", {{"Bucket", "eu-bucket"}}));
    EXPECT_EQ(s3.requests().size(), before + 1);
    EXPECT_EQ(s3.requests().front().path.rfind("/eu-bucket", 0), 0u);  // path style on override
}

// A service that keeps answering the same continuation token must not loop forever.
TEST(ClientPagination, RepeatingTokenStops) {
    dspm::test::FakeHttpServer ddb([](const FakeRequest&) -> FakeResponse {
        return {200, R"({"TableNames":["t"],"LastEvaluatedTableName":"t"})"};
    });
    auto env = std::make_shared<std::map<std::string, std::string>>(
        std::map<std::string, std::string>{{"AWS_ACCESS_KEY_ID", "AKID"},
                                           {"AWS_SECRET_ACCESS_KEY", "s"},
                                           {"AWS_ENDPOINT_URL", ddb.endpoint()}});
    ClientTuning t;
    t.env = [env](const char* n) -> const char* {
        auto it = env->find(n);
        return it == env->end() ? nullptr : it->second.c_str();
    };
    auto client = make_aws_client({}, std::make_shared<dspm::net::HttpClient>(), t);
    auto r = client->call_all_pages("dynamodb", "ListTables", {});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(ddb.requests().size(), 2u);
    EXPECT_EQ(r->at("TableNames").as_array().size(), 2u);
}
