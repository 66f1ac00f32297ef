// The keys group's fixers, each in its check's file: 2.0-16 and 10.0-04 KMS key rotation (one
// fixer), 2.0-11 SQS and 2.0-12 SNS encryption with the AWS managed key, 2.0-10 Kinesis stream
// encryption, 3.0-04 CloudWatch Logs retention, 6.0-03 ECR scan on push and 6.0-07 ECR immutable
// tags: the requests they build and the undo they read, and end to end on moto where moto answers
// what the check reads after the write.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <map>

#include "checks/check.hpp"
#include "checks/fix.hpp"
#include "engine/fake_aws.hpp"
#include "fix/fix_case.hpp"

namespace {

namespace json = boost::json;
using dspm::aws::ErrorKind;
using dspm::test::FakeAwsClient;

const dspm::checks::Fixer& fixer_of(const char* code) {
    const auto* check = dspm::checks::find_check(code);
    EXPECT_NE(check, nullptr) << code;
    EXPECT_NE(check->fixer(), nullptr) << code;
    return *check->fixer();
}

dspm::engine::Evaluation failing(const std::string& resource, const std::string& region) {
    dspm::engine::Evaluation e;
    e.resource_id = resource;
    e.region = region;
    e.account = "123456789012";
    e.status = dspm::engine::Status::non_compliant;
    return e;
}

// The region each undo read went to, and that it went where the resource is.
FakeAwsClient::Handler answering(json::value doc, std::vector<std::string>* regions,
                                 json::object* asked = nullptr) {
    return [doc = std::move(doc), regions, asked](const json::object& params,
                                                  const std::string& region) {
        regions->push_back(region);
        if (asked) *asked = params;
        return FakeAwsClient::Result(doc);
    };
}

// ---- 2.0-16 / 10.0-04 KMS key rotation ----

constexpr const char* kKey = "1234abcd-12ab-34cd-56ef-1234567890ab";

TEST(KeysFixKmsRotation, BothCodesPlanEnableKeyRotationOnTheKey) {
    for (const char* code : {"2.0-16", "10.0-04"}) {
        SCOPED_TRACE(code);
        const auto plan = fixer_of(code).plan(failing(kKey, "eu-west-1"));
        ASSERT_TRUE(plan) << plan.error();
        ASSERT_EQ(plan->calls.size(), 1u);
        EXPECT_EQ(plan->calls[0].service, "kms");
        EXPECT_EQ(plan->calls[0].operation, "EnableKeyRotation");
        // AWS's default period: no RotationPeriodInDays.
        EXPECT_EQ(plan->calls[0].params, (json::object{{"KeyId", kKey}}));
        EXPECT_TRUE(plan->reversible);
        EXPECT_FALSE(plan->high_risk);
        EXPECT_EQ(plan->expected_after, json::value(true));
        EXPECT_NE(std::find(plan->iam_actions.begin(), plan->iam_actions.end(),
                            "kms:GetKeyRotationStatus"),
                  plan->iam_actions.end());
    }
    EXPECT_EQ(&fixer_of("2.0-16"), &fixer_of("10.0-04"));
}

TEST(KeysFixKmsRotation, UndoDisablesRotationOnlyWhenItWasOff) {
    std::vector<std::string> regions;
    json::object asked;
    FakeAwsClient off;
    off.on("kms", "GetKeyRotationStatus",
           answering(json::parse(R"({"KeyRotationEnabled":false})"), &regions, &asked));
    const auto undo = fixer_of("2.0-16").undo(off, failing(kKey, "eu-west-1"));
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "DisableKeyRotation");
    EXPECT_EQ((*undo)[0].params, (json::object{{"KeyId", kKey}}));
    EXPECT_EQ(asked, (json::object{{"KeyId", kKey}}));
    EXPECT_EQ(regions, std::vector<std::string>{"eu-west-1"});

    FakeAwsClient on;
    on.on_json("kms", "GetKeyRotationStatus",
               R"({"KeyRotationEnabled":true,"RotationPeriodInDays":365})");
    const auto nothing = fixer_of("10.0-04").undo(on, failing(kKey, "eu-west-1"));
    ASSERT_TRUE(nothing);
    EXPECT_TRUE(nothing->empty());

