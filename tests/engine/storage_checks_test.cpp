// The storage group's checks on recorded documents: COMPLIANT, NON_COMPLIANT ("not configured"
// answers included, never ERROR), ERROR naming the missing IAM action, and SKIPPED without
// resources.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>

#include "checks/check.hpp"
#include "engine/fake_aws.hpp"
#include "inventory/facts.hpp"

namespace {

namespace json = boost::json;
using dspm::engine::MappingResult;
using dspm::engine::Status;
using dspm::test::FakeAwsClient;
using Result = FakeAwsClient::Result;

struct Fixture {
    std::shared_ptr<FakeAwsClient> aws = std::make_shared<FakeAwsClient>();
    dspm::checks::CheckScope scope;
    Fixture() {
        scope.account = "123456789012";
        scope.regions = {"us-east-1"};
    }
    MappingResult run(const std::string& code,
                      std::shared_ptr<dspm::inventory::CollectorSource> collector = nullptr) {
        const auto* check = dspm::checks::find_check(code);
        EXPECT_NE(check, nullptr) << code;
        if (check == nullptr) return {};
        dspm::inventory::CachedFacts facts(aws, collector, scope.account);
        return check->run(facts, scope);
    }
};

std::string missing_permission(const MappingResult& r) {
    for (const auto& e : r.evaluations) {
        if (const auto* m = e.extra.if_contains("missingPermissions"))
            return std::string(m->as_array().at(0).as_string());
    }
    return {};
}

Result not_found(const char* op, const char* code, const char* service = "s3") {
    return dspm::unexpected(
        FakeAwsClient::error(dspm::aws::ErrorKind::not_found, service, op, code));
}

// Two buckets: "good" in eu-west-1 (from GetBucketLocation), "bad" in us-east-1 (BucketRegion).
void two_buckets(FakeAwsClient& aws) {
    aws.on_json("s3", "ListBuckets",
                R"({"Buckets":[{"Name":"good"},{"Name":"bad","BucketRegion":"us-east-1"}]})");
    aws.on_json("s3", "GetBucketLocation", R"({"LocationConstraint":"eu-west-1"})");
}

// Per bucket answers: the handler picks by the Bucket parameter.
void per_bucket(FakeAwsClient& aws, const std::string& op, std::function<Result(std::string)> f) {
    aws.on("s3", op, [f](const json::object& p, const std::string&) -> Result {
        return f(std::string(p.at("Bucket").as_string()));
    });
}

std::string region_of_call(const FakeAwsClient& aws, const std::string& op,
                           const std::string& bucket) {
    for (const auto& c : aws.calls())
        if (c.op == op && c.params.find("\"" + bucket + "\"") != std::string::npos) return c.region;
    return {};
}

struct S3Case {
    const char* code;
    const char* op;
    const char* iam_action;
};
constexpr S3Case kS3Cases[] = {
    {"4.0-01", "GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"},
    {"4.0-02", "GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration"},
    {"8.0-02", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"},
    {"11.0-03", "GetBucketNotificationConfiguration", "s3:GetBucketNotification"},
    {"9.0-04", "GetBucketReplication", "s3:GetReplicationConfiguration"},
    {"12.0-04", "GetBucketPolicy", "s3:GetBucketPolicy"},
    {"14.0-02", "GetBucketLogging", "s3:GetBucketLogging"},
};

TEST(StorageRegistry, EveryStorageCheckIsRegisteredWithItsIamActions) {
    for (const auto& c : kS3Cases) {
        const auto* check = dspm::checks::find_check(c.code);
        ASSERT_NE(check, nullptr) << c.code;
        const auto& actions = check->info().iam_actions;
        EXPECT_NE(std::find(actions.begin(), actions.end(), c.iam_action), actions.end()) << c.code;
        EXPECT_NE(std::find(actions.begin(), actions.end(), "s3:ListAllMyBuckets"), actions.end());
        EXPECT_EQ(check->info().service, "S3");
    }
}

TEST(StorageS3Common, NoBucketsIsSkippedForEveryS3Check) {
    for (const auto& c : kS3Cases) {
        Fixture f;
        f.aws->on_json("s3", "ListBuckets", R"({"Buckets":[]})");
        auto r = f.run(c.code);
        EXPECT_EQ(r.status, Status::skipped) << c.code;
        ASSERT_TRUE(r.reason.has_value()) << c.code;
        EXPECT_NE(r.reason->find("no S3 buckets"), std::string::npos);
        EXPECT_EQ(f.aws->count(std::string("s3:") + c.op), 0u);
    }
}

TEST(StorageS3Common, DeniedListIsErrorForEveryS3Check) {
    for (const auto& c : kS3Cases) {
        Fixture f;
        f.aws->deny("s3", "ListBuckets", "s3:ListAllMyBuckets");
        auto r = f.run(c.code);
        EXPECT_EQ(r.status, Status::error) << c.code;
        EXPECT_EQ(missing_permission(r), "s3:ListAllMyBuckets") << c.code;
    }
}

TEST(StorageS3Common, DeniedPerBucketReadIsErrorNamingTheAction) {
    for (const auto& c : kS3Cases) {
        Fixture f;
        f.aws->on_json("s3", "ListBuckets",
                       R"({"Buckets":[{"Name":"a","BucketRegion":"us-east-1"}]})");
        f.aws->deny("s3", c.op, c.iam_action);
        auto r = f.run(c.code);
        EXPECT_EQ(r.status, Status::error) << c.code;
        EXPECT_EQ(missing_permission(r), c.iam_action) << c.code;
        EXPECT_EQ(r.evidence.at("errors").as_uint64(), 1u) << c.code;
    }
}

TEST(StorageS3Common, BucketListAndLocationAreSharedWith2_0_01) {
    Fixture f;
    two_buckets(*f.aws);
    f.aws->on_json("s3", "GetBucketLogging",
                   R"({"LoggingEnabled":{"TargetBucket":"logs","TargetPrefix":"x/"}})");
    f.aws->on_json(
        "s3", "GetBucketEncryption",
        R"({"ServerSideEncryptionConfiguration":{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"}}]}})");
    dspm::inventory::CachedFacts facts(f.aws, nullptr, f.scope.account);
    dspm::checks::find_check("2.0-01")->run(facts, f.scope);
    auto r = dspm::checks::find_check("14.0-02")->run(facts, f.scope);
    EXPECT_EQ(r.status, Status::compliant);
    EXPECT_EQ(f.aws->count("s3:ListBuckets"), 1u);
    EXPECT_EQ(f.aws->count("s3:GetBucketLocation"), 1u);  // only "good" lacked BucketRegion
    EXPECT_EQ(region_of_call(*f.aws, "s3:GetBucketLogging", "good"), "eu-west-1");
}

