// The AWS client against moto_server: one operation per protocol, pagination over several pages,
// and a denied action (moto's IAM enforcement) reported with the right IAM action.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>

#include "aws/client_options.hpp"
#include "net/http_client.hpp"
#include "support/test_support.hpp"

using namespace dspm::aws;
namespace json = boost::json;

namespace {

struct MotoClient {
    std::shared_ptr<std::map<std::string, std::string>> env;
    std::shared_ptr<AwsClient> client;
};

MotoClient moto_client(const std::string& endpoint, const std::string& key = "testing",
                       const std::string& secret = "testing") {
    MotoClient m;
    m.env = std::make_shared<std::map<std::string, std::string>>(dspm::test::moto_env(endpoint));
    (*m.env)["AWS_ACCESS_KEY_ID"] = key;
    (*m.env)["AWS_SECRET_ACCESS_KEY"] = secret;
    ClientTuning t;
    auto env = m.env;
    t.env = [env](const char* n) -> const char* {
        auto it = env->find(n);
        return it == env->end() ? nullptr : it->second.c_str();
    };
    m.client = make_aws_client(AwsClientConfig{}, std::make_shared<dspm::net::HttpClient>(), t);
    return m;
}

}  // namespace

TEST(ClientMoto, OneOperationPerProtocol) {
    auto& moto = dspm::test::Moto::instance();
    auto m = moto_client(moto.endpoint());
    auto& c = *m.client;

    auto who = c.call("sts", "GetCallerIdentity", {});  // query
    ASSERT_TRUE(who) << who.error().message;
    EXPECT_EQ(who->at("Account").as_string(), "123456789012");

    auto regions = c.call("ec2", "DescribeRegions", {});  // ec2
    ASSERT_TRUE(regions) << regions.error().message;
    EXPECT_GT(regions->at("Regions").as_array().size(), 5u);

    auto tables = c.call("dynamodb", "ListTables", {});  // json 1.0
    ASSERT_TRUE(tables) << tables.error().message;
    EXPECT_TRUE(tables->at("TableNames").is_array());

    const std::string bucket = "dspm-client-moto-" + std::to_string(::getpid());
    auto created = c.call("s3", "CreateBucket", {{"Bucket", bucket}});  // rest-xml
    ASSERT_TRUE(created) << created.error().message;
    auto buckets = c.call("s3", "ListBuckets", {});
    ASSERT_TRUE(buckets) << buckets.error().message;
    bool found = false;
    for (const auto& b : buckets->at("Buckets").as_array())
        found = found || b.at("Name").as_string() == bucket;
    EXPECT_TRUE(found);
    auto put =
        c.call("s3", "PutBucketEncryption",
               json::parse(R"({"Bucket":")" + bucket +
                           R"(","ServerSideEncryptionConfiguration":{"Rules":[{)"
                           R"("ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"}}]}})")
                   .as_object());
    ASSERT_TRUE(put) << put.error().message;
    auto enc = c.call("s3", "GetBucketEncryption", {{"Bucket", bucket}});
    ASSERT_TRUE(enc) << enc.error().message;
    EXPECT_EQ(enc->at("ServerSideEncryptionConfiguration")
                  .at("Rules")
                  .at(0)
                  .at("ApplyServerSideEncryptionByDefault")
                  .at("SSEAlgorithm")
                  .as_string(),
              "aws:kms");
    auto missing = c.call("s3", "GetBucketEncryption", {{"Bucket", bucket + "-none"}});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
    EXPECT_EQ(missing.error().iam_action, "s3:GetEncryptionConfiguration");

    auto dists = c.call("cloudfront", "ListDistributions", {});  // rest-xml, global
    ASSERT_TRUE(dists) << dists.error().message;
    EXPECT_TRUE(dists->at("DistributionList").is_object());

    const auto stats = c.stats();
    EXPECT_EQ(stats.by_operation.at("s3:GetBucketEncryption"), 2u);
    EXPECT_GE(stats.attempts, stats.calls);
}

// moto ignores IAM's MaxItems, but honours DynamoDB's Limit: 6 tables, 2 per page.
TEST(ClientMoto, PaginationOverThreePages) {
    auto& moto = dspm::test::Moto::instance();
    auto m = moto_client(moto.endpoint());
    const std::string prefix = "pg" + std::to_string(::getpid()) + "-";
    for (int i = 0; i < 6; ++i) {
        auto params =
            json::parse(R"({"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],)"
                        R"("KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],)"
                        R"("BillingMode":"PAY_PER_REQUEST"})")
                .as_object();
        params["TableName"] = prefix + std::to_string(i);
        auto r = m.client->call("dynamodb", "CreateTable", params);
        ASSERT_TRUE(r) << r.error().message;
    }
    const auto before = m.client->stats().by_operation["dynamodb:ListTables"];
    auto all = m.client->call_all_pages("dynamodb", "ListTables", {{"Limit", 2}});
    ASSERT_TRUE(all) << all.error().message;
    std::size_t ours = 0;
    for (const auto& t : all->at("TableNames").as_array())
        if (std::string(t.as_string()).starts_with(prefix)) ++ours;
    EXPECT_EQ(ours, 6u);
    const auto pages = m.client->stats().by_operation["dynamodb:ListTables"] - before;
    EXPECT_GE(pages, 3u);
    EXPECT_FALSE(all->as_object().contains("LastEvaluatedTableName"));
}

