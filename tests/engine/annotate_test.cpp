// What annotate adds to a check's result: severity, description and fixes from the catalog, the
// resource's ARN, and a failing resource's fix with its own values filled in.
#include "engine/annotate.hpp"

#include <gtest/gtest.h>

#include "catalog/local_source.hpp"

namespace dspm::engine {
namespace {

Evaluation evaluation(std::string service, std::string id, Status status, std::string path = "",
                      std::string region = "ap-northeast-2") {
    Evaluation e;
    e.service = std::move(service);
    e.resource_id = std::move(id);
    e.evidence_path = std::move(path);
    e.region = std::move(region);
    e.account = "111122223333";
    e.status = status;
    return e;
}

TEST(ResourceArn, NamesTheResourceByItsServiceShapeAndPartition) {
    EXPECT_EQ(resource_arn("S3", "logs", "", "us-east-1", "111122223333"), "arn:aws:s3:::logs");
    EXPECT_EQ(resource_arn("RDS", "db1", "DBInstances[0].StorageEncrypted", "eu-west-1", "1"),
              "arn:aws:rds:eu-west-1:1:db:db1");
    EXPECT_EQ(resource_arn("RDS", "c1", "DBClusters[0].StorageEncrypted", "eu-west-1", "1"),
              "arn:aws:rds:eu-west-1:1:cluster:c1");
    EXPECT_EQ(resource_arn("EC2", "sg-0abc", "", "cn-north-1", "1"),
              "arn:aws-cn:ec2:cn-north-1:1:security-group/sg-0abc");
    EXPECT_EQ(resource_arn("CloudFront", "E2ABC", "", "us-east-1", "1"),
              "arn:aws:cloudfront::1:distribution/E2ABC");
    EXPECT_EQ(resource_arn("KMS", "alias/app", "", "us-east-1", "1"),
              "arn:aws:kms:us-east-1:1:alias/app");
    // An ARN stays itself; the scope an evaluation was judged in is no resource.
    EXPECT_EQ(resource_arn("IAM", "arn:aws:iam::1:user/bob", "", "us-east-1", "1"),
              "arn:aws:iam::1:user/bob");
    EXPECT_EQ(resource_arn("CloudTrail", "us-east-1", "", "us-east-1", "1"), "");
    EXPECT_EQ(resource_arn("Shield", "1", "", "us-east-1", "1"), "");
    EXPECT_EQ(resource_arn("S3", "*", "", "us-east-1", "1"), "");
    EXPECT_EQ(resource_arn("MSK", "cluster-a", "", "us-east-1", "1"), "");
    // Without an account an ARN would be wrong, so none is claimed.
    EXPECT_EQ(resource_arn("DynamoDB", "t", "", "us-east-1", ""), "");
}

TEST(FillFix, ReplacesWholeTokensOnly) {
    const auto e = evaluation("S3", "my-bucket", Status::non_compliant);
    EXPECT_EQ(fill_fix("aws s3api put-bucket-versioning --bucket LOG_BUCKET --x BUCKET_X",
                       "LOG_BUCKET", e),
              "aws s3api put-bucket-versioning --bucket my-bucket --x BUCKET_X");
    EXPECT_EQ(fill_fix("--encryption-key arn:aws:kms:REGION:ACC:key/KEY --name NAME", "NAME", e),
              "--encryption-key arn:aws:kms:ap-northeast-2:111122223333:key/KEY --name my-bucket");
    // A region-wide evaluation fills no resource placeholder.
    const auto region_wide = evaluation("Config", "ap-northeast-2", Status::non_compliant);
    EXPECT_EQ(fill_fix("--bucket BUCKET", "BUCKET", region_wide), "--bucket BUCKET");
}

TEST(Annotate, CarriesTheCatalogsMetadataAndFillsFailingResourcesFixes) {
    auto catalog = catalog::LocalSource::embedded();
    ASSERT_TRUE(catalog) << catalog.error();
    const auto* mapping = (*catalog)->find_mapping("2.0-01");
    ASSERT_NE(mapping, nullptr);
    ASSERT_EQ(mapping->fix_placeholder, "BUCKET");
    const auto* check = checks::find_check("2.0-01");
    ASSERT_NE(check, nullptr);
    MappingResult r;
    r.evaluations.push_back(evaluation("S3", "good", Status::compliant));
    r.evaluations.push_back(evaluation("S3", "plain", Status::non_compliant));
    annotate(r, check->info(), mapping);
    EXPECT_EQ(r.severity, "high");
    EXPECT_EQ(r.applicability, "resource_setting");
    EXPECT_EQ(r.description, mapping->check_how);
    EXPECT_EQ(r.remediation.console, mapping->console_fix);
    EXPECT_EQ(r.remediation.cli, mapping->cli_fix_cmd);
    EXPECT_EQ(r.evaluations[0].remediation_cli, "");
    EXPECT_NE(r.evaluations[1].remediation_cli.find("--bucket plain "), std::string::npos);
    EXPECT_EQ(r.evaluations[1].resource_arn, "arn:aws:s3:::plain");
    const auto j = r.to_json();
    EXPECT_EQ(j.at("severity"), "high");
    EXPECT_TRUE(j.at("remediation").as_object().contains("cli"));
    EXPECT_EQ(j.at("evaluations").as_array()[1].as_object().at("resource_arn"),
              "arn:aws:s3:::plain");
    EXPECT_FALSE(j.at("evaluations").as_array()[0].as_object().contains("remediation_cli"));
}

TEST(Annotate, EveryFixPlaceholderOfTheCatalogOccursInItsFix) {
    auto catalog = catalog::LocalSource::embedded();
    ASSERT_TRUE(catalog);
    std::size_t with = 0;
    const auto maps = (*catalog)->mappings();  // kept: the loop reads into it
    ASSERT_TRUE(maps);
    for (const auto& m : *maps) {
        if (m.fix_placeholder.empty()) continue;
        ++with;
        auto e = evaluation("X", "resource-1", Status::non_compliant);
        EXPECT_NE(fill_fix(m.cli_fix_cmd, m.fix_placeholder, e).find("resource-1"),
                  std::string::npos)
            << m.code;
    }
    EXPECT_GE(with, 40u);
}

TEST(CatalogVersion, IsADigestOfTheContent) {
    auto a = catalog::LocalSource::embedded();
    auto b = catalog::LocalSource::embedded();
    ASSERT_TRUE(a && b);
    EXPECT_EQ((*a)->version(), (*b)->version());
    EXPECT_EQ((*a)->version().rfind("sha256:", 0), 0u);
    EXPECT_EQ((*a)->version().size(), 7u + 16u);
}

}  // namespace
}  // namespace dspm::engine

