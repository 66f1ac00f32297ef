// Each check on recorded documents: COMPLIANT, NON_COMPLIANT, SKIPPED (nothing to check) and ERROR
// (denied, with the missing IAM action).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>

#include "checks/check.hpp"
#include "engine/fake_aws.hpp"
#include "inventory/facts.hpp"

namespace {

namespace json = boost::json;
using dspm::engine::MappingResult;
using dspm::engine::Status;
using dspm::test::FakeAwsClient;

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

TEST(Registry, AllNineChecksRegistered) {
    for (const char* code : {"1.0-01", "1.0-02", "1.0-06", "2.0-01", "2.0-02", "2.0-03", "2.0-04",
                             "2.0-15", "11.0-02"}) {
        const auto* c = dspm::checks::find_check(code);
        ASSERT_NE(c, nullptr) << code;
        EXPECT_FALSE(c->info().iam_actions.empty());
    }
    EXPECT_EQ(dspm::checks::find_check("9.9-99"), nullptr);
}

// ---- 2.0-01 S3 ----
void s3_buckets(FakeAwsClient& aws) {
    aws.on_json(
        "s3", "ListBuckets",
        R"({"Buckets":[{"Name":"kms-bucket"},{"Name":"aes-bucket"},{"Name":"plain-bucket"}]})");
    aws.on("s3", "GetBucketLocation",
           [](const json::object& p, const std::string&) -> FakeAwsClient::Result {
               if (p.at("Bucket") == "kms-bucket")
                   return json::parse(R"({"LocationConstraint":"eu-west-1"})");
               return json::parse(R"({"LocationConstraint":null})");
           });
    aws.on(
        "s3", "GetBucketEncryption",
        [](const json::object& p, const std::string&) -> FakeAwsClient::Result {
            const auto b = p.at("Bucket").as_string();
            auto doc = [](const char* algo) {
                return json::value{{"ServerSideEncryptionConfiguration",
                                    {{"Rules", json::array{{{"ApplyServerSideEncryptionByDefault",
                                                             {{"SSEAlgorithm", algo}}}}}}}}};
            };
            if (b == "kms-bucket") return doc("aws:kms");
            if (b == "aes-bucket") return doc("AES256");
            return dspm::unexpected(
                FakeAwsClient::error(dspm::aws::ErrorKind::not_found, "s3", "GetBucketEncryption",
                                     "ServerSideEncryptionConfigurationNotFoundError"));
        });
}

TEST(S3Check, KmsPassesAesAndMissingConfigFailEachInItsRegion) {
    Fixture f;
    s3_buckets(*f.aws);
    auto r = f.run("2.0-01");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[0].resource_id, "kms-bucket");
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].region, "eu-west-1");
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[1].region, "us-east-1");
    EXPECT_EQ(r.evaluations[1].decision,
              "observed \"AES256\" in [\"aws:kms\",\"aws:kms:dsse\"] \u2192 failed");
    EXPECT_EQ(r.evaluations[2].status, Status::non_compliant);  // not an ERROR
    EXPECT_TRUE(r.evaluations[2].observed_value.is_null());
    EXPECT_EQ(r.evidence.at("totalBuckets").as_uint64(), 3u);
    EXPECT_EQ(r.evidence.at("kmsCompliant").as_uint64(), 1u);
    EXPECT_EQ(r.evidence.at("nonCompliant").as_uint64(), 2u);
    // The encryption read went to the bucket's own region.
    bool eu = false;
    for (const auto& c : f.aws->calls())
        if (c.op == "s3:GetBucketEncryption" && c.params.find("kms-bucket") != std::string::npos)
            eu = c.region == "eu-west-1";
    EXPECT_TRUE(eu);
}

