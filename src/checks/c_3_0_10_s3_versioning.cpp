// 3.0-10 S3 versioning: every bucket, read in its own region, has versioning Status == Enabled so
// that log and record objects cannot be silently overwritten. No Status means versioning was never
// enabled (fails); Suspended fails.
#include <boost/json.hpp>

#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Versioning status";

class S3Versioning final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "3.0-10",
            "S3 versioning",
            "S3",
            "medium",
            {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketVersioning"},
            Reach::global};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        return storage::run_per_bucket(info(), facts, scope, "versioningEnabled", judge);
    }

  private:
    static Evaluation judge(inventory::Facts& facts, const CheckScope& scope,
                            const std::string& bucket, const std::string& region) {
        auto doc = facts.aws("s3", "GetBucketVersioning", {{"Bucket", bucket}}, region);
        if (!doc) return error_evaluation("S3", bucket, kField, doc.error(), region, scope.account);
        json::object extra;
        auto status = storage::value_at(*doc, "Status");
        if (status.is_null()) extra["note"] = "versioning was never enabled on the bucket";
        if (const auto* mfa = at_path(*doc, "MFADelete")) extra["MFADelete"] = *mfa;
        return evaluate({"S3", bucket, "Status", kField, engine::Comparator::eq, "Enabled",
                         std::move(status), engine::Source::aws_sdk, region, scope.account,
                         std::move(extra)});
    }
};

}  // namespace

const Check& check_3_0_10_s3_versioning() {
    static const S3Versioning check;
    return check;
}

}  // namespace dspm::checks
