// 9.0-06 EFS backup policy: every EFS file system in each audited region has automatic backups
// (BackupPolicy.Status ENABLED). No backup policy (PolicyNotFound) fails; ENABLING is not yet on.
#include <boost/json.hpp>

#include "checks/fix.hpp"
#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kPath = "BackupPolicy.Status";
constexpr const char* kField = "Backup policy status";

// The fix: the file system's automatic backups on. AWS Backup then backs it up daily into the
// account's default EFS vault (aws/efs/automatic-backup-vault, 35-day retention), billed as backup
// storage; the file system's clients see nothing. EFS has no call that removes a backup policy, so
// the undo of a file system that had none sets DISABLED (still failing, as before); one that was
// DISABLED goes back to DISABLED. Recovery points taken meanwhile stay in the vault.
class EfsBackupPolicyFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        FixPlan p;
        p.calls.push_back(
            {"efs",
             "PutBackupPolicy",
             {{"FileSystemId", failing.resource_id}, {"BackupPolicy", {{"Status", "ENABLED"}}}}});
        p.iam_actions = {"elasticfilesystem:PutBackupPolicy",
                         "elasticfilesystem:DescribeBackupPolicy"};
        p.risk =
            "AWS Backup backs the file system up daily into aws/efs/automatic-backup-vault (35-day "
            "retention), billed as backup storage; clients are not affected; undo sets the policy "
            "DISABLED and leaves the recovery points taken meanwhile";
        p.expected_after = "ENABLED";
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        auto doc = aws.call("efs", "DescribeBackupPolicy", {{"FileSystemId", failing.resource_id}},
                            {fix_region(failing, aws)});
        if (!doc && !is_error_code(doc.error(), "PolicyNotFound")) return unexpected(doc.error());
        if (doc) {
            const auto status = string_at(*doc, kPath);
            if (status == "ENABLED" || status == "ENABLING") return std::vector<FixCall>{};
        }
        return std::vector<FixCall>{
            {"efs",
             "PutBackupPolicy",
             {{"FileSystemId", failing.resource_id}, {"BackupPolicy", {{"Status", "DISABLED"}}}}}};
    }
};

class EfsBackupPolicy final : public Check {
  public:
    const Fixer* fixer() const override {
        static const EfsBackupPolicyFixer f;
        return &f;
    }

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
