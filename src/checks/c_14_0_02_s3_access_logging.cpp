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

// Manual: the evaluation does not name where the logs should go, and the target bucket is a
// choice with consequences (its region and account, who may read it, its retention and cost).
class S3AccessLoggingFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        (void)failing;
        return unexpected(std::string(
            "server access logs need a target bucket the operator chooses: one in the same "
            "region and account, not the bucket itself (logging into itself loops), whose bucket "
            "policy lets logging.s3.amazonaws.com put objects, with a retention that bounds the "
            "storage cost; then put-bucket-logging with that TargetBucket and a TargetPrefix"));
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        (void)aws;
        (void)failing;
        return std::vector<FixCall>{};
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
