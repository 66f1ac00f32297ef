#include "fix/service.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <set>

#include "aws/client.hpp"
#include "aws/credentials.hpp"  // format_iso8601
#include "aws/endpoints.hpp"    // global_region_of
#include "engine/engine.hpp"
#include "engine/filter.hpp"
#include "store/store.hpp"

namespace dspm::fix {

namespace json = boost::json;

namespace {

constexpr const char* kPlanKind = "fix-plan";
constexpr const char* kFixKind = "fix";

Failure fail(FailureKind kind, std::string detail) {
    return Failure{kind, std::move(detail)};
}

std::string now_text() {
    return aws::format_iso8601(std::chrono::system_clock::now());
}

}  // namespace

FixService::FixService(Settings settings, std::shared_ptr<engine::Engine> engine,
                       std::shared_ptr<aws::AwsClient> aws, std::shared_ptr<store::RunStore> store)
    : settings_(std::move(settings)),
      engine_(std::move(engine)),
      aws_(std::move(aws)),
      store_(std::move(store)) {}

std::string FixService::caller_arn() {
    auto who = aws_->call("sts", "GetCallerIdentity", {});
    if (!who || !who->is_object()) return {};
    const auto* arn = who->as_object().if_contains("Arn");
    return arn && arn->is_string() ? std::string(arn->as_string()) : std::string{};
}

Runner FixService::runner(const std::string& account, const std::vector<std::string>& regions) {
    checks::CheckScope scope;
    scope.account = account;
    scope.regions = regions.empty() ? std::vector<std::string>{settings_.aws_region} : regions;
    scope.global_region = aws::global_region_of(settings_.aws_region);
    scope.sso_permission_set_max = settings_.sso_permission_set_max;
    scope.sso_admin_allowlist = settings_.sso_admin_allowlist;
    return Runner(aws_, scope);
}

Expected<PlanAnswer, Failure> FixService::plan(const std::string& framework,
                                               const std::optional<std::string>& requirement,
                                               const std::vector<std::string>& regions,
                                               const PlanOptions& options) {
    auto audit_plan = engine_->plan(framework, requirement);
    if (!audit_plan)
        return unexpected(fail(audit_plan.error().kind == catalog::CatalogErrorKind::not_found
                                   ? FailureKind::not_found
                                   : FailureKind::upstream,
                               audit_plan.error().detail));
    // Only the checks whose fixes are asked for run (a plan for one code audits one code).
    if (!options.only_codes.empty()) {
        engine::PlanFilter filter;
        filter.checks = options.only_codes;
        if (engine::apply_filter(*audit_plan, filter) == 0)
            return unexpected(
                fail(FailureKind::not_found,
                     "no requirement in scope is checked by " + options.only_codes.front() +
                         (options.only_codes.size() > 1 ? " or the other codes" : "")));
    }
    engine::RunOptions run_options;
    run_options.regions = regions;
    const auto run = engine_->run(*audit_plan, run_options);
    PlanAnswer answer;
    answer.plan = make_plan(run, store::new_run_id(std::chrono::system_clock::now()), options);
    if (!store_) {
        answer.stored = false;
        answer.store_error = "no run store";
        return answer;
    }
    if (auto put = store_->put_record(kPlanKind, answer.plan.plan_id, answer.plan.expires_at,
                                      json::serialize(answer.plan.to_json()));
        !put) {
        answer.stored = false;
        answer.store_error = put.error();
    }
    return answer;
}

Expected<FixRecord, Failure> FixService::apply(const std::string& framework,
                                               const std::optional<std::string>& requirement,
                                               const std::string& plan_id,
                                               const ApplyRequest& request,
                                               const std::string& client) {
    if (!store::valid_run_id(plan_id))
        return unexpected(fail(FailureKind::bad_request, "plan_id: malformed"));
    if (!store_) return unexpected(fail(FailureKind::unavailable, "no run store"));
    auto body = store_->get_record(kPlanKind, plan_id);
    if (!body) return unexpected(fail(FailureKind::unavailable, body.error()));
    if (!*body) return unexpected(fail(FailureKind::not_found, "no plan " + plan_id));
    boost::system::error_code ec;
    const auto parsed = json::parse(**body, ec);
    auto plan = ec ? Expected<Plan, std::string>(unexpected(std::string("unreadable")))
                   : Plan::from_json(parsed);
    if (!plan) return unexpected(fail(FailureKind::unavailable, "stored plan: " + plan.error()));
    // Plans are made for one question: the same route must ask it (a requirement given by its
    // numeric id is the same question as by its item code).
    std::string asked = "_all";
    if (requirement) {
        auto resolved = engine_->plan(framework, requirement);
        if (!resolved || resolved->requirements.empty())
            return unexpected(fail(FailureKind::not_found, resolved
                                                               ? "no requirement " + *requirement
                                                               : resolved.error().detail));
        asked = resolved->requirements.front().item_code;
    }
    auto lower = [](std::string s) {
        for (auto& c : s)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    if (lower(plan->framework) != lower(framework) || plan->requirement_id != asked)
        return unexpected(fail(
            FailureKind::conflict,
            "plan " + plan_id + " was made for " + plan->framework + " " + plan->requirement_id));
    if (plan->expires_at < now_text())
        return unexpected(fail(FailureKind::conflict, "plan " + plan_id + " expired at " +
                                                          plan->expires_at + ": make a new one"));
    return apply(*plan, request, client);
}

Expected<FixRecord, Failure> FixService::apply(const Plan& plan, const ApplyRequest& request,
                                               const std::string& client) {
    std::set<std::string> known;
    for (const auto& a : plan.actions)
        known.insert(a.id);
    for (const auto& id : request.action_ids)
        if (!known.contains(id))
            return unexpected(fail(FailureKind::bad_request,
                                   "actions: " + id + " is not an action of plan " + plan.plan_id));
    if (!request.all && request.action_ids.empty())
        return unexpected(fail(FailureKind::bad_request, "actions: list action ids, or \"all\""));
    if (!store_) return unexpected(fail(FailureKind::unavailable, "no run store"));
    FixRecord record;
    record.fix_id = store::new_run_id(std::chrono::system_clock::now());
    record.kind = "apply";
    record.plan_id = plan.plan_id;
    record.created_at = now_text();
    record.caller_arn = caller_arn();
    record.client = client;
    record.framework = plan.framework;
    record.requirement_id = plan.requirement_id;
    // Recorded before the first write: a write whose undo could not be kept is never made.
    if (auto put =
            store_->put_record(kFixKind, record.fix_id, "", json::serialize(record.to_json()));
        !put)
        return unexpected(fail(FailureKind::unavailable,
                               "the fix record cannot be stored, nothing written: " + put.error()));
    std::vector<std::string> regions;
    for (const auto& a : plan.actions)
        if (std::find(regions.begin(), regions.end(), a.region) == regions.end())
            regions.push_back(a.region);
    record.results = runner(plan.account, regions).apply(plan, request);
    if (auto put =
            store_->put_record(kFixKind, record.fix_id, "", json::serialize(record.to_json()));
        !put)
        return unexpected(
            fail(FailureKind::unavailable, "applied, but the results could not be stored (fix " +
                                               record.fix_id + "): " + put.error()));
    return record;
}

Expected<FixRecord, Failure> FixService::undo(const std::string& fix_id,
                                              const std::string& client) {
    if (!store::valid_run_id(fix_id))
        return unexpected(fail(FailureKind::bad_request, "fix_id: malformed"));
    if (!store_) return unexpected(fail(FailureKind::unavailable, "no run store"));
    auto body = store_->get_record(kFixKind, fix_id);
    if (!body) return unexpected(fail(FailureKind::unavailable, body.error()));
    if (!*body) return unexpected(fail(FailureKind::not_found, "no fix " + fix_id));
    boost::system::error_code ec;
    const auto parsed = json::parse(**body, ec);
    auto applied = ec ? Expected<FixRecord, std::string>(unexpected(std::string("unreadable")))
                      : FixRecord::from_json(parsed);
    if (!applied)
        return unexpected(fail(FailureKind::unavailable, "stored fix: " + applied.error()));
    if (applied->kind != "apply")
        return unexpected(fail(FailureKind::conflict, fix_id + " is an undo, not an apply"));
    FixRecord record;
    record.fix_id = store::new_run_id(std::chrono::system_clock::now());
    record.kind = "undo";
    record.plan_id = applied->plan_id;
    record.undoes = fix_id;
    record.created_at = now_text();
    record.caller_arn = caller_arn();
    record.client = client;
    record.framework = applied->framework;
    record.requirement_id = applied->requirement_id;
    if (auto put =
            store_->put_record(kFixKind, record.fix_id, "", json::serialize(record.to_json()));
        !put)
        return unexpected(
            fail(FailureKind::unavailable,
                 "the undo record cannot be stored, nothing written: " + put.error()));
    std::vector<std::string> regions;
    for (const auto& r : applied->results)
        regions.push_back(r.region);
    std::string account;
    if (auto p = store_->get_record(kPlanKind, applied->plan_id); p && *p) {
        boost::system::error_code pec;
        const auto pv = json::parse(**p, pec);
        if (!pec)
            if (auto plan = Plan::from_json(pv)) account = plan->account;
    }
    record.results = runner(account, regions).undo(*applied);
    if (auto put =
            store_->put_record(kFixKind, record.fix_id, "", json::serialize(record.to_json()));
        !put)
        return unexpected(fail(FailureKind::unavailable,
                               "undone, but the results could not be stored: " + put.error()));
    return record;
}

}  // namespace dspm::fix