namespace dspm::engine {
namespace {

TEST(ApplyMutes, MutedFindingsLeaveTheRollUpWithTheirStatusKept) {
    auto list = mutelist::Mutelist::parse(
        "mutes:\n  - id: web\n    code: '2.0-01'\n    resource: web-*\n    reason: static site\n"
        "    approved_by: ciso\n",
        "m.yaml");
    ASSERT_TRUE(list) << list.error();
    MappingResult r;
    r.mapping_code = "2.0-01";
    r.status = Status::non_compliant;
    r.evaluations.push_back(evaluation("S3", "kms", Status::compliant));
    r.evaluations.push_back(evaluation("S3", "web-1", Status::non_compliant));
    EXPECT_EQ(apply_mutes(r, *list, "2026-12-02"), 1u);
    EXPECT_EQ(r.status, Status::compliant);
    EXPECT_EQ(r.status_without_mutes, Status::non_compliant);
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);  // kept
    EXPECT_TRUE(r.evaluations[1].muted);
    const auto j = r.to_json();
    EXPECT_EQ(j.at("status_counts").at("MUTED").to_number<int>(), 1);
    EXPECT_EQ(j.at("evaluations").as_array()[1].at("mute").at("reason"), "static site");

    // Every finding muted: no verdict is left, which is not compliance.
    MappingResult only;
    only.mapping_code = "2.0-01";
    only.status = Status::non_compliant;
    only.evaluations.push_back(evaluation("S3", "web-2", Status::non_compliant));
    apply_mutes(only, *list, "2026-12-02");
    EXPECT_EQ(only.status, Status::skipped);
    EXPECT_NE(only.reason->find("every finding is muted"), std::string::npos);

    // Nothing matches: nothing changes.
    MappingResult other;
    other.mapping_code = "2.0-02";
    other.status = Status::non_compliant;
    other.evaluations.push_back(evaluation("RDS", "web-1", Status::non_compliant));
    EXPECT_EQ(apply_mutes(other, *list, "2026-12-02"), 0u);
    EXPECT_EQ(other.status, Status::non_compliant);
    EXPECT_FALSE(other.to_json().contains("muted"));
}

}  // namespace
}  // namespace dspm::engine