TEST(S3Check, AllKmsIsCompliant) {
    Fixture f;
    f.aws->on_json("s3", "ListBuckets", R"({"Buckets":[{"Name":"a","BucketRegion":"us-east-1"}]})");
    f.aws->on_json(
        "s3", "GetBucketEncryption",
        R"({"ServerSideEncryptionConfiguration":{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms:dsse"}}]}})");
    auto r = f.run("2.0-01");
    EXPECT_EQ(r.status, Status::compliant);
    EXPECT_EQ(f.aws->count("s3:GetBucketLocation"), 0u);  // BucketRegion was given
    EXPECT_EQ(r.evaluations[0].evidence_path,
              "ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault."
              "SSEAlgorithm");
    EXPECT_EQ(r.evaluations[0].source, dspm::engine::Source::aws_sdk);
}

TEST(S3Check, NoBucketsIsSkippedWithReason) {
    Fixture f;
    f.aws->on_json("s3", "ListBuckets", R"({"Buckets":[]})");
    auto r = f.run("2.0-01");
    EXPECT_EQ(r.status, Status::skipped);
    ASSERT_TRUE(r.reason.has_value());
    EXPECT_NE(r.reason->find("no S3 buckets"), std::string::npos);
}

TEST(S3Check, DeniedEncryptionReadIsErrorNamingTheAction) {
    Fixture f;
    f.aws->on_json("s3", "ListBuckets", R"({"Buckets":[{"Name":"a","BucketRegion":"us-east-1"}]})");
    f.aws->deny("s3", "GetBucketEncryption", "s3:GetEncryptionConfiguration");
    auto r = f.run("2.0-01");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "s3:GetEncryptionConfiguration");
}

TEST(S3Check, FailedListIsErrorNeverNoResources) {
    Fixture f;
    f.aws->deny("s3", "ListBuckets", "s3:ListAllMyBuckets");
    auto r = f.run("2.0-01");
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(missing_permission(r), "s3:ListAllMyBuckets");
}

// ---- 2.0-02 RDS ----
TEST(RdsCheck, InstancesAndClustersMustBeEncrypted) {
    Fixture f;
    f.aws->on_json(
        "rds", "DescribeDBInstances",
        R"({"DBInstances":[{"DBInstanceIdentifier":"enc","StorageEncrypted":true},{"DBInstanceIdentifier":"plain","StorageEncrypted":false}]})");
    f.aws->on_json("rds", "DescribeDBClusters",
                   R"({"DBClusters":[{"DBClusterIdentifier":"c1","StorageEncrypted":true}]})");
    auto r = f.run("2.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[1].resource_id, "plain");
    EXPECT_EQ(r.evaluations[1].evidence_path, "DBInstances[1].StorageEncrypted");
    EXPECT_EQ(r.evidence.at("totalInstances").as_uint64(), 2u);
    EXPECT_EQ(r.evidence.at("totalClusters").as_uint64(), 1u);
}

TEST(RdsCheck, CompliantSkippedAndError) {
    {
        Fixture f;
        f.aws->on_json(
            "rds", "DescribeDBInstances",
            R"({"DBInstances":[{"DBInstanceIdentifier":"enc","StorageEncrypted":true}]})");
        f.aws->on_json("rds", "DescribeDBClusters", R"({"DBClusters":[]})");
        EXPECT_EQ(f.run("2.0-02").status, Status::compliant);
    }
    {
        Fixture f;
        f.aws->on_json("rds", "DescribeDBInstances", R"({"DBInstances":[]})");
        f.aws->on_json("rds", "DescribeDBClusters", R"({"DBClusters":[]})");
        EXPECT_EQ(f.run("2.0-02").status, Status::skipped);
    }
    {
        Fixture f;
        f.aws->deny("rds", "DescribeDBInstances", "rds:DescribeDBInstances");
        f.aws->on_json("rds", "DescribeDBClusters", R"({"DBClusters":[]})");
        auto r = f.run("2.0-02");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "rds:DescribeDBInstances");
    }
}

