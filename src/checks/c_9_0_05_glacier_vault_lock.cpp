// 9.0-05 Glacier Vault Lock: every Glacier vault in each audited region has a vault lock in State
// "Locked". The catalog's "InCompliance" is not a value GetVaultLock returns (its State is
// InProgress or Locked); InProgress is a lock that can still be aborted, so it fails. A vault
// without a lock policy (ResourceNotFoundException) fails; no vaults at all is SKIPPED (Glacier
// vaults are optional storage, not the control itself).
#include <boost/json.hpp>

#include "checks/fix.hpp"
#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Vault Lock state";

// Manual: a completed vault lock makes the vault's lock policy immutable for good (no undo), and
// that policy (who may delete archives, after how long) is the operator's to write.
class GlacierVaultLockFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        (void)failing;
        return unexpected(std::string(
            "a Glacier Vault Lock cannot be undone: once CompleteVaultLock runs, the lock "
            "policy can never be changed or removed. The policy (which deletions it denies, the "
            "retention it enforces) is the operator's to write; InitiateVaultLock gives 24 hours "
            "to test it and abort before completing"));
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        (void)aws;
        (void)failing;
        return std::vector<FixCall>{};
    }
};

class GlacierVaultLock final : public Check {
  public:
    const Fixer* fixer() const override {
        static const GlacierVaultLockFixer f;
        return &f;
    }

    const CheckInfo& info() const override {
        static const CheckInfo i{"9.0-05",
                                 "Glacier Vault Lock",
                                 "Glacier",
                                 "low",
                                 {"glacier:ListVaults", "glacier:GetVaultLock"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        for (const auto& region : scope.regions) {
            // "-" is the caller's own account, as in the AWS CLI.
            auto doc = facts.aws_all_pages("glacier", "ListVaults", {{"accountId", "-"}}, region);
            if (!doc) {
                evals.push_back(error_evaluation("Glacier", "*", "Vault list", doc.error(), region,
                                                 scope.account));
                continue;
            }
            std::vector<std::string> names;
            if (const auto* items = at_path(*doc, "VaultList");
                items != nullptr && items->is_array()) {
                for (const auto& v : items->get_array())
                    if (auto n = string_at(v, "VaultName"); !n.empty()) names.push_back(n);
            }
            storage::judge_each(
                names, scope.fanout,
                [&](const std::string& vault) {
                    auto lock = facts.aws("glacier", "GetVaultLock",
                                          {{"accountId", "-"}, {"vaultName", vault}}, region);
                    if (!lock) {
                        if (is_error_code(lock.error(), "ResourceNotFoundException"))
                            return storage::not_configured("Glacier", vault, "State", kField,
                                                           engine::Comparator::eq, "Locked", region,
                                                           scope.account, "no vault lock policy");
                        return error_evaluation("Glacier", vault, kField, lock.error(), region,
                                                scope.account);
                    }
                    return evaluate({"Glacier", vault, "State", kField, engine::Comparator::eq,
                                     "Locked", storage::value_at(*lock, "State"),
                                     engine::Source::aws_sdk, region, scope.account});
                },
                evals);
        }
        auto evidence = status_evidence(evals, "totalVaults", "locked");
        return finish(info(), std::move(evals), std::move(evidence),
                      "no Glacier vaults in the audited regions");
    }
};

}  // namespace

const Check& check_9_0_05_glacier_vault_lock() {
    static const GlacierVaultLock check;
    return check;
}

}  // namespace dspm::checks