    FakeAwsClient denied;
    denied.deny("kms", "GetKeyRotationStatus", "kms:GetKeyRotationStatus");
    EXPECT_FALSE(fixer_of("2.0-16").undo(denied, failing(kKey, "eu-west-1")));
}

constexpr const char* kKmsSeed = "c('kms').create_key(Description='fix-rotation')\n";
constexpr const char* kKmsState =
    "kms = c('kms')\n"
    "k = kms.list_keys()['Keys'][0]['KeyId']\n"
    "print(kms.get_key_rotation_status(KeyId=k)['KeyRotationEnabled'])\n";

// moto answers EnableKeyRotation and DisableKeyRotation with the body `null` (AWS: an empty one),
// which src/aws/parse.cpp (parse_json_text) refuses as "expected a JSON object, got null": the
// write is made, but the call counts as failed. Enable these when the parser reads a `null` body
// like an empty one for operations without output.

TEST(KeysFixKmsRotation, EndToEndOnMotoFor2_0_16) {
    // The key id is moto's choice: the case's resource is the one the plan finds.
    dspm::test::check_fix_case({"2.0-16", "", kKmsSeed, kKmsState});
}

TEST(KeysFixKmsRotation, EndToEndOnMotoFor10_0_04) {
    dspm::test::check_fix_case({"10.0-04", "", kKmsSeed, kKmsState});
}

// ---- 2.0-11 SQS ----

constexpr const char* kQueue = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders";

TEST(KeysFixSqsKms, PlansTheAwsManagedKeyAndSseSqsOffAsHighRisk) {
    const auto plan = fixer_of("2.0-11").plan(failing(kQueue, "eu-west-1"));
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].service, "sqs");
    EXPECT_EQ(plan->calls[0].operation, "SetQueueAttributes");
    EXPECT_EQ(
        plan->calls[0].params,
        (json::object{{"QueueUrl", kQueue},
                      {"Attributes",
                       {{"KmsMasterKeyId", "alias/aws/sqs"}, {"SqsManagedSseEnabled", "false"}}}}));
    EXPECT_TRUE(plan->reversible);
    EXPECT_TRUE(plan->high_risk);
    EXPECT_NE(plan->risk.find("SNS"), std::string::npos) << plan->risk;
    EXPECT_EQ(plan->expected_after, json::value("alias/aws/sqs"));
}

TEST(KeysFixSqsKms, UndoRestoresSseSqsOrNoEncryption) {
    std::vector<std::string> regions;
    json::object asked;
    FakeAwsClient sse_sqs;
    sse_sqs.on("sqs", "GetQueueAttributes",
               answering(json::parse(R"({"Attributes":{"SqsManagedSseEnabled":"true"}})"), &regions,
                         &asked));
    const auto undo = fixer_of("2.0-11").undo(sse_sqs, failing(kQueue, "eu-west-1"));
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "SetQueueAttributes");
    EXPECT_EQ(
        (*undo)[0].params,
        (json::object{{"QueueUrl", kQueue},
                      {"Attributes", {{"KmsMasterKeyId", ""}, {"SqsManagedSseEnabled", "true"}}}}));
    EXPECT_EQ(asked.at("QueueUrl").as_string(), kQueue);
    EXPECT_EQ(regions, std::vector<std::string>{"eu-west-1"});

    FakeAwsClient none;
    none.on_json("sqs", "GetQueueAttributes", R"({})");
    const auto plain = fixer_of("2.0-11").undo(none, failing(kQueue, "eu-west-1"));
    ASSERT_TRUE(plain);
    ASSERT_EQ(plain->size(), 1u);
    EXPECT_EQ((*plain)[0].params.at("Attributes"),
              (json::object{{"KmsMasterKeyId", ""}, {"SqsManagedSseEnabled", "false"}}));

    FakeAwsClient gone;
    gone.fail("sqs", "GetQueueAttributes",
              FakeAwsClient::error(ErrorKind::not_found, "sqs", "GetQueueAttributes",
                                   "AWS.SimpleQueueService.NonExistentQueue"));
    EXPECT_FALSE(fixer_of("2.0-11").undo(gone, failing(kQueue, "eu-west-1")));
}

