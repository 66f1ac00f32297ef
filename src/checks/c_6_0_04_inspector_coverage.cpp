// 6.0-04 Inspector coverage: per resource Inspector covers, in every audited region, one
// evaluation: ListCoverage (every page, no filter) lists each resource Inspector knows of with its
// scanStatus; statusCode ACTIVE (being scanned) is COMPLIANT, INACTIVE is NON_COMPLIANT with the
// scanStatus.reason (unsupported OS, no SSM agent, scan eligibility expired, ...) in extra.
// Inspector is the control (Applicability::control): where BatchGetAccountStatus (no parameters:
// the caller's account) says the account's state is not ENABLED, the region is NON_COMPLIANT with
// the observed status, and coverage is not read. Resource types whose scanning is not ENABLED
// (resourceState.ec2 / ecr / lambda / lambdaCode / codeRepository) are named in the notes: their
// resources are absent from ListCoverage, so they get no evaluation — the check cannot see a
// resource Inspector does not cover. An enabled region that covers nothing gives a note; an
// account with nothing to judge is SKIPPED.
// A failed read is an ERROR naming the IAM action; an account BatchGetAccountStatus lists under
// failedAccounts is an ERROR with its errorCode.
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "checks/helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Inspector scan status of the resource";
constexpr const char* kStateField = "Inspector account status";

engine::MappingResult run(const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
    net::Evals evals;
    std::vector<std::string> notes;
    const std::string account = scope.account.empty() ? facts.account() : scope.account;
    const std::string account_id = account.empty() ? "account" : account;
    for (const auto& region : scope.regions) {
        auto status = facts.aws("inspector2", "BatchGetAccountStatus", {}, region);
        if (!status) {
            evals.push_back(error_evaluation("Inspector2", region, kStateField, status.error(),
                                             region, scope.account));
            continue;
        }
        const auto* accounts = at_path(*status, "accounts");
        const json::value* mine = nullptr;
        std::size_t index = 0;
        if (accounts != nullptr && accounts->is_array())
            for (std::size_t i = 0; i < accounts->get_array().size(); ++i) {
                const auto& a = accounts->get_array()[i];
                if (mine == nullptr || string_at(a, "accountId") == account) {
                    mine = &a;
                    index = i;
                }
            }
        if (mine == nullptr) {
            aws::AwsError e;
            e.kind = aws::ErrorKind::service;
            e.service = "inspector2";
            e.operation = "BatchGetAccountStatus";
            e.region = region;
            e.code = string_at(*status, "failedAccounts[0].errorCode");
            e.message = string_at(*status, "failedAccounts[0].errorMessage");
            if (e.code.empty()) e.code = "NoAccountStatus";
            evals.push_back(
                error_evaluation("Inspector2", region, kStateField, e, region, scope.account));
            continue;
        }
        const auto state = string_at(*mine, "state.status");
        if (state != "ENABLED") {
            json::object extra{{"accountId", account_id},
                               {"note", "Inspector is not enabled for the account in the region"}};
            evals.push_back(
                evaluate({"Inspector2", region, indexed("accounts", index, ".state.status"),
                          kStateField, engine::Comparator::eq, "ENABLED",
                          state.empty() ? json::value(nullptr) : json::value(state),
                          engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
            continue;
        }
        if (const auto* rs = at_path(*mine, "resourceState"); rs != nullptr && rs->is_object())
            for (const auto& kv : rs->get_object()) {
                const auto s = string_at(kv.value(), "status");
                if (!s.empty() && s != "ENABLED")
                    notes.push_back(region + ": " + std::string(kv.key()) + " scanning is " + s +
                                    " (its resources are not covered and not judged)");
            }
        auto covered = net::list_items(facts, scope, region, "Inspector2", "inspector2",
                                       "ListCoverage", {}, "coveredResources", kField, evals);
        if (!covered) continue;
        if (covered->empty()) {
            notes.push_back(region + ": Inspector is enabled and covers no resource");
            continue;
        }
        for (std::size_t i = 0; i < covered->size(); ++i) {
            const auto& res = (*covered)[i];
            json::object extra;
            for (const char* k : {"resourceType", "scanType", "scanMode", "lastScannedAt"})
                if (const auto* v = at_path(res, k); v != nullptr && !v->is_null()) extra[k] = *v;
            if (const auto* reason = at_path(res, "scanStatus.reason");
                reason && !reason->is_null())
                extra["reason"] = *reason;
            const auto* code = at_path(res, "scanStatus.statusCode");
            evals.push_back(evaluate(
                {"Inspector2", string_at(res, "resourceId"),
                 indexed("coveredResources", i, ".scanStatus.statusCode"), kField,
                 engine::Comparator::eq, "ACTIVE", code != nullptr ? *code : json::value(nullptr),
                 engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
        }
    }
    return net::result(info, std::move(evals), "total", "activelyScanned",
                       "Inspector covers no resource in the audited regions", std::move(notes));
}

}  // namespace

const Check& check_6_0_04_inspector_coverage() {
    static const net::FnCheck check(
        {"6.0-04",
         "Inspector2 Coverage",
         "Inspector2",
         "medium",
         {"inspector2:BatchGetAccountStatus", "inspector2:ListCoverage"},
         Reach::regional,
         Applicability::control},
        run);
    return check;
}

}  // namespace dspm::checks
