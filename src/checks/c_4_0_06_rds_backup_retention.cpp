// 4.0-06 RDS backup retention: every DB instance in each audited region keeps automated backups
// for at least 7 days (0 means automated backups are off).
#include <boost/json.hpp>

#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Backup retention period (days)";
constexpr int kMinDays = 7;

class RdsBackupRetention final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "4.0-06", "RDS backup retention", "RDS", "medium", {"rds:DescribeDBInstances"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        std::vector<std::string> notes;
        auto rows = collector_rows(facts, "rds-instances", notes);
        for (const auto& region : scope.regions) {
            auto values =
                storage::rds_instance_values(facts, scope, region, rows, "BackupRetentionPeriod",
                                             "backup_retention_period", kField, evals);
            if (!values) continue;
            for (auto& v : *values) {
                if (v.error) {
                    evals.push_back(std::move(*v.error));
                    continue;
                }
                json::object extra;
                if (!v.cluster.empty()) extra["DBClusterIdentifier"] = v.cluster;
                evals.push_back(evaluate({"RDS", v.id, v.evidence_path, kField,
                                          engine::Comparator::ge, kMinDays, std::move(v.observed),
                                          v.source, region, scope.account, std::move(extra)}));
            }
        }
        auto evidence = status_evidence(evals, "totalInstances", "retentionCompliant");
        auto r = finish(info(), std::move(evals), std::move(evidence),
                        "no RDS DB instances in the audited regions");
        r.notes = std::move(notes);
        return r;
    }
};

}  // namespace

const Check& check_4_0_06_rds_backup_retention() {
    static const RdsBackupRetention check;
    return check;
}

}  // namespace dspm::checks