// ---- 4.0-01 lifecycle ----
TEST(StorageS3Lifecycle, EnabledRulePassesDisabledAndMissingFail) {
    Fixture f;
    f.aws->on_json("s3", "ListBuckets",
                   R"({"Buckets":[{"Name":"good"},{"Name":"off"},{"Name":"none"}]})");
    f.aws->on_json("s3", "GetBucketLocation", R"({"LocationConstraint":"eu-west-1"})");
    per_bucket(*f.aws, "GetBucketLifecycleConfiguration", [](const std::string& b) -> Result {
        if (b == "good")
            return json::parse(
                R"({"Rules":[{"ID":"a","Status":"Disabled"},{"ID":"b","Status":"Enabled"}]})");
        if (b == "off") return json::parse(R"({"Rules":[{"ID":"a","Status":"Disabled"}]})");
        return not_found("GetBucketLifecycleConfiguration", "NoSuchLifecycleConfiguration");
    });
    auto r = f.run("4.0-01");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].observed_value, json::value(1));
    EXPECT_EQ(r.evaluations[0].region, "eu-west-1");
    EXPECT_EQ(r.evaluations[0].evidence_path, "Rules[].Status");
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[1].observed_value, json::value(0));
    EXPECT_EQ(r.evaluations[2].status, Status::non_compliant);  // not ERROR
    EXPECT_TRUE(r.evaluations[2].observed_value.is_null());
    EXPECT_TRUE(r.evaluations[2].extra.contains("note"));
    EXPECT_EQ(r.evidence.at("withLifecycle").as_uint64(), 1u);
    EXPECT_EQ(r.evidence.at("nonCompliant").as_uint64(), 2u);
    EXPECT_EQ(region_of_call(*f.aws, "s3:GetBucketLifecycleConfiguration", "good"), "eu-west-1");
}

TEST(StorageS3Lifecycle, AllEnabledIsCompliant) {
    Fixture f;
    two_buckets(*f.aws);
    f.aws->on_json("s3", "GetBucketLifecycleConfiguration",
                   R"({"Rules":[{"ID":"x","Status":"Enabled"}]})");
    auto r = f.run("4.0-01");
    EXPECT_EQ(r.status, Status::compliant);
    EXPECT_EQ(r.evidence.at("totalBuckets").as_uint64(), 2u);
}

// ---- 4.0-02 Object Lock ----
TEST(StorageS3ObjectLock, EnabledPassesMissingFails) {
    Fixture f;
    two_buckets(*f.aws);
    per_bucket(*f.aws, "GetObjectLockConfiguration", [](const std::string& b) -> Result {
        if (b == "good")
            return json::parse(
                R"({"ObjectLockConfiguration":{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"COMPLIANCE","Days":30}}}})");
        return not_found("GetObjectLockConfiguration", "ObjectLockConfigurationNotFoundError");
    });
    auto r = f.run("4.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].evidence_path, "ObjectLockConfiguration.ObjectLockEnabled");
    EXPECT_TRUE(r.evaluations[0].extra.contains("DefaultRetention"));
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_TRUE(r.evaluations[1].observed_value.is_null());
}

TEST(StorageS3ObjectLock, AllLockedIsCompliantAndOtherErrorsAreErrors) {
    {
        Fixture f;
        two_buckets(*f.aws);
        f.aws->on_json("s3", "GetObjectLockConfiguration",
                       R"({"ObjectLockConfiguration":{"ObjectLockEnabled":"Enabled"}})");
        EXPECT_EQ(f.run("4.0-02").status, Status::compliant);
    }
    {
        Fixture f;
        two_buckets(*f.aws);
        f.aws->fail("s3", "GetObjectLockConfiguration",
                    FakeAwsClient::error(dspm::aws::ErrorKind::throttled, "s3",
                                         "GetObjectLockConfiguration", "SlowDown"));
        EXPECT_EQ(f.run("4.0-02").status, Status::error);
    }
}

// 3.0-10 judges only log buckets: tests/engine/verdict_logbuckets_macie_test.cpp.

// ---- 8.0-02 Block Public Access ----
TEST(StorageS3PublicAccess, AllFourFlagsPassOneFalseFlagFailsMissingFails) {
    Fixture f;
    f.aws->on_json("s3", "ListBuckets",
                   R"({"Buckets":[{"Name":"full"},{"Name":"partial"},{"Name":"none"}]})");
    f.aws->on_json("s3", "GetBucketLocation", R"({"LocationConstraint":"ap-northeast-2"})");
    per_bucket(*f.aws, "GetPublicAccessBlock", [](const std::string& b) -> Result {
        if (b == "full")
            return json::parse(
                R"({"PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}})");
        if (b == "partial")
            return json::parse(
                R"({"PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":false,"RestrictPublicBuckets":true}})");
        return not_found("GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration");
    });
    // The account level sets nothing (verdict_storage_test covers the account level).
    f.aws->on("s3control", "GetPublicAccessBlock", [](const json::object&, const std::string&) {
        return not_found("GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration",
                         "s3control");
    });
    auto r = f.run("8.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 9u);  // 4 + 4 + 1
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(r.evaluations[i].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].evidence_path, "PublicAccessBlockConfiguration.BlockPublicAcls");
    EXPECT_EQ(r.evaluations[6].evidence_path, "PublicAccessBlockConfiguration.BlockPublicPolicy");
    EXPECT_EQ(r.evaluations[6].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[6].resource_id, "partial");
    EXPECT_EQ(r.evaluations[8].status, Status::non_compliant);
    EXPECT_TRUE(r.evaluations[8].observed_value.is_null());
    EXPECT_EQ(r.evaluations[8].region, "ap-northeast-2");
    // Buckets count once each, by their worst flag.
    EXPECT_EQ(r.evidence.at("totalBuckets").as_uint64(), 3u);
    EXPECT_EQ(r.evidence.at("fullyBlocked").as_uint64(), 1u);
    EXPECT_EQ(r.evidence.at("nonCompliant").as_uint64(), 2u);
}

