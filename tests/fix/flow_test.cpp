// The remediation flow on a scripted AWS (src/fix/fix.cpp): which evaluations become actions, what
// a manual action carries, stable ids, and apply's rules: listed actions only, high risk only by
// id, a denied write is a failure naming the IAM action, a resource fixed already is left alone.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>

#include "engine/fake_aws.hpp"
#include "fix/fix.hpp"

namespace {

namespace json = boost::json;
using dspm::engine::Status;

dspm::engine::Evaluation bucket_eval(const std::string& bucket, Status status, bool muted = false) {
    dspm::engine::Evaluation e;
    e.service = "S3";
    e.resource_id = bucket;
    e.region = "us-east-1";
    e.account = "123456789012";
    e.status = status;
    e.muted = muted;
    e.observed_value = status == Status::compliant ? "aws:kms" : "AES256";
    e.remediation_cli = "aws s3api put-bucket-encryption --bucket " + bucket;
    return e;
}

dspm::engine::AuditRun audit() {
    dspm::engine::AuditRun run;
    run.plan.framework = "ISMS-P";
    run.plan.all = true;
    run.summary.account = "123456789012";
    auto s3 = std::make_shared<dspm::engine::MappingResult>();
    s3->mapping_code = "2.0-01";
    s3->status = Status::non_compliant;
    s3->evaluations = {bucket_eval("plain", Status::non_compliant),
                       bucket_eval("accepted", Status::non_compliant, true),
                       bucket_eval("good", Status::compliant)};
    auto manual = std::make_shared<dspm::engine::MappingResult>();
    manual->mapping_code = "5.0-01";  // no fixer
    manual->status = Status::non_compliant;
    manual->remediation.console = "Glue DataBrew > Projects > create a project";
    dspm::engine::Evaluation m;
    m.resource_id = "123456789012";
    m.region = "us-east-1";
    m.status = Status::non_compliant;
    m.remediation_cli = "aws databrew create-project --name NAME";
    manual->evaluations = {m};
    dspm::engine::RequirementResult r;
    r.requirement.item_code = "2.7.1";
    r.results = {s3, manual};
    run.results = {r, r};  // two requirements naming the same results: one action each
    return run;
}

TEST(FixPlan, OneActionPerFailingUnmutedResourceAutoOrManual) {
    const auto plan = dspm::fix::make_plan(audit(), "20261203T101845123Z-3f9a1c2b");
    ASSERT_EQ(plan.actions.size(), 2u);
    const auto& a = plan.actions[0];
    EXPECT_EQ(a.resource_id, "plain");
    EXPECT_EQ(a.kind, "auto");
    EXPECT_EQ(a.calls.at(0).operation, "PutBucketEncryption");
    EXPECT_NE(
        std::find(a.iam_actions.begin(), a.iam_actions.end(), "s3:PutEncryptionConfiguration"),
        a.iam_actions.end());
    EXPECT_TRUE(a.reversible);
    EXPECT_EQ(a.evaluation.at("status").as_string(), "NON_COMPLIANT");
    const auto& m = plan.actions[1];
    EXPECT_EQ(m.kind, "manual");
    EXPECT_FALSE(m.reason.empty());
    EXPECT_EQ(m.cli_fix, "aws databrew create-project --name NAME");
    EXPECT_FALSE(m.console_fix.empty());
    EXPECT_TRUE(m.calls.empty());
    // The same resource gets the same id in every plan; the plan round-trips through JSON.
    const auto again = dspm::fix::make_plan(audit(), "20261203T101845124Z-3f9a1c2c");
    EXPECT_EQ(again.actions[0].id, a.id);
    auto parsed = dspm::fix::Plan::from_json(plan.to_json());
    ASSERT_TRUE(parsed);
    EXPECT_EQ(json::serialize(parsed->to_json()), json::serialize(plan.to_json()));
    EXPECT_LT(plan.created_at, plan.expires_at);
    // --only and --resource narrow the plan.
    dspm::fix::PlanOptions only;
    only.only_codes = {"5.0-01"};
    EXPECT_EQ(dspm::fix::make_plan(audit(), "x", only).actions.size(), 1u);
    dspm::fix::PlanOptions one;
    one.resource = "plain";
    EXPECT_EQ(dspm::fix::make_plan(audit(), "x", one).actions.size(), 1u);
}

// A fake S3 with one bucket whose default encryption the fake keeps, so that apply's re-read
// sees what the write did.
struct FakeS3 {
    std::shared_ptr<dspm::test::FakeAwsClient> aws = std::make_shared<dspm::test::FakeAwsClient>();
    std::shared_ptr<std::string> algorithm = std::make_shared<std::string>("AES256");
    std::shared_ptr<int> puts = std::make_shared<int>(0);
    FakeS3() {
        aws->on_json("s3", "ListBuckets",
                     R"({"Buckets":[{"Name":"plain","BucketRegion":"us-east-1"}]})");
        aws->on_json("s3", "GetBucketLocation", R"({"LocationConstraint":null})");
        auto algo = algorithm;
        aws->on(
            "s3", "GetBucketEncryption",
            [algo](const json::object&, const std::string&) -> dspm::test::FakeAwsClient::Result {
                return json::value{
                    {"ServerSideEncryptionConfiguration",
                     {{"Rules", json::array{json::object{{"ApplyServerSideEncryptionByDefault",
                                                          {{"SSEAlgorithm", *algo}}}}}}}}};
            });
        auto count = puts;
        aws->on("s3", "PutBucketEncryption",
                [algo, count](const json::object& p,
                              const std::string&) -> dspm::test::FakeAwsClient::Result {
                    ++*count;
                    *algo = std::string(p.at("ServerSideEncryptionConfiguration")
                                            .at("Rules")
                                            .at(0)
                                            .at("ApplyServerSideEncryptionByDefault")
                                            .at("SSEAlgorithm")
                                            .as_string());
                    return json::value(json::object{});
                });
    }
    dspm::fix::Runner runner() const {
        dspm::checks::CheckScope scope;
        scope.account = "123456789012";
        scope.regions = {"us-east-1"};
        return dspm::fix::Runner(aws, scope);
    }
};

TEST(FixApply, WritesVerifiesAndThenLeavesAFixedResourceAlone) {
    FakeS3 s3;
    const auto plan = dspm::fix::make_plan(audit(), "p");
    auto runner = s3.runner();
    const auto results = runner.apply(plan, {.action_ids = {plan.actions[0].id}});
    ASSERT_EQ(results.size(), 1u);  // only the listed action
    EXPECT_EQ(results[0].status, "applied") << results[0].detail;
    EXPECT_EQ(results[0].evaluation.at("status").as_string(), "COMPLIANT");
    EXPECT_EQ(*s3.algorithm, "aws:kms");
    ASSERT_EQ(results[0].undo_calls.size(), 1u);  // the configuration read before the write
    EXPECT_EQ(results[0]
                  .undo_calls[0]
                  .params.at("ServerSideEncryptionConfiguration")
                  .at("Rules")
                  .at(0)
                  .at("ApplyServerSideEncryptionByDefault")
                  .at("SSEAlgorithm")
                  .as_string(),
              "AES256");
    const auto again = runner.apply(plan, {.all = true});
    EXPECT_EQ(again[0].status, "skipped");
    EXPECT_NE(again[0].detail.find("already compliant"), std::string::npos);
    EXPECT_EQ(again[1].status, "skipped");  // the manual one
    EXPECT_EQ(*s3.puts, 1);
    // Undo makes the recorded calls: AES256 again, and the re-read says so.
    dspm::fix::FixRecord record;
    record.results = results;
    const auto undone = runner.undo(record);
    EXPECT_EQ(undone[0].status, "applied");
    EXPECT_EQ(*s3.algorithm, "AES256");
    EXPECT_EQ(undone[0].evaluation.at("status").as_string(), "NON_COMPLIANT");
}

TEST(FixApply, ADeniedWriteFailsNamingTheIamActionAndNothingIsClaimed) {
    FakeS3 s3;
    s3.aws->deny("s3", "PutBucketEncryption", "s3:PutEncryptionConfiguration");
    const auto plan = dspm::fix::make_plan(audit(), "p");
    const auto results = s3.runner().apply(plan, {.action_ids = {plan.actions[0].id}});
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].status, "failed");
    EXPECT_EQ(results[0].error.at("iam_action").as_string(), "s3:PutEncryptionConfiguration");
    EXPECT_NE(results[0].detail.find("s3:PutEncryptionConfiguration"), std::string::npos);
    EXPECT_EQ(results[0].evaluation.at("status").as_string(), "NON_COMPLIANT");
}

