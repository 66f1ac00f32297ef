// The storage group's fixers, each in its check's file: 8.0-02 S3 Block Public Access, 3.0-10
// versioning of log buckets, 9.0-01 DynamoDB PITR, 9.0-06 EFS backup policy, 4.0-06 RDS backup
// retention (the requests they build and the undo they read), end to end on moto where moto and the
// embedded models carry the calls; and the manual ones (4.0-02 Object Lock, 9.0-05 Glacier Vault
// Lock), whose plan names why.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

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

// Whether the embedded models (data/aws/models, written by scripts/gen_aws_models.py) carry an
// operation: the CLI cannot make a call its model lacks, so an end-to-end case needing one waits.
bool model_has(const std::string& service, const std::string& operation) {
    std::ifstream in(std::string(DSPM_SOURCE_DIR) + "/data/aws/models/" + service + ".json");
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    const auto doc = json::parse(text.str(), ec);
    if (ec || !doc.is_object()) return false;
    const auto* ops = doc.as_object().if_contains("operations");
    return ops != nullptr && ops->is_object() && ops->as_object().contains(operation);
}

#define SKIP_WITHOUT_MODEL(service, operation)                                               \
    if (!model_has(service, operation))                                                      \
    GTEST_SKIP() << "data/aws/models/" service ".json has no " operation                     \
                 << ": add it to scripts/gen_aws_models.py's OPERATIONS (and the operation " \
                    "table of src/aws/iam_actions.cpp) and regenerate"

std::string reason_of(const char* code) {
    const auto plan = fixer_of(code).plan(failing("thing", "eu-west-1"));
    EXPECT_FALSE(plan) << code << " must stay manual";
    return plan ? std::string() : plan.error();
}

// ---- 8.0-02 S3 Block Public Access ----

TEST(StorageFixPublicAccessBlock, PlansAllFourFlagsOnTheBucketAsHighRisk) {
    const auto plan = fixer_of("8.0-02").plan(failing("site", "eu-west-1"));
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    const auto& c = plan->calls[0];
    EXPECT_EQ(c.service, "s3");
    EXPECT_EQ(c.operation, "PutPublicAccessBlock");
    EXPECT_EQ(c.params.at("Bucket").as_string(), "site");
    const auto& cfg = c.params.at("PublicAccessBlockConfiguration").as_object();
    EXPECT_EQ(cfg.size(), 4u);
    for (const char* flag :
         {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"})
        EXPECT_TRUE(cfg.at(flag).as_bool()) << flag;
    EXPECT_TRUE(plan->reversible);
    EXPECT_TRUE(plan->high_risk);
    EXPECT_NE(plan->risk.find("public"), std::string::npos);
    EXPECT_EQ(plan->expected_after, json::value(true));
}

TEST(StorageFixPublicAccessBlock, UndoDeletesWhenTheBucketHadNoConfiguration) {
    FakeAwsClient aws;
    aws.fail("s3", "GetPublicAccessBlock",
             FakeAwsClient::error(ErrorKind::not_found, "s3", "GetPublicAccessBlock",
                                  "NoSuchPublicAccessBlockConfiguration"));
    const auto undo = fixer_of("8.0-02").undo(aws, failing("site", "eu-west-1"));
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "DeletePublicAccessBlock");
    EXPECT_EQ((*undo)[0].params, (json::object{{"Bucket", "site"}}));
}

TEST(StorageFixPublicAccessBlock, UndoPutsBackThePreviousConfiguration) {
    FakeAwsClient aws;
    aws.on_json("s3", "GetPublicAccessBlock",
                R"({"PublicAccessBlockConfiguration":{"BlockPublicAcls":true,
                    "IgnorePublicAcls":false,"BlockPublicPolicy":false}})");
    const auto undo = fixer_of("8.0-02").undo(aws, failing("site", "eu-west-1"));
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "PutPublicAccessBlock");
    const auto& cfg = (*undo)[0].params.at("PublicAccessBlockConfiguration");
    EXPECT_TRUE(cfg.at("BlockPublicAcls").as_bool());
    EXPECT_FALSE(cfg.at("IgnorePublicAcls").as_bool());
    EXPECT_FALSE(cfg.at("RestrictPublicBuckets").as_bool());  // absent is off
}