TEST(StorageS3PublicAccess, FullyBlockedIsCompliant) {
    Fixture f;
    two_buckets(*f.aws);
    f.aws->on_json(
        "s3", "GetPublicAccessBlock",
        R"({"PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}})");
    auto r = f.run("8.0-02");
    EXPECT_EQ(r.status, Status::compliant);
    EXPECT_EQ(r.evidence.at("fullyBlocked").as_uint64(), 2u);
}

// ---- 11.0-03 event notifications ----
TEST(StorageS3EventLambda, LambdaTargetPassesQueueOnlyAndNoneFail) {
    Fixture f;
    f.aws->on_json("s3", "ListBuckets",
                   R"({"Buckets":[{"Name":"lambda"},{"Name":"queue"},{"Name":"none"}]})");
    f.aws->on_json("s3", "GetBucketLocation", R"({"LocationConstraint":null})");
    per_bucket(*f.aws, "GetBucketNotificationConfiguration", [](const std::string& b) -> Result {
        if (b == "lambda")
            return json::parse(
                R"({"LambdaFunctionConfigurations":[{"LambdaFunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:mask","Events":["s3:ObjectCreated:*"]}]})");
        if (b == "queue")
            return json::parse(
                R"({"QueueConfigurations":[{"QueueArn":"arn:aws:sqs:us-east-1:123456789012:q","Events":["s3:ObjectCreated:*"]}]})");
        return json::value(json::object{});
    });
    auto r = f.run("11.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].extra.at("LambdaFunctionArns").as_array().size(), 1u);
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[2].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[2].observed_value, json::value(0));
}

TEST(StorageS3EventLambda, AllWithLambdaIsCompliant) {
    Fixture f;
    two_buckets(*f.aws);
    f.aws->on_json(
        "s3", "GetBucketNotificationConfiguration",
        R"({"LambdaFunctionConfigurations":[{"LambdaFunctionArn":"arn:aws:lambda:us-east-1:1:function:m","Events":["s3:ObjectCreated:*"]}]})");
    EXPECT_EQ(f.run("11.0-03").status, Status::compliant);
}

// ---- 9.0-04 replication ----
TEST(StorageS3Replication, RulesPassMissingFails) {
    Fixture f;
    two_buckets(*f.aws);
    // "good" is in eu-west-1; its destination in another region (a same-region copy would not
    // count: verdict_storage_test).
    per_bucket(*f.aws, "GetBucketLocation", [](const std::string& b) -> Result {
        return json::parse(b == "dr-bucket" ? R"({"LocationConstraint":"us-west-2"})"
                                            : R"({"LocationConstraint":"eu-west-1"})");
    });
    per_bucket(*f.aws, "GetBucketReplication", [](const std::string& b) -> Result {
        if (b == "good")
            return json::parse(
                R"({"ReplicationConfiguration":{"Role":"arn:aws:iam::123456789012:role/r","Rules":[{"ID":"dr","Priority":1,"Filter":{},"Status":"Enabled","Destination":{"Bucket":"arn:aws:s3:::dr-bucket"},"DeleteMarkerReplication":{"Status":"Disabled"}}]}})");
        return not_found("GetBucketReplication", "ReplicationConfigurationNotFoundError");
    });
    auto r = f.run("9.0-04");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].extra.at("destinations").as_array()[0].at("bucket"),
              json::value("arn:aws:s3:::dr-bucket"));
    EXPECT_EQ(r.evaluations[0].extra.at("destinations").as_array()[0].at("region"),
              json::value("us-west-2"));
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_TRUE(r.evaluations[1].observed_value.is_null());
    EXPECT_EQ(r.evidence.at("replicated").as_uint64(), 1u);
}

TEST(StorageS3Replication, AllReplicatedIsCompliant) {
    Fixture f;
    two_buckets(*f.aws);
    // Destination is required in a rule; a copy into another account counts without its region.
    f.aws->on_json(
        "s3", "GetBucketReplication",
        R"({"ReplicationConfiguration":{"Role":"arn:aws:iam::123456789012:role/r","Rules":[{"ID":"dr","Priority":1,"Filter":{},"Status":"Enabled","Destination":{"Bucket":"arn:aws:s3:::dr-bucket","Account":"210987654321"},"DeleteMarkerReplication":{"Status":"Disabled"}}]}})");
    EXPECT_EQ(f.run("9.0-04").status, Status::compliant);
}

// ---- 12.0-04 bucket policy ----
json::value policy_doc(const std::string& policy) {
    return json::object{{"Policy", policy}};
}

