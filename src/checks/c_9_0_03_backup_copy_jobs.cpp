// 9.0-03 AWS Backup copies to a DR destination: per backup plan, in every audited region, one
// evaluation: some rule of the plan (GetBackupPlan: BackupPlan.Rules[].CopyActions[]) copies its
// recovery points to a vault in another region or another account, read from the
// DestinationBackupVaultArn (arn:<partition>:backup:<region>:<account>:backup-vault:<name>). A copy
// into a vault of the plan's own region and account survives neither the loss of the region nor
// that of the account, so it does not count; nor does a destination that is not a vault ARN.
// Backup plans are the control of DR backup (Applicability::control): a region without any plan
// (ListBackupPlans, every page) has nothing that copies and is NON_COMPLIANT for that region.
// Copy job history (ListCopyJobs, every page, no parameters) is evidence, not the verdict: each
// plan's jobs (CreatedBy.BackupPlanId) are counted by State (COMPLETED vs FAILED / PARTIAL, the
// others as in progress). AWS Backup keeps job history for a limited time only, so no job does not
// mean the rule never ran, and a failed history read is a note, not a changed verdict.
// A failed plan list is an ERROR for its region, a failed GetBackupPlan an ERROR for that plan,
// both naming the IAM action.
#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Copy actions to a vault in another region or account";
constexpr const char* kPath = "BackupPlan.Rules[*].CopyActions[*].DestinationBackupVaultArn";
constexpr const char* kHistoryNote =
    "ListCopyJobs only answers the job history AWS Backup still keeps (a limited period): no "
    "job does not mean the copy rule never ran";

struct VaultArn {
    std::string region;
    std::string account;
};

// arn:<partition>:backup:<region>:<account>:backup-vault:<name>; nullopt for anything else.
std::optional<VaultArn> parse_vault_arn(std::string_view arn) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (int i = 0; i < 6; ++i) {
        const auto pos = arn.find(':', start);
        if (pos == std::string_view::npos) return std::nullopt;
        parts.push_back(arn.substr(start, pos - start));
        start = pos + 1;
    }
    if (parts[0] != "arn" || parts[2] != "backup" || parts[5] != "backup-vault" ||
        parts[3].empty() || parts[4].empty() || start >= arn.size())
        return std::nullopt;
    return VaultArn{std::string(parts[3]), std::string(parts[4])};
}

struct JobCounts {
    std::size_t completed = 0, failed = 0, partial = 0, other = 0;
};

Evaluation judge_plan(const json::value& doc, const std::string& plan_arn,
                      const std::string& region, const std::string& account,
                      const CheckScope& scope, json::object extra) {
    json::array actions;
    std::size_t qualifying = 0, total = 0;
    const auto* rules = at_path(doc, "BackupPlan.Rules");
    const std::size_t n_rules =
        rules != nullptr && rules->is_array() ? rules->get_array().size() : 0;
    for (std::size_t i = 0; i < n_rules; ++i) {
        const auto& rule = rules->get_array()[i];
        const auto* copies = at_path(rule, "CopyActions");
        if (copies == nullptr || !copies->is_array()) continue;
        for (std::size_t j = 0; j < copies->get_array().size(); ++j) {
            ++total;
            const auto dest = string_at(copies->get_array()[j], "DestinationBackupVaultArn");
            json::object a{{"path", indexed(indexed("BackupPlan.Rules", i, ".CopyActions"), j,
                                            ".DestinationBackupVaultArn")},
                           {"RuleName", string_at(rule, "RuleName")},
                           {"DestinationBackupVaultArn", dest}};
            bool counts = false;
            if (auto v = parse_vault_arn(dest)) {
                a["destinationRegion"] = v->region;
                a["destinationAccount"] = v->account;
                const bool other_region = v->region != region;
                const bool other_account = !account.empty() && v->account != account;
                a["crossRegion"] = other_region;
                a["crossAccount"] = other_account;
                counts = other_region || other_account;
                if (!counts) a["reason"] = "same region and same account as the plan";
            } else {
                a["reason"] = "the destination is not a backup vault ARN";
            }
            a["counts"] = counts;
            qualifying += counts;
            actions.push_back(std::move(a));
        }
    }
    extra["copyActions"] = std::move(actions);
    extra["rules"] = n_rules;
    if (qualifying == 0)
        extra["note"] = n_rules == 0 ? "the plan has no rules"
                        : total == 0 ? "no rule of the plan has a copy action"
                                     : "every copy action stays in the plan's region and account";
    return evaluate({"Backup", plan_arn, kPath, kField, engine::Comparator::ge, 1, qualifying,
                     engine::Source::aws_sdk, region, scope.account, std::move(extra)});
}