TEST(StorageFixPublicAccessBlock, AFailedReadWritesNothing) {
    FakeAwsClient aws;
    aws.deny("s3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock");
    EXPECT_FALSE(fixer_of("8.0-02").undo(aws, failing("site", "eu-west-1")));
}

TEST(StorageFixPublicAccessBlock, EndToEndOnMotoFromAnOpenConfiguration) {
    dspm::test::check_fix_case(
        {"8.0-02", "fix-pab-open",
         "s3 = c('s3')\n"
         "s3.create_bucket(Bucket='fix-pab-open')\n"
         "s3.put_public_access_block(Bucket='fix-pab-open', PublicAccessBlockConfiguration={"
         "'BlockPublicAcls': False, 'IgnorePublicAcls': False, 'BlockPublicPolicy': False, "
         "'RestrictPublicBuckets': False})\n",
         "r = c('s3').get_public_access_block(Bucket='fix-pab-open')\n"
         "print(json.dumps(r['PublicAccessBlockConfiguration'], sort_keys=True))\n"});
}

TEST(StorageFixPublicAccessBlock, EndToEndOnMotoFromNoConfiguration) {
    SKIP_WITHOUT_MODEL("s3", "DeletePublicAccessBlock");
    dspm::test::check_fix_case(
        {"8.0-02", "fix-pab-none", "c('s3').create_bucket(Bucket='fix-pab-none')\n",
         "try:\n"
         "    r = c('s3').get_public_access_block(Bucket='fix-pab-none')\n"
         "    print(json.dumps(r['PublicAccessBlockConfiguration'], sort_keys=True))\n"
         "except Exception as e:\n"
         "    print(type(e).__name__, getattr(e, 'response', {}).get('Error', {}).get('Code'))\n"});
}

// ---- 3.0-10 versioning of log buckets ----

TEST(StorageFixLogBucketVersioning, PlansVersioningEnabledAndSaysUndoSuspends) {
    const auto plan = fixer_of("3.0-10").plan(failing("trail-logs", "us-east-1"));
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].service, "s3");
    EXPECT_EQ(plan->calls[0].operation, "PutBucketVersioning");
    EXPECT_EQ(plan->calls[0].params,
              (json::object{{"Bucket", "trail-logs"},
                            {"VersioningConfiguration", {{"Status", "Enabled"}}}}));
    EXPECT_TRUE(plan->reversible);
    EXPECT_FALSE(plan->high_risk);
    EXPECT_NE(plan->risk.find("undo suspends"), std::string::npos) << plan->risk;
    EXPECT_EQ(plan->expected_after, json::value("Enabled"));
}

TEST(StorageFixLogBucketVersioning, MfaDeleteKeepsItManual) {
    auto e = failing("trail-logs", "us-east-1");
    e.extra["MFADelete"] = "Enabled";
    const auto plan = fixer_of("3.0-10").plan(e);
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.error().find("MFA"), std::string::npos);
}

TEST(StorageFixLogBucketVersioning, UndoSuspendsANeverVersionedOrSuspendedBucket) {
    for (const char* doc : {"{}", R"({"Status":"Suspended"})"}) {
        FakeAwsClient aws;
        aws.on_json("s3", "GetBucketVersioning", doc);
        const auto undo = fixer_of("3.0-10").undo(aws, failing("trail-logs", "us-east-1"));
        ASSERT_TRUE(undo) << doc;
        ASSERT_EQ(undo->size(), 1u) << doc;
        EXPECT_EQ((*undo)[0].operation, "PutBucketVersioning");
        EXPECT_EQ((*undo)[0].params.at("VersioningConfiguration").at("Status").as_string(),
                  "Suspended");
    }
}

