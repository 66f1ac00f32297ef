// 9.0-02 RDS Multi-AZ: every DB instance in each audited region is Multi-AZ. An Aurora member
// reports MultiAZ false on the instance even when its cluster spans zones, so a member is judged
// by its cluster's MultiAZ (DescribeDBClusters, the same read as 2.0-02).
#include <boost/json.hpp>
#include <map>

#include "checks/fix.hpp"
#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Multi-AZ";

// Manual: the change doubles the instance's cost and moves it through a failover window.
class RdsMultiAzFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        (void)failing;
        return unexpected(std::string(
            "turning on Multi-AZ provisions a standby replica, which doubles the instance's "
            "cost, and the conversion takes a snapshot and can cause a brief I/O pause or "
            "failover: the owner of the database picks the window (ModifyDBInstance MultiAZ "
            "true, ApplyImmediately or the next maintenance window)"));
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        (void)aws;
        (void)failing;
        return std::vector<FixCall>{};
    }
};

class RdsMultiAz final : public Check {
  public:
    const Fixer* fixer() const override {
        static const RdsMultiAzFixer f;
        return &f;
    }
    const CheckInfo& info() const override {
        static const CheckInfo i{"9.0-02",
                                 "RDS Multi-AZ",
                                 "RDS",
                                 "medium",
                                 {"rds:DescribeDBInstances", "rds:DescribeDBClusters"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        std::vector<std::string> notes;
        auto rows = collector_rows(facts, "rds-instances", notes);
        for (const auto& region : scope.regions) {
            auto values = storage::rds_instance_values(facts, scope, region, rows, "MultiAZ",
                                                       "multi_az", kField, evals);
            if (!values) continue;
            std::optional<inventory::AwsResult> clusters;
            for (auto& v : *values) {
                if (v.error) {
                    evals.push_back(std::move(*v.error));
                    continue;
                }
                if (v.cluster.empty()) {
                    evals.push_back(
                        evaluate({"RDS", v.id, v.evidence_path, kField, engine::Comparator::eq,
                                  true, std::move(v.observed), v.source, region, scope.account}));
                    continue;
                }
                if (!clusters)
                    clusters = facts.aws_all_pages("rds", "DescribeDBClusters", {}, region);
                evals.push_back(by_cluster(*clusters, v, region, scope));
            }
        }
        auto evidence = status_evidence(evals, "totalInstances", "multiAz");
        auto r = finish(info(), std::move(evals), std::move(evidence),
                        "no RDS DB instances in the audited regions");
        r.notes = std::move(notes);
        return r;
    }

  private:
    static Evaluation by_cluster(const inventory::AwsResult& clusters, const storage::RdsValue& v,
                                 const std::string& region, const CheckScope& scope) {
        if (!clusters)
            return error_evaluation("RDS", v.id, kField, clusters.error(), region, scope.account);
        const json::object extra{{"DBClusterIdentifier", v.cluster},
                                 {"note", "Aurora member: judged by its cluster's MultiAZ"}};
        if (const auto* items = at_path(*clusters, "DBClusters");
            items != nullptr && items->is_array()) {
            for (std::size_t i = 0; i < items->get_array().size(); ++i) {
                const auto& c = items->get_array()[i];
                if (string_at(c, "DBClusterIdentifier") != v.cluster) continue;
                return evaluate({"RDS", v.id, indexed("DBClusters", i, ".MultiAZ"), kField,
                                 engine::Comparator::eq, true, storage::value_at(c, "MultiAZ"),
                                 engine::Source::aws_sdk, region, scope.account, extra});
            }
        }
        // The cluster vanished between the two reads: judge the instance's own value.
        return evaluate({"RDS", v.id, v.evidence_path, kField, engine::Comparator::eq, true,
                         v.observed, v.source, region, scope.account,
                         json::object{{"DBClusterIdentifier", v.cluster}}});
    }
};

}  // namespace

const Check& check_9_0_02_rds_multi_az() {
    static const RdsMultiAz check;
    return check;
}

}  // namespace dspm::checks
