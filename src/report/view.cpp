#include "report/view.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace dspm::report {

namespace json = boost::json;

namespace {

std::string str(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return {};
    return value_text(*v);
}

std::vector<std::string> strings(const json::object& o, std::string_view key) {
    std::vector<std::string> out;
    if (const auto* v = o.if_contains(key); v != nullptr && v->is_array())
        for (const auto& e : v->as_array())
            out.push_back(value_text(e));
    return out;
}

std::map<std::string, std::size_t> counts(const json::object& o, std::string_view key) {
    std::map<std::string, std::size_t> out;
    if (const auto* v = o.if_contains(key); v != nullptr && v->is_object())
        for (const auto& [k, n] : v->as_object())
            if (n.is_number()) out[std::string(k)] = n.to_number<std::size_t>();
    return out;
}

EvaluationView evaluation_of(const json::object& e) {
    EvaluationView v;
    v.service = str(e, "service");
    v.resource_id = str(e, "resource_id");
    v.resource_arn = str(e, "resource_arn");
    v.region = str(e, "region");
    v.account = str(e, "account");
    v.evidence_path = str(e, "evidence_path");
    v.checked_field = str(e, "checked_field");
    v.comparator = str(e, "comparator");
    if (const auto* x = e.if_contains("expected_value")) v.expected = value_text(*x);
    if (const auto* x = e.if_contains("observed_value")) v.observed = value_text(*x);
    v.decision = str(e, "decision");
    v.status = str(e, "status");
    v.remediation_cli = str(e, "remediation_cli");
    if (const auto* extra = e.if_contains("extra"); extra != nullptr && extra->is_object()) {
        v.error = str(extra->as_object(), "error");
        v.missing_permissions = strings(extra->as_object(), "missingPermissions");
    }
    if (const auto* m = e.if_contains("muted"); m != nullptr && m->is_bool())
        v.muted = m->as_bool();
    if (const auto* m = e.if_contains("mute"); m != nullptr && m->is_object()) {
        v.mute_reason = str(m->as_object(), "reason");
        v.mute_approved_by = str(m->as_object(), "approved_by");
        v.mute_expires = str(m->as_object(), "expires");
    }
    return v;
}

MappingView mapping_of(const json::object& m) {
    MappingView v;
    v.code = str(m, "mapping_code");
    v.title = str(m, "title");
    v.status = str(m, "status");
    v.severity = str(m, "severity");
    v.description = str(m, "description");
    v.applicability = str(m, "applicability");
    v.reason = str(m, "reason");
    if (const auto* r = m.if_contains("remediation"); r != nullptr && r->is_object()) {
        v.console_fix = str(r->as_object(), "console");
        v.cli_fix = str(r->as_object(), "cli");
    }
    if (const auto* es = m.if_contains("evaluations"); es != nullptr && es->is_array()) {
        for (const auto& e : es->as_array()) {
            if (!e.is_object()) continue;
            v.evaluations.push_back(evaluation_of(e.as_object()));
            if (v.evaluations.back().muted) ++v.muted;
        }
    }
    return v;
}

}  // namespace

std::string value_text(const json::value& v) {
    if (v.is_string()) return std::string(v.as_string());
    if (v.is_null()) return "null";
    return json::serialize(v);
}

int severity_rank(const std::string& severity) {
    if (severity == "critical") return 0;
    if (severity == "high") return 1;
    if (severity == "medium") return 2;
    if (severity == "low") return 3;
    return 4;
}

Expected<RunView, std::string> make_view(const json::value& result) {
    const auto* o = result.if_object();
    if (o == nullptr) return unexpected(std::string("an audit result is a JSON object"));
    const auto* results = o->if_contains("results");
    if (!o->contains("framework") || results == nullptr || !results->is_array())
        return unexpected(
            std::string("not an audit result: framework and results[] expected (the answer of POST "
                        "/audit/...)"));
    RunView view;
    view.framework = str(*o, "framework");
    view.single = o->contains("requirement_status");
    view.status = view.single ? str(*o, "requirement_status") : str(*o, "framework_status");
    if (const auto* s = o->if_contains("summary"); s != nullptr && s->is_object()) {
        const auto& sum = s->as_object();
        if (view.status.empty()) view.status = str(sum, "status");
        view.started_at = str(sum, "started_at");
        view.finished_at = str(sum, "finished_at");
        view.account = str(sum, "account");
        view.account_alias = str(sum, "account_alias");
        view.caller_arn = str(sum, "caller_arn");
        view.catalog_version = str(sum, "catalog_version");
        view.region_scope = str(sum, "region_scope");
        if (const auto* t = sum.if_contains("tool"); t != nullptr && t->is_object())
            view.tool_version = str(t->as_object(), "version");
        view.regions = strings(sum, "regions");
        view.warnings = strings(sum, "warnings");
        view.not_implemented = strings(sum, "not_implemented");
        if (const auto* c = sum.if_contains("cancelled"); c != nullptr && c->is_bool())
            view.cancelled = c->as_bool();
        view.requirement_counts = counts(sum, "counts");
        view.mapping_counts = counts(sum, "mapping_counts");
    }

    std::map<std::string, std::size_t> index;  // code → position in view.mappings
    const auto add_mappings = [&](const json::array& items, const std::string& item_code,
                                  RequirementView* req) {
        for (const auto& m : items) {
            if (!m.is_object()) continue;
            const std::string code = str(m.as_object(), "mapping_code");
            if (req != nullptr) req->codes.push_back(code);
            auto [it, fresh] = index.emplace(code, view.mappings.size());
            if (fresh) view.mappings.push_back(mapping_of(m.as_object()));
            auto& names = view.mappings[it->second].requirements;
            if (!item_code.empty() &&
                std::find(names.begin(), names.end(), item_code) == names.end())
                names.push_back(item_code);
        }
    };
    if (view.single) {
        RequirementView r;
        r.id = str(*o, "requirement_id");
        r.item_code = str(*o, "item_code");
        r.title = str(*o, "title");
        r.status = view.status;
        r.reason = str(*o, "reason");
        add_mappings(results->as_array(), r.item_code, &r);
        view.requirements.push_back(std::move(r));
        view.mapping_counts.clear();  // this requirement's results, not codes of no answer
        for (const auto& m : view.mappings)
            ++view.mapping_counts[m.status];
        view.requirement_counts = {{view.status, 1}};
    } else {
        for (const auto& item : results->as_array()) {
            if (!item.is_object()) continue;
            const auto& ro = item.as_object();
            RequirementView r;
            r.id = str(ro, "requirement_id");
            r.item_code = str(ro, "item_code");
            r.title = str(ro, "title");
            r.status = str(ro, "requirement_status");
            r.parent = str(ro, "parent");
            r.reason = str(ro, "reason");
            if (const auto* f = ro.if_contains("in_summary"); f != nullptr && f->is_bool())
                r.in_summary = f->as_bool();
            if (const auto* rs = ro.if_contains("results"); rs != nullptr && rs->is_array())
                add_mappings(rs->as_array(), r.in_summary ? r.item_code : std::string{}, &r);
            view.requirements.push_back(std::move(r));
        }
        if (view.requirement_counts.empty())
            for (const auto& r : view.requirements)
                if (r.in_summary) ++view.requirement_counts[r.status];
    }
    for (const auto& m : view.mappings) {
        view.muted += m.muted;
        for (const auto& e : m.evaluations)
            ++view.evaluation_counts[e.status];
    }
    return view;
}

}  // namespace dspm::report
