// 4.0-02 S3 Object Lock: every bucket, read in its own region, has ObjectLockEnabled == Enabled
// (write-once retention). A bucket without an Object Lock configuration fails.
#include <boost/json.hpp>

#include "checks/fix.hpp"
#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kPath = "ObjectLockConfiguration.ObjectLockEnabled";
constexpr const char* kField = "Object Lock enabled";

// Manual: Object Lock, once on, can never be turned off for the bucket, so no undo exists; it
// needs versioning on (for good), and the default retention (GOVERNANCE or COMPLIANCE, and how
// long) decides who can ever delete an object: the operator's decision, not a default.
class S3ObjectLockFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        (void)failing;
        return unexpected(std::string(
            "Object Lock cannot be undone: once on, it stays on for the bucket, and a "
            "COMPLIANCE-mode retention keeps objects undeletable even by the root user until it "
            "ends. It needs versioning enabled (for good) and a retention mode and period only the "
            "operator can choose; buckets created without it get it with "
            "put-object-lock-configuration, or data is copied to a new bucket created with "
            "--object-lock-enabled-for-bucket"));
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        (void)aws;
        (void)failing;
        return std::vector<FixCall>{};
    }
};

class S3ObjectLock final : public Check {
  public:
    const Fixer* fixer() const override {
        static const S3ObjectLockFixer f;
        return &f;
    }

    const CheckInfo& info() const override {
        static const CheckInfo i{
            "4.0-02",
            "S3 Object Lock",
            "S3",
            "medium",
            {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketObjectLockConfiguration"},
            Reach::global};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        return storage::run_per_bucket(info(), facts, scope, "objectLockEnabled", judge);
    }

  private:
    static Evaluation judge(inventory::Facts& facts, const CheckScope& scope,
                            const std::string& bucket, const std::string& region) {
        auto doc = facts.aws("s3", "GetObjectLockConfiguration", {{"Bucket", bucket}}, region);
        if (!doc) {
            if (is_error_code(doc.error(), "ObjectLockConfigurationNotFoundError")) {
                return storage::not_configured("S3", bucket, kPath, kField, engine::Comparator::eq,
                                               "Enabled", region, scope.account,
                                               "no Object Lock configuration");
            }
            return error_evaluation("S3", bucket, kField, doc.error(), region, scope.account);
        }
        json::object extra;
        if (const auto* rule = at_path(*doc, "ObjectLockConfiguration.Rule.DefaultRetention"))
            extra["DefaultRetention"] = *rule;
        return evaluate({"S3", bucket, kPath, kField, engine::Comparator::eq, "Enabled",
                         storage::value_at(*doc, kPath), engine::Source::aws_sdk, region,
                         scope.account, std::move(extra)});
    }
};

}  // namespace

const Check& check_4_0_02_s3_object_lock() {
    static const S3ObjectLock check;
    return check;
}

}  // namespace dspm::checks
