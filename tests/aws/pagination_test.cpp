// call_all_pages: every page concatenated, and every way a listing can stop early (page cap, a
// token answered twice, a truncation flag without a token) is an error rather than a short list.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <string>

#include "aws/client_options.hpp"
#include "aws/loopback_server.hpp"
#include "net/http_client.hpp"

using namespace dspm::aws;
using dspm::test::LoopbackServer;
using dspm::test::LoopRequest;
using dspm::test::LoopResponse;

namespace {

struct Setup {
    std::map<std::string, std::string> env;
    std::shared_ptr<AwsClient> client;
};

std::unique_ptr<Setup> make_client(const std::string& endpoint, int max_pages = 1000) {
    auto s = std::make_unique<Setup>();
    s->env = {{"AWS_ACCESS_KEY_ID", "AKID"},
              {"AWS_SECRET_ACCESS_KEY", "secret"},
              {"AWS_EC2_METADATA_DISABLED", "true"},
              {"AWS_CONFIG_FILE", "/dev/null"},
              {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
              {"AWS_ENDPOINT_URL", endpoint}};
    auto* raw = s.get();
    ClientTuning t;
    t.env = [raw](const char* n) -> const char* {
        auto it = raw->env.find(n);
        return it == raw->env.end() ? nullptr : it->second.c_str();
    };
    t.max_pages = max_pages;
    s->client = make_aws_client({}, std::make_shared<dspm::net::HttpClient>(), t);
    return s;
}

LoopResponse json_answer(std::string body) {
    return LoopResponse{200, {{"Content-Type", "application/x-amz-json-1.0"}}, std::move(body)};
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(Pagination, TwoPagesAreConcatenated) {
    LoopbackServer ddb([](const LoopRequest& r) {
        if (!has(r.body, "ExclusiveStartTableName"))
            return json_answer(R"({"TableNames":["a","b"],"LastEvaluatedTableName":"b"})");
        return json_answer(R"({"TableNames":["c"]})");
    });
    auto c = make_client(ddb.endpoint());
    auto r = c->client->call_all_pages("dynamodb", "ListTables", {});
    ASSERT_TRUE(r) << r.error().message;
    const auto& names = r->at("TableNames").as_array();
    ASSERT_EQ(names.size(), 3u);
    EXPECT_EQ(names[2].as_string(), "c");
    EXPECT_EQ(r->as_object().count("LastEvaluatedTableName"), 0u);
    const auto seen = ddb.requests();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_TRUE(has(seen[1].body, R"("ExclusiveStartTableName":"b")")) << seen[1].body;
}

TEST(Pagination, RepeatedTokenIsAnError) {
    LoopbackServer ddb([](const LoopRequest&) {
        return json_answer(R"({"TableNames":["t"],"LastEvaluatedTableName":"t"})");
    });
    auto c = make_client(ddb.endpoint());
    auto r = c->client->call_all_pages("dynamodb", "ListTables", {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::malformed);
    EXPECT_EQ(r.error().operation, "ListTables");
    EXPECT_EQ(r.error().iam_action, "dynamodb:ListTables");
    EXPECT_TRUE(has(r.error().message, "ListTables")) << r.error().message;
    EXPECT_TRUE(has(r.error().message, "twice")) << r.error().message;
    EXPECT_EQ(ddb.requests().size(), 2u);
}

TEST(Pagination, TokenCycleIsAnError) {
    // a → b → a: not the same token twice in a row, still a loop.
    LoopbackServer ddb([](const LoopRequest& r) {
        if (has(r.body, R"("ExclusiveStartTableName":"a")"))
            return json_answer(R"({"TableNames":["b"],"LastEvaluatedTableName":"b"})");
        return json_answer(R"({"TableNames":["a"],"LastEvaluatedTableName":"a"})");
    });
    auto c = make_client(ddb.endpoint());
    auto r = c->client->call_all_pages("dynamodb", "ListTables", {});
    ASSERT_FALSE(r);
    EXPECT_TRUE(has(r.error().message, "twice")) << r.error().message;
    EXPECT_EQ(ddb.requests().size(), 3u);
}

TEST(Pagination, PageCapIsAnError) {
    std::atomic<int> n{0};
    LoopbackServer ddb([&n](const LoopRequest&) {
        std::string t(1, 't');
        t += std::to_string(++n);
        std::string body = R"({"TableNames":[")";
        body.append(t).append(R"("],"LastEvaluatedTableName":")").append(t).append(R"("})");
        return json_answer(std::move(body));
    });
    auto c = make_client(ddb.endpoint(), 3);
    auto r = c->client->call_all_pages("dynamodb", "ListTables", {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::malformed);
    EXPECT_TRUE(has(r.error().message, "ListTables")) << r.error().message;
    EXPECT_TRUE(has(r.error().message, "3 pages")) << r.error().message;
    EXPECT_EQ(ddb.requests().size(), 3u);
}

// S3 ListObjectsV2 (rest-xml; paginator: more_results IsTruncated, token NextContinuationToken).
std::string list_objects(const std::string& key, bool truncated, const std::string& next) {
    return "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bkt</Name>"
           "<Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>" +
           std::string(truncated ? "true" : "false") + "</IsTruncated><Contents><Key>" + key +
           "</Key><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>" +
           (next.empty() ? "" : "<NextContinuationToken>" + next + "</NextContinuationToken>") +
           "</ListBucketResult>";
}

TEST(Pagination, S3PagesFollowTheContinuationToken) {
    LoopbackServer s3([](const LoopRequest& r) {
        if (!has(r.target, "continuation-token="))
            return LoopResponse{200, {}, list_objects("k1", true, "tok1")};
        return LoopResponse{200, {}, list_objects("k2", false, "")};
    });
    auto c = make_client(s3.endpoint());
    auto r = c->client->call_all_pages("s3", "ListObjectsV2", {{"Bucket", "bkt"}});
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->at("Contents").as_array().size(), 2u);
    EXPECT_EQ(r->at("IsTruncated").as_bool(), false);
    EXPECT_EQ(s3.requests().size(), 2u);
}

TEST(Pagination, S3IsTruncatedWithoutATokenIsAnError) {
    LoopbackServer s3([](const LoopRequest&) {
        return LoopResponse{200, {}, list_objects("k1", true, "")};
    });
    auto c = make_client(s3.endpoint());
    auto r = c->client->call_all_pages("s3", "ListObjectsV2", {{"Bucket", "bkt"}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::malformed);
    EXPECT_EQ(r.error().iam_action, "s3:ListBucket");
    EXPECT_TRUE(has(r.error().message, "ListObjectsV2")) << r.error().message;
    EXPECT_TRUE(has(r.error().message, "IsTruncated")) << r.error().message;
    EXPECT_EQ(s3.requests().size(), 1u);
}

// IAM ListUsers (query protocol; more_results IsTruncated, token Marker).
TEST(Pagination, IamIsTruncatedWithoutAMarkerIsAnError) {
    LoopbackServer iam([](const LoopRequest&) {
        return LoopResponse{
            200,
            {{"Content-Type", "text/xml"}},
            "<ListUsersResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
            "<ListUsersResult><Users><member><Path>/</Path><UserName>alice</UserName>"
            "<UserId>AIDA</UserId><Arn>arn:aws:iam::123456789012:user/alice</Arn>"
            "<CreateDate>2020-01-01T00:00:00Z</CreateDate></member></Users>"
            "<IsTruncated>true</IsTruncated></ListUsersResult>"
            "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListUsersResponse>"};
    });
    auto c = make_client(iam.endpoint());
    auto r = c->client->call_all_pages("iam", "ListUsers", {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::malformed);
    EXPECT_EQ(r.error().iam_action, "iam:ListUsers");
    EXPECT_TRUE(has(r.error().message, "ListUsers")) << r.error().message;
    EXPECT_TRUE(has(r.error().message, "IsTruncated")) << r.error().message;
}

TEST(Pagination, IamPagesFollowTheMarkerUntilNotTruncated) {
    LoopbackServer iam([](const LoopRequest& r) {
        const bool first = !has(r.body, "Marker=");
        return LoopResponse{
            200,
            {{"Content-Type", "text/xml"}},
            "<ListUsersResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
            "<ListUsersResult><Users><member><Path>/</Path><UserName>" +
                std::string(first ? "alice" : "bob") +
                "</UserName><UserId>AIDA</UserId><Arn>arn:aws:iam::123456789012:user/x</Arn>"
                "<CreateDate>2020-01-01T00:00:00Z</CreateDate></member></Users>"
                "<IsTruncated>" +
                std::string(first ? "true" : "false") + "</IsTruncated>" +
                std::string(first ? "<Marker>m1</Marker>" : "") +
                "</ListUsersResult><ResponseMetadata><RequestId>r</RequestId>"
                "</ResponseMetadata></ListUsersResponse>"};
    });
    auto c = make_client(iam.endpoint());
    auto r = c->client->call_all_pages("iam", "ListUsers", {});
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->at("Users").as_array().size(), 2u);
    EXPECT_EQ(r->at("Users").as_array()[1].at("UserName").as_string(), "bob");
    EXPECT_EQ(iam.requests().size(), 2u);
}

}  // namespace