TEST(KeysFixSqsKms, EndToEndOnMotoFromSseSqs) {
    // moto, like AWS since 2022, creates queues with SSE-SQS on.
    dspm::test::check_fix_case(
        {"2.0-11", "", "c('sqs').create_queue(QueueName='fix-orders')\n",
         "sqs = c('sqs')\n"
         "u = sqs.get_queue_url(QueueName='fix-orders')['QueueUrl']\n"
         "a = sqs.get_queue_attributes(QueueUrl=u, AttributeNames=['KmsMasterKeyId', "
         "'SqsManagedSseEnabled']).get('Attributes', {})\n"
         "print(json.dumps(a, sort_keys=True))\n"});
}

TEST(KeysFixSqsKms, EndToEndOnMotoFromNoEncryption) {
    dspm::test::check_fix_case(
        {"2.0-11", "",
         "c('sqs').create_queue(QueueName='fix-plain', Attributes={'SqsManagedSseEnabled': "
         "'false'})\n",
         "sqs = c('sqs')\n"
         "u = sqs.get_queue_url(QueueName='fix-plain')['QueueUrl']\n"
         "a = sqs.get_queue_attributes(QueueUrl=u, AttributeNames=['KmsMasterKeyId', "
         "'SqsManagedSseEnabled']).get('Attributes', {})\n"
         "print(json.dumps(a, sort_keys=True))\n"});
}

// ---- 2.0-12 SNS ----

constexpr const char* kTopic = "arn:aws:sns:eu-west-1:123456789012:alerts";

TEST(KeysFixSnsKms, PlansTheAwsManagedKeyAsHighRisk) {
    const auto plan = fixer_of("2.0-12").plan(failing(kTopic, "eu-west-1"));
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].service, "sns");
    EXPECT_EQ(plan->calls[0].operation, "SetTopicAttributes");
    EXPECT_EQ(plan->calls[0].params, (json::object{{"TopicArn", kTopic},
                                                   {"AttributeName", "KmsMasterKeyId"},
                                                   {"AttributeValue", "alias/aws/sns"}}));
    EXPECT_TRUE(plan->reversible);
    EXPECT_TRUE(plan->high_risk);
    EXPECT_NE(plan->risk.find("CloudWatch alarms"), std::string::npos) << plan->risk;
    EXPECT_EQ(plan->expected_after, json::value("alias/aws/sns"));
}

TEST(KeysFixSnsKms, UndoPutsBackThePreviousKeyOrNone) {
    std::vector<std::string> regions;
    FakeAwsClient none;
    none.on("sns", "GetTopicAttributes",
            answering(json::parse(R"({"Attributes":{"TopicArn":"x"}})"), &regions));
    const auto undo = fixer_of("2.0-12").undo(none, failing(kTopic, "eu-west-1"));
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "SetTopicAttributes");
    EXPECT_EQ((*undo)[0].params, (json::object{{"TopicArn", kTopic},
                                               {"AttributeName", "KmsMasterKeyId"},
                                               {"AttributeValue", ""}}));
    EXPECT_EQ(regions, std::vector<std::string>{"eu-west-1"});

    FakeAwsClient cmk;
    cmk.on_json("sns", "GetTopicAttributes", R"({"Attributes":{"KmsMasterKeyId":"alias/mine"}})");
    const auto back = fixer_of("2.0-12").undo(cmk, failing(kTopic, "eu-west-1"));
    ASSERT_TRUE(back);
    EXPECT_EQ((*back)[0].params.at("AttributeValue").as_string(), "alias/mine");
}

TEST(KeysFixSnsKms, EndToEndOnMoto) {
    // The undo of a topic that had no key sends AttributeValue="" (what turns SSE off): a write
    // may send an empty value, a read may not (CallOptions::allow_empty_values).
    dspm::test::check_fix_case(
        {"2.0-12", "arn:aws:sns:us-east-1:123456789012:fix-alerts",
         "c('sns').create_topic(Name='fix-alerts')\n",
         "a = c('sns').get_topic_attributes(TopicArn='arn:aws:sns:us-east-1:123456789012:"
         "fix-alerts')['Attributes']\n"
         "print(repr(a.get('KmsMasterKeyId')))\n"});
}

