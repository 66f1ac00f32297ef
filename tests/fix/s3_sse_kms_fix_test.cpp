// 2.0-01's fixer (checks/c_2_0_01_s3_sse_kms.cpp) end to end on moto, and its request and undo.
#include <gtest/gtest.h>

#include "checks/check.hpp"
#include "checks/fix.hpp"
#include "fix/fix_case.hpp"

namespace {

TEST(S3SseKmsFix, PlansPutBucketEncryptionWithTheAwsManagedKey) {
    const auto* check = dspm::checks::find_check("2.0-01");
    ASSERT_NE(check, nullptr);
    ASSERT_NE(check->fixer(), nullptr);
    dspm::engine::Evaluation e;
    e.resource_id = "logs";
    e.region = "eu-west-1";
    const auto plan = check->fixer()->plan(e);
    ASSERT_TRUE(plan);
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].operation, "PutBucketEncryption");
    EXPECT_EQ(plan->calls[0].params.at("Bucket").as_string(), "logs");
    EXPECT_EQ(plan->calls[0]
                  .params.at("ServerSideEncryptionConfiguration")
                  .at("Rules")
                  .at(0)
                  .at("ApplyServerSideEncryptionByDefault")
                  .at("SSEAlgorithm")
                  .as_string(),
              "aws:kms");
    EXPECT_TRUE(plan->reversible);
}

TEST(S3SseKmsFix, EndToEndOnMoto) {
    dspm::test::check_fix_case(
        {"2.0-01", "fix-aes",
         "s3 = c('s3')\n"
         "s3.create_bucket(Bucket='fix-aes')\n"
         "s3.put_bucket_encryption(Bucket='fix-aes', ServerSideEncryptionConfiguration={'Rules': "
         "[{'ApplyServerSideEncryptionByDefault': {'SSEAlgorithm': 'AES256'}}]})\n",
         "r = c('s3').get_bucket_encryption(Bucket='fix-aes')\n"
         "print(json.dumps(r['ServerSideEncryptionConfiguration'], sort_keys=True))\n"});
}

}  // namespace
