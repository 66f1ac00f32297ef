// `dspm-audit aws whoami` and `aws call` against moto, through the real binary.
#include <gtest/gtest.h>

#include "support/test_support.hpp"

TEST(AwsCommand, WhoamiAndCallWithClassifiedError) {
    auto& moto = dspm::test::Moto::instance();
    const auto env = dspm::test::moto_env(moto.endpoint());
    {
        dspm::test::Process p({DSPM_BINARY, "aws", "whoami"}, env);
        ASSERT_EQ(p.wait(std::chrono::seconds(20)), 0) << p.stderr_text();
        EXPECT_NE(p.stdout_text().find("\"Account\":\"123456789012\""), std::string::npos);
        EXPECT_NE(p.stdout_text().find("\"Arn\""), std::string::npos);
    }
    {
        dspm::test::Process p({DSPM_BINARY, "aws", "call", "dynamodb", "ListTables", "Limit=5"},
                              env);
        ASSERT_EQ(p.wait(std::chrono::seconds(20)), 0) << p.stderr_text();
        EXPECT_NE(p.stdout_text().find("\"TableNames\""), std::string::npos);
    }
    {
        dspm::test::Process p(
            {DSPM_BINARY, "aws", "call", "s3", "GetBucketEncryption", "Bucket=no-such-bucket-x"},
            env);
        EXPECT_EQ(p.wait(std::chrono::seconds(20)), 1);
        const auto err = p.stderr_text();
        EXPECT_NE(err.find("s3:GetEncryptionConfiguration"), std::string::npos) << err;
        EXPECT_NE(err.find("not_found"), std::string::npos) << err;
    }
}
