// 4.0-01 S3 lifecycle: every bucket, read in its own region, has at least one lifecycle rule with
// Status Enabled (expiration or transition keeps retention bounded). A bucket without a lifecycle
// configuration fails; a denied read is an ERROR naming the IAM action.
#include <boost/json.hpp>

#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Enabled lifecycle rules";

class S3Lifecycle final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "4.0-01",
            "S3 Lifecycle",
            "S3",
            "medium",
            {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetLifecycleConfiguration"},
            Reach::global};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        return storage::run_per_bucket(info(), facts, scope, "withLifecycle", judge);
    }

  private:
    static Evaluation judge(inventory::Facts& facts, const CheckScope& scope,
                            const std::string& bucket, const std::string& region) {
        auto doc = facts.aws("s3", "GetBucketLifecycleConfiguration", {{"Bucket", bucket}}, region);
        if (!doc) {
            if (is_error_code(doc.error(), "NoSuchLifecycleConfiguration")) {
                return storage::not_configured("S3", bucket, "Rules[].Status", kField,
                                               engine::Comparator::ge, 1, region, scope.account,
                                               "no lifecycle configuration");
            }
            return error_evaluation("S3", bucket, kField, doc.error(), region, scope.account);
        }
        std::size_t enabled = 0, total = 0;
        if (const auto* rules = at_path(*doc, "Rules"); rules != nullptr && rules->is_array()) {
            for (const auto& rule : rules->get_array()) {
                ++total;
                enabled += string_at(rule, "Status") == "Enabled";
            }
        }
        json::object extra{{"totalRules", total}};
        if (total == 0) extra["note"] = "lifecycle configuration without rules";
        return evaluate({"S3", bucket, "Rules[].Status", kField, engine::Comparator::ge, 1, enabled,
                         engine::Source::aws_sdk, region, scope.account, std::move(extra)});
    }
};

}  // namespace

const Check& check_4_0_01_s3_lifecycle() {
    static const S3Lifecycle check;
    return check;
}

}  // namespace dspm::checks
