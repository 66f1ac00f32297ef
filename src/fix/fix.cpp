#include "fix/fix.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <map>
#include <set>

#include "aws/client.hpp"
#include "aws/credentials.hpp"  // format_iso8601
#include "aws/iam_actions.hpp"
#include "aws/sigv4.hpp"  // sha256_hex
#include "inventory/facts.hpp"

namespace dspm::fix {

namespace json = boost::json;

namespace {

std::string str(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}

json::array strings(const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v)
        a.push_back(json::string(s));
    return a;
}

std::vector<std::string> strings_of(const json::object& o, const char* key) {
    std::vector<std::string> out;
    if (const auto* v = o.if_contains(key); v && v->is_array())
        for (const auto& s : v->as_array())
            if (s.is_string()) out.emplace_back(s.as_string());
    return out;
}

json::array calls_json(const std::vector<checks::FixCall>& calls) {
    json::array a;
    for (const auto& c : calls)
        a.push_back(
            json::object{{"service", c.service}, {"operation", c.operation}, {"params", c.params}});
    return a;
}

std::vector<checks::FixCall> calls_of(const json::object& o, const char* key) {
    std::vector<checks::FixCall> out;
    if (const auto* v = o.if_contains(key); v && v->is_array()) {
        for (const auto& c : v->as_array()) {
            if (!c.is_object()) continue;
            const auto& co = c.as_object();
            checks::FixCall call{str(co, "service"), str(co, "operation"), {}};
            if (const auto* p = co.if_contains("params"); p && p->is_object())
                call.params = p->as_object();
            out.push_back(std::move(call));
        }
    }
    return out;
}

bool flag(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v && v->is_bool() && v->as_bool();
}

json::value value_of(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v ? *v : json::value(nullptr);
}

json::object action_json(const Action& a) {
    json::object o{{"id", a.id},
                   {"mapping_code", a.mapping_code},
                   {"resource_id", a.resource_id},
                   {"region", a.region},
                   {"account", a.account},
                   {"kind", a.kind},
                   {"calls", calls_json(a.calls)},
                   {"iam_actions", strings(a.iam_actions)},
                   {"reversible", a.reversible},
                   {"high_risk", a.high_risk},
                   {"risk", a.risk},
                   {"expected_after", a.expected_after},
                   {"evaluation", a.evaluation}};
    if (!a.console_fix.empty()) o["console_fix"] = a.console_fix;
    if (!a.cli_fix.empty()) o["cli_fix"] = a.cli_fix;
    if (!a.reason.empty()) o["reason"] = a.reason;
    return o;
}

Action action_of(const json::object& o) {
    Action a;
    a.id = str(o, "id");
    a.mapping_code = str(o, "mapping_code");
    a.resource_id = str(o, "resource_id");
    a.region = str(o, "region");
    a.account = str(o, "account");
    a.kind = str(o, "kind");
    a.calls = calls_of(o, "calls");
    a.iam_actions = strings_of(o, "iam_actions");
    a.reversible = flag(o, "reversible");
    a.high_risk = flag(o, "high_risk");
    a.risk = str(o, "risk");
    a.expected_after = value_of(o, "expected_after");
    a.console_fix = str(o, "console_fix");
    a.cli_fix = str(o, "cli_fix");
    a.reason = str(o, "reason");
    a.evaluation = value_of(o, "evaluation");
    return a;
}

json::object result_json(const Result& r) {
    json::object o{{"action_id", r.action_id},
                   {"mapping_code", r.mapping_code},
                   {"resource_id", r.resource_id},
                   {"region", r.region},
                   {"status", r.status},
                   {"before", r.before},
                   {"after", r.after},
                   {"evaluation", r.evaluation},
                   {"reversible", r.reversible},
                   {"undo_calls", calls_json(r.undo_calls)}};
    if (!r.detail.empty()) o["detail"] = r.detail;
    if (!r.error.empty()) o["error"] = r.error;
    return o;
}

Result result_of(const json::object& o) {
    Result r;
    r.action_id = str(o, "action_id");
    r.mapping_code = str(o, "mapping_code");
    r.resource_id = str(o, "resource_id");
    r.region = str(o, "region");
    r.status = str(o, "status");
    r.detail = str(o, "detail");
    r.before = value_of(o, "before");
    r.after = value_of(o, "after");
    r.evaluation = value_of(o, "evaluation");
    r.reversible = flag(o, "reversible");
    r.undo_calls = calls_of(o, "undo_calls");
    if (const auto* e = o.if_contains("error"); e && e->is_object()) r.error = e->as_object();
    return r;
}

json::object error_json(const aws::AwsError& e) {
    return {{"code", e.code}, {"message", e.message}, {"iam_action", e.iam_action}};
}

std::string sentence(const aws::AwsError& e) {
    return e.operation + " failed (" + e.code + (e.message.empty() ? "" : ": " + e.message) + ")" +
           (e.iam_action.empty() ? "" : "; it needs " + e.iam_action);
}

engine::Status worse(engine::Status a, engine::Status b) {
    const auto rank = [](engine::Status s) {
        switch (s) {
            case engine::Status::non_compliant:
                return 3;
            case engine::Status::error:
                return 2;
            case engine::Status::compliant:
                return 1;
            case engine::Status::skipped:
                break;
        }
        return 0;
    };
    return rank(a) >= rank(b) ? a : b;
}

}  // namespace

