// 9.0-04 S3 replication: every bucket, read in its own region, has a replication configuration
// with at least one rule (cross-region or cross-account copy for recovery).
#include <boost/json.hpp>

#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kPath = "ReplicationConfiguration.Rules";
constexpr const char* kField = "Replication rules";

class S3Replication final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "9.0-04",
            "S3 Replication",
            "S3",
            "low",
            {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetReplicationConfiguration"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        return storage::run_per_bucket(info(), facts, scope, "replicated", judge);
    }

  private:
    static Evaluation judge(inventory::Facts& facts, const CheckScope& scope,
                            const std::string& bucket, const std::string& region) {
        auto doc = facts.aws("s3", "GetBucketReplication", {{"Bucket", bucket}}, region);
        if (!doc) {
            if (is_error_code(doc.error(), "ReplicationConfigurationNotFoundError")) {
                return storage::not_configured("S3", bucket, kPath, kField, engine::Comparator::ge,
                                               1, region, scope.account,
                                               "no replication configuration");
            }
            return error_evaluation("S3", bucket, kField, doc.error(), region, scope.account);
        }
        json::object extra;
        json::array destinations;
        if (const auto* rules = at_path(*doc, kPath); rules != nullptr && rules->is_array()) {
            for (const auto& rule : rules->get_array())
                if (auto d = string_at(rule, "Destination.Bucket"); !d.empty())
                    destinations.push_back(json::string(d));
        }
        if (!destinations.empty()) extra["destinations"] = std::move(destinations);
        return evaluate({"S3", bucket, kPath, kField, engine::Comparator::ge, 1,
                         storage::array_size_at(*doc, kPath), engine::Source::aws_sdk, region,
                         scope.account, std::move(extra)});
    }
};

}  // namespace

const Check& check_9_0_04_s3_replication() {
    static const S3Replication check;
    return check;
}

}  // namespace dspm::checks
