// A write the caller may not make, on an emulated account that enforces IAM: the plan names the
// write action it needs, the apply reports the action as failed with exactly that IAM action, the
// re-read still says NON_COMPLIANT and nothing changed. The unit test of the same (FixApply.
// ADeniedWrite...) scripts the AWS answer; this one lets moto's IAM engine refuse the call.
//
// DynamoDB is the write used: moto authorises UpdateContinuousBackups under the name AWS uses
// (dynamodb:UpdateContinuousBackups), and checks the signatures of JSON-protocol requests once it
// enforces IAM (it cannot for rest-json, see tests/policy/policy_moto_test.cpp). S3 would not do:
// moto authorises PUT ?encryption as s3:CreateBucket.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "fix/fix_case.hpp"
#include "support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// Everything the plan and the re-read need, and no write.
constexpr const char* kReadOnly = R"({"Version":"2012-10-17","Statement":[{"Sid":"Reads",
  "Effect":"Allow","Action":["dynamodb:ListTables","dynamodb:DescribeTable",
  "dynamodb:DescribeContinuousBackups","sts:GetCallerIdentity","ec2:DescribeRegions",
  "iam:ListAccountAliases"],"Resource":"*"}]})";

class EnforcedDynamoDb {
  public:
    EnforcedDynamoDb() : moto_(std::map<std::string, std::string>{}) {
        dir_ = fs::temp_directory_path() / ("dspm-denied-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        dspm::test::run_python(
            moto_.endpoint(),
            "c('dynamodb').create_table(TableName='fix-orders', KeySchema=[{'AttributeName': "
            "'k', 'KeyType': 'HASH'}], AttributeDefinitions=[{'AttributeName': 'k', "
            "'AttributeType': 'S'}], BillingMode='PAY_PER_REQUEST')\n");
        const auto policy = dir_ / "read-only.json";
        std::ofstream(policy) << kReadOnly;
        std::string out;
        EXPECT_EQ(
            dspm::test::run_shell("python3 " DSPM_SOURCE_DIR "/tests/policy/moto_iam_user.py " +
                                      moto_.endpoint() + " fixer " + policy.string() + " 2>&1",
                                  &out),
            0)
            << out;
        boost::system::error_code ec;
        const auto keys = json::parse(out, ec);
        if (ec || !keys.is_object()) {
            ADD_FAILURE() << out;
            return;
        }
        env_ = dspm::test::moto_env(moto_.endpoint());
        env_["AWS_ACCESS_KEY_ID"] = std::string(keys.at("AccessKeyId").as_string());
        env_["AWS_SECRET_ACCESS_KEY"] = std::string(keys.at("SecretAccessKey").as_string());
        for (const char* k :
             {"MAPPING_BASE_URL", "COLLECTOR_BASE_URL", "AUDIT_API_TOKEN", "CATALOG_DIR",
              "AWS_PROFILE", "AWS_SESSION_TOKEN", "AUDIT_MUTELIST", "DATABASE_URL"})
            env_[k] = "";
        env_["LOG_LEVEL"] = "error";
        env_["DATA_DIR"] = (dir_ / "data").string();
        // From here on moto authorises every call against the caller's policies.
        EXPECT_EQ(dspm::test::run_shell("curl -s -X POST -H 'Content-Type: text/plain' --data 0 " +
                                            moto_.endpoint() + "/moto-api/reset-auth",
                                        &out),
                  0)
            << out;
    }
    ~EnforcedDynamoDb() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    json::object fix(std::vector<std::string> extra, int want_rc) {
        std::vector<std::string> args = {DSPM_BINARY, "fix",      "ISMS-P",    "--all",    "--only",
                                         "9.0-01",    "--region", "us-east-1", "--format", "json"};
        args.insert(args.end(), extra.begin(), extra.end());
        dspm::test::Process p(args, env_, dir_.string());
        const int rc = p.wait(std::chrono::seconds(180));
        EXPECT_EQ(rc, want_rc) << p.stderr_text() << p.stdout_text();
        boost::system::error_code ec;
        auto v = json::parse(p.stdout_text(), ec);
        EXPECT_FALSE(ec) << p.stdout_text() << p.stderr_text();
        return !ec && v.is_object() ? v.as_object() : json::object{};
    }

  private:
    dspm::test::Moto moto_;
    fs::path dir_;
    std::map<std::string, std::string> env_;
};

bool lists(const json::value& array, const char* item) {
    if (!array.is_array()) return false;
    for (const auto& v : array.as_array())
        if (v.is_string() && v.as_string() == item) return true;
    return false;
}

}  // namespace

TEST(FixDeniedOnMoto, TheDeniedWriteFailsNamingItsIamActionAndChangesNothing) {
    EnforcedDynamoDb account;
    const auto plan = account.fix({}, 0);
    const auto* action = dspm::test::action_for(plan, "fix-orders");
    ASSERT_NE(action, nullptr) << json::serialize(plan);
    EXPECT_EQ(action->at("kind").as_string(), "auto");
    EXPECT_TRUE(lists(action->at("iam_actions"), "dynamodb:UpdateContinuousBackups"))
        << json::serialize(*action);

    const auto applied =
        account.fix({"--apply", "--yes", "--resource", "fix-orders"}, /*exit_non_compliant*/ 3);
    const auto* result = dspm::test::result_for(applied, "fix-orders");
    ASSERT_NE(result, nullptr) << json::serialize(applied);
    EXPECT_EQ(result->at("status").as_string(), "failed") << json::serialize(*result);
    ASSERT_TRUE(result->contains("error")) << json::serialize(*result);
    EXPECT_EQ(result->at("error").at("iam_action").as_string(), "dynamodb:UpdateContinuousBackups")
        << json::serialize(*result);
    EXPECT_NE(json::serialize(result->at("detail")).find("dynamodb:UpdateContinuousBackups"),
              std::string::npos);
    // The re-read (allowed) says the table is still without point-in-time recovery.
    EXPECT_EQ(result->at("evaluation").at("status").as_string(), "NON_COMPLIANT")
        << json::serialize(*result);

    // A second plan still finds it failing: nothing was written.
    const auto again = account.fix({}, 0);
    EXPECT_NE(dspm::test::action_for(again, "fix-orders"), nullptr) << json::serialize(again);
}
