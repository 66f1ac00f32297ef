// S3's wrong-region answer: the client learns the bucket's region and retries there once,
// re-signed for it, and only for a valid region of the same partition.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <string>

#include "aws/client_options.hpp"
#include "aws/fake_server.hpp"
#include "aws/loopback_server.hpp"
#include "net/http_client.hpp"

using namespace dspm::aws;
using dspm::test::FakeRequest;
using dspm::test::FakeResponse;
using dspm::test::LoopbackServer;
using dspm::test::LoopRequest;
using dspm::test::LoopResponse;

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

namespace {

const char* encryption_ok =
    "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>"
    "<SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault>"
    "</Rule></ServerSideEncryptionConfiguration>";

struct S3Setup {
    std::map<std::string, std::string> env;
    std::shared_ptr<AwsClient> client;
};

std::unique_ptr<S3Setup> s3_client(const std::string& endpoint,
                                   const std::string& region = "us-east-1") {
    auto s = std::make_unique<S3Setup>();
    s->env = {{"AWS_ACCESS_KEY_ID", "AKID"},     {"AWS_SECRET_ACCESS_KEY", "s"},
              {"AWS_ENDPOINT_URL_S3", endpoint}, {"AWS_EC2_METADATA_DISABLED", "true"},
              {"AWS_CONFIG_FILE", "/dev/null"},  {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"}};
    auto* raw = s.get();
    ClientTuning t;
    t.env = [raw](const char* n) -> const char* {
        auto it = raw->env.find(n);
        return it == raw->env.end() ? nullptr : it->second.c_str();
    };
    AwsClientConfig cfg;
    cfg.region = region;
    s->client = make_aws_client(cfg, std::make_shared<dspm::net::HttpClient>(), t);
    return s;
}

bool signed_for(const LoopRequest& r, const std::string& region) {
    const auto it = r.headers.find("authorization");
    return it != r.headers.end() && it->second.find("/" + region + "/s3/") != std::string::npos;
}

// Answers `redirect` unless the request is signed for `home`.
LoopbackServer::Handler bucket_in(std::string home, LoopResponse redirect) {
    return [home = std::move(home), redirect = std::move(redirect)](const LoopRequest& r) {
        if (signed_for(r, home)) return LoopResponse{200, {}, encryption_ok};
        return redirect;
    };
}

const char* permanent_redirect_body =
    "<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must "
    "be addressed using the specified endpoint.</Message></Error>";

}  // namespace

TEST(ClientRegion, Redirect301WithBucketRegionHeaderIsResignedOnce) {
    LoopbackServer s3(bucket_in(
        "eu-west-1", {301, {{"x-amz-bucket-region", "eu-west-1"}}, permanent_redirect_body}));
    auto c = s3_client(s3.endpoint());
    auto r = c->client->call("s3", "GetBucketEncryption", {{"Bucket", "eu-bucket"}});
    ASSERT_TRUE(r) << r.error().code << " " << r.error().message;
    const auto seen = s3.requests();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_TRUE(signed_for(seen[0], "us-east-1"));
    EXPECT_TRUE(signed_for(seen[1], "eu-west-1"));
    // The endpoint override stays the host; only the signature changes.
    EXPECT_EQ(seen[1].headers.at("host"), seen[0].headers.at("host"));
    EXPECT_EQ(seen[1].target, seen[0].target);
}

TEST(ClientRegion, Redirect307IsFollowedToo) {
    LoopbackServer s3(
        bucket_in("eu-central-1", {307,
                                   {{"x-amz-bucket-region", "eu-central-1"}},
                                   "<Error><Code>TemporaryRedirect</Code><Message>Please re-send "
                                   "this request to the specified temporary endpoint.</Message>"
                                   "</Error>"}));
    auto c = s3_client(s3.endpoint());
    auto r = c->client->call("s3", "GetBucketEncryption", {{"Bucket", "new-bucket"}});
    ASSERT_TRUE(r) << r.error().code << " " << r.error().message;
    EXPECT_EQ(s3.requests().size(), 2u);
}

TEST(ClientRegion, RegionFromTheErrorBodyNeedsNoLookup) {
    LoopbackServer s3(
        bucket_in("ap-southeast-2", {301,
                                     {},
                                     "<Error><Code>PermanentRedirect</Code><Message>m</Message>"
                                     "<Region>ap-southeast-2</Region></Error>"}));
    auto c = s3_client(s3.endpoint());
    auto r = c->client->call("s3", "GetBucketEncryption", {{"Bucket", "syd-bucket"}});
    ASSERT_TRUE(r) << r.error().code << " " << r.error().message;
    const auto seen = s3.requests();
    ASSERT_EQ(seen.size(), 2u);  // no GetBucketLocation in between
    EXPECT_TRUE(signed_for(seen[1], "ap-southeast-2"));
}

TEST(ClientRegion, RegionFromTheErrorBodysEndpoint) {
    LoopbackServer s3(
        bucket_in("eu-west-2", {301,
                                {},
                                "<Error><Code>PermanentRedirect</Code><Message>m</Message>"
                                "<Endpoint>ldn-bucket.s3.eu-west-2.amazonaws.com</Endpoint>"
                                "<Bucket>ldn-bucket</Bucket></Error>"}));
    auto c = s3_client(s3.endpoint());
    auto r = c->client->call("s3", "GetBucketEncryption", {{"Bucket", "ldn-bucket"}});
    ASSERT_TRUE(r) << r.error().code << " " << r.error().message;
    const auto seen = s3.requests();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_TRUE(signed_for(seen[1], "eu-west-2"));
}

TEST(ClientRegion, ARegionOutsideTheGrammarIsNotFollowedNorRemembered) {
    LoopbackServer s3([](const LoopRequest&) {
        return LoopResponse{
            301, {{"x-amz-bucket-region", "eu-west-1.attacker.example"}}, permanent_redirect_body};
    });
    auto c = s3_client(s3.endpoint());
    auto r = c->client->call("s3", "GetBucketEncryption", {{"Bucket", "bkt"}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().http_status, 301);
    EXPECT_EQ(r.error().code, "PermanentRedirect");
    EXPECT_NE(r.error().message.find("not followed"), std::string::npos) << r.error().message;
    EXPECT_EQ(s3.requests().size(), 1u);
    // Nothing was cached for the bucket: the next call is signed for the client's region again.
    (void)c->client->call("s3", "GetBucketEncryption", {{"Bucket", "bkt"}});
    const auto seen = s3.requests();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_TRUE(signed_for(seen[1], "us-east-1"));
}

TEST(ClientRegion, ARegionOfAnotherPartitionIsNotFollowed) {
    LoopbackServer s3([](const LoopRequest& r) {
        if (signed_for(r, "cn-north-1")) return LoopResponse{200, {}, encryption_ok};
        return LoopResponse{301, {{"x-amz-bucket-region", "cn-north-1"}}, permanent_redirect_body};
    });
    auto c = s3_client(s3.endpoint());
    auto r = c->client->call("s3", "GetBucketEncryption", {{"Bucket", "bkt"}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().http_status, 301);
    EXPECT_EQ(s3.requests().size(), 1u);
}

TEST(ClientRegion, RedirectsAreFollowedOnceNeverInALoop) {
    std::atomic<int> n{0};
    LoopbackServer s3([&n](const LoopRequest&) {
        const std::string to = ++n % 2 == 1 ? "eu-west-1" : "eu-west-3";
        return LoopResponse{301, {{"x-amz-bucket-region", to}}, permanent_redirect_body};
    });
    auto c = s3_client(s3.endpoint());
    auto r = c->client->call("s3", "GetBucketEncryption", {{"Bucket", "bkt"}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().http_status, 301);
    EXPECT_EQ(s3.requests().size(), 2u);
}