// ---- 2.0-03 DynamoDB ----
TEST(DynamoDbCheck, KmsEnabledPassesAwsOwnedKeyFails) {
    Fixture f;
    f.aws->on_json("dynamodb", "ListTables", R"({"TableNames":["kms","owned"]})");
    f.aws->on(
        "dynamodb", "DescribeTable",
        [](const json::object& p, const std::string&) -> FakeAwsClient::Result {
            if (p.at("TableName") == "kms")
                return json::parse(
                    R"({"Table":{"TableName":"kms","SSEDescription":{"Status":"ENABLED","SSEType":"KMS"}}})");
            return json::parse(R"({"Table":{"TableName":"owned"}})");
        });
    auto r = f.run("2.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_TRUE(r.evaluations[1].extra.contains("note"));
}

TEST(DynamoDbCheck, SkippedAndError) {
    {
        Fixture f;
        f.aws->on_json("dynamodb", "ListTables", R"({"TableNames":[]})");
        EXPECT_EQ(f.run("2.0-03").status, Status::skipped);
    }
    {
        Fixture f;
        f.aws->on_json("dynamodb", "ListTables", R"({"TableNames":["t"]})");
        f.aws->deny("dynamodb", "DescribeTable", "dynamodb:DescribeTable");
        auto r = f.run("2.0-03");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "dynamodb:DescribeTable");
    }
}

// ---- 2.0-04 Redshift ----
TEST(RedshiftCheck, AllStatuses) {
    {
        Fixture f;
        f.aws->on_json(
            "redshift", "DescribeClusters",
            R"({"Clusters":[{"ClusterIdentifier":"a","Encrypted":true},{"ClusterIdentifier":"b","Encrypted":false}]})");
        auto r = f.run("2.0-04");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_EQ(r.evaluations[1].evidence_path, "Clusters[1].Encrypted");
    }
    {
        Fixture f;
        f.aws->on_json("redshift", "DescribeClusters",
                       R"({"Clusters":[{"ClusterIdentifier":"a","Encrypted":true}]})");
        EXPECT_EQ(f.run("2.0-04").status, Status::compliant);
    }
    {
        Fixture f;
        f.aws->on_json("redshift", "DescribeClusters", R"({"Clusters":[]})");
        EXPECT_EQ(f.run("2.0-04").status, Status::skipped);
    }
    {
        Fixture f;
        f.aws->deny("redshift", "DescribeClusters", "redshift:DescribeClusters");
        auto r = f.run("2.0-04");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "redshift:DescribeClusters");
    }
}

// ---- 2.0-15 CloudFront ----
TEST(CloudFrontCheck, NamesEachOffendingPathPattern) {
    Fixture f;
    f.aws->on_json("cloudfront", "ListDistributions", R"({"DistributionList":{"Items":[
        {"Id":"E1","DomainName":"a.cloudfront.net","DefaultCacheBehavior":{"ViewerProtocolPolicy":"redirect-to-https"},
         "CacheBehaviors":{"Quantity":2,"Items":[{"PathPattern":"/api/*","ViewerProtocolPolicy":"allow-all"},
                                                 {"PathPattern":"/img/*","ViewerProtocolPolicy":"https-only"}]}},
        {"Id":"E2","DomainName":"b.cloudfront.net","DefaultCacheBehavior":{"ViewerProtocolPolicy":"https-only"},
         "CacheBehaviors":{"Quantity":0}}]}})");
    auto r = f.run("2.0-15");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 4u);
    const auto& bad = r.evaluations[1];
    EXPECT_EQ(bad.status, Status::non_compliant);
    EXPECT_NE(bad.checked_field.find("/api/*"), std::string::npos);
    EXPECT_EQ(bad.extra.at("pathPattern").as_string(), "/api/*");
    EXPECT_EQ(bad.evidence_path,
              "DistributionList.Items[0].CacheBehaviors.Items[0].ViewerProtocolPolicy");
    EXPECT_EQ(r.evidence.at("nonCompliant").as_uint64(), 1u);
    EXPECT_EQ(r.evidence.at("httpsEnforced").as_uint64(), 1u);
}

