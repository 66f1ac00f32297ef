// 4.0-04 AWS Backup Vault Lock: every backup vault in each audited region is Locked. A region
// without any backup vault fails ("no backup vault") rather than being SKIPPED: backups are the
// control this mapping audits, so their absence is a finding, not "not applicable".
#include <boost/json.hpp>

#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Vault Lock";

class BackupVaultLock final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"4.0-04",
                                 "AWS Backup Vault Lock",
                                 "Backup",
                                 "medium",
                                 {"backup:ListBackupVaults"},
                                 Reach::regional,
                                 Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        std::size_t vaults = 0;
        for (const auto& region : scope.regions) {
            auto doc = facts.aws_all_pages("backup", "ListBackupVaults", {}, region);
            if (!doc) {
                evals.push_back(error_evaluation("Backup", "*", "Backup vault list", doc.error(),
                                                 region, scope.account));
                continue;
            }
            const auto* items = at_path(*doc, "BackupVaultList");
            if (items == nullptr || !items->is_array() || items->get_array().empty()) {
                evals.push_back(
                    evaluate({"Backup", region, "BackupVaultList", "Backup vaults",
                              engine::Comparator::ge, 1, 0, engine::Source::aws_sdk, region,
                              scope.account, json::object{{"note", "no backup vault"}}}));
                continue;
            }
            for (std::size_t i = 0; i < items->get_array().size(); ++i) {
                const auto& v = items->get_array()[i];
                ++vaults;
                json::object extra;
                for (const char* k : {"MinRetentionDays", "MaxRetentionDays", "LockDate"})
                    if (const auto* x = at_path(v, k)) extra[k] = *x;
                // A vault never locked has no Locked member: that is "not locked".
                auto locked = storage::value_at(v, "Locked");
                if (locked.is_null()) locked = false;
                evals.push_back(
                    evaluate({"Backup", string_at(v, "BackupVaultName"),
                              indexed("BackupVaultList", i, ".Locked"), kField,
                              engine::Comparator::eq, true, std::move(locked),
                              engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
            }
        }
        auto evidence = status_evidence(evals, "totalVaults", "locked");
        evidence["totalVaults"] = vaults;
        return finish(info(), std::move(evals), std::move(evidence), "no audited regions");
    }
};

}  // namespace

const Check& check_4_0_04_backup_vault_lock() {
    static const BackupVaultLock check;
    return check;
}

}  // namespace dspm::checks