TEST(FixApply, AFailedReadOfTheStateToRestoreWritesNothing) {
    FakeS3 s3;
    const auto plan = dspm::fix::make_plan(audit(), "p");
    auto runner = s3.runner();
    // The check's own read answers; the undo read (the same operation, after it) is denied.
    auto calls = std::make_shared<int>(0);
    auto algo = s3.algorithm;
    s3.aws->on("s3", "GetBucketEncryption",
               [calls, algo](const json::object&,
                             const std::string& region) -> dspm::test::FakeAwsClient::Result {
                   if (++*calls > 1) {
                       auto e = dspm::test::FakeAwsClient::error(
                           dspm::aws::ErrorKind::permission_denied, "s3", "GetBucketEncryption",
                           "AccessDenied", "s3:GetEncryptionConfiguration");
                       e.region = region;
                       return dspm::unexpected(e);
                   }
                   return json::value{
                       {"ServerSideEncryptionConfiguration",
                        {{"Rules", json::array{json::object{{"ApplyServerSideEncryptionByDefault",
                                                             {{"SSEAlgorithm", *algo}}}}}}}}};
               });
    const auto results = runner.apply(plan, {.action_ids = {plan.actions[0].id}});
    EXPECT_EQ(results[0].status, "failed");
    EXPECT_NE(results[0].detail.find("nothing written"), std::string::npos);
    EXPECT_EQ(*s3.puts, 0);
}

TEST(FixApply, HighRiskActionsOnlyWhenListed) {
    FakeS3 s3;
    auto plan = dspm::fix::make_plan(audit(), "p");
    plan.actions[0].high_risk = true;
    plan.actions[0].risk = "breaks things";
    const auto all = s3.runner().apply(plan, {.all = true});
    EXPECT_EQ(all[0].status, "skipped");
    EXPECT_NE(all[0].detail.find("high risk"), std::string::npos);
    EXPECT_EQ(*s3.puts, 0);
    const auto listed = s3.runner().apply(plan, {.action_ids = {plan.actions[0].id}});
    EXPECT_EQ(listed[0].status, "applied");
}

}  // namespace