// ---- 2.0-10 Kinesis ----

TEST(KeysFixKinesisKms, PlansStartStreamEncryptionWithTheAwsManagedKey) {
    const auto plan = fixer_of("2.0-10").plan(failing("clicks", "eu-west-1"));
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].service, "kinesis");
    EXPECT_EQ(plan->calls[0].operation, "StartStreamEncryption");
    EXPECT_EQ(plan->calls[0].params, (json::object{{"StreamName", "clicks"},
                                                   {"EncryptionType", "KMS"},
                                                   {"KeyId", "alias/aws/kinesis"}}));
    EXPECT_TRUE(plan->reversible);
    EXPECT_FALSE(plan->high_risk);
    EXPECT_EQ(plan->expected_after, json::value("KMS"));
}

TEST(KeysFixKinesisKms, UndoStopsTheEncryptionWithTheSameKey) {
    std::vector<std::string> regions;
    json::object asked;
    FakeAwsClient plain;
    plain.on("kinesis", "DescribeStreamSummary",
             answering(json::parse(R"({"StreamDescriptionSummary":{"StreamName":"clicks",
                 "EncryptionType":"NONE","StreamStatus":"ACTIVE"}})"),
                       &regions, &asked));
    const auto undo = fixer_of("2.0-10").undo(plain, failing("clicks", "eu-west-1"));
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "StopStreamEncryption");
    EXPECT_EQ((*undo)[0].params, (json::object{{"StreamName", "clicks"},
                                               {"EncryptionType", "KMS"},
                                               {"KeyId", "alias/aws/kinesis"}}));
    EXPECT_EQ(asked, (json::object{{"StreamName", "clicks"}}));
    EXPECT_EQ(regions, std::vector<std::string>{"eu-west-1"});

    FakeAwsClient other_key;
    other_key.on_json(
        "kinesis", "DescribeStreamSummary",
        R"({"StreamDescriptionSummary":{"EncryptionType":"KMS","KeyId":"alias/mine"}})");
    const auto back = fixer_of("2.0-10").undo(other_key, failing("clicks", "eu-west-1"));
    ASSERT_TRUE(back);
    ASSERT_EQ(back->size(), 1u);
    EXPECT_EQ((*back)[0].operation, "StartStreamEncryption");
    EXPECT_EQ((*back)[0].params.at("KeyId").as_string(), "alias/mine");
}

TEST(KeysFixKinesisKms, EndToEndOnMoto) {
    dspm::test::check_fix_case(
        {"2.0-10", "fix-clicks",
         "c('kinesis').create_stream(StreamName='fix-clicks', ShardCount=1)\n",
         "s = c('kinesis').describe_stream_summary(StreamName='fix-clicks')"
         "['StreamDescriptionSummary']\n"
         "print(s.get('EncryptionType'), s.get('KeyId'))\n"});
}

// ---- 3.0-04 CloudWatch Logs retention ----

TEST(KeysFixLogRetention, PlansAYearWhichPassesTheThirtyDayFloor) {
    const auto plan = fixer_of("3.0-04").plan(failing("/app/web", "eu-west-1"));
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].service, "logs");
    EXPECT_EQ(plan->calls[0].operation, "PutRetentionPolicy");
    EXPECT_EQ(plan->calls[0].params,
              (json::object{{"logGroupName", "/app/web"}, {"retentionInDays", 365}}));
    EXPECT_GE(plan->calls[0].params.at("retentionInDays").as_int64(), 30);
    EXPECT_TRUE(plan->reversible);
    EXPECT_FALSE(plan->high_risk);
    EXPECT_NE(plan->risk.find("undo"), std::string::npos) << plan->risk;
    EXPECT_EQ(plan->expected_after, json::value(365));
}