Expected<checks::FixParams, std::string> validate_params(const checks::FixParams& given) {
    if (given.size() > 16) return unexpected(std::string("params: at most 16"));
    for (const auto& [k, v] : given) {
        const bool key_ok =
            !k.empty() && k.size() <= 64 && std::all_of(k.begin(), k.end(), [](unsigned char c) {
                return std::isalnum(c) != 0 || c == '_';
            });
        if (!key_ok) return unexpected("params: '" + k.substr(0, 64) + "' is not a parameter name");
        const bool value_ok =
            !v.empty() && v.size() <= 1024 &&
            std::none_of(v.begin(), v.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
        if (!value_ok)
            return unexpected("params: " + k + ": expected 1 to 1024 printable characters");
    }
    return given;
}

std::string action_id(const std::string& code, const std::string& resource,
                      const std::string& region, const std::string& account) {
    return "a-" +
           aws::sha256_hex(code + '\n' + resource + '\n' + region + '\n' + account).substr(0, 12);
}

json::object Plan::to_json() const {
    json::array list;
    for (const auto& a : actions)
        list.push_back(action_json(a));
    return {
        {"plan_id", plan_id},       {"created_at", created_at},         {"expires_at", expires_at},
        {"framework", framework},   {"requirement_id", requirement_id}, {"account", account},
        {"caller_arn", caller_arn}, {"actions", std::move(list)}};
}

Expected<Plan, std::string> Plan::from_json(const json::value& v) {
    if (!v.is_object()) return unexpected(std::string("a plan is a JSON object"));
    const auto& o = v.as_object();
    Plan p;
    p.plan_id = str(o, "plan_id");
    p.created_at = str(o, "created_at");
    p.expires_at = str(o, "expires_at");
    p.framework = str(o, "framework");
    p.requirement_id = str(o, "requirement_id");
    p.account = str(o, "account");
    p.caller_arn = str(o, "caller_arn");
    if (const auto* g = o.if_contains("params"); g && g->is_object())
        for (const auto& [k, v] : g->as_object())
            if (v.is_string()) p.params[std::string(k)] = std::string(v.as_string());
    if (const auto* a = o.if_contains("actions"); a && a->is_array())
        for (const auto& item : a->as_array())
            if (item.is_object()) p.actions.push_back(action_of(item.as_object()));
    if (p.plan_id.empty()) return unexpected(std::string("the plan has no plan_id"));
    return p;
}

json::object FixRecord::to_json() const {
    json::array list;
    for (const auto& r : results)
        list.push_back(result_json(r));
    json::object o{{"fix_id", fix_id},          {"kind", kind},
                   {"plan_id", plan_id},        {"created_at", created_at},
                   {"caller_arn", caller_arn},  {"client", client},
                   {"framework", framework},    {"requirement_id", requirement_id},
                   {"results", std::move(list)}};
    if (!undoes.empty()) o["undoes"] = undoes;
    return o;
}

Expected<FixRecord, std::string> FixRecord::from_json(const json::value& v) {
    if (!v.is_object()) return unexpected(std::string("a fix record is a JSON object"));
    const auto& o = v.as_object();
    FixRecord f;
    f.fix_id = str(o, "fix_id");
    f.kind = str(o, "kind");
    f.plan_id = str(o, "plan_id");
    f.undoes = str(o, "undoes");
    f.created_at = str(o, "created_at");
    f.caller_arn = str(o, "caller_arn");
    f.client = str(o, "client");
    f.framework = str(o, "framework");
    f.requirement_id = str(o, "requirement_id");
    if (const auto* a = o.if_contains("results"); a && a->is_array())
        for (const auto& item : a->as_array())
            if (item.is_object()) f.results.push_back(result_of(item.as_object()));
    return f;
}

Plan make_plan(const engine::AuditRun& run, const std::string& plan_id,
               const PlanOptions& options) {
    Plan plan;
    const auto now = std::chrono::system_clock::now();
    plan.plan_id = plan_id;
    plan.created_at = aws::format_iso8601(now);
    plan.expires_at = aws::format_iso8601(now + options.ttl);
    plan.framework = run.plan.framework;
    plan.requirement_id = run.plan.all || run.plan.requirements.empty()
                              ? std::string("_all")
                              : run.plan.requirements.front().item_code;
    plan.account = run.summary.account;
    plan.caller_arn = run.summary.caller_arn;
    plan.params = options.params;
    std::set<const engine::MappingResult*> seen_results;
    std::set<std::string> seen_actions;
    for (const auto& r : run.results) {
        for (const auto& m : r.results) {
            if (!seen_results.insert(m.get()).second) continue;
            if (!options.only_codes.empty() &&
                std::find(options.only_codes.begin(), options.only_codes.end(), m->mapping_code) ==
                    options.only_codes.end())
                continue;
            const auto* check = checks::find_check(m->mapping_code);
            const checks::Fixer* fixer = check ? check->fixer() : nullptr;
            for (const auto& e : m->evaluations) {
                if (e.status != engine::Status::non_compliant || e.muted) continue;
                if (!options.resource.empty() && e.resource_id != options.resource &&
                    e.resource_arn != options.resource)
                    continue;
                const std::string account = e.account.empty() ? run.summary.account : e.account;
                // Several failing fields of one resource (a password policy) are one action.
                Action a;
                a.id = action_id(m->mapping_code, e.resource_id, e.region, account);
                if (!seen_actions.insert(a.id).second) continue;
                a.mapping_code = m->mapping_code;
                a.resource_id = e.resource_id;
                a.region = e.region;
                a.account = account;
                a.console_fix = m->remediation.console;
                a.cli_fix = e.remediation_cli;
                a.evaluation = e.to_json();
                auto planned = fixer ? fixer->plan_with(e, options.params)
                                     : Expected<checks::FixPlan, std::string>(unexpected(
                                           std::string("no automatic fix for this check: the "
                                                       "console and CLI fix say what to do")));
                if (!planned) {
                    a.kind = "manual";
                    a.reason = planned.error();
                } else {
                    a.kind = "auto";
                    a.calls = std::move(planned->calls);
                    a.reversible = planned->reversible;
                    a.high_risk = planned->high_risk;
                    a.risk = std::move(planned->risk);
                    a.expected_after = std::move(planned->expected_after);
                    // The writes' own actions, from the one operation → action table, and what
                    // the fixer adds (the reads its undo makes).
                    std::set<std::string> actions(planned->iam_actions.begin(),
                                                  planned->iam_actions.end());
                    for (const auto& c : a.calls)
                        actions.insert(aws::iam_action(c.service, c.operation));
                    a.iam_actions.assign(actions.begin(), actions.end());
                }
                plan.actions.push_back(std::move(a));
            }
        }
    }
    return plan;
}

namespace {

// A write says what it means: an empty value in it is the value (see CallOptions).
aws::CallOptions write_options(const std::string& region) {
    aws::CallOptions o;
    o.region = region;
    o.allow_empty_values = true;
    return o;
}

}  // namespace

Runner::Runner(std::shared_ptr<aws::AwsClient> aws, checks::CheckScope scope)
    : aws_(std::move(aws)), scope_(std::move(scope)) {}

Runner::Verdict Runner::verify(const std::string& code, const std::string& resource,
                               const std::string& region) {
    Verdict v;
    const auto* check = checks::find_check(code);
    if (!check) return v;
    // A fresh cache: what was just written must be read again, not remembered.
    inventory::CachedFacts facts(aws_, nullptr, scope_.account, 4);
    auto scope = scope_;
    if (!region.empty()) scope.regions = {region};
    const auto result = check->run(facts, scope);
    for (const auto& e : result.evaluations) {
        if (e.resource_id != resource || (!region.empty() && e.region != region)) continue;
        if (!v.seen || worse(e.status, v.status) != v.status) {
            v.status = v.seen ? worse(e.status, v.status) : e.status;
            v.evaluation = e.to_json();
        }
        v.seen = true;
    }
    // A region-wide control (GuardDuty) is named by its region while it is missing and by its
    // own id once it exists: the region's evaluations of the code judge it then.
    if (!v.seen && !region.empty() && resource == region) {
        for (const auto& e : result.evaluations) {
            if (e.region != region) continue;
            v.status = v.seen ? worse(e.status, v.status) : e.status;
            if (!v.seen || v.status == e.status) v.evaluation = e.to_json();
            v.seen = true;
        }
    }
    return v;
}

std::vector<Result> Runner::apply(const Plan& plan, const ApplyRequest& request) {
    std::vector<Result> results;
    const std::set<std::string> listed(request.action_ids.begin(), request.action_ids.end());
    for (const auto& a : plan.actions) {
        const bool named = listed.contains(a.id);
        if (!named && !request.all) continue;
        Result r;
        r.action_id = a.id;
        r.mapping_code = a.mapping_code;
        r.resource_id = a.resource_id;
        r.region = a.region;
        r.before = a.evaluation;
        r.reversible = a.reversible;
        if (a.kind != "auto") {
            r.status = "skipped";
            r.detail = "manual: " + a.reason;
            results.push_back(std::move(r));
            continue;
        }
        if (a.high_risk && !named) {
            r.status = "skipped";
            r.detail = "high risk (" + a.risk + "): applied only when its id is listed";
            results.push_back(std::move(r));
            continue;
        }
        const auto* check = checks::find_check(a.mapping_code);
        const checks::Fixer* fixer = check ? check->fixer() : nullptr;
        if (!fixer) {
            r.status = "skipped";
            r.detail = "this version has no fixer for " + a.mapping_code;
            results.push_back(std::move(r));
            continue;
        }
        // Idempotent: a resource that is compliant already is left alone.
        const auto now = verify(a.mapping_code, a.resource_id, a.region);
        if (now.seen) r.before = now.evaluation;
        if (now.seen && now.status == engine::Status::compliant) {
            r.status = "skipped";
            r.detail = "already compliant: nothing written";
            r.evaluation = now.evaluation;
            results.push_back(std::move(r));
            continue;
        }
        if (!now.seen) {
            r.status = "skipped";
            r.detail = "the resource is no longer there";
            results.push_back(std::move(r));
            continue;
        }
        if (request.confirm && !request.confirm(a)) {
            r.status = "skipped";
            r.detail = "declined";
            results.push_back(std::move(r));
            continue;
        }
        engine::Evaluation failing;
        failing.resource_id = a.resource_id;
        failing.region = a.region;
        failing.account = a.account;
        if (a.evaluation.is_object()) {
            // What the fixer may read of the failing evaluation (e.g. the open rule of a group).
            const auto& eo = a.evaluation.as_object();
            if (const auto* x = eo.if_contains("extra"); x && x->is_object())
                failing.extra = x->as_object();
            if (const auto* ov = eo.if_contains("observed_value")) failing.observed_value = *ov;
            failing.evidence_path = str(eo, "evidence_path");
        }
        auto undo = fixer->undo(*aws_, failing);
        if (!undo) {
            r.status = "failed";
            r.detail =
                "reading the state to restore failed, nothing written: " + sentence(undo.error());
            r.error = error_json(undo.error());
            results.push_back(std::move(r));
            continue;
        }
        r.undo_calls = std::move(*undo);
        auto calls = fixer->prepare(*aws_, failing, a.calls);
        if (!calls) {
            r.status = "failed";
            r.detail = "reading the resource before the write failed, nothing written: " +
                       sentence(calls.error());
            r.error = error_json(calls.error());
            results.push_back(std::move(r));
            continue;
        }
        const std::string region = checks::fix_region(failing, *aws_);
        bool written = true;
        for (const auto& c : *calls) {
            auto done = aws_->call(c.service, c.operation, c.params, write_options(region));
            if (!done) {
                r.status = "failed";
                r.detail = sentence(done.error());
                r.error = error_json(done.error());
                written = false;
                break;
            }
        }
        const auto after = verify(a.mapping_code, a.resource_id, a.region);
        r.after = after.evaluation;
        r.evaluation = after.evaluation;
        if (written) {
            const bool fixed = after.seen && after.status == engine::Status::compliant;
            r.status = fixed ? "applied" : "failed";
            if (!fixed)
                r.detail = "written, but the re-read still says " +
                           std::string(engine::to_string(after.status));
        }
        results.push_back(std::move(r));
    }
    return results;
}

std::vector<Result> Runner::undo(const FixRecord& applied) {
    std::vector<Result> results;
    for (const auto& prior : applied.results) {
        Result r;
        r.action_id = prior.action_id;
        r.mapping_code = prior.mapping_code;
        r.resource_id = prior.resource_id;
        r.region = prior.region;
        r.before = prior.after;
        if (prior.status != "applied" && prior.undo_calls.empty()) {
            r.status = "skipped";
            r.detail = "nothing was written by " + prior.action_id;
            results.push_back(std::move(r));
            continue;
        }
        if (!prior.reversible) {
            r.status = "skipped";
            r.detail = "not reversible";
            results.push_back(std::move(r));
            continue;
        }
        engine::Evaluation where;
        where.region = prior.region;
        where.resource_id = prior.resource_id;
        const std::string region = checks::fix_region(where, *aws_);
        // Writes that carry a version tag (CloudFront's ETag) take the current one.
        std::vector<checks::FixCall> calls = prior.undo_calls;
        if (const auto* check = checks::find_check(prior.mapping_code); check && check->fixer()) {
            auto prepared = check->fixer()->prepare(*aws_, where, calls);
            if (!prepared) {
                r.status = "failed";
                r.detail = "reading the resource before the undo failed, nothing written: " +
                           sentence(prepared.error());
                r.error = error_json(prepared.error());
                results.push_back(std::move(r));
                continue;
            }
            calls = std::move(*prepared);
        }
        bool done = true;
        for (const auto& c : calls) {
            auto made = aws_->call(c.service, c.operation, c.params, write_options(region));
            if (!made) {
                r.status = "failed";
                r.detail = sentence(made.error());
                r.error = error_json(made.error());
                done = false;
                break;
            }
        }
        const auto now = verify(prior.mapping_code, prior.resource_id, prior.region);
        r.after = now.evaluation;
        r.evaluation = now.evaluation;
        if (done) r.status = "applied";
        results.push_back(std::move(r));
    }
    return results;
}

}  // namespace dspm::fix