TEST(StorageFixLogBucketVersioning, EndToEndOnMoto) {
    // Suspended before, so undo gives back exactly that: a never-versioned bucket would come back
    // Suspended, S3 having no way back to no Status.
    dspm::test::check_fix_case(
        {"3.0-10", "fix-trail-logs",
         "s3 = c('s3')\n"
         "s3.create_bucket(Bucket='fix-trail-logs')\n"
         "s3.put_bucket_versioning(Bucket='fix-trail-logs', "
         "VersioningConfiguration={'Status': 'Enabled'})\n"
         "s3.put_bucket_versioning(Bucket='fix-trail-logs', "
         "VersioningConfiguration={'Status': 'Suspended'})\n"
         "c('cloudtrail').create_trail(Name='fix-trail', S3BucketName='fix-trail-logs')\n",
         "r = c('s3').get_bucket_versioning(Bucket='fix-trail-logs')\n"
         "print(r.get('Status'), r.get('MFADelete'))\n"});
}

// ---- 9.0-01 DynamoDB point-in-time recovery ----

TEST(StorageFixDynamoDbPitr, PlansUpdateContinuousBackups) {
    const auto plan = fixer_of("9.0-01").plan(failing("orders", "eu-west-1"));
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].service, "dynamodb");
    EXPECT_EQ(plan->calls[0].operation, "UpdateContinuousBackups");
    EXPECT_EQ(plan->calls[0].params, (json::object{{"TableName", "orders"},
                                                   {"PointInTimeRecoverySpecification",
                                                    {{"PointInTimeRecoveryEnabled", true}}}}));
    EXPECT_TRUE(plan->reversible);
    EXPECT_EQ(plan->expected_after, json::value("ENABLED"));
}

TEST(StorageFixDynamoDbPitr, UndoTurnsItOffWhenItWasOff) {
    FakeAwsClient aws;
    aws.on_json("dynamodb", "DescribeContinuousBackups",
                R"({"ContinuousBackupsDescription":{"ContinuousBackupsStatus":"ENABLED",
                    "PointInTimeRecoveryDescription":{"PointInTimeRecoveryStatus":"DISABLED"}}})");
    const auto undo = fixer_of("9.0-01").undo(aws, failing("orders", "eu-west-1"));
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "UpdateContinuousBackups");
    EXPECT_FALSE((*undo)[0]
                     .params.at("PointInTimeRecoverySpecification")
                     .at("PointInTimeRecoveryEnabled")
                     .as_bool());
}

TEST(StorageFixDynamoDbPitr, EndToEndOnMoto) {
    SKIP_WITHOUT_MODEL("dynamodb", "UpdateContinuousBackups");
    dspm::test::check_fix_case(
        {"9.0-01", "fix-orders",
         "c('dynamodb').create_table(TableName='fix-orders', KeySchema=[{'AttributeName': 'k', "
         "'KeyType': 'HASH'}], AttributeDefinitions=[{'AttributeName': 'k', 'AttributeType': "
         "'S'}], BillingMode='PAY_PER_REQUEST')\n",
         "r = c('dynamodb').describe_continuous_backups(TableName='fix-orders')\n"
         "print(r['ContinuousBackupsDescription']['PointInTimeRecoveryDescription']"
         "['PointInTimeRecoveryStatus'])\n"});
}

// ---- 9.0-06 EFS backup policy (moto has no PutBackupPolicy: end to end in GapsFix.Efs*) ----

TEST(StorageFixEfsBackupPolicy, PlansPutBackupPolicyEnabled) {
    const auto plan = fixer_of("9.0-06").plan(failing("fs-0123456789abcdef0", "eu-west-1"));
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].service, "efs");
    EXPECT_EQ(plan->calls[0].operation, "PutBackupPolicy");
    EXPECT_EQ(plan->calls[0].params, (json::object{{"FileSystemId", "fs-0123456789abcdef0"},
                                                   {"BackupPolicy", {{"Status", "ENABLED"}}}}));
    EXPECT_TRUE(plan->reversible);
    EXPECT_EQ(plan->expected_after, json::value("ENABLED"));
}