TEST(CloudFrontCheck, CompliantSkippedError) {
    {
        Fixture f;
        f.aws->on_json(
            "cloudfront", "ListDistributions",
            R"({"DistributionList":{"Items":[{"Id":"E2","DefaultCacheBehavior":{"ViewerProtocolPolicy":"https-only"}}]}})");
        EXPECT_EQ(f.run("2.0-15").status, Status::compliant);
    }
    {
        Fixture f;
        f.aws->on_json("cloudfront", "ListDistributions", R"({"DistributionList":{"Quantity":0}})");
        EXPECT_EQ(f.run("2.0-15").status, Status::skipped);
    }
    {
        Fixture f;
        f.aws->deny("cloudfront", "ListDistributions", "cloudfront:ListDistributions");
        auto r = f.run("2.0-15");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "cloudfront:ListDistributions");
    }
}

// ---- 1.0-06 Root MFA ----
TEST(RootMfaCheck, AllStatuses) {
    {
        Fixture f;
        f.aws->on_json("iam", "GetAccountSummary", R"({"SummaryMap":{"AccountMFAEnabled":1}})");
        EXPECT_EQ(f.run("1.0-06").status, Status::compliant);
    }
    {
        Fixture f;
        f.aws->on_json("iam", "GetAccountSummary", R"({"SummaryMap":{"AccountMFAEnabled":0}})");
        auto r = f.run("1.0-06");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_EQ(r.evaluations[0].decision, "observed 0 == 1 \u2192 failed");
    }
    {
        Fixture f;
        f.aws->deny("iam", "GetAccountSummary", "iam:GetAccountSummary");
        auto r = f.run("1.0-06");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "iam:GetAccountSummary");
    }
}

// ---- 11.0-02 Config ----
TEST(ConfigCheck, RecorderAndCompletePackPerRegion) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    f.aws->on("config", "DescribeConfigurationRecorderStatus",
              [](const json::object&, const std::string& region) -> FakeAwsClient::Result {
                  return json::value{
                      {"ConfigurationRecordersStatus",
                       json::array{{{"name", "default"}, {"recording", region == "us-east-1"}}}}};
              });
    f.aws->on_json(
        "config", "DescribeConformancePackStatus",
        R"({"ConformancePackStatusDetails":[{"ConformancePackName":"kisms","ConformancePackState":"CREATE_COMPLETE"}]})");
    auto r = f.run("11.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);  // eu-west-1 is not recording
    EXPECT_EQ(r.evidence.at("recordingRegions").as_uint64(), 1u);
    EXPECT_EQ(r.evidence.at("regionsWithCompletePack").as_uint64(), 2u);
    for (const auto& e : r.evaluations)
        if (e.region == "eu-west-1" && e.checked_field.find("recorder") != std::string::npos) {
            EXPECT_EQ(e.status, Status::non_compliant);
        }
}

TEST(ConfigCheck, CompliantAndErrorAndFailedPack) {
    {
        Fixture f;
        f.aws->on_json("config", "DescribeConfigurationRecorderStatus",
                       R"({"ConfigurationRecordersStatus":[{"name":"default","recording":true}]})");
        f.aws->on_json(
            "config", "DescribeConformancePackStatus",
            R"({"ConformancePackStatusDetails":[{"ConformancePackName":"p","ConformancePackState":"CREATE_COMPLETE"}]})");
        EXPECT_EQ(f.run("11.0-02").status, Status::compliant);
    }
    {
        Fixture f;
        f.aws->on_json("config", "DescribeConfigurationRecorderStatus",
                       R"({"ConfigurationRecordersStatus":[{"name":"default","recording":true}]})");
        f.aws->on_json(
            "config", "DescribeConformancePackStatus",
            R"({"ConformancePackStatusDetails":[{"ConformancePackName":"p","ConformancePackState":"CREATE_FAILED"}]})");
        EXPECT_EQ(f.run("11.0-02").status, Status::non_compliant);
    }
    {
        Fixture f;
        f.aws->on_json("config", "DescribeConfigurationRecorderStatus",
                       R"({"ConfigurationRecordersStatus":[{"name":"default","recording":true}]})");
        f.aws->deny("config", "DescribeConformancePackStatus",
                    "config:DescribeConformancePackStatus");
        auto r = f.run("11.0-02");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "config:DescribeConformancePackStatus");
    }
}

