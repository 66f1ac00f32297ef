// 2.0-02 RDS storage encryption: every DB instance and every DB cluster in each audited region has
// StorageEncrypted == true.
#include <boost/json.hpp>

#include "checks/all.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

class RdsEncryption final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "2.0-02", "RDS", "RDS", "high", {"rds:DescribeDBInstances", "rds:DescribeDBClusters"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> instances, clusters;
        std::vector<std::string> notes;
        auto rows = collector_rows(facts, "rds-instances", notes);
        for (const auto& region : scope.regions) {
            if (rows) {
                for (const auto* row : rows_in_region(*rows, region, facts.default_region()))
                    instances.push_back(from_row(facts, scope, region, *row));
            } else {
                list(facts, scope, region, "DescribeDBInstances", "DBInstances",
                     "DBInstanceIdentifier", "DB instance", instances);
            }
            list(facts, scope, region, "DescribeDBClusters", "DBClusters", "DBClusterIdentifier",
                 "DB cluster", clusters);
        }
        json::object evidence = status_evidence(instances, "totalInstances", "encryptedInstances");
        auto ce = status_evidence(clusters, "totalClusters", "encryptedClusters");
        evidence["totalClusters"] = ce["totalClusters"];
        evidence["encryptedClusters"] = ce["encryptedClusters"];
        evidence["nonCompliant"] = evidence["nonCompliant"].to_number<std::size_t>() +
                                   ce["nonCompliant"].to_number<std::size_t>();
        evidence["errors"] =
            evidence["errors"].to_number<std::size_t>() + ce["errors"].to_number<std::size_t>();
        instances.insert(instances.end(), std::make_move_iterator(clusters.begin()),
                         std::make_move_iterator(clusters.end()));
        auto r = finish(info(), std::move(instances), std::move(evidence),
                        "no RDS DB instances or clusters in the audited regions");
        r.notes = std::move(notes);
        return r;
    }

  private:
    static void list(inventory::Facts& facts, const CheckScope& scope, const std::string& region,
                     const char* operation, const char* key, const char* id_field, const char* what,
                     std::vector<Evaluation>& out) {
        auto doc = facts.aws_all_pages("rds", operation, {}, region);
        if (!doc) {
            out.push_back(error_evaluation("RDS", "*", std::string(what) + " list", doc.error(),
                                           region, scope.account));
            return;
        }
        const auto* items = at_path(*doc, key);
        if (items == nullptr || !items->is_array()) return;
        for (std::size_t i = 0; i < items->get_array().size(); ++i) {
            const auto& item = items->get_array()[i];
            const auto* v = at_path(item, "StorageEncrypted");
            out.push_back(
                evaluate({"RDS", string_at(item, id_field), indexed(key, i, ".StorageEncrypted"),
                          std::string(what) + " storage encryption", engine::Comparator::eq, true,
                          v != nullptr ? *v : json::value(nullptr), engine::Source::aws_sdk, region,
                          scope.account}));
        }
    }

    static Evaluation from_row(inventory::Facts& facts, const CheckScope& scope,
                               const std::string& region, const json::object& row) {
        const std::string id = first_string(row, {"db_instance_identifier", "name"});
        if (const auto* v = row.if_contains("storage_encrypted")) {
            return evaluate({"RDS", id, "storage_encrypted", "DB instance storage encryption",
                             engine::Comparator::eq, true, *v, engine::Source::collector, region,
                             scope.account});
        }
        // An old collector without the column: read this instance from AWS.
        auto doc = facts.aws("rds", "DescribeDBInstances", {{"DBInstanceIdentifier", id}}, region);
        if (!doc) {
            return error_evaluation("RDS", id, "DB instance storage encryption", doc.error(),
                                    region, scope.account);
        }
        const auto* v = at_path(*doc, "DBInstances[0].StorageEncrypted");
        return evaluate({"RDS", id, "DBInstances[0].StorageEncrypted",
                         "DB instance storage encryption", engine::Comparator::eq, true,
                         v != nullptr ? *v : json::value(nullptr), engine::Source::aws_sdk, region,
                         scope.account});
    }
};

}  // namespace

const Check& check_2_0_02_rds_encryption() {
    static const RdsEncryption check;
    return check;
}

}  // namespace dspm::checks
