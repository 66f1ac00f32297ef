#include "checks/helpers.hpp"

#include <charconv>
#include <exception>
#include <mutex>

#include "exec/loop.hpp"
#include "inventory/collector_rows.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;
using engine::Status;

Evaluation evaluate(EvalSpec spec) {
    Evaluation e;
    auto c = engine::compare(spec.comparator, spec.observed, spec.expected);
    e.service = std::move(spec.service);
    e.resource_id = std::move(spec.resource_id);
    e.evidence_path = std::move(spec.evidence_path);
    e.checked_field = std::move(spec.checked_field);
    e.comparator = spec.comparator;
    e.expected_value = std::move(spec.expected);
    e.observed_value = std::move(spec.observed);
    e.passed = c.passed;
    e.decision = std::move(c.decision);
    e.status = c.passed ? Status::compliant : Status::non_compliant;
    e.source = spec.source;
    e.region = std::move(spec.region);
    e.account = std::move(spec.account);
    e.extra = std::move(spec.extra);
    return e;
}

Evaluation error_evaluation(std::string service, std::string resource_id, std::string checked_field,
                            const aws::AwsError& error, std::string region, std::string account) {
    Evaluation e;
    e.service = std::move(service);
    e.resource_id = std::move(resource_id);
    e.evidence_path = error.operation;
    e.checked_field = std::move(checked_field);
    e.comparator = engine::Comparator::exists;
    e.passed = false;
    e.status = Status::error;
    e.source = engine::Source::aws_sdk;
    e.region = region.empty() ? error.region : std::move(region);
    e.account = std::move(account);
    const std::string what =
        error.code.empty() ? std::string(aws::to_string(error.kind)) : error.code;
    e.decision = "could not read " + error.service + ":" + error.operation + " (" + what + ")";
    if (error.kind == aws::ErrorKind::permission_denied) {
        e.decision += ": missing permission " + error.iam_action;
        e.extra["missingPermissions"] = json::array{json::string(error.iam_action)};
    }
    e.decision += " \u2192 error";
    // "error" is a sentence, worded like the original service's str(ClientError): its clients
    // render it as text. The structure goes beside it.
    std::string sentence =
        "An error occurred (" + what + ") when calling the " + error.operation + " operation";
    if (!error.message.empty()) sentence += ": " + error.message;
    e.extra["error"] = std::move(sentence);
    e.extra["error_detail"] = json::object{{"kind", aws::to_string(error.kind)},
                                           {"code", error.code},
                                           {"message", error.message},
                                           {"operation", error.service + ":" + error.operation}};
    return e;
}

engine::MappingResult finish(const CheckInfo& info, std::vector<Evaluation> evaluations,
                             json::object evidence, std::string skipped_reason) {
    engine::MappingResult r;
    r.mapping_code = info.code;
    r.title = info.title;
    r.evaluations = std::move(evaluations);
    r.evidence = std::move(evidence);
    r.status = r.counts().rolled_up();
    if (r.evaluations.empty()) {
        r.status = Status::skipped;
        r.reason = std::move(skipped_reason);
    }
    return r;
}

const json::value* at_path(const json::value& doc, std::string_view path) {
    const json::value* cur = &doc;
    std::size_t i = 0;
    while (i < path.size() && cur != nullptr) {
        if (path[i] == '.') {
            ++i;
            continue;
        }
        if (path[i] == '[') {
            auto close = path.find(']', i);
            if (close == std::string_view::npos || !cur->is_array()) return nullptr;
            std::size_t index = 0;
            auto [p, ec] = std::from_chars(path.data() + i + 1, path.data() + close, index);
            if (ec != std::errc{} || p != path.data() + close) return nullptr;
            const auto& arr = cur->get_array();
            if (index >= arr.size()) return nullptr;
            cur = &arr[index];
            i = close + 1;
            continue;
        }
        auto end = path.find_first_of(".[", i);
        if (end == std::string_view::npos) end = path.size();
        if (!cur->is_object()) return nullptr;
        cur = cur->get_object().if_contains(path.substr(i, end - i));
        i = end;
    }
    return cur;
}

std::string string_at(const json::value& doc, std::string_view path) {
    const auto* v = at_path(doc, path);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

void parallel_for(std::size_t n, std::size_t width, const std::function<void(std::size_t)>& fn) {
    exec::for_each(n, width, fn);
}

std::string indexed(std::string_view prefix, std::size_t i, std::string_view suffix) {
    std::string out(prefix);
    out += '[';
    out += std::to_string(i);
    out += ']';
    out += suffix;
    return out;
}

bool is_error_code(const aws::AwsError& error, std::string_view code) {
    return error.code == code ||
           (error.code.size() > code.size() && error.code.find(code) != std::string::npos);
}

}  // namespace dspm::checks