engine::MappingResult run(const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
    net::Evals evals;
    std::vector<std::string> notes;
    const std::string account = scope.account.empty() ? facts.account() : scope.account;
    std::size_t regions_without_plan = 0;
    for (const auto& region : scope.regions) {
        auto plans = net::list_items(facts, scope, region, "Backup", "backup", "ListBackupPlans",
                                     {}, "BackupPlansList", "Backup plans", evals);
        if (!plans) continue;
        if (plans->empty()) {
            ++regions_without_plan;
            evals.push_back(
                evaluate({"Backup", region, "BackupPlansList", kField, engine::Comparator::ge, 1, 0,
                          engine::Source::aws_sdk, region, scope.account,
                          json::object{{"note",
                                        "no AWS Backup plan in the region: nothing copies its "
                                        "recovery points to a DR destination"}}}));
            continue;
        }
        // Copy job history, per plan id: evidence only (see the header).
        std::map<std::string, JobCounts> jobs;
        std::optional<json::object> history_unread;
        auto history = facts.aws_all_pages("backup", "ListCopyJobs", {}, region);
        if (history) {
            const auto* list = at_path(*history, "CopyJobs");
            if (list != nullptr && list->is_array())
                for (const auto& job : list->get_array()) {
                    auto& c = jobs[string_at(job, "CreatedBy.BackupPlanId")];
                    const auto state = string_at(job, "State");
                    if (state == "COMPLETED")
                        ++c.completed;
                    else if (state == "FAILED")
                        ++c.failed;
                    else if (state == "PARTIAL")
                        ++c.partial;
                    else
                        ++c.other;
                }
        } else {
            const auto& err = history.error();
            json::object u{
                {"read", false},
                {"error", err.code.empty() ? std::string(aws::to_string(err.kind)) : err.code}};
            if (!err.iam_action.empty()) u["missingPermissions"] = json::array{err.iam_action};
            history_unread = std::move(u);
            notes.push_back(region + ": the copy job history could not be read (" +
                            (err.iam_action.empty() ? err.code : err.iam_action) +
                            "); the plans are judged on their copy rules alone");
        }
        auto judged = net::per_resource(plans->size(), scope.fanout, [&](std::size_t i) {
            net::Evals one;
            const auto& summary = (*plans)[i];
            const auto id = string_at(summary, "BackupPlanId");
            auto arn = string_at(summary, "BackupPlanArn");
            if (arn.empty()) arn = id;
            if (id.empty()) return one;
            auto doc = facts.aws("backup", "GetBackupPlan", {{"BackupPlanId", id}}, region);
            if (!doc) {
                one.push_back(
                    error_evaluation("Backup", arn, kField, doc.error(), region, scope.account));
                return one;
            }
            json::object extra{{"BackupPlanId", id},
                               {"BackupPlanName", string_at(summary, "BackupPlanName")}};
            if (history_unread) {
                extra["copyJobs"] = *history_unread;
            } else {
                const auto it = jobs.find(id);
                const JobCounts c = it == jobs.end() ? JobCounts{} : it->second;
                extra["copyJobs"] = json::object{{"completed", c.completed},
                                                 {"failed", c.failed},
                                                 {"partial", c.partial},
                                                 {"inProgressOrOther", c.other},
                                                 {"note", kHistoryNote}};
            }
            one.push_back(judge_plan(*doc, arn, region, account, scope, std::move(extra)));
            return one;
        });
        for (auto& e : judged)
            evals.push_back(std::move(e));
    }
    auto r = net::result(info, std::move(evals), "total", "plansCopyingToDr", "no audited regions",
                         std::move(notes));
    r.evidence["regionsWithoutPlan"] = regions_without_plan;
    return r;
}

}  // namespace

const Check& check_9_0_03_backup_copy_jobs() {
    static const net::FnCheck check(
        {"9.0-03",
         "AWS Backup Copy",
         "Backup",
         "medium",
         {"backup:ListBackupPlans", "backup:GetBackupPlan", "backup:ListCopyJobs"},
         Reach::regional,
         Applicability::control},
        run);
    return check;
}

}  // namespace dspm::checks