TEST(KeysFixLogRetention, UndoPutsBackTheRetentionOfTheGroupNamedExactly) {
    std::vector<std::string> regions;
    json::object asked;
    FakeAwsClient aws;
    // The prefix also matches /app/web-old, listed first.
    aws.on("logs", "DescribeLogGroups",
           answering(json::parse(R"({"logGroups":[
               {"logGroupName":"/app/web-old","retentionInDays":1},
               {"logGroupName":"/app/web","retentionInDays":7}]})"),
                     &regions, &asked));
    const auto undo = fixer_of("3.0-04").undo(aws, failing("/app/web", "eu-west-1"));
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "PutRetentionPolicy");
    EXPECT_EQ((*undo)[0].params,
              (json::object{{"logGroupName", "/app/web"}, {"retentionInDays", 7}}));
    EXPECT_EQ(asked.at("logGroupNamePrefix").as_string(), "/app/web");
    EXPECT_FALSE(regions.empty());
    EXPECT_EQ(regions.front(), "eu-west-1");
}

TEST(KeysFixLogRetention, UndoDeletesThePolicyWhenThereWasNoneAndFailsForAMissingGroup) {
    FakeAwsClient never;
    never.on_json("logs", "DescribeLogGroups", R"({"logGroups":[{"logGroupName":"/app/web"}]})");
    const auto undo = fixer_of("3.0-04").undo(never, failing("/app/web", "eu-west-1"));
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "DeleteRetentionPolicy");
    EXPECT_EQ((*undo)[0].params, (json::object{{"logGroupName", "/app/web"}}));

    FakeAwsClient gone;
    gone.on_json("logs", "DescribeLogGroups", R"({"logGroups":[]})");
    const auto missing = fixer_of("3.0-04").undo(gone, failing("/app/web", "eu-west-1"));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
}

TEST(KeysFixLogRetention, EndToEndOnMoto) {
    dspm::test::check_fix_case(
        {"3.0-04", "/fix/web",
         "logs = c('logs')\n"
         "logs.create_log_group(logGroupName='/fix/web')\n"
         "logs.put_retention_policy(logGroupName='/fix/web', retentionInDays=7)\n",
         "g = c('logs').describe_log_groups(logGroupNamePrefix='/fix/web')['logGroups']\n"
         "print([(x['logGroupName'], x.get('retentionInDays')) for x in g])\n"});
}

// ---- 6.0-03 ECR scan on push ----

TEST(KeysFixEcrScanOnPush, PlansTheRepositoryScanOnPushFlag) {
    const auto plan = fixer_of("6.0-03").plan(failing("web", "eu-west-1"));
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].service, "ecr");
    EXPECT_EQ(plan->calls[0].operation, "PutImageScanningConfiguration");
    EXPECT_EQ(plan->calls[0].params,
              (json::object{{"repositoryName", "web"},
                            {"imageScanningConfiguration", {{"scanOnPush", true}}}}));
    EXPECT_TRUE(plan->reversible);
    EXPECT_FALSE(plan->high_risk);
}

TEST(KeysFixEcrScanOnPush, AnEnhancedRegistryStaysManualWithTheReason) {
    auto e = failing("web", "eu-west-1");
    e.extra["scanType"] = "ENHANCED";
    const auto plan = fixer_of("6.0-03").plan(e);
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.error().find("ENHANCED"), std::string::npos) << plan.error();
    EXPECT_NE(plan.error().find("PutRegistryScanningConfiguration"), std::string::npos);
}

TEST(KeysFixEcrScanOnPush, UndoPutsBackTheFlagReadBefore) {
    std::vector<std::string> regions;
    json::object asked;
    FakeAwsClient aws;
    aws.on("ecr", "DescribeRepositories",
           answering(json::parse(R"({"repositories":[{"repositoryName":"web",
               "imageScanningConfiguration":{"scanOnPush":false}}]})"),
                     &regions, &asked));
    const auto undo = fixer_of("6.0-03").undo(aws, failing("web", "eu-west-1"));
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "PutImageScanningConfiguration");
    EXPECT_EQ((*undo)[0].params,
              (json::object{{"repositoryName", "web"},
                            {"imageScanningConfiguration", {{"scanOnPush", false}}}}));
    EXPECT_EQ(asked, (json::object{{"repositoryNames", json::array{"web"}}}));
    EXPECT_EQ(regions, std::vector<std::string>{"eu-west-1"});

    FakeAwsClient denied;
    denied.deny("ecr", "DescribeRepositories", "ecr:DescribeRepositories");
    EXPECT_FALSE(fixer_of("6.0-03").undo(denied, failing("web", "eu-west-1")));
}

