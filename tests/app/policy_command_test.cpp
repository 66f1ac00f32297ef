// `dspm-audit policy` as a security engineer runs it: documents on stdout ready for
// `aws iam create-policy`, a clear refusal for what it cannot do.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace {

namespace json = boost::json;

struct Run {
    int code = -1;
    std::string out, err;
};

Run policy(std::vector<std::string> args) {
    args.insert(args.begin(), {DSPM_BINARY, "policy"});
    dspm::test::Process p(args, {{"CATALOG_DIR", ""}, {"MAPPING_BASE_URL", ""}},
                          std::filesystem::temp_directory_path().string());
    Run r;
    r.code = p.wait(std::chrono::seconds(30));
    r.out = p.stdout_text();
    r.err = p.stderr_text();
    return r;
}

TEST(PolicyCommand, PrintsTheDocumentOrTheDocumentsAndRefusesWhatItCannotDo) {
    const auto one = policy({"--code", "2.0-01,2.0-02"});
    ASSERT_EQ(one.code, 0) << one.err;
    const auto doc = json::parse(one.out).as_object();
    EXPECT_EQ(doc.at("Version"), "2012-10-17");
    const auto text = json::serialize(doc);
    for (const char* a :
         {"s3:GetEncryptionConfiguration", "rds:DescribeDBInstances", "sts:GetCallerIdentity"})
        EXPECT_NE(text.find(a), std::string::npos) << a;

    const auto isms = policy({"ISMS-P"});
    ASSERT_EQ(isms.code, 0) << isms.err;
    const auto docs = json::parse(isms.out);
    ASSERT_TRUE(docs.is_array()) << isms.out.substr(0, 200);
    EXPECT_GT(docs.as_array().size(), 1u);
    EXPECT_NE(isms.err.find("attach each"), std::string::npos) << isms.err;

    const auto details = policy({"ISMS-P", "2.7.1", "--details"});
    ASSERT_EQ(details.code, 0) << details.err;
    EXPECT_TRUE(json::parse(details.out).as_object().contains("document_chars"));

    const auto unknown = policy({"NOPE"});
    EXPECT_EQ(unknown.code, 2);
    EXPECT_NE(unknown.err.find("NOPE"), std::string::npos);
    EXPECT_TRUE(unknown.out.empty());
    // --write adds the fixers' writes to the reads: 2.0-01's PutBucketEncryption is authorised
    // by s3:PutEncryptionConfiguration, and the plain policy has no write at all.
    const auto write = policy({"--code", "2.0-01", "--write", "--details"});
    ASSERT_EQ(write.code, 0) << write.err;
    const auto with = json::serialize(json::parse(write.out).at("actions"));
    EXPECT_NE(with.find("s3:PutEncryptionConfiguration"), std::string::npos) << with;
    EXPECT_NE(with.find("s3:GetEncryptionConfiguration"), std::string::npos) << with;
    const auto read_only = policy({"--code", "2.0-01", "--details"});
    EXPECT_EQ(json::serialize(json::parse(read_only.out).at("actions")).find("Put"),
              std::string::npos);
    const auto missing = policy({"--code", "99.0-01"});
    EXPECT_EQ(missing.code, 0);
    EXPECT_NE(missing.err.find("99.0-01 is not implemented"), std::string::npos);
}

}  // namespace
