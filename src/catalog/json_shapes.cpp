#include "catalog/json_shapes.hpp"

#include <boost/json.hpp>
#include <optional>

namespace dspm::catalog {
namespace json = boost::json;

namespace {

json::array strings(const std::vector<std::string>& v) {
    json::array out;
    for (const auto& s : v)
        out.emplace_back(s);
    return out;
}

std::string str(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    if (v && v->is_string()) return std::string(v->as_string());
    return {};
}

// An int only when the number is one exactly: 1.5 or 1e300 are refused rather than thrown about
// (boost::json's throwing to_number), since a remote catalog answer is untrusted input.
std::optional<int> exact_int(const json::value& v) {
    boost::system::error_code ec;
    const int n = v.to_number<int>(ec);
    if (ec) return std::nullopt;
    return n;
}

std::vector<std::string> str_list(const json::object& o, const char* key) {
    std::vector<std::string> out;
    const auto* v = o.if_contains(key);
    if (v && v->is_array())
        for (const auto& e : v->as_array())
            if (e.is_string()) out.emplace_back(e.as_string());
    return out;
}

}  // namespace

std::vector<std::string> services_of(const std::vector<std::string>& codes,
                                     const std::vector<Mapping>& mappings) {
    std::vector<std::string> out;
    for (const auto& c : codes)
        for (const auto& m : mappings)
            if (m.code == c) out.push_back(m.service);
    return out;
}

json::value stats_json(const std::vector<FrameworkStat>& stats) {
    json::array out;
    for (const auto& s : stats)
        out.push_back(json::object{{"framework", s.framework}, {"count", s.count}});
    return out;
}

json::object requirement_row_json(const Requirement& r) {
    json::object o{{"id", r.id},
                   {"item_code", r.item_code},
                   {"title", r.title},
                   {"mapping_status", r.mapping_status},
                   {"regulation", r.regulation},
                   {"mapping_codes", strings(r.mapping_codes)}};
    if (r.mapping_codes.empty())
        o["mapping_services"] = nullptr;  // as the Mapping API answers for unmapped rows
    else
        o["mapping_services"] = strings(r.mapping_services);
    if (!r.applicable_compliance.empty()) o["applicable_compliance"] = r.applicable_compliance;
    return o;
}

json::value requirements_json(const std::vector<Requirement>& rows) {
    json::array out;
    for (const auto& r : rows)
        out.push_back(requirement_row_json(r));
    return out;
}

json::object mapping_json(const Mapping& m, bool with_engine_fields) {
    json::object o{{"code", m.code},
                   {"category", m.category},
                   {"service", m.service},
                   {"resource_entities", m.resource_entities},
                   {"console_path", m.console_path},
                   {"check_how", m.check_how},
                   {"cli_cmd", m.cli_cmd},
                   {"return_field", m.return_field},
                   {"compliant_value", m.compliant_value},
                   {"non_compliant_value", m.non_compliant_value},
                   {"console_fix", m.console_fix},
                   {"cli_fix_cmd", m.cli_fix_cmd}};
    if (with_engine_fields) {
        o["severity"] = m.severity;
        o["iam_actions"] = strings(m.iam_actions);
        if (!m.fix_placeholder.empty()) o["fix_placeholder"] = m.fix_placeholder;
    }
    return o;
}

json::value detail_json(const RequirementDetail& d) {
    json::array maps;
    for (const auto& m : d.mappings)
        maps.push_back(mapping_json(m));
    // The requirement is the list's row (its regulation text included), and the regulation is
    // repeated at the top, where the original's detail pages read it.
    return json::object{{"framework", d.framework},
                        {"regulation", d.requirement.regulation},
                        {"requirement", requirement_row_json(d.requirement)},
                        {"mappings", std::move(maps)}};
}

Expected<std::vector<FrameworkStat>, std::string> parse_stats(const json::value& v) {
    if (!v.is_array()) return unexpected(std::string("stats: expected a JSON array"));
    std::vector<FrameworkStat> out;
    for (const auto& e : v.as_array()) {
        const auto* o = e.if_object();
        const auto* count = o ? o->if_contains("count") : nullptr;
        const auto n = count ? exact_int(*count) : std::nullopt;
        if (!o || !o->if_contains("framework") || !(*o).at("framework").is_string() || !n)
            return unexpected(
                std::string("stats: each entry needs framework (string) and count (integer)"));
        out.push_back({str(*o, "framework"), *n});
    }
    return out;
}

Expected<Requirement, std::string> parse_requirement(const json::value& v) {
    const auto* o = v.if_object();
    if (!o) return unexpected(std::string("requirement: expected an object"));
    const auto* id = o->if_contains("id");
    const auto n = id ? exact_int(*id) : std::nullopt;
    if (!n || !o->if_contains("item_code"))
        return unexpected(std::string("requirement: id (integer) and item_code are required"));
    Requirement r;
    r.id = *n;
    r.item_code = str(*o, "item_code");
    r.title = str(*o, "title");
    r.title_en = str(*o, "title_en");
    r.mapping_status = str(*o, "mapping_status");
    r.regulation = str(*o, "regulation");
    for (auto& c : str_list(*o, "mapping_codes"))
        if (c != "해당없음") r.mapping_codes.push_back(std::move(c));  // the API's "none" marker
    r.mapping_services = str_list(*o, "mapping_services");
    if (const auto* a = o->if_contains("auditable"); a && a->is_bool())
        r.auditable = a->as_bool();
    else
        r.auditable = !r.mapping_codes.empty();
    r.not_auditable_reason = str(*o, "not_auditable_reason");
    r.parent = str(*o, "parent");
    r.aliases = str_list(*o, "aliases");
    r.applicable_compliance = str(*o, "applicable_compliance");
    return r;
}

Expected<std::vector<Requirement>, std::string> parse_requirements(const json::value& v) {
    if (!v.is_array()) return unexpected(std::string("requirements: expected a JSON array"));
    std::vector<Requirement> out;
    for (const auto& e : v.as_array()) {
        auto r = parse_requirement(e);
        if (!r) return unexpected(r.error());
        out.push_back(std::move(*r));
    }
    return out;
}

Expected<Mapping, std::string> parse_mapping(const json::value& v) {
    const auto* o = v.if_object();
    if (!o || !o->if_contains("code") || !(*o).at("code").is_string())
        return unexpected(std::string("mapping: expected an object with a code"));
    Mapping m;
    m.code = str(*o, "code");
    m.category = str(*o, "category");
    m.service = str(*o, "service");
    m.resource_entities = str(*o, "resource_entities");
    m.console_path = str(*o, "console_path");
    m.check_how = str(*o, "check_how");
    m.cli_cmd = str(*o, "cli_cmd");
    m.return_field = str(*o, "return_field");
    m.compliant_value = str(*o, "compliant_value");
    m.non_compliant_value = str(*o, "non_compliant_value");
    m.console_fix = str(*o, "console_fix");
    m.cli_fix_cmd = str(*o, "cli_fix_cmd");
    m.severity = str(*o, "severity");
    m.iam_actions = str_list(*o, "iam_actions");
    m.fix_placeholder = str(*o, "fix_placeholder");
    return m;
}

Expected<RequirementDetail, std::string> parse_detail(const json::value& v) {
    const auto* o = v.if_object();
    if (!o || !o->if_contains("requirement") || !o->if_contains("mappings") ||
        !(*o).at("mappings").is_array())
        return unexpected(
            std::string("requirement detail: framework, requirement and mappings[] expected"));
    RequirementDetail d;
    d.framework = str(*o, "framework");
    auto r = parse_requirement((*o).at("requirement"));
    if (!r) return unexpected(r.error());
    d.requirement = std::move(*r);
    if (d.requirement.regulation.empty()) d.requirement.regulation = str(*o, "regulation");
    for (const auto& e : (*o).at("mappings").as_array()) {
        auto m = parse_mapping(e);
        if (!m) return unexpected(m.error());
        d.mappings.push_back(std::move(*m));
    }
    return d;
}

}  // namespace dspm::catalog