namespace dspm::checks {

std::optional<json::array> collector_rows(inventory::Facts& facts, std::string_view kind,
                                          std::vector<std::string>& notes) {
    auto rows = facts.collector_rows(kind);
    if (!rows) return std::nullopt;
    if (!*rows) {
        notes.push_back("collector unavailable for " + std::string(kind) + " (" + rows->error() +
                        "): AWS served");
        return std::nullopt;
    }
    // A collector may inventory several accounts: rows that say they belong to another account
    // are not evidence about this one (Steampipe's account_id column).
    const std::string account = facts.account();
    if (!account.empty()) {
        json::array mine;
        std::size_t foreign = 0;
        for (auto& row : **rows) {
            const auto* o = row.if_object();
            const auto* a = o ? o->if_contains("account_id") : nullptr;
            if (a != nullptr && a->is_string() && !a->get_string().empty() &&
                a->get_string() != account) {
                ++foreign;
                continue;
            }
            mine.push_back(std::move(row));
        }
        **rows = std::move(mine);
        if (foreign > 0)
            notes.push_back("collector " + std::string(kind) + ": " + std::to_string(foreign) +
                            " rows of other accounts ignored (audited account " + account + ")");
    }
    // Columns the collector sent with the wrong type were dropped from their rows, so the checks
    // read those resources from AWS; the notes say which and why.
    for (const auto& row : **rows) {
        const auto* o = row.if_object();
        const auto* bad = o ? o->if_contains(inventory::invalid_columns_key) : nullptr;
        if (bad == nullptr || !bad->is_array()) continue;
        const std::string id = first_string(
            *o, {"db_instance_identifier", "cluster_identifier", "table_name", "name"});
        for (const auto& what : bad->get_array())
            if (what.is_string())
                notes.push_back("collector row " + std::string(kind) + " " + id + ": " +
                                std::string(what.get_string()) + ": read from AWS");
    }
    return std::move(**rows);
}

std::vector<const json::object*> rows_in_region(const json::array& rows, std::string_view region,
                                                std::string_view default_region) {
    std::vector<const json::object*> out;
    for (const auto& row : rows) {
        if (!row.is_object()) continue;
        const auto& o = row.get_object();
        std::string r;
        if (const auto* v = o.if_contains("region"); v != nullptr && v->is_string())
            r = std::string(v->get_string());
        if (r.empty()) r = std::string(default_region);
        if (r == region) out.push_back(&o);
    }
    return out;
}

std::string first_string(const json::object& row, std::initializer_list<const char*> cols) {
    for (const char* c : cols) {
        if (const auto* v = row.if_contains(c);
            v != nullptr && v->is_string() && !v->get_string().empty())
            return std::string(v->get_string());
    }
    return {};
}

json::object status_evidence(const std::vector<Evaluation>& evals, std::string_view total_key,
                             std::string_view compliant_key) {
    std::size_t ok = 0, bad = 0, err = 0, total = 0;
    for (const auto& e : evals) {
        // A failed list call ("*") is not a resource.
        if (e.resource_id != "*") ++total;
        if (e.status == Status::compliant) ++ok;
        if (e.status == Status::non_compliant) ++bad;
        if (e.status == Status::error) ++err;
    }
    return {{total_key, total}, {compliant_key, ok}, {"nonCompliant", bad}, {"errors", err}};
}

void finish_not_evidenced(engine::MappingResult& result, const CheckInfo& info,
                          const std::vector<std::string>& regions, std::string_view what) {
    if (regions.empty()) return;
    json::array listed;
    std::string joined;
    for (const auto& r : regions) {
        listed.push_back(json::string(r));
        joined += (joined.empty() ? "" : ", ") + r;
    }
    result.evidence["notEvidenced"] = std::move(listed);
    std::string sentence = "not evidenced: no ";
    sentence += what;
    sentence += " in " + joined + ": " + info.service +
                " is one way to meet this control, not the only one; review by other means";
    if (result.evaluations.empty()) {
        result.status = engine::Status::skipped;
        result.reason = std::move(sentence);
    } else {
        result.notes.push_back(std::move(sentence));
    }
}

}  // namespace dspm::checks