// ---- 1.0-02 SCP ----
void org_with_scp(FakeAwsClient& aws, bool enabled, bool custom_attached) {
    aws.on_json("organizations", "DescribeOrganization", R"({"Organization":{"Id":"o-abc"}})");
    aws.on(
        "organizations", "ListRoots",
        json::value{
            {"Roots",
             json::array{{{"Id", "r-1"},
                          {"PolicyTypes", enabled ? json::array{{{"Type", "SERVICE_CONTROL_POLICY"},
                                                                 {"Status", "ENABLED"}}}
                                                  : json::array{}}}}}});
    aws.on_json(
        "organizations", "ListPolicies",
        R"({"Policies":[{"Id":"p-full","Name":"FullAWSAccess","AwsManaged":true},{"Id":"p-deny","Name":"DenyLeaveOrg","AwsManaged":false}]})");
    aws.on("organizations", "ListTargetsForPolicy",
           json::value{{"Targets", custom_attached
                                       ? json::array{{{"TargetId", "r-1"}, {"Type", "ROOT"}}}
                                       : json::array{}}});
}

TEST(ScpCheck, AllStatuses) {
    {
        Fixture f;
        org_with_scp(*f.aws, true, true);
        auto r = f.run("1.0-02");
        EXPECT_EQ(r.status, Status::compliant);
        EXPECT_EQ(r.evidence.at("attachedCustomScps").as_uint64(), 1u);
        // FullAWSAccess is never asked about: it controls nothing.
        for (const auto& c : f.aws->calls())
            if (c.op == "organizations:ListTargetsForPolicy") {
                EXPECT_EQ(c.params.find("p-full"), std::string::npos);
            }
    }
    {
        Fixture f;
        org_with_scp(*f.aws, true, false);
        EXPECT_EQ(f.run("1.0-02").status, Status::non_compliant);
    }
    {
        Fixture f;
        org_with_scp(*f.aws, false, true);
        EXPECT_EQ(f.run("1.0-02").status, Status::non_compliant);
    }
    {
        Fixture f;
        f.aws->fail(
            "organizations", "DescribeOrganization",
            FakeAwsClient::error(dspm::aws::ErrorKind::service, "organizations",
                                 "DescribeOrganization", "AWSOrganizationsNotInUseException"));
        auto r = f.run("1.0-02");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_FALSE(r.evidence.at("inOrganization").as_bool());
    }
    {
        Fixture f;
        f.aws->deny("organizations", "DescribeOrganization", "organizations:DescribeOrganization");
        auto r = f.run("1.0-02");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "organizations:DescribeOrganization");
    }
}