TEST(StorageFixEfsBackupPolicy, UndoSetsDisabledWhenThereWasNoneOrItWasDisabled) {
    for (bool none : {true, false}) {
        FakeAwsClient aws;
        if (none)
            aws.fail("efs", "DescribeBackupPolicy",
                     FakeAwsClient::error(ErrorKind::not_found, "efs", "DescribeBackupPolicy",
                                          "PolicyNotFound"));
        else
            aws.on_json("efs", "DescribeBackupPolicy", R"({"BackupPolicy":{"Status":"DISABLED"}})");
        const auto undo = fixer_of("9.0-06").undo(aws, failing("fs-1", "eu-west-1"));
        ASSERT_TRUE(undo) << none;
        ASSERT_EQ(undo->size(), 1u);
        EXPECT_EQ((*undo)[0].operation, "PutBackupPolicy");
        EXPECT_EQ((*undo)[0].params.at("BackupPolicy").at("Status").as_string(), "DISABLED");
    }
    FakeAwsClient denied;
    denied.deny("efs", "DescribeBackupPolicy", "elasticfilesystem:DescribeBackupPolicy");
    EXPECT_FALSE(fixer_of("9.0-06").undo(denied, failing("fs-1", "eu-west-1")));
}

// ---- 4.0-06 RDS backup retention ----

TEST(StorageFixRdsBackupRetention, PlansTheThresholdOnAStandAloneInstance) {
    auto e = failing("orders-db", "eu-west-1");
    e.evidence_path = "DBInstances[0].BackupRetentionPeriod";
    e.observed_value = 1;
    const auto plan = fixer_of("4.0-06").plan(e);
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].service, "rds");
    EXPECT_EQ(plan->calls[0].operation, "ModifyDBInstance");
    EXPECT_EQ(plan->calls[0].params, (json::object{{"DBInstanceIdentifier", "orders-db"},
                                                   {"BackupRetentionPeriod", 7},
                                                   {"ApplyImmediately", true}}));
    EXPECT_TRUE(plan->reversible);
    EXPECT_FALSE(plan->high_risk);
    EXPECT_EQ(plan->expected_after, json::value(7));
}

TEST(StorageFixRdsBackupRetention, FromZeroIsHighRisk) {
    auto e = failing("orders-db", "eu-west-1");
    e.evidence_path = "backup_retention_period";  // the collector's column
    e.observed_value = 0;
    const auto plan = fixer_of("4.0-06").plan(e);
    ASSERT_TRUE(plan) << plan.error();
    EXPECT_TRUE(plan->high_risk);
    EXPECT_NE(plan->risk.find("outage"), std::string::npos);
}

TEST(StorageFixRdsBackupRetention, AClusterIsModifiedAsACluster) {
    auto e = failing("aurora-1", "eu-west-1");
    e.evidence_path = "DBClusters[2].BackupRetentionPeriod";
    e.observed_value = 1;
    e.extra["members"] = json::array{"aurora-1-a"};
    const auto plan = fixer_of("4.0-06").plan(e);
    ASSERT_TRUE(plan) << plan.error();
    EXPECT_EQ(plan->calls.at(0).operation, "ModifyDBCluster");
    EXPECT_EQ(plan->calls.at(0).params, (json::object{{"DBClusterIdentifier", "aurora-1"},
                                                      {"BackupRetentionPeriod", 7},
                                                      {"ApplyImmediately", true}}));
    EXPECT_FALSE(plan->high_risk);
}

TEST(StorageFixRdsBackupRetention, APlaceholderNamesBothWrites) {
    // policy --write plans for resource "*" with no evidence: both kinds must be in the policy.
    const auto plan = fixer_of("4.0-06").plan(failing("*", ""));
    ASSERT_TRUE(plan) << plan.error();
    const auto& a = plan->iam_actions;
    for (const char* action : {"rds:ModifyDBInstance", "rds:ModifyDBCluster"})
        EXPECT_NE(std::find(a.begin(), a.end(), action), a.end()) << action;
}

TEST(StorageFixRdsBackupRetention, AMemberOfAMissingClusterStaysManual) {
    auto e = failing("aurora-1-a", "eu-west-1");
    e.evidence_path = "DBInstances[0].BackupRetentionPeriod";
    e.extra["DBClusterIdentifier"] = "aurora-1";
    const auto plan = fixer_of("4.0-06").plan(e);
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.error().find("aurora-1"), std::string::npos);
}