// End to end: GapsFix.EcrScanOnPushEndToEnd. moto's BatchGetRepositoryScanningConfiguration
// answers the registry's rules only (scanFrequency MANUAL for a BASIC registry without rules) and
// never the repository's scanOnPush flag, so the check's re-read there stays NON_COMPLIANT.

// ---- 6.0-07 ECR immutable tags ----

TEST(KeysFixEcrImmutableTags, PlansImmutableAsHighRisk) {
    const auto plan = fixer_of("6.0-07").plan(failing("web", "eu-west-1"));
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].service, "ecr");
    EXPECT_EQ(plan->calls[0].operation, "PutImageTagMutability");
    EXPECT_EQ(plan->calls[0].params,
              (json::object{{"repositoryName", "web"}, {"imageTagMutability", "IMMUTABLE"}}));
    EXPECT_TRUE(plan->reversible);
    EXPECT_TRUE(plan->high_risk);
    EXPECT_NE(plan->risk.find("latest"), std::string::npos) << plan->risk;
    EXPECT_EQ(plan->expected_after, json::value("IMMUTABLE"));
}

TEST(KeysFixEcrImmutableTags, UndoPutsBackMutableWithItsExclusionFilters) {
    std::vector<std::string> regions;
    FakeAwsClient plain;
    plain.on(
        "ecr", "DescribeRepositories",
        answering(
            json::parse(
                R"({"repositories":[{"repositoryName":"web","imageTagMutability":"MUTABLE"}]})"),
            &regions));
    const auto undo = fixer_of("6.0-07").undo(plain, failing("web", "eu-west-1"));
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "PutImageTagMutability");
    EXPECT_EQ((*undo)[0].params,
              (json::object{{"repositoryName", "web"}, {"imageTagMutability", "MUTABLE"}}));
    EXPECT_EQ(regions, std::vector<std::string>{"eu-west-1"});

    FakeAwsClient excluded;
    excluded.on_json("ecr", "DescribeRepositories",
                     R"({"repositories":[{"repositoryName":"web",
                         "imageTagMutability":"MUTABLE_WITH_EXCLUSION",
                         "imageTagMutabilityExclusionFilters":[
                           {"filterType":"WILDCARD","filter":"release-*"}]}]})");
    const auto back = fixer_of("6.0-07").undo(excluded, failing("web", "eu-west-1"));
    ASSERT_TRUE(back);
    ASSERT_EQ(back->size(), 1u);
    EXPECT_EQ((*back)[0].params.at("imageTagMutability").as_string(), "MUTABLE_WITH_EXCLUSION");
    EXPECT_EQ((*back)[0].params.at("imageTagMutabilityExclusionFilters"),
              json::parse(R"([{"filterType":"WILDCARD","filter":"release-*"}])"));
}

// 6.0-07 is in no requirement of ISMS-P, the framework check_fix_case plans under, but in
// SAGE-Threat's: the same flow (plan writes nothing, apply makes it COMPLIANT, a second apply
// writes nothing, undo restores) through the CLI with that framework.
class SageFixCli {
  public:
    SageFixCli()
        : endpoint_(dspm::test::Moto::instance().endpoint()),
          dir_(std::filesystem::temp_directory_path() /
               ("dspm-keys-fix-" + std::to_string(::getpid()))) {
        std::filesystem::create_directories(dir_);
        env_ = dspm::test::moto_env(endpoint_);
        env_["LOG_LEVEL"] = "error";
        env_["AUDIT_MUTELIST"] = "";
        env_["DATABASE_URL"] = "";
        env_["DATA_DIR"] = (dir_ / "data").string();
    }
    ~SageFixCli() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    const std::string& endpoint() const { return endpoint_; }
    json::object fix(const std::string& code, std::vector<std::string> extra) {
        std::vector<std::string> args = {DSPM_BINARY, "fix", "SAGE-Threat", "--all",
                                         "--only",    code,  "--region",    "us-east-1",
                                         "--format",  "json"};
        args.insert(args.end(), extra.begin(), extra.end());
        return call(args);
    }
    json::object undo(const std::string& fix_id) {
        return call({DSPM_BINARY, "fix", "--undo", fix_id, "--format", "json"});
    }