// ---- 1.0-01 SSO ----
void sso(FakeAwsClient& aws, int sets, bool admin_inline) {
    aws.on_json(
        "sso-admin", "ListInstances",
        R"({"Instances":[{"InstanceArn":"arn:aws:sso:::instance/ssoins-1","IdentityStoreId":"d-1"}]})");
    json::array arns;
    for (int i = 0; i < sets; ++i)
        arns.push_back(json::string("arn:ps-" + std::to_string(i)));
    aws.on("sso-admin", "ListPermissionSets", json::value{{"PermissionSets", arns}});
    aws.on("sso-admin", "DescribePermissionSet",
           [](const json::object& p, const std::string&) -> FakeAwsClient::Result {
               const std::string arn(p.at("PermissionSetArn").as_string());
               std::string name = arn == "arn:ps-0"   ? "Admins"
                                  : arn == "arn:ps-1" ? "BreakGlass"
                                                      : "ReadOnly";
               return json::value{{"PermissionSet", {{"Name", name}, {"PermissionSetArn", arn}}}};
           });
    aws.on(
        "sso-admin", "ListManagedPoliciesInPermissionSet",
        [](const json::object& p, const std::string&) -> FakeAwsClient::Result {
            if (p.at("PermissionSetArn") == "arn:ps-0")
                return json::parse(
                    R"({"AttachedManagedPolicies":[{"Name":"AdministratorAccess","Arn":"arn:aws:iam::aws:policy/AdministratorAccess"}]})");
            return json::parse(R"({"AttachedManagedPolicies":[]})");
        });
    aws.on(
        "sso-admin", "GetInlinePolicyForPermissionSet",
        [admin_inline](const json::object& p, const std::string&) -> FakeAwsClient::Result {
            if (admin_inline && p.at("PermissionSetArn") == "arn:ps-1")
                return json::value{
                    {"InlinePolicy",
                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"}};
            return json::value{{"InlinePolicy", ""}};
        });
    aws.on_json("sso-admin", "ListCustomerManagedPolicyReferencesInPermissionSet",
                R"({"CustomerManagedPolicyReferences":[]})");
    // No permissions boundary: Identity Center answers ResourceNotFoundException.
    aws.fail("sso-admin", "GetPermissionsBoundaryForPermissionSet",
             FakeAwsClient::error(dspm::aws::ErrorKind::not_found, "sso-admin",
                                  "GetPermissionsBoundaryForPermissionSet",
                                  "ResourceNotFoundException"));
}

TEST(SsoCheck, AdminSetsFailUnlessAllowlisted) {
    Fixture f;
    sso(*f.aws, 3, true);
    f.scope.sso_admin_allowlist = {"BreakGlass"};
    auto r = f.run("1.0-01");
    EXPECT_EQ(r.status, Status::non_compliant);  // "Admins" has AdministratorAccess
    EXPECT_EQ(r.evidence.at("adminPermissionSets").as_uint64(), 2u);
    EXPECT_EQ(r.evidence.at("allowlistedAdmin").as_uint64(), 1u);
    int failed = 0;
    for (const auto& e : r.evaluations) {
        if (e.resource_id == "Admins") {
            EXPECT_EQ(e.status, Status::non_compliant);
            EXPECT_EQ(e.evidence_path, "AttachedManagedPolicies[0].Arn");
        }
        if (e.resource_id == "BreakGlass") {
            EXPECT_EQ(e.status, Status::compliant);
        }
        failed += e.status == Status::non_compliant;
    }
    EXPECT_EQ(failed, 1);
}

// The Identity Center instance lives in one region, audited or not: with eu-central-1 the only
// region holding it and us-east-1 the only one audited, it is found and judged there; "none" is
// said only after every enabled region was searched; unlisted regions make it an ERROR.
TEST(SsoCheck, TheInstanceIsFoundOutsideTheAuditedRegions) {
    const char* regions = R"({"Regions":[
        {"RegionName":"us-east-1","Endpoint":"ec2.us-east-1.amazonaws.com","OptInStatus":"opt-in-not-required"},
        {"RegionName":"eu-central-1","Endpoint":"ec2.eu-central-1.amazonaws.com","OptInStatus":"opt-in-not-required"},
        {"RegionName":"il-central-1","Endpoint":"ec2.il-central-1.amazonaws.com","OptInStatus":"not-opted-in"}]})";
    {
        Fixture f;
        sso(*f.aws, 1, false);
        f.scope.sso_admin_allowlist = {"Admins"};
        f.aws->on(
            "sso-admin", "ListInstances",
            [](const json::object&, const std::string& region) -> FakeAwsClient::Result {
                if (region == "eu-central-1")
                    return json::parse(
                        R"({"Instances":[{"InstanceArn":"arn:aws:sso:::instance/ssoins-7","IdentityStoreId":"d-7","Status":"ACTIVE"}]})");
                return json::parse(R"({"Instances":[]})");
            });
        f.aws->on_json("ec2", "DescribeRegions", regions);
        auto r = f.run("1.0-01");
        EXPECT_EQ(r.status, Status::compliant);
        EXPECT_EQ(r.evidence.at("instances").as_uint64(), 1u);
        bool judged_there = false;
        for (const auto& e : r.evaluations)
            judged_there = judged_there || (e.resource_id == "arn:aws:sso:::instance/ssoins-7" &&
                                            e.region == "eu-central-1");
        EXPECT_TRUE(judged_there);
        for (const auto& c : f.aws->calls())
            EXPECT_NE(c.region, "il-central-1") << c.op;
    }
    {
        Fixture f;
        f.aws->on_json("sso-admin", "ListInstances", R"({"Instances":[]})");
        f.aws->on_json("ec2", "DescribeRegions", regions);
        auto r = f.run("1.0-01");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_EQ(f.aws->count("sso-admin:ListInstances"), 2u);
        ASSERT_EQ(r.evaluations.size(), 1u);
        EXPECT_NE(std::string(r.evaluations[0].extra.at("note").as_string()).find("2 enabled"),
                  std::string::npos);
    }
    {
        Fixture f;
        f.aws->on_json("sso-admin", "ListInstances", R"({"Instances":[]})");
        f.aws->deny("ec2", "DescribeRegions", "ec2:DescribeRegions");
        auto r = f.run("1.0-01");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "ec2:DescribeRegions");
    }
}

