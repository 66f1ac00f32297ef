// What the evidence says about where it came from: a bucket whose region could not be read says
// so, and a plan answered by the embedded catalog after the remote failed says "embedded".
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "catalog/source.hpp"
#include "engine/codes_catalog.hpp"
#include "engine/engine.hpp"
#include "engine/fake_aws.hpp"
#include "net/http_client.hpp"
#include "support/test_support.hpp"

TEST(EvidenceNotes, DeniedBucketLocationIsSaidNotHidden) {
    auto aws = std::make_shared<dspm::test::FakeAwsClient>();
    // ListBuckets without BucketRegion (older answers, or a ListBuckets without the field).
    aws->on_json("s3", "ListBuckets", R"({"Buckets":[{"Name":"logs"}],"Owner":{"ID":"x"}})");
    aws->deny("s3", "GetBucketLocation", "s3:GetBucketLocation");
    aws->on_json(
        "s3", "GetBucketEncryption",
        R"({"ServerSideEncryptionConfiguration":{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"}}]}})");
    aws->on_json("s3", "GetBucketVersioning", R"({"Status":"Enabled"})");
    // 3.0-10 judges log buckets: a trail names this one.
    aws->on_json("cloudtrail", "DescribeTrails",
                 R"({"trailList":[{"Name":"t","S3BucketName":"logs","HomeRegion":"us-east-1",
                     "TrailARN":"arn:aws:cloudtrail:us-east-1:123456789012:trail/t"}]})");
    dspm::Settings settings;
    settings.aws_region = "us-east-1";
    for (const char* code : {"2.0-01", "3.0-10"}) {
        dspm::engine::Engine engine(
            settings, aws,
            std::make_shared<dspm::test::CodesCatalog>(std::vector<std::string>{code}), nullptr);
        auto run = engine.run(*engine.plan("ISMS-P", std::string("1")));
        const auto& m = *run.results[0].results[0];
        ASSERT_FALSE(m.evaluations.empty()) << code;
        const auto& e = m.evaluations[0];
        ASSERT_TRUE(e.extra.contains("regionNote")) << code;
        const std::string note(e.extra.at("regionNote").as_string());
        EXPECT_NE(note.find("s3:GetBucketLocation failed (AccessDenied)"), std::string::npos)
            << note;
    }
}

TEST(EvidenceNotes, FallbackCatalogIsNamedInTheSummary) {
    dspm::Settings settings;
    settings.aws_region = "us-east-1";
    // Nothing listens there: the remote fails and the embedded catalog answers.
    settings.mapping_base_url = "http://127.0.0.1:" + std::to_string(dspm::test::free_port());
    settings.mapping_fallback = "embedded";
    auto catalog =
        dspm::catalog::make_catalog_source(settings, std::make_shared<dspm::net::HttpClient>());
    auto aws = std::make_shared<dspm::test::FakeAwsClient>();
    dspm::engine::Engine engine(settings, aws, catalog, nullptr);
    auto plan = engine.plan("ISMS-P", std::string("1.1.1"));
    ASSERT_TRUE(plan) << plan.error().detail;
    EXPECT_EQ(plan->catalog_source, "embedded");
    auto run = engine.run(*plan);
    EXPECT_EQ(run.summary.catalog_source, "embedded");
}