// moto checks signatures and IAM policies after INITIAL_NO_AUTH_ACTION_COUNT requests: seed a
// user that may list buckets but not read encryption, then call as that user.
TEST(ClientMoto, DeniedActionCarriesTheIamAction) {
    dspm::test::Moto moto(
        std::map<std::string, std::string>{{"INITIAL_NO_AUTH_ACTION_COUNT", "4"}});
    auto admin = moto_client(moto.endpoint());
    ASSERT_TRUE(admin.client->call("iam", "CreateUser", {{"UserName", "limited"}}));
    auto key = admin.client->call("iam", "CreateAccessKey", {{"UserName", "limited"}});
    ASSERT_TRUE(key) << key.error().message;
    const std::string policy =
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListAllMyBuckets","s3:CreateBucket"],"Resource":"*"}]})";
    ASSERT_TRUE(admin.client->call(
        "iam", "PutUserPolicy",
        {{"UserName", "limited"}, {"PolicyName", "list-only"}, {"PolicyDocument", policy}}));
    ASSERT_TRUE(admin.client->call("s3", "CreateBucket", {{"Bucket", "denied-bucket"}}));

    const auto& ak = key->at("AccessKey");
    auto user = moto_client(moto.endpoint(), std::string(ak.at("AccessKeyId").as_string()),
                            std::string(ak.at("SecretAccessKey").as_string()));
    auto list = user.client->call("s3", "ListBuckets", {});
    ASSERT_TRUE(list) << list.error().code << " " << list.error().message;
    auto enc = user.client->call("s3", "GetBucketEncryption", {{"Bucket", "denied-bucket"}});
    ASSERT_FALSE(enc);
    EXPECT_EQ(enc.error().kind, ErrorKind::permission_denied) << enc.error().code;
    EXPECT_EQ(enc.error().iam_action, "s3:GetEncryptionConfiguration");
    EXPECT_EQ(enc.error().service, "s3");
    EXPECT_EQ(enc.error().attempts, 1);

    // A wrong secret is an invalid-credentials answer, not a permission problem.
    auto bad = moto_client(moto.endpoint(), std::string(ak.at("AccessKeyId").as_string()), "wrong");
    auto who = bad.client->call("sts", "GetCallerIdentity", {});
    ASSERT_FALSE(who);
    EXPECT_EQ(who.error().kind, ErrorKind::invalid_credentials) << who.error().code;
}
