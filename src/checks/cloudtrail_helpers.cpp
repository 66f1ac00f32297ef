#include "checks/cloudtrail_helpers.hpp"

#include <boost/json.hpp>
#include <set>

#include "checks/helpers.hpp"

namespace dspm::checks::cloudtrail {

namespace json = boost::json;
using engine::Evaluation;

void Coverage::add(bool r, bool w, std::string_view path) {
    read = read || r;
    write = write || w;
    if (r || w) paths.emplace_back(path);
}

std::string Coverage::read_write() const {
    if (read && write) return "All";
    if (read) return "ReadOnly";
    if (write) return "WriteOnly";
    return "None";
}

namespace {

bool starts_with(std::string_view s, std::string_view p) {
    return s.substr(0, p.size()) == p;
}
bool ends_with(std::string_view s, std::string_view p) {
    return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

constexpr const char* kPositive[] = {"Equals", "StartsWith", "EndsWith"};
constexpr const char* kNegative[] = {"NotEquals", "NotStartsWith", "NotEndsWith"};

bool test(std::string_view op, std::string_view value, std::string_view operand) {
    if (op == "Equals" || op == "NotEquals") return value == operand;
    if (op == "StartsWith" || op == "NotStartsWith") return starts_with(value, operand);
    return ends_with(value, operand);
}

// Whether `value` passes one field selector: each operator present must hold; a positive one
// holds when some of its values match, a negative one when none does.
bool matches(const json::value& field_selector, std::string_view value) {
    auto any = [&](const char* op) {
        for (const auto& v : detection::array_at(field_selector, op))
            if (v.is_string() && test(op, value, v.get_string())) return true;
        return false;
    };
    for (const char* op : kPositive)
        if (at_path(field_selector, op) != nullptr && !any(op)) return false;
    for (const char* op : kNegative)
        if (at_path(field_selector, op) != nullptr && any(op)) return false;
    return true;
}

bool has_positive(const json::value& field_selector) {
    for (const char* op : kPositive)
        if (at_path(field_selector, op) != nullptr) return true;
    return false;
}

// Whether `value` passes every field selector on `field`; `absent` when there is none.
bool field_matches(const json::array& fields, std::string_view field, std::string_view value,
                   bool absent) {
    bool seen = false;
    for (const auto& f : fields) {
        if (string_at(f, "Field") != field) continue;
        seen = true;
        if (!matches(f, value)) return false;
    }
    return seen ? true : absent;
}

// arn:aws:s3, arn:aws:s3::: (any partition): every bucket.
bool all_buckets(std::string_view v) {
    if (!starts_with(v, "arn:")) return false;
    v.remove_prefix(4);
    const auto colon = v.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    v.remove_prefix(colon + 1);
    return v == "s3" || v == "s3:::";
}

void add_unique(json::array& a, const json::value& v) {
    for (const auto& x : a)
        if (x == v) return;
    a.push_back(v);
}

void classic(const json::array& selectors, std::string_view prefix, Selectors& out) {
    for (std::size_t i = 0; i < selectors.size(); ++i) {
        const auto& s = selectors[i];
        const std::string path = indexed(std::string(prefix) + "EventSelectors", i);
        const std::string rw = string_at(s, "ReadWriteType");
        const bool r = rw == "All" || rw == "ReadOnly";
        const bool w = rw == "All" || rw == "WriteOnly";
        const auto* mgmt = at_path(s, "IncludeManagementEvents");
        if (mgmt != nullptr && mgmt->is_bool() && mgmt->get_bool()) {
            out.management.add(r, w, path);
            for (const auto& src : detection::array_at(s, "ExcludeManagementEventSources"))
                add_unique(out.management_exclusions, src);
        }
        const auto& resources = detection::array_at(s, "DataResources");
        for (std::size_t j = 0; j < resources.size(); ++j) {
            const std::string type = string_at(resources[j], "Type");
            if (type.empty()) continue;
            add_unique(out.data_types, json::string(type));
            if (type != "AWS::S3::Object") continue;
            const std::string rpath = indexed(path + ".DataResources", j);
            const auto& values = detection::array_at(resources[j], "Values");
            bool every = false;
            for (const auto& v : values)
                every = every || (v.is_string() && all_buckets(v.get_string()));
            if (every) {
                out.s3_all_buckets.add(r, w, rpath);
            } else if (r || w) {
                out.s3_narrowed.push_back(
                    json::object{{"selector", rpath},
                                 {"readWriteType", rw},
                                 {"narrowedBy", json::object{{"Values", values}}}});
            }
        }
    }
}

void advanced(const json::array& selectors, std::string_view prefix, Selectors& out) {
    for (std::size_t i = 0; i < selectors.size(); ++i) {
        const std::string path = indexed(std::string(prefix) + "AdvancedEventSelectors", i);
        const auto& fields = detection::array_at(selectors[i], "FieldSelectors");
        bool has_category = false;
        for (const auto& f : fields)
            has_category = has_category || string_at(f, "Field") == "eventCategory";
        if (!has_category) continue;  // the API refuses selectors without one
        const bool r = field_matches(fields, "readOnly", "true", true);
        const bool w = field_matches(fields, "readOnly", "false", true);
        if (field_matches(fields, "eventCategory", "Management", false)) {
            json::array narrowing;
            for (const auto& f : fields) {
                const std::string name = string_at(f, "Field");
                if (name == "eventCategory" || name == "readOnly") continue;
                if (name == "eventSource" && !has_positive(f)) {
                    for (const char* op : kNegative)
                        for (const auto& v : detection::array_at(f, op))
                            add_unique(out.management_exclusions, v);
                    continue;
                }
                narrowing.push_back(f);
            }
            if (narrowing.empty()) {
                out.management.add(r, w, path);
            } else {
                out.notes.push_back(
                    json::object{{"selector", path},
                                 {"note", "management events narrowed: not counted"},
                                 {"narrowedBy", std::move(narrowing)}});
            }
        }
        if (!field_matches(fields, "eventCategory", "Data", false)) continue;
        for (const auto& f : fields)
            if (string_at(f, "Field") == "resources.type")
                for (const auto& t : detection::array_at(f, "Equals"))
                    add_unique(out.data_types, t);
        if (!field_matches(fields, "resources.type", "AWS::S3::Object", false)) continue;
        json::array narrowing;
        for (const auto& f : fields) {
            const std::string name = string_at(f, "Field");
            if (name == "eventCategory" || name == "resources.type" || name == "readOnly") continue;
            narrowing.push_back(f);
        }
        if (narrowing.empty()) {
            out.s3_all_buckets.add(r, w, path);
        } else if (r || w) {
            out.s3_narrowed.push_back(
                json::object{{"selector", path}, {"narrowedBy", std::move(narrowing)}});
        }
    }
}

json::object brief(const Recorder& r) {
    return json::object{{"kind", r.kind},
                        {"name", r.name},
                        {"arn", r.arn},
                        {"homeRegion", r.home_region},
                        {"allRegions", r.all_regions}};
}

std::string status_of(const Recorder& r) {
    if (r.qualifies) return "qualifies";
    if (!r.errors.empty()) return "read failed";
    return "fails";
}

}  // namespace

Selectors read_selectors(const json::value& doc, std::string_view prefix) {
    Selectors out;
    classic(detection::array_at(doc, "EventSelectors"), prefix, out);
    advanced(detection::array_at(doc, "AdvancedEventSelectors"), prefix, out);
    return out;
}

TrailStates read_trails(inventory::Facts& facts, const CheckScope& scope,
                        const std::string& checked_field) {
    auto listed = detection::describe_trails(facts, scope, checked_field);
    TrailStates out;
    out.list_errors = std::move(listed.errors);
    out.trails.resize(listed.trails.size());
    parallel_for(listed.trails.size(), scope.fanout, [&](std::size_t i) {
        TrailState s;
        s.trail = listed.trails[i];
        const auto& t = s.trail;
        const auto* multi = t.doc.if_contains("IsMultiRegionTrail");
        s.multi_region = multi != nullptr && multi->is_bool() && multi->get_bool();
        auto status = facts.aws("cloudtrail", "GetTrailStatus", {{"Name", t.arn}}, t.region);
        if (status) {
            const auto* logging = at_path(*status, "IsLogging");
            s.is_logging = logging != nullptr ? *logging : json::value(nullptr);
        } else {
            s.errors.push_back(error_evaluation("CloudTrail", t.name, checked_field, status.error(),
                                                t.region, scope.account));
        }
        auto sel = facts.aws("cloudtrail", "GetEventSelectors", {{"TrailName", t.arn}}, t.region);
        if (sel) {
            s.selectors = read_selectors(*sel, "GetEventSelectors.");
        } else {
            s.errors.push_back(error_evaluation("CloudTrail", t.name, checked_field, sel.error(),
                                                t.region, scope.account));
        }
        out.trails[i] = std::move(s);
    });
    return out;
}

bool Recorder::covers(std::string_view region) const {
    return all_regions || home_region == region;
}

Recorder recorder_of(const TrailState& t) {
    Recorder r;
    r.kind = "trail";
    r.name = t.trail.name;
    r.arn = t.trail.arn;
    r.home_region = t.trail.region;
    r.all_regions = t.multi_region;
    r.errors = t.errors;
    r.details = json::object{{"trailArn", t.trail.arn},
                             {"homeRegion", t.trail.region},
                             {"IsMultiRegionTrail", t.multi_region}};
    if (t.selectors) {
        if (!t.selectors->management_exclusions.empty())
            r.details["excludedManagementEventSources"] = t.selectors->management_exclusions;
        if (!t.selectors->notes.empty()) r.details["selectorNotes"] = t.selectors->notes;
    }
    return r;
}

void settle(Recorder& r) {
    if (r.errors.empty()) return;
    json::array unread;
    for (const auto& e : r.errors) {
        json::object u{{"decision", e.decision}};
        if (const auto* m = e.extra.if_contains("missingPermissions")) u["missingPermissions"] = *m;
        unread.push_back(std::move(u));
    }
    r.details["unreadFields"] = std::move(unread);
    r.errors.clear();
}

std::string join_paths(std::initializer_list<std::string> parts) {
    std::string out;
    for (const auto& p : parts) {
        if (p.empty()) continue;
        if (!out.empty()) out += " + ";
        out += p;
    }
    return out;
}

std::string join_paths(const json::array& paths, std::string_view fallback) {
    std::string out;
    for (const auto& p : paths) {
        if (!p.is_string()) continue;
        if (!out.empty()) out += " + ";
        out += p.get_string();
    }
    return out.empty() ? std::string(fallback) : out;
}

std::vector<Evaluation> judge_regions(const std::vector<Recorder>& recorders,
                                      const std::vector<Evaluation>& list_errors,
                                      const std::vector<Evaluation>& global_errors,
                                      const std::vector<std::string>& regions,
                                      const CheckScope& scope, const RegionVerdict& verdict) {
    std::vector<Evaluation> out;
    for (const auto& region : regions) {
        std::vector<const Recorder*> covering;
        for (const auto& r : recorders)
            if (r.covers(region)) covering.push_back(&r);
        json::array candidates;
        const Recorder* best = nullptr;
        std::vector<const Evaluation*> errors;
        for (const auto* r : covering) {
            auto c = brief(*r);
            c["status"] = status_of(*r);
            c["observed"] = r->observed;
            candidates.push_back(std::move(c));
            if (r->qualifies && best == nullptr) best = r;
            for (const auto& e : r->errors)
                errors.push_back(&e);
        }
        for (const auto& e : list_errors)
            if (e.region == region) errors.push_back(&e);
        for (const auto& e : global_errors)
            errors.push_back(&e);

        if (best != nullptr) {
            json::object extra{{"coveredBy", brief(*best)}, {"candidates", std::move(candidates)}};
            for (const auto& [k, v] : best->details)
                extra[k] = v;
            out.push_back(
                evaluate({"CloudTrail", region, best->evidence_path, verdict.checked_field,
                          engine::Comparator::eq, best->expected, best->observed,
                          engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
            continue;
        }
        if (!errors.empty()) {
            Evaluation e = *errors.front();
            json::array missing;
            std::set<std::string> seen;
            json::array failed;
            for (const auto* err : errors) {
                failed.push_back(json::object{{"resource_id", err->resource_id},
                                              {"region", err->region},
                                              {"decision", err->decision}});
                if (const auto* m = err->extra.if_contains("missingPermissions");
                    m != nullptr && m->is_array())
                    for (const auto& a : m->get_array())
                        if (a.is_string() && seen.insert(std::string(a.get_string())).second)
                            missing.push_back(a);
            }
            e.extra["readRegion"] = e.region;
            e.extra["failedReads"] = std::move(failed);
            if (!missing.empty()) e.extra["missingPermissions"] = std::move(missing);
            e.extra["candidates"] = std::move(candidates);
            e.extra["note"] =
                "no recorder covering this region is shown to qualify, and a read that failed "
                "could hide one that does";
            e.resource_id = region;
            e.region = region;
            out.push_back(std::move(e));
            continue;
        }
        if (!covering.empty()) {
            const Recorder& first = *covering.front();
            json::object extra{{"candidates", std::move(candidates)}};
            for (const auto& [k, v] : first.details)
                extra[k] = v;
            out.push_back(
                evaluate({"CloudTrail", region, first.evidence_path, verdict.checked_field,
                          engine::Comparator::eq, first.expected, first.observed,
                          engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
            continue;
        }
        out.push_back(evaluate(
            {"CloudTrail", region, "trailList", verdict.checked_field, engine::Comparator::eq,
             verdict.expected, nullptr, engine::Source::aws_sdk, region, scope.account,
             json::object{{"note", verdict.none_note}, {"candidates", json::array{}}}}));
    }
    return out;
}

json::array recorders_evidence(const std::vector<Recorder>& recorders) {
    json::array out;
    for (const auto& r : recorders) {
        auto b = brief(r);
        b["status"] = status_of(r);
        b["observed"] = r.observed;
        out.push_back(std::move(b));
    }
    return out;
}

}  // namespace dspm::checks::cloudtrail
