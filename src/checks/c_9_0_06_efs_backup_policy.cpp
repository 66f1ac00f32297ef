// 9.0-06 EFS backup policy: every EFS file system in each audited region has automatic backups
// (BackupPolicy.Status ENABLED). No backup policy (PolicyNotFound) fails; ENABLING is not yet on.
#include <boost/json.hpp>

#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kPath = "BackupPolicy.Status";
constexpr const char* kField = "Backup policy status";

class EfsBackupPolicy final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "9.0-06",
            "EFS Backup Policy",
            "EFS",
            "medium",
            {"elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeBackupPolicy"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        for (const auto& region : scope.regions) {
            auto doc = facts.aws_all_pages("efs", "DescribeFileSystems", {}, region);
            if (!doc) {
                evals.push_back(error_evaluation("EFS", "*", "File system list", doc.error(),
                                                 region, scope.account));
                continue;
            }
            std::vector<std::string> ids;
            if (const auto* items = at_path(*doc, "FileSystems");
                items != nullptr && items->is_array()) {
                for (const auto& fs : items->get_array())
                    if (auto id = string_at(fs, "FileSystemId"); !id.empty()) ids.push_back(id);
            }
            storage::judge_each(
                ids, scope.fanout,
                [&](const std::string& id) {
                    auto policy =
                        facts.aws("efs", "DescribeBackupPolicy", {{"FileSystemId", id}}, region);
                    if (!policy) {
                        if (is_error_code(policy.error(), "PolicyNotFound"))
                            return storage::not_configured(
                                "EFS", id, kPath, kField, engine::Comparator::eq, "ENABLED", region,
                                scope.account, "no backup policy");
                        return error_evaluation("EFS", id, kField, policy.error(), region,
                                                scope.account);
                    }
                    return evaluate({"EFS", id, kPath, kField, engine::Comparator::eq, "ENABLED",
                                     storage::value_at(*policy, kPath), engine::Source::aws_sdk,
                                     region, scope.account});
                },
                evals);
        }
        auto evidence = status_evidence(evals, "totalFileSystems", "backupEnabled");
        return finish(info(), std::move(evals), std::move(evidence),
                      "no EFS file systems in the audited regions");
    }
};

}  // namespace

const Check& check_9_0_06_efs_backup_policy() {
    static const EfsBackupPolicy check;
    return check;
}

}  // namespace dspm::checks
