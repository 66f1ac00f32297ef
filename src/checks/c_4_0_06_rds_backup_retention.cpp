// 4.0-06 RDS backup retention: automated backups are kept for at least 7 days (0 means automated
// backups are off), judged where the setting lives, in each audited region:
// - a stand-alone DB instance: its BackupRetentionPeriod (DescribeDBInstances, or the collector's
//   backup_retention_period column);
// - a cluster member (DBClusterIdentifier set: Aurora, Multi-AZ DB clusters): the retention is the
//   cluster's, so the cluster is judged once, on DescribeDBClusters' BackupRetentionPeriod (the
//   same read as 2.0-02 and 9.0-02), with its members listed; a cluster missing from that answer
//   (gone between the two reads) falls back to each member's own value, with a note;
// - a read replica (ReadReplicaSourceDBInstanceIdentifier or ReadReplicaSourceDBClusterIdentifier
//   set, and not a cluster member): not judged. Some engines cannot keep automated backups on a
//   replica and the copy it serves is its source's, which is judged itself. The replica gets a
//   SKIPPED evaluation with the reason, and the mapping evidence counts it (replicasNotJudged).
// A collector row that does not say whether the instance is a member or a replica (an old collector
// without db_cluster_identifier / read_replica_source_db_instance_identifier) is read from AWS
// (DescribeDBInstances of that instance) for that; if that read fails the instance is an ERROR,
// since it cannot be known where its retention is to be judged.
#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <optional>

#include "checks/fix.hpp"
#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Backup retention period (days)";
constexpr int kMinDays = 7;

// One cluster's members as listed (their own values serve the fallback).
using ClusterMembers = std::vector<storage::RdsValue>;

// A retention period as read (the collector may give it as any JSON number); empty when absent.
std::optional<std::int64_t> days_of(const json::value* v) {
    if (v == nullptr) return std::nullopt;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
    if (v->is_double()) return static_cast<std::int64_t>(v->get_double());
    return std::nullopt;
}

// Where the failing evaluation's retention lives: the cluster's (evidence from DescribeDBClusters)
// or the stand-alone instance's.
bool judged_on_cluster(const Evaluation& e) {
    return e.evidence_path.rfind("DBClusters", 0) == 0;
}

// The fix: the retention raised to the check's minimum (7 days), no more, since each extra day is
// more backup storage; a longer period is the operator's choice. ApplyImmediately, because without
// it a change from 0 waits for the maintenance window and the re-read would still fail. From 0 it
// turns automated backups on, which AWS says can cause an outage: high risk then. Undo puts back
// the period read just before; back to 0 turns automated backups off and deletes them.
class RdsBackupRetentionFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        if (const auto* c = failing.extra.if_contains("DBClusterIdentifier");
            c != nullptr && c->is_string())
            return unexpected("the instance is a member of cluster " + std::string(c->as_string()) +
                              ", whose retention is the cluster's, and the cluster was missing "
                              "from DescribeDBClusters' answer: audit again and fix the cluster");
        const bool cluster = judged_on_cluster(failing);
        FixPlan p;
        p.calls.push_back(modify(cluster, failing.resource_id, kMinDays));
        p.iam_actions = {cluster ? "rds:ModifyDBCluster" : "rds:ModifyDBInstance",
                         cluster ? "rds:DescribeDBClusters" : "rds:DescribeDBInstances"};
        // An evaluation that does not say where it was judged (policy --write plans for a
        // placeholder resource) may need either write.
        if (failing.evidence_path.empty())
            p.iam_actions.insert(p.iam_actions.end(),
                                 {"rds:ModifyDBCluster", "rds:DescribeDBClusters"});
        const auto before = days_of(&failing.observed_value);
        p.high_risk = !cluster && before.value_or(0) == 0;
        p.risk =
            "automated backups are kept 7 days (backup storage beyond the allocated size is "
            "billed); ApplyImmediately also applies any modification pending for the maintenance "
            "window";
        if (p.high_risk)
            p.risk +=
                "; automated backups are off now and turning them on can cause an outage of the "
                "instance";
        p.risk +=
            "; undo sets the period read before the fix (0 turns backups off and deletes "
            "them)";
        p.expected_after = kMinDays;
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        const bool cluster = judged_on_cluster(failing);
        auto doc = cluster ? aws.call("rds", "DescribeDBClusters",
                                      {{"DBClusterIdentifier", failing.resource_id}},
                                      {fix_region(failing, aws)})
                           : aws.call("rds", "DescribeDBInstances",
                                      {{"DBInstanceIdentifier", failing.resource_id}},
                                      {fix_region(failing, aws)});
        if (!doc) return unexpected(doc.error());
        const auto days = days_of(at_path(*doc, cluster ? "DBClusters[0].BackupRetentionPeriod"
                                                        : "DBInstances[0].BackupRetentionPeriod"));
        if (!days || *days >= kMinDays) return std::vector<FixCall>{};
        return std::vector<FixCall>{modify(cluster, failing.resource_id, *days)};
    }

  private:
    static FixCall modify(bool cluster, const std::string& id, std::int64_t days) {
        if (cluster)
            return {"rds",
                    "ModifyDBCluster",
                    {{"DBClusterIdentifier", id},
                     {"BackupRetentionPeriod", days},
                     {"ApplyImmediately", true}}};
        return {"rds",
                "ModifyDBInstance",
                {{"DBInstanceIdentifier", id},
                 {"BackupRetentionPeriod", days},
                 {"ApplyImmediately", true}}};
    }
};