TEST(SsoCheck, CountLimitCompliantNoInstanceAndDenied) {
    {
        Fixture f;
        sso(*f.aws, 3, false);
        f.scope.sso_admin_allowlist = {"Admins"};
        EXPECT_EQ(f.run("1.0-01").status, Status::compliant);
        f.scope.sso_permission_set_max = 2;
        EXPECT_EQ(f.run("1.0-01").status, Status::non_compliant);  // 3 > 2
    }
    {
        Fixture f;
        f.aws->on_json("sso-admin", "ListInstances", R"({"Instances":[]})");
        auto r = f.run("1.0-01");
        EXPECT_EQ(r.status, Status::non_compliant);
    }
    {
        Fixture f;
        f.aws->deny("sso-admin", "ListInstances", "sso:ListInstances");
        auto r = f.run("1.0-01");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "sso:ListInstances");
    }
}

}  // namespace

namespace {

TEST(CloudFrontCheck, SummaryWithoutBehavioursReadsTheDistributionConfig) {
    Fixture f;
    f.aws->on_json(
        "cloudfront", "ListDistributions",
        R"({"DistributionList":{"Items":[{"Id":"E9","DomainName":"x.cloudfront.net"}]}})");
    f.aws->on_json(
        "cloudfront", "GetDistributionConfig",
        R"({"ETag":"e","DistributionConfig":{"DefaultCacheBehavior":{"ViewerProtocolPolicy":"allow-all"}}})");
    auto r = f.run("2.0-15");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(r.evaluations[0].evidence_path,
              "DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy");
    EXPECT_EQ(r.evaluations[0].observed_value.as_string(), "allow-all");

    Fixture g;
    g.aws->on_json("cloudfront", "ListDistributions",
                   R"({"DistributionList":{"Items":[{"Id":"E9"}]}})");
    g.aws->deny("cloudfront", "GetDistributionConfig", "cloudfront:GetDistributionConfig");
    auto e = g.run("2.0-15");
    EXPECT_EQ(e.status, Status::error);
    EXPECT_EQ(missing_permission(e), "cloudfront:GetDistributionConfig");
}

}  // namespace

namespace {
// Global checks read a global service once; every other check is regional, so a run that could
// not list the account's regions marks it as not having seen them (engine.cpp).
TEST(Registry, ReachIsGlobalExactlyForTheGlobalServices) {
    const std::set<std::string> global = {"1.0-02",  "1.0-03",  "1.0-04",  "1.0-06",  "10.0-03",
                                          "10.0-05", "11.0-01", "2.0-15",  "3.0-08",  "12.0-05",
                                          "8.0-04",  "2.0-01",  "4.0-01",  "4.0-02",  "8.0-02",
                                          "9.0-04",  "11.0-03", "12.0-04", "14.0-02", "15.0-04"};
    for (const auto* check : dspm::checks::all_checks()) {
        const auto& info = check->info();
        EXPECT_EQ(info.reach == dspm::checks::Reach::global, global.count(info.code) == 1)
            << info.code;
    }
}
}  // namespace