  private:
    json::object call(const std::vector<std::string>& args) {
        dspm::test::Process p(args, env_, dir_.string());
        EXPECT_EQ(p.wait(std::chrono::seconds(180)), 0) << p.stderr_text() << p.stdout_text();
        boost::system::error_code ec;
        auto v = json::parse(p.stdout_text(), ec);
        EXPECT_FALSE(ec) << p.stdout_text() << p.stderr_text();
        return !ec && v.is_object() ? v.as_object() : json::object{};
    }
    std::string endpoint_;
    std::filesystem::path dir_;
    std::map<std::string, std::string> env_;
};

TEST(KeysFixEcrImmutableTags, EndToEndOnMotoUnderSageThreat) {
    using dspm::test::action_for;
    using dspm::test::result_for;
    using dspm::test::run_python;
    dspm::test::Moto::instance().reset();
    SageFixCli cli;
    const std::string repo = "fix-web";
    run_python(cli.endpoint(),
               "c('ecr').create_repository(repositoryName='fix-web', "
               "imageTagMutability='MUTABLE')\n");
    const std::string state =
        "r = c('ecr').describe_repositories(repositoryNames=['fix-web'])['repositories'][0]\n"
        "print(r['imageTagMutability'], r.get('imageTagMutabilityExclusionFilters'))\n";
    const std::string seeded = run_python(cli.endpoint(), state);

    const auto plan = cli.fix("6.0-07", {});
    const auto* action = action_for(plan, repo);
    ASSERT_NE(action, nullptr) << json::serialize(plan);
    EXPECT_EQ(action->at("kind").as_string(), "auto") << json::serialize(*action);
    EXPECT_TRUE(action->at("high_risk").as_bool());
    EXPECT_EQ(run_python(cli.endpoint(), state), seeded) << "a plan must not change anything";

    // High risk: --all alone leaves it; --resource lists it by id.
    const auto unlisted = cli.fix("6.0-07", {"--apply", "--yes"});
    const auto* skipped = result_for(unlisted, repo);
    ASSERT_NE(skipped, nullptr) << json::serialize(unlisted);
    EXPECT_EQ(skipped->at("status").as_string(), "skipped");
    EXPECT_EQ(run_python(cli.endpoint(), state), seeded);

    const std::vector<std::string> apply{"--apply", "--yes", "--resource", repo};
    const auto applied = cli.fix("6.0-07", apply);
    const auto* result = result_for(applied, repo);
    ASSERT_NE(result, nullptr) << json::serialize(applied);
    EXPECT_EQ(result->at("status").as_string(), "applied") << json::serialize(*result);
    EXPECT_EQ(result->at("evaluation").at("status").as_string(), "COMPLIANT");
    const std::string fixed = run_python(cli.endpoint(), state);
    EXPECT_EQ(fixed, "IMMUTABLE None\n");

    const auto again = cli.fix("6.0-07", apply);
    EXPECT_EQ(result_for(again, repo), nullptr) << json::serialize(again);
    EXPECT_EQ(run_python(cli.endpoint(), state), fixed);

    const auto undone = cli.undo(std::string(applied.at("fix_id").as_string()));
    const auto* back = result_for(undone, repo);
    ASSERT_NE(back, nullptr) << json::serialize(undone);
    EXPECT_EQ(back->at("status").as_string(), "applied") << json::serialize(*back);
    EXPECT_EQ(back->at("evaluation").at("status").as_string(), "NON_COMPLIANT");
    EXPECT_EQ(run_python(cli.endpoint(), state), seeded) << "undo did not restore the state";
}

}  // namespace