class RdsBackupRetention final : public Check {
  public:
    const Fixer* fixer() const override {
        static const RdsBackupRetentionFixer f;
        return &f;
    }

    const CheckInfo& info() const override {
        static const CheckInfo i{"4.0-06",
                                 "RDS backup retention",
                                 "RDS",
                                 "medium",
                                 {"rds:DescribeDBInstances", "rds:DescribeDBClusters"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        std::vector<std::string> notes;
        std::size_t instances = 0, replicas = 0, clusters_judged = 0;
        auto rows = collector_rows(facts, "rds-instances", notes);
        for (const auto& region : scope.regions) {
            auto values =
                storage::rds_instance_values(facts, scope, region, rows, "BackupRetentionPeriod",
                                             "backup_retention_period", kField, evals);
            if (!values) continue;
            std::vector<std::string> cluster_order;
            std::map<std::string, ClusterMembers> clusters;
            for (auto& v : *values) {
                ++instances;
                if (v.error) {
                    evals.push_back(std::move(*v.error));
                    continue;
                }
                if (!v.membership_known) {
                    if (auto e = learn_membership(facts, scope, region, v)) {
                        evals.push_back(std::move(*e));
                        continue;
                    }
                }
                if (!v.cluster.empty()) {
                    auto [it, added] = clusters.try_emplace(v.cluster);
                    if (added) cluster_order.push_back(v.cluster);
                    it->second.push_back(std::move(v));
                    continue;
                }
                if (!v.replica_source.empty()) {
                    ++replicas;
                    evals.push_back(replica_not_judged(v, region, scope));
                    continue;
                }
                evals.push_back(
                    evaluate({"RDS", v.id, v.evidence_path, kField, engine::Comparator::ge,
                              kMinDays, std::move(v.observed), v.source, region, scope.account}));
            }
            if (clusters.empty()) continue;
            // Read only when there are members, as 9.0-02 does: the same cached read.
            auto doc = facts.aws_all_pages("rds", "DescribeDBClusters", {}, region);
            for (const auto& id : cluster_order) {
                clusters_judged += judge_cluster(doc, id, clusters[id], region, scope, evals);
            }
        }
        auto evidence = status_evidence(evals, "evaluated", "retentionCompliant");
        evidence["totalInstances"] = instances;
        evidence["clustersJudged"] = clusters_judged;
        evidence["replicasNotJudged"] = replicas;
        auto r = finish(info(), std::move(evals), std::move(evidence),
                        "no RDS DB instances in the audited regions");
        if (r.status == engine::Status::skipped && !r.reason)
            r.reason =
                "only read replicas in the audited regions: their backup retention is not "
                "judged (their sources are)";
        r.notes = std::move(notes);
        return r;
    }

  private:
    // A collector row without the membership columns: DescribeDBInstances of the instance says
    // whether it is a cluster member or a replica. An ERROR evaluation when that read failed.
    static std::optional<Evaluation> learn_membership(inventory::Facts& facts,
                                                      const CheckScope& scope,
                                                      const std::string& region,
                                                      storage::RdsValue& v) {
        auto doc =
            facts.aws("rds", "DescribeDBInstances", {{"DBInstanceIdentifier", v.id}}, region);
        if (!doc) {
            auto e = error_evaluation("RDS", v.id, kField, doc.error(), region, scope.account);
            e.extra["note"] =
                "the collector row does not say whether the instance is a cluster member or a "
                "read replica, and DescribeDBInstances failed: where its retention is set is "
                "unknown";
            return e;
        }
        v.cluster = string_at(*doc, "DBInstances[0].DBClusterIdentifier");
        for (const char* field :
             {"ReadReplicaSourceDBInstanceIdentifier", "ReadReplicaSourceDBClusterIdentifier"}) {
            if (auto s = string_at(*doc, std::string("DBInstances[0].") + field); !s.empty()) {
                v.replica_source = std::move(s);
                v.replica_source_field = std::string("DBInstances[0].") + field;
                break;
            }
        }
        v.membership_known = true;
        return std::nullopt;
    }

    static Evaluation replica_not_judged(const storage::RdsValue& v, const std::string& region,
                                         const CheckScope& scope) {
        Evaluation e;
        e.service = "RDS";
        e.resource_id = v.id;
        e.evidence_path = v.replica_source_field;
        e.checked_field = kField;
        e.comparator = engine::Comparator::ge;
        e.expected_value = kMinDays;
        e.observed_value = v.observed;
        e.passed = false;
        e.status = engine::Status::skipped;
        e.source = v.source;
        e.region = region;
        e.account = scope.account;
        e.decision = "read replica of \"" + v.replica_source +
                     "\": backup retention not judged on a replica \u2192 skipped";
        e.extra["readReplicaSource"] = v.replica_source;
        e.extra["reason"] =
            "read replica: automated backups are the source's concern (some engines cannot keep "
            "them on a replica); the source instance or cluster is judged";
        return e;
    }

    // One evaluation for the cluster (or, when it is missing from the answer, one per member on
    // its own value). Returns 1 when the cluster itself was judged.
    static std::size_t judge_cluster(const inventory::AwsResult& doc, const std::string& id,
                                     const ClusterMembers& c, const std::string& region,
                                     const CheckScope& scope, std::vector<Evaluation>& out) {
        json::array members;
        for (const auto& m : c)
            members.push_back(json::string(m.id));
        if (!doc) {
            auto e = error_evaluation("RDS", id, kField, doc.error(), region, scope.account);
            e.extra["members"] = std::move(members);
            out.push_back(std::move(e));
            return 0;
        }
        if (const auto* items = at_path(*doc, "DBClusters");
            items != nullptr && items->is_array()) {
            for (std::size_t i = 0; i < items->get_array().size(); ++i) {
                const auto& item = items->get_array()[i];
                if (string_at(item, "DBClusterIdentifier") != id) continue;
                json::object extra{
                    {"members", std::move(members)},
                    {"note",
                     "cluster members keep their automated backups on the cluster: the "
                     "cluster's BackupRetentionPeriod is judged"}};
                if (auto engine = string_at(item, "Engine"); !engine.empty())
                    extra["Engine"] = engine;
                out.push_back(
                    evaluate({"RDS", id, indexed("DBClusters", i, ".BackupRetentionPeriod"), kField,
                              engine::Comparator::ge, kMinDays,
                              storage::value_at(item, "BackupRetentionPeriod"),
                              engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
                return 1;
            }
        }
        // The cluster vanished between the two reads: each member on its own value.
        for (const auto& m : c) {
            out.push_back(
                evaluate({"RDS", m.id, m.evidence_path, kField, engine::Comparator::ge, kMinDays,
                          m.observed, m.source, region, scope.account,
                          json::object{{"DBClusterIdentifier", id},
                                       {"note",
                                        "the cluster is not in DescribeDBClusters' answer: the "
                                        "member's own value is judged"}}}));
        }
        return 0;
    }
};

}  // namespace

const Check& check_4_0_06_rds_backup_retention() {
    static const RdsBackupRetention check;
    return check;
}

}  // namespace dspm::checks
