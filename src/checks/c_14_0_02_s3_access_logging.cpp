// 14.0-02 S3 server access logging: every bucket, read in its own region, has LoggingEnabled (who
// touched the labelling data is recorded).
#include <boost/json.hpp>

#include "checks/fix.hpp"
#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Server access logging";

// The fix turns logging on into the bucket the operator names (log_bucket, optional log_prefix,
// default "<bucket>/"): where an auditor's logs go is a choice with consequences (its region and
// account, who may read it, its retention and cost), so there is no default bucket. Undo puts
// back the LoggingEnabled read just before, or an empty BucketLoggingStatus (logging off).
class S3AccessLoggingFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        (void)failing;
        return unexpected(std::string(
            "needs the bucket the logs go to: --param log_bucket=NAME (same region and account, "
            "not the bucket itself, a bucket policy letting logging.s3.amazonaws.com put "
            "objects; optional log_prefix, default BUCKET/)"));
    }
    Expected<FixPlan, std::string> plan_with(const Evaluation& failing,
                                             const FixParams& params) const override {
        const auto target = params.find("log_bucket");
        if (target == params.end()) return plan(failing);
        if (auto problem = bucket_name_problem(target->second); !problem.empty())
            return unexpected("log_bucket: " + problem);
        // S3 accepts a bucket logging into itself, and every log object then makes another.
        if (target->second == failing.resource_id)
            return unexpected(std::string(
                "log_bucket is the audited bucket itself: each log object would be logged "
                "again; name another bucket"));
        const auto given_prefix = params.find("log_prefix");
        const std::string prefix =
            given_prefix != params.end() ? given_prefix->second : failing.resource_id + "/";
        json::object enabled{{"TargetBucket", target->second}, {"TargetPrefix", prefix}};
        FixPlan p;
        p.calls.push_back({"s3",
                           "PutBucketLogging",
                           {{"Bucket", failing.resource_id},
                            {"BucketLoggingStatus", {{"LoggingEnabled", enabled}}}}});
        p.iam_actions = {"s3:PutBucketLogging", "s3:GetBucketLogging"};
        p.risk = "access log objects accrue in " + target->second + " under " + prefix +
                 " (storage cost, delivered best-effort within hours); nothing arrives unless "
                 "that bucket lets logging.s3.amazonaws.com put objects";
        p.expected_after = std::move(enabled);
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        auto doc = aws.call("s3", "GetBucketLogging", {{"Bucket", failing.resource_id}},
                            {fix_region(failing, aws)});
        if (!doc) return unexpected(doc.error());
        json::object status;
        if (const auto* enabled = at_path(*doc, "LoggingEnabled");
            enabled != nullptr && enabled->is_object())
            status["LoggingEnabled"] = *enabled;
        return std::vector<FixCall>{
            {"s3",
             "PutBucketLogging",
             {{"Bucket", failing.resource_id}, {"BucketLoggingStatus", std::move(status)}}}};
    }
};

class S3AccessLogging final : public Check {
  public:
    const Fixer* fixer() const override {
        static const S3AccessLoggingFixer f;
        return &f;
    }

    const CheckInfo& info() const override {
        static const CheckInfo i{
            "14.0-02",
            "S3 access logs",
            "S3",
            "medium",
            {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketLogging"},
            Reach::global};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        return storage::run_per_bucket(info(), facts, scope, "loggingEnabled", judge);
    }

  private:
    static Evaluation judge(inventory::Facts& facts, const CheckScope& scope,
                            const std::string& bucket, const std::string& region) {
        auto doc = facts.aws("s3", "GetBucketLogging", {{"Bucket", bucket}}, region);
        if (!doc) return error_evaluation("S3", bucket, kField, doc.error(), region, scope.account);
        auto observed = storage::value_at(*doc, "LoggingEnabled");
        json::object extra;
        if (observed.is_null()) extra["note"] = "server access logging is off";
        return evaluate({"S3", bucket, "LoggingEnabled", kField, engine::Comparator::exists,
                         nullptr, std::move(observed), engine::Source::aws_sdk, region,
                         scope.account, std::move(extra)});
    }
};

}  // namespace

const Check& check_14_0_02_s3_access_logging() {
    static const S3AccessLogging check;
    return check;
}

}  // namespace dspm::checks
