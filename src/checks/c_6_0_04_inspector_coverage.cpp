// 6.0-04 Inspector coverage: per resource Inspector covers, in every audited region, one
// evaluation: ListCoverage (every page, no filter) lists each resource Inspector knows of with its
// scanStatus; statusCode ACTIVE (being scanned) is COMPLIANT, INACTIVE is NON_COMPLIANT with the
// scanStatus.reason (unsupported OS, no SSM agent, scan eligibility expired, ...) in extra.
// Inspector is the control (Applicability::control): where BatchGetAccountStatus (no parameters:
// the caller's account) says the account's state is not ENABLED, the region is NON_COMPLIANT with
// the observed status, and coverage is not read. A resource type whose scanning is not ENABLED
// (resourceState.ec2 / ecr / lambda) leaves its resources out of ListCoverage, so they are listed
// from their own services (ec2 DescribeInstances: running instances, the ones Inspector scans;
// ecr DescribeRepositories; lambda ListFunctions) and each is NON_COMPLIANT with the type's
// status: an account scanning only its ECR images must not pass while its instances go unscanned.
// lambdaCode and codeRepository (extra scan kinds on top of the standard ones) are named in the
// notes. An enabled region that covers nothing gives a note; an account with nothing to judge is
// SKIPPED.
// A failed read is an ERROR naming the IAM action; an account BatchGetAccountStatus lists under
// failedAccounts is an ERROR with its errorCode.
#include <boost/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "checks/helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Inspector scan status of the resource";
constexpr const char* kStateField = "Inspector account status";
constexpr const char* kTypeField = "Inspector scanning of the resource type";

// The resources of a type whose Inspector scanning is off in the region: each NON_COMPLIANT.
void uncovered_type(inventory::Facts& facts, const CheckScope& scope, const std::string& region,
                    const std::string& key, const std::string& type_status, const std::string& path,
                    net::Evals& evals) {
    struct Kind {
        const char* label;
        const char* service;
        const char* operation;
        const char* items;
        const char* id;
        const char* resource_type;
    };
    const Kind kind = key == "ec2"   ? Kind{"EC2",          "ec2",        "DescribeInstances",
                                          "Reservations", "InstanceId", "AWS_EC2_INSTANCE"}
                      : key == "ecr" ? Kind{"ECR",
                                            "ecr",
                                            "DescribeRepositories",
                                            "repositories",
                                            "repositoryName",
                                            "AWS_ECR_REPOSITORY"}
                                     : Kind{"Lambda",    "lambda",       "ListFunctions",
                                            "Functions", "FunctionName", "AWS_LAMBDA_FUNCTION"};
    auto items = net::list_items(facts, scope, region, kind.label, kind.service, kind.operation, {},
                                 kind.items, kTypeField, evals);
    if (!items) return;
    std::vector<const json::value*> resources;
    for (const auto& item : *items) {
        if (key != "ec2") {
            resources.push_back(&item);
            continue;
        }
        // Reservations[].Instances[]: Inspector scans running instances only.
        if (const auto* inst = at_path(item, "Instances"); inst != nullptr && inst->is_array())
            for (const auto& i : inst->get_array())
                if (string_at(i, "State.Name") == "running") resources.push_back(&i);
    }
    for (const auto* r : resources) {
        json::object extra{{"resourceType", kind.resource_type},
                           {"note", key + " scanning is " + type_status +
                                        " in the region: Inspector does not scan this resource"}};
        evals.push_back(
            evaluate({"Inspector2", string_at(*r, kind.id), path, kTypeField,
                      engine::Comparator::eq, "ENABLED", json::value(type_status),
                      engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
    }
}

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
        std::vector<std::pair<std::string, std::string>> off;  // (type key, its status)
        if (const auto* rs = at_path(*mine, "resourceState"); rs != nullptr && rs->is_object())
            for (const auto& kv : rs->get_object()) {
                const auto s = string_at(kv.value(), "status");
                if (s.empty() || s == "ENABLED") continue;
                const std::string key(kv.key());
                if (key == "ec2" || key == "ecr" || key == "lambda")
                    off.emplace_back(key, s);
                else
                    notes.push_back(region + ": " + key + " scanning is " + s);
            }
        for (const auto& [key, type_status] : off)
            uncovered_type(facts, scope, region, key, type_status,
                           indexed("accounts", index, ".resourceState." + key + ".status"), evals);
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
         {"inspector2:BatchGetAccountStatus", "inspector2:ListCoverage", "ec2:DescribeInstances",
          "ecr:DescribeRepositories", "lambda:ListFunctions"},
         Reach::regional,
         Applicability::control},
        run);
    return check;
}

}  // namespace dspm::checks