TEST(StorageFixRdsBackupRetention, UndoPutsBackThePreviousPeriod) {
    FakeAwsClient aws;
    aws.on_json(
        "rds", "DescribeDBInstances",
        R"({"DBInstances":[{"DBInstanceIdentifier":"orders-db","BackupRetentionPeriod":2}]})");
    auto e = failing("orders-db", "eu-west-1");
    e.evidence_path = "DBInstances[0].BackupRetentionPeriod";
    const auto undo = fixer_of("4.0-06").undo(aws, e);
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "ModifyDBInstance");
    EXPECT_EQ((*undo)[0].params.at("BackupRetentionPeriod"), json::value(2));

    FakeAwsClient clusters;
    clusters.on_json(
        "rds", "DescribeDBClusters",
        R"({"DBClusters":[{"DBClusterIdentifier":"aurora-1","BackupRetentionPeriod":1}]})");
    auto c = failing("aurora-1", "eu-west-1");
    c.evidence_path = "DBClusters[0].BackupRetentionPeriod";
    const auto cundo = fixer_of("4.0-06").undo(clusters, c);
    ASSERT_TRUE(cundo);
    ASSERT_EQ(cundo->size(), 1u);
    EXPECT_EQ((*cundo)[0].operation, "ModifyDBCluster");
    EXPECT_EQ((*cundo)[0].params.at("DBClusterIdentifier").as_string(), "aurora-1");
    EXPECT_EQ((*cundo)[0].params.at("BackupRetentionPeriod"), json::value(1));
}

TEST(StorageFixRdsBackupRetention, EndToEndOnMotoForAnInstance) {
    SKIP_WITHOUT_MODEL("rds", "ModifyDBInstance");
    dspm::test::check_fix_case(
        {"4.0-06", "fix-orders-db",
         "c('rds').create_db_instance(DBInstanceIdentifier='fix-orders-db', "
         "DBInstanceClass='db.t3.micro', Engine='postgres', MasterUsername='admin1', "
         "MasterUserPassword='password-password', AllocatedStorage=20, BackupRetentionPeriod=1)\n",
         "r = c('rds').describe_db_instances(DBInstanceIdentifier='fix-orders-db')\n"
         "print(r['DBInstances'][0]['BackupRetentionPeriod'])\n"});
}

TEST(StorageFixRdsBackupRetention, EndToEndOnMotoForACluster) {
    SKIP_WITHOUT_MODEL("rds", "ModifyDBCluster");
    dspm::test::check_fix_case(
        {"4.0-06", "fix-aurora",
         "r = c('rds')\n"
         "r.create_db_cluster(DBClusterIdentifier='fix-aurora', Engine='aurora-postgresql', "
         "MasterUsername='admin1', MasterUserPassword='password-password', "
         "BackupRetentionPeriod=1)\n"
         "r.create_db_instance(DBInstanceIdentifier='fix-aurora-a', DBInstanceClass='db.r5.large', "
         "Engine='aurora-postgresql', DBClusterIdentifier='fix-aurora')\n",
         "r = c('rds').describe_db_clusters(DBClusterIdentifier='fix-aurora')\n"
         "print(r['DBClusters'][0]['BackupRetentionPeriod'])\n"});
}

// ---- manual fixes ----

TEST(StorageFixManual, ObjectLockCannotBeUndone) {
    const auto reason = reason_of("4.0-02");
    EXPECT_NE(reason.find("cannot be undone"), std::string::npos) << reason;
    EXPECT_NE(reason.find("retention"), std::string::npos) << reason;
}

TEST(StorageFixManual, GlacierVaultLockCannotBeUndone) {
    const auto reason = reason_of("9.0-05");
    EXPECT_NE(reason.find("cannot be undone"), std::string::npos) << reason;
}

TEST(StorageFixManual, ManualFixersUndoNothing) {
    FakeAwsClient aws;
    for (const char* code : {"4.0-02", "9.0-05"}) {
        const auto undo = fixer_of(code).undo(aws, failing("thing", "eu-west-1"));
        ASSERT_TRUE(undo) << code;
        EXPECT_TRUE(undo->empty()) << code;
    }
    EXPECT_TRUE(aws.calls().empty());
}

}  // namespace