TEST(StorageS3PolicyOrg, OrgConditionPassesOthersFail) {
    Fixture f;
    f.aws->on_json(
        "s3", "ListBuckets",
        R"({"Buckets":[{"Name":"org"},{"Name":"plain"},{"Name":"none"},{"Name":"mixed"},{"Name":"garbage"}]})");
    f.aws->on_json("s3", "GetBucketLocation", R"({"LocationConstraint":null})");
    per_bucket(*f.aws, "GetBucketPolicy", [](const std::string& b) -> Result {
        if (b == "org")
            // Condition keys are case-insensitive; Statement may be a single object.
            return policy_doc(
                R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::org/*","Condition":{"StringEquals":{"aws:principalorgid":"o-abc"}}}})");
        if (b == "plain")
            return policy_doc(
                R"({"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})");
        if (b == "mixed")
            return policy_doc(
                R"({"Statement":[{"Sid":"Org","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}},{"Sid":"Open","Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:GetObject","Resource":"*"}]})");
        if (b == "garbage") return policy_doc("not json");
        return not_found("GetBucketPolicy", "NoSuchBucketPolicy");
    });
    auto r = f.run("12.0-04");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 5u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].observed_value, json::parse(R"(["aws:PrincipalOrgID"])"));
    // "plain" only denies; "none" has no policy: neither shares anything outside the account.
    EXPECT_EQ(r.evaluations[1].status, Status::compliant);
    EXPECT_EQ(r.evaluations[1].observed_value, json::parse(R"(["aws:SecureTransport"])"));
    EXPECT_EQ(r.evaluations[2].status, Status::compliant);
    EXPECT_TRUE(r.evaluations[2].observed_value.is_null());
    EXPECT_EQ(r.evaluations[3].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[3].extra.at("offendingStatements"), json::parse(R"(["Open"])"));
    EXPECT_NE(r.evaluations[3].decision.find("failed"), std::string::npos);
    EXPECT_EQ(r.evaluations[4].status, Status::error);  // not JSON: malformed, not a verdict
    EXPECT_EQ(r.evidence.at("orgRestricted").as_uint64(), 3u);
}

TEST(StorageS3PolicyOrg, AllOrgRestrictedIsCompliant) {
    Fixture f;
    two_buckets(*f.aws);
    f.aws->on("s3", "GetBucketPolicy", [](const json::object&, const std::string&) -> Result {
        return policy_doc(
            R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-abc"]}}}]})");
    });
    EXPECT_EQ(f.run("12.0-04").status, Status::compliant);
}

// ---- 14.0-02 access logging ----
TEST(StorageS3AccessLogging, LoggingEnabledPassesAbsentFails) {
    Fixture f;
    two_buckets(*f.aws);
    per_bucket(*f.aws, "GetBucketLogging", [](const std::string& b) -> Result {
        if (b == "good")
            return json::parse(
                R"({"LoggingEnabled":{"TargetBucket":"logs","TargetPrefix":"good/"}})");
        return json::value(json::object{});
    });
    auto r = f.run("14.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].observed_value.at("TargetBucket"), json::value("logs"));
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_TRUE(r.evaluations[1].observed_value.is_null());
}

TEST(StorageS3AccessLogging, AllLoggingIsCompliant) {
    Fixture f;
    two_buckets(*f.aws);
    f.aws->on_json("s3", "GetBucketLogging",
                   R"({"LoggingEnabled":{"TargetBucket":"logs","TargetPrefix":""}})");
    EXPECT_EQ(f.run("14.0-02").status, Status::compliant);
}

// ---- DynamoDB: 4.0-03 TTL, 9.0-01 PITR ----
struct TableCase {
    const char* code;
    const char* op;
    const char* iam_action;
    const char* enabled_doc;
    const char* disabled_doc;
    const char* path;
};
constexpr TableCase kTableCases[] = {
    {"4.0-03", "DescribeTimeToLive", "dynamodb:DescribeTimeToLive",
     R"({"TimeToLiveDescription":{"TimeToLiveStatus":"ENABLED","AttributeName":"expires"}})",
     R"({"TimeToLiveDescription":{"TimeToLiveStatus":"DISABLED"}})",
     "TimeToLiveDescription.TimeToLiveStatus"},
    {"9.0-01", "DescribeContinuousBackups", "dynamodb:DescribeContinuousBackups",
     R"({"ContinuousBackupsDescription":{"ContinuousBackupsStatus":"ENABLED","PointInTimeRecoveryDescription":{"PointInTimeRecoveryStatus":"ENABLED"}}})",
     R"({"ContinuousBackupsDescription":{"ContinuousBackupsStatus":"ENABLED","PointInTimeRecoveryDescription":{"PointInTimeRecoveryStatus":"DISABLED"}}})",
     "ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus"},
};

TEST(StorageDynamoDb, EnabledPassesDisabledFailsPerTableInEachRegion) {
    for (const auto& c : kTableCases) {
        Fixture f;
        f.scope.regions = {"us-east-1", "eu-west-1"};
        f.aws->on("dynamodb", "ListTables", [](const json::object&, const std::string& region) {
            return Result(region == "us-east-1" ? json::parse(R"({"TableNames":["on","off"]})")
                                                : json::parse(R"({"TableNames":["eu"]})"));
        });
        const std::string on = c.enabled_doc, off = c.disabled_doc;
        f.aws->on("dynamodb", c.op, [on, off](const json::object& p, const std::string&) {
            return Result(json::parse(p.at("TableName") == "off" ? off : on));
        });
        auto r = f.run(c.code);
        EXPECT_EQ(r.status, Status::non_compliant) << c.code;
        ASSERT_EQ(r.evaluations.size(), 3u) << c.code;
        EXPECT_EQ(r.evaluations[0].resource_id, "on");
        EXPECT_EQ(r.evaluations[0].status, Status::compliant) << c.code;
        EXPECT_EQ(r.evaluations[0].evidence_path, c.path);
        EXPECT_EQ(r.evaluations[1].status, Status::non_compliant) << c.code;
        EXPECT_EQ(r.evaluations[1].observed_value, json::value("DISABLED"));
        EXPECT_EQ(r.evaluations[2].region, "eu-west-1");
        EXPECT_EQ(r.evaluations[2].status, Status::compliant);
        EXPECT_EQ(r.evidence.at("totalTables").as_uint64(), 3u);
        EXPECT_EQ(r.evidence.at("nonCompliant").as_uint64(), 1u);
    }
}

TEST(StorageDynamoDb, AllEnabledCompliantNoTablesSkippedDeniedError) {
    for (const auto& c : kTableCases) {
        {
            Fixture f;
            f.aws->on_json("dynamodb", "ListTables", R"({"TableNames":["a"]})");
            f.aws->on_json("dynamodb", c.op, c.enabled_doc);
            EXPECT_EQ(f.run(c.code).status, Status::compliant) << c.code;
        }
        {
            Fixture f;
            f.aws->on_json("dynamodb", "ListTables", R"({"TableNames":[]})");
            auto r = f.run(c.code);
            EXPECT_EQ(r.status, Status::skipped) << c.code;
            EXPECT_TRUE(r.reason.has_value());
        }
        {
            Fixture f;
            f.aws->on_json("dynamodb", "ListTables", R"({"TableNames":["a"]})");
            f.aws->deny("dynamodb", c.op, c.iam_action);
            auto r = f.run(c.code);
            EXPECT_EQ(r.status, Status::error) << c.code;
            EXPECT_EQ(missing_permission(r), c.iam_action);
        }
        {
            Fixture f;
            f.aws->deny("dynamodb", "ListTables", "dynamodb:ListTables");
            auto r = f.run(c.code);
            EXPECT_EQ(r.status, Status::error) << c.code;
            EXPECT_EQ(missing_permission(r), "dynamodb:ListTables");
        }
    }
}

TEST(StorageDynamoDb, TableListIsSharedWith2_0_03) {
    Fixture f;
    f.aws->on_json("dynamodb", "ListTables", R"({"TableNames":["a"]})");
    f.aws->on_json("dynamodb", "DescribeTable",
                   R"({"Table":{"TableName":"a","SSEDescription":{"Status":"ENABLED"}}})");
    f.aws->on_json("dynamodb", "DescribeTimeToLive", kTableCases[0].enabled_doc);
    f.aws->on_json("dynamodb", "DescribeContinuousBackups", kTableCases[1].enabled_doc);
    dspm::inventory::CachedFacts facts(f.aws, nullptr, f.scope.account);
    for (const char* code : {"2.0-03", "4.0-03", "9.0-01"})
        EXPECT_EQ(dspm::checks::find_check(code)->run(facts, f.scope).status, Status::compliant);
    EXPECT_EQ(f.aws->count("dynamodb:ListTables"), 1u);
}

// ---- RDS: 4.0-06 backup retention, 9.0-02 Multi-AZ ----
TEST(StorageRdsBackup, SevenDaysPassLessFails) {
    Fixture f;
    f.aws->on_json(
        "rds", "DescribeDBInstances",
        R"({"DBInstances":[{"DBInstanceIdentifier":"week","BackupRetentionPeriod":7},{"DBInstanceIdentifier":"day","BackupRetentionPeriod":1},{"DBInstanceIdentifier":"off","BackupRetentionPeriod":0}]})");
    auto r = f.run("4.0-06");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].evidence_path, "DBInstances[0].BackupRetentionPeriod");
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[1].evidence_path, "DBInstances[1].BackupRetentionPeriod");
    EXPECT_EQ(r.evaluations[2].status, Status::non_compliant);
    EXPECT_EQ(r.evidence.at("retentionCompliant").as_uint64(), 1u);
}

TEST(StorageRdsBackup, CompliantSkippedErrorAndSharedRead) {
    {
        Fixture f;
        f.aws->on_json(
            "rds", "DescribeDBInstances",
            R"({"DBInstances":[{"DBInstanceIdentifier":"a","BackupRetentionPeriod":35,"MultiAZ":true}]})");
        f.aws->on_json("rds", "DescribeDBClusters", R"({"DBClusters":[]})");
        dspm::inventory::CachedFacts facts(f.aws, nullptr, f.scope.account);
        for (const char* code : {"4.0-06", "9.0-02"})
            EXPECT_EQ(dspm::checks::find_check(code)->run(facts, f.scope).status, Status::compliant)
                << code;
        EXPECT_EQ(f.aws->count("rds:DescribeDBInstances"), 1u);
        EXPECT_EQ(f.aws->count("rds:DescribeDBClusters"), 0u);  // no Aurora members
    }
    for (const char* code : {"4.0-06", "9.0-02"}) {
        Fixture f;
        f.aws->on_json("rds", "DescribeDBInstances", R"({"DBInstances":[]})");
        auto r = f.run(code);
        EXPECT_EQ(r.status, Status::skipped) << code;
        EXPECT_TRUE(r.reason.has_value());
    }
    for (const char* code : {"4.0-06", "9.0-02"}) {
        Fixture f;
        f.aws->deny("rds", "DescribeDBInstances", "rds:DescribeDBInstances");
        auto r = f.run(code);
        EXPECT_EQ(r.status, Status::error) << code;
        EXPECT_EQ(missing_permission(r), "rds:DescribeDBInstances");
    }
}

TEST(StorageRdsBackup, CollectorColumnServesAndOldCollectorFallsBackToAws) {
    struct Rows : dspm::inventory::CollectorSource {
        dspm::inventory::CollectorResult rows(std::string_view kind) override {
            if (kind != "rds-instances") return dspm::unexpected(std::string("no such kind"));
            return json::parse(
                       R"([{"db_instance_identifier":"col","region":"us-east-1","backup_retention_period":14,"db_cluster_identifier":null,"read_replica_source_db_instance_identifier":null},
                           {"db_instance_identifier":"narrow","region":"us-east-1"}])")
                .as_array();
        }
    };
    Fixture f;
    f.aws->on_json(
        "rds", "DescribeDBInstances",
        R"({"DBInstances":[{"DBInstanceIdentifier":"narrow","BackupRetentionPeriod":3}]})");
    auto r = f.run("4.0-06", std::make_shared<Rows>());
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(r.evaluations[0].source, dspm::engine::Source::collector);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].evidence_path, "backup_retention_period");
    EXPECT_EQ(r.evaluations[1].source, dspm::engine::Source::aws_sdk);
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[1].evidence_path, "DBInstances[0].BackupRetentionPeriod");
    EXPECT_EQ(f.aws->count("rds:DescribeDBInstances"), 1u);
}

TEST(StorageRdsMultiAz, SingleAzFailsAuroraMemberJudgedByItsCluster) {
    Fixture f;
    f.aws->on_json(
        "rds", "DescribeDBInstances",
        R"({"DBInstances":[{"DBInstanceIdentifier":"multi","MultiAZ":true},{"DBInstanceIdentifier":"single","MultiAZ":false},{"DBInstanceIdentifier":"aurora-1","MultiAZ":false,"DBClusterIdentifier":"aur"},{"DBInstanceIdentifier":"lone-1","MultiAZ":false,"DBClusterIdentifier":"lone"}]})");
    f.aws->on_json(
        "rds", "DescribeDBClusters",
        R"({"DBClusters":[{"DBClusterIdentifier":"lone","MultiAZ":false},{"DBClusterIdentifier":"aur","MultiAZ":true}]})");
    auto r = f.run("9.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 4u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].evidence_path, "DBInstances[0].MultiAZ");
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[2].status, Status::compliant);
    EXPECT_EQ(r.evaluations[2].evidence_path, "DBClusters[1].MultiAZ");
    EXPECT_EQ(r.evaluations[3].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[3].evidence_path, "DBClusters[0].MultiAZ");
    EXPECT_EQ(f.aws->count("rds:DescribeDBClusters"), 1u);
    EXPECT_EQ(r.evidence.at("multiAz").as_uint64(), 2u);
}

TEST(StorageRdsMultiAz, DeniedClusterReadIsErrorForAuroraMembers) {
    Fixture f;
    f.aws->on_json(
        "rds", "DescribeDBInstances",
        R"({"DBInstances":[{"DBInstanceIdentifier":"aurora-1","MultiAZ":false,"DBClusterIdentifier":"aur"}]})");
    f.aws->deny("rds", "DescribeDBClusters", "rds:DescribeDBClusters");
    auto r = f.run("9.0-02");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "rds:DescribeDBClusters");
}

// ---- 4.0-04 AWS Backup Vault Lock ----
TEST(StorageBackupVaultLock, LockedPassesUnlockedFailsNoVaultFails) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    f.aws->on("backup", "ListBackupVaults", [](const json::object&, const std::string& region) {
        if (region == "eu-west-1") return Result(json::parse(R"({"BackupVaultList":[]})"));
        return Result(json::parse(
            R"({"BackupVaultList":[{"BackupVaultName":"locked","Locked":true,"MinRetentionDays":30},{"BackupVaultName":"Default"}]})"));
    });
    auto r = f.run("4.0-04");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].evidence_path, "BackupVaultList[0].Locked");
    EXPECT_EQ(r.evaluations[0].extra.at("MinRetentionDays"), json::value(30));
    EXPECT_EQ(r.evaluations[1].resource_id, "Default");
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[2].region, "eu-west-1");
    EXPECT_EQ(r.evaluations[2].status, Status::non_compliant);  // no vault: a finding
    EXPECT_EQ(r.evaluations[2].extra.at("note"), json::value("no backup vault"));
    EXPECT_EQ(r.evidence.at("totalVaults").as_uint64(), 2u);
}

TEST(StorageBackupVaultLock, AllLockedCompliantDeniedListError) {
    {
        Fixture f;
        f.aws->on_json("backup", "ListBackupVaults",
                       R"({"BackupVaultList":[{"BackupVaultName":"v","Locked":true}]})");
        EXPECT_EQ(f.run("4.0-04").status, Status::compliant);
    }
    {
        Fixture f;
        f.aws->deny("backup", "ListBackupVaults", "backup:ListBackupVaults");
        auto r = f.run("4.0-04");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "backup:ListBackupVaults");
    }
}

// ---- 9.0-03 backup plans copying to DR, 4.0-07 / 9.0-07 EBS volumes (more in
// verdict_detection_test.cpp) ----
// Copy jobs alone no longer pass a region: the plan's copy rule is the control, per plan.
TEST(StorageBackupCopyJobs, PlanWithCrossRegionCopyPassesRegionWithoutPlanFails) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    f.aws->on("backup", "ListBackupPlans", [](const json::object&, const std::string& region) {
        if (region == "eu-west-1") return Result(json::parse(R"({"BackupPlansList":[]})"));
        return Result(json::parse(
            R"({"BackupPlansList":[{"BackupPlanId":"p1","BackupPlanArn":"arn:aws:backup:us-east-1:1:backup-plan:p1","BackupPlanName":"daily"}]})"));
    });
    f.aws->on_json(
        "backup", "GetBackupPlan",
        R"({"BackupPlanId":"p1","BackupPlan":{"BackupPlanName":"daily","Rules":[{"RuleName":"r","TargetBackupVaultName":"Default","CopyActions":[{"DestinationBackupVaultArn":"arn:aws:backup:eu-west-1:123456789012:backup-vault:dr"}]}]}})");
    f.aws->on("backup", "ListCopyJobs", [](const json::object&, const std::string& region) {
        if (region == "eu-west-1") return Result(json::parse(R"({"CopyJobs":[]})"));
        return Result(json::parse(
            R"({"CopyJobs":[{"CopyJobId":"c1","State":"COMPLETED","CreatedBy":{"BackupPlanId":"p1"},"DestinationBackupVaultArn":"arn:aws:backup:eu-west-1:1:backup-vault:dr"}]})"));
    });
    auto r = f.run("9.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].resource_id, "arn:aws:backup:us-east-1:1:backup-plan:p1");
    EXPECT_EQ(r.evaluations[0].evidence_path,
              "BackupPlan.Rules[*].CopyActions[*].DestinationBackupVaultArn");
    EXPECT_EQ(r.evaluations[0].extra.at("copyJobs").at("completed"), json::value(1));
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[1].resource_id, "eu-west-1");
    EXPECT_EQ(r.evaluations[1].observed_value, json::value(0));
    EXPECT_EQ(r.evidence.at("plansCopyingToDr").as_uint64(), 1u);
}

TEST(StorageBackupCopyJobs, CopyJobsWithoutACopyRuleFailDenied) {
    {
        // A plan without a copy action fails even when the region's job history has copies
        // (made by hand, or by another plan since changed).
        Fixture f;
        f.aws->on_json("backup", "ListBackupPlans",
                       R"({"BackupPlansList":[{"BackupPlanId":"p1","BackupPlanName":"daily"}]})");
        f.aws->on_json("backup", "GetBackupPlan",
                       R"({"BackupPlanId":"p1","BackupPlan":{"Rules":[{"RuleName":"r"}]}})");
        f.aws->on_json("backup", "ListCopyJobs", R"({"CopyJobs":[{"CopyJobId":"c1"}]})");
        auto r = f.run("9.0-03");
        EXPECT_EQ(r.status, Status::non_compliant);
        ASSERT_EQ(r.evaluations.size(), 1u);
        EXPECT_EQ(r.evaluations[0].extra.at("note"), "no rule of the plan has a copy action");
    }
    {
        Fixture f;
        f.aws->deny("backup", "ListBackupPlans", "backup:ListBackupPlans");
        auto r = f.run("9.0-03");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "backup:ListBackupPlans");
    }
}

// DLM is one way of keeping EBS snapshots (AWS Backup is another): each volume is judged, and a
// volume neither covers fails; disabled and AMI policies schedule no EBS snapshot.
TEST(StorageDlm, EnabledEbsPolicyTargetingTheVolumePassesDisabledOrAmiOnlyFailsBothCodesOneRead) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1", "ap-northeast-2"};
    f.aws->on("ec2", "DescribeVolumes", [](const json::object&, const std::string& region) {
        if (region == "ap-northeast-2") return Result(json::parse(R"({"Volumes":[]})"));
        return Result(
            json::parse(R"({"Volumes":[{"VolumeId":"vol-)" + region +
                        R"(","VolumeType":"gp3","Tags":[{"Key":"dlm","Value":"on"}]}]})"));
    });
    f.aws->on("dlm", "GetLifecyclePolicies", [](const json::object&, const std::string& region) {
        if (region == "us-east-1")
            return Result(json::parse(
                R"({"Policies":[{"PolicyId":"p1","State":"ENABLED","PolicyType":"EBS_SNAPSHOT_MANAGEMENT"}]})"));
        return Result(json::parse(
            R"({"Policies":[{"PolicyId":"p2","State":"DISABLED","PolicyType":"EBS_SNAPSHOT_MANAGEMENT"},{"PolicyId":"p3","State":"ENABLED","PolicyType":"IMAGE_MANAGEMENT"}]})"));
    });
    f.aws->on_json(
        "dlm", "GetLifecyclePolicy",
        R"({"Policy":{"PolicyId":"p1","State":"ENABLED","PolicyDetails":{"PolicyType":"EBS_SNAPSHOT_MANAGEMENT","ResourceTypes":["VOLUME"],"TargetTags":[{"Key":"dlm","Value":"on"}]}}})");
    f.aws->on_json("backup", "ListProtectedResources", R"({"Results":[]})");
    dspm::inventory::CachedFacts facts(f.aws, nullptr, f.scope.account);
    for (const char* code : {"4.0-07", "9.0-07"}) {
        auto r = dspm::checks::find_check(code)->run(facts, f.scope);
        EXPECT_EQ(r.mapping_code, code);
        EXPECT_EQ(r.status, Status::non_compliant) << code;
        ASSERT_EQ(r.evaluations.size(), 2u);
        EXPECT_EQ(r.evaluations[0].resource_id, "vol-us-east-1");
        EXPECT_EQ(r.evaluations[0].status, Status::compliant);
        EXPECT_EQ(r.evaluations[1].resource_id, "vol-eu-west-1");
        EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    }
    // Once per region with volumes, not per code.
    EXPECT_EQ(f.aws->count("dlm:GetLifecyclePolicies"), 2u);
    EXPECT_EQ(f.aws->count("dlm:GetLifecyclePolicy"), 1u);
}

TEST(StorageDlm, CompliantAndDenied) {
    for (const char* code : {"4.0-07", "9.0-07"}) {
        {
            Fixture f;
            f.aws->on_json("ec2", "DescribeVolumes", R"({"Volumes":[{"VolumeId":"vol-1"}]})");
            f.aws->on_json("dlm", "GetLifecyclePolicies",
                           R"({"Policies":[{"PolicyId":"p1","State":"ENABLED"}]})");
            f.aws->on_json(
                "dlm", "GetLifecyclePolicy",
                R"({"Policy":{"PolicyId":"p1","State":"ENABLED","DefaultPolicy":true,"PolicyDetails":{"ResourceType":"VOLUME"}}})");
            f.aws->on_json("backup", "ListProtectedResources", R"({"Results":[]})");
            EXPECT_EQ(f.run(code).status, Status::compliant) << code;
        }
        {
            Fixture f;
            f.aws->on_json("ec2", "DescribeVolumes", R"({"Volumes":[{"VolumeId":"vol-1"}]})");
            f.aws->deny("dlm", "GetLifecyclePolicies", "dlm:GetLifecyclePolicies");
            f.aws->on_json("backup", "ListProtectedResources", R"({"Results":[]})");
            auto r = f.run(code);
            EXPECT_EQ(r.status, Status::error) << code;
            EXPECT_EQ(missing_permission(r), "dlm:GetLifecyclePolicies");
        }
    }
}

// ---- 9.0-05 Glacier Vault Lock ----
TEST(StorageGlacierVaultLock, LockedPassesInProgressAndMissingFail) {
    Fixture f;
    f.aws->on("glacier", "ListVaults", [](const json::object& p, const std::string&) {
        EXPECT_EQ(p.at("accountId"), json::value("-"));
        return Result(json::parse(
            R"({"VaultList":[{"VaultName":"locked"},{"VaultName":"progress"},{"VaultName":"none"}]})"));
    });
    f.aws->on("glacier", "GetVaultLock", [](const json::object& p, const std::string&) -> Result {
        if (p.at("vaultName") == "locked") return json::parse(R"({"State":"Locked"})");
        if (p.at("vaultName") == "progress") return json::parse(R"({"State":"InProgress"})");
        return not_found("GetVaultLock", "ResourceNotFoundException", "glacier");
    });
    auto r = f.run("9.0-05");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[1].observed_value, json::value("InProgress"));
    EXPECT_EQ(r.evaluations[2].status, Status::non_compliant);
    EXPECT_TRUE(r.evaluations[2].observed_value.is_null());
}

TEST(StorageGlacierVaultLock, CompliantSkippedDenied) {
    {
        Fixture f;
        f.aws->on_json("glacier", "ListVaults", R"({"VaultList":[{"VaultName":"v"}]})");
        f.aws->on_json("glacier", "GetVaultLock", R"({"State":"Locked"})");
        EXPECT_EQ(f.run("9.0-05").status, Status::compliant);
    }
    {
        Fixture f;
        f.aws->on_json("glacier", "ListVaults", R"({"VaultList":[]})");
        auto r = f.run("9.0-05");
        EXPECT_EQ(r.status, Status::skipped);
        EXPECT_TRUE(r.reason.has_value());
    }
    {
        Fixture f;
        f.aws->on_json("glacier", "ListVaults", R"({"VaultList":[{"VaultName":"v"}]})");
        f.aws->deny("glacier", "GetVaultLock", "glacier:GetVaultLock");
        auto r = f.run("9.0-05");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "glacier:GetVaultLock");
    }
}

// ---- 9.0-06 EFS backup policy ----
TEST(StorageEfsBackup, EnabledPassesDisabledAndMissingFail) {
    Fixture f;
    f.aws->on_json(
        "efs", "DescribeFileSystems",
        R"({"FileSystems":[{"FileSystemId":"fs-on"},{"FileSystemId":"fs-off"},{"FileSystemId":"fs-none"}]})");
    f.aws->on("efs", "DescribeBackupPolicy",
              [](const json::object& p, const std::string&) -> Result {
                  if (p.at("FileSystemId") == "fs-on")
                      return json::parse(R"({"BackupPolicy":{"Status":"ENABLED"}})");
                  if (p.at("FileSystemId") == "fs-off")
                      return json::parse(R"({"BackupPolicy":{"Status":"DISABLED"}})");
                  return not_found("DescribeBackupPolicy", "PolicyNotFound", "efs");
              });
    auto r = f.run("9.0-06");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].evidence_path, "BackupPolicy.Status");
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[2].status, Status::non_compliant);
    EXPECT_TRUE(r.evaluations[2].observed_value.is_null());
    EXPECT_EQ(r.evidence.at("backupEnabled").as_uint64(), 1u);
}

TEST(StorageEfsBackup, CompliantSkippedDenied) {
    {
        Fixture f;
        f.aws->on_json("efs", "DescribeFileSystems", R"({"FileSystems":[{"FileSystemId":"a"}]})");
        f.aws->on_json("efs", "DescribeBackupPolicy", R"({"BackupPolicy":{"Status":"ENABLED"}})");
        EXPECT_EQ(f.run("9.0-06").status, Status::compliant);
    }
    {
        Fixture f;
        f.aws->on_json("efs", "DescribeFileSystems", R"({"FileSystems":[]})");
        EXPECT_EQ(f.run("9.0-06").status, Status::skipped);
    }
    {
        Fixture f;
        f.aws->on_json("efs", "DescribeFileSystems", R"({"FileSystems":[{"FileSystemId":"a"}]})");
        f.aws->deny("efs", "DescribeBackupPolicy", "elasticfilesystem:DescribeBackupPolicy");
        auto r = f.run("9.0-06");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "elasticfilesystem:DescribeBackupPolicy");
    }
    {
        Fixture f;
        f.aws->deny("efs", "DescribeFileSystems", "elasticfilesystem:DescribeFileSystems");
        auto r = f.run("9.0-06");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "elasticfilesystem:DescribeFileSystems");
    }
}

}  // namespace
