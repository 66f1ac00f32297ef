// The Mapping-API-compatible catalog routes. Bodies keep the Mapping API's shapes; only when the
// configured remote failed and the embedded catalog answered (MAPPING_FALLBACK=embedded) does an
// object answer carry "catalog_source": "embedded" (list answers cannot carry it: they keep
// their shape and say so in the X-Catalog-Source header instead).
#include <algorithm>
#include <boost/json.hpp>
#include <functional>
#include <optional>

#include "api/routes.hpp"
#include "catalog/catalog.hpp"
#include "catalog/json_shapes.hpp"
#include "catalog/local_source.hpp"  // to_lower
#include "catalog/threats.hpp"
#include "checks/check.hpp"

namespace dspm::api {
namespace json = boost::json;
using catalog::CatalogError;
using catalog::CatalogErrorKind;

namespace {

// A mapping as the API shows it: the IAM actions are the catalog's together with every action the
// implemented check reads with (the check is the authority: a remote Mapping API may list fewer),
// so that a least-privilege policy built from this list lets the audit read what it judges.
// With the check's reach ("regional" / "global") and applicability kind ("control": absence fails,
// "one_way": absence is not evidenced, "resource_setting": no resources, nothing to judge).
json::object mapping_with_check(catalog::Mapping m) {
    const auto* check = checks::find_check(m.code);
    if (check != nullptr)
        for (const auto& action : check->info().iam_actions)
            if (std::find(m.iam_actions.begin(), m.iam_actions.end(), action) ==
                m.iam_actions.end())
                m.iam_actions.push_back(action);
    auto o = catalog::mapping_json(m, true);
    if (check != nullptr) {
        o["reach"] = checks::to_string(check->info().reach);
        o["applicability"] = checks::to_string(check->info().applicability);
    }
    return o;
}

net::ServerResponse failure(const CatalogError& e) {
    return error_response(e.kind == CatalogErrorKind::not_found ? 404 : 502, e.detail);
}

// Marks answers that came from the fallback rather than the configured source.
net::ServerResponse answer(catalog::CatalogSource& source, json::value body) {
    const std::string used = source.last_source();
    const bool fell_back = used != source.source_name();
    if (fell_back && body.is_object()) body.as_object()["catalog_source"] = used;
    auto response = json_response(200, body);
    if (fell_back) response.headers.emplace_back("X-Catalog-Source", used);
    return response;
}

json::object op(const char* summary_404, std::vector<const char*> params) {
    json::array parameters;
    for (const char* p : params)
        parameters.push_back(json::object{{"name", p},
                                          {"in", "path"},
                                          {"required", true},
                                          {"schema", json::object{{"type", "string"}}}});
    json::object responses{
        {"200", json::object{{"description", "OK"}}},
        {"502", json::object{{"description", "The configured Mapping API failed"}}}};
    if (summary_404) responses["404"] = json::object{{"description", summary_404}};
    json::object o{{"responses", std::move(responses)}};
    if (!parameters.empty()) o["parameters"] = std::move(parameters);
    return o;
}

net::ServerResponse no_catalog() {
    return error_response(503, "catalog is not configured");
}

bool is_threat_framework(const std::string& code) {
    return catalog::to_lower(code) == catalog::to_lower(catalog::kThreatFramework);
}

// The threat view over the source's catalog. Without a SAGE-Threat framework (a remote catalog
// may lack it) there are no threats: rows then carry none, rather than failing the answer.
// with_others: every other framework's rows too, which only applicable_hits needs.
std::optional<catalog::ThreatIndex> threat_index(catalog::CatalogSource& source, bool with_others) {
    auto groups = catalog::embedded_threat_groups();
    auto threats = source.requirements(catalog::kThreatFramework);
    if (!threats) return std::nullopt;
    std::vector<catalog::FrameworkRow> others;
    if (with_others) {
        auto stats = source.stats();
        if (stats)
            for (const auto& s : *stats) {
                if (is_threat_framework(s.framework)) continue;
                if (auto rows = source.requirements(s.framework))
                    for (auto& r : *rows)
                        others.push_back({s.framework, std::move(r)});
            }
    }
    return catalog::ThreatIndex(groups ? std::move(*groups) : std::vector<catalog::ThreatGroup>{},
                                std::move(*threats), std::move(others));
}

// A row as the ":groups" routes answer it: threat_group and threat_groups (null outside
// SAGE-Threat), and for SAGE-Threat rows the resolved applicable_hits.
json::object grouped_row(const catalog::Requirement& r, bool threat_framework,
                         const std::optional<catalog::ThreatIndex>& index) {
    auto o = catalog::requirement_row_json(r);
    if (threat_framework && index) {
        const auto groups = index->groups_of(r);
        json::array names;
        for (const auto& g : groups)
            names.emplace_back(g);
        o["threat_group"] = groups.empty() ? json::value(nullptr) : json::value(groups.front());
        o["threat_groups"] = names.empty() ? json::value(nullptr) : json::value(std::move(names));
        o["applicable_hits"] = index->applicable_hits(r);
    } else {
        o["threat_group"] = nullptr;
        o["threat_groups"] = nullptr;
    }
    return o;
}

// A row of the default list: with the threats that concern it (SAGE-Threat rows with their hits).
json::object threat_row(const catalog::Requirement& r, bool threat_framework,
                        const std::optional<catalog::ThreatIndex>& index) {
    auto o = catalog::requirement_row_json(r);
    if (!index) return o;
    if (threat_framework)
        o["applicable_hits"] = index->applicable_hits(r);
    else
        index->add_threats(r, o);
    return o;
}

// The two views of the rows: the default one (threats[] on each row) and ":groups".
enum class View { threats, groups };

json::object row_in(View view, const catalog::Requirement& r, bool threat_framework,
                    const std::optional<catalog::ThreatIndex>& index) {
    return view == View::groups ? grouped_row(r, threat_framework, index)
                                : threat_row(r, threat_framework, index);
}

// The groups view has nothing to add outside SAGE-Threat; SAGE-Threat rows resolve their
// applicable_hits against every other framework.
std::optional<catalog::ThreatIndex> index_for(View view, catalog::CatalogSource& source,
                                              bool threat_framework) {
    if (view == View::groups && !threat_framework) return std::nullopt;
    return threat_index(source, threat_framework);
}

using SourceFn = std::function<std::shared_ptr<catalog::CatalogSource>()>;

RouteHandler list_handler(SourceFn source, View view) {
    return [source, view](const net::ServerRequest&, const PathParams& p) {
        auto cat = source();
        if (!cat) return no_catalog();
        auto rows = cat->requirements(p.at("code"));
        if (!rows) return failure(rows.error());
        const bool threat_fw = is_threat_framework(p.at("code"));
        const auto index = index_for(view, *cat, threat_fw);
        json::array out;
        for (const auto& r : *rows)
            out.push_back(row_in(view, r, threat_fw, index));
        return answer(*cat, std::move(out));
    };
}

RouteHandler detail_handler(SourceFn source, View view) {
    return [source, view](const net::ServerRequest&, const PathParams& p) {
        auto cat = source();
        if (!cat) return no_catalog();
        auto detail = cat->requirement(p.at("code"), p.at("id"));
        if (!detail) return failure(detail.error());
        auto body = catalog::detail_json(*detail).as_object();
        const bool threat_fw = is_threat_framework(detail->framework);
        body["requirement"] =
            row_in(view, detail->requirement, threat_fw, index_for(view, *cat, threat_fw));
        return answer(*cat, std::move(body));
    };
}

}  // namespace

void add_compliance_routes(Router& router, ApiContext& context) {
    auto source = [&context]() { return context.catalog; };

    router.add({"GET", "/compliance/stats", "Number of requirements per framework", true,
                op(nullptr, {}), [source](const net::ServerRequest&, const PathParams&) {
                    auto cat = source();
                    if (!cat) return no_catalog();
                    auto stats = cat->stats();
                    if (!stats) return failure(stats.error());
                    return answer(*cat, catalog::stats_json(*stats));
                }});
    router.add({"GET", "/compliance/{code}/requirements",
                "Requirements of a framework, each with the threats that concern it", true,
                op("Unknown framework", {"code"}), list_handler(source, View::threats)});
    router.add({"GET", "/compliance/{code}/requirements:groups",
                "Requirements of a framework with their threat groups (SAGE-Threat)", true,
                op("Unknown framework", {"code"}), list_handler(source, View::groups)});
    router.add({"GET", "/compliance/{code}/requirements/{id}/mappings",
                "A requirement (numeric id or item code) with its mapping codes and threats", true,
                op("Unknown framework or requirement", {"code", "id"}),
                detail_handler(source, View::threats)});
    router.add({"GET", "/compliance/{code}/requirements/{id}/mappings:groups",
                "A requirement with its mapping codes and threat groups (SAGE-Threat)", true,
                op("Unknown framework or requirement", {"code", "id"}),
                detail_handler(source, View::groups)});
    router.add({"GET", "/compliance/mappings", "All mapping codes", true, op(nullptr, {}),
                [source](const net::ServerRequest&, const PathParams&) {
                    auto cat = source();
                    if (!cat) return no_catalog();
                    auto maps = cat->mappings();
                    if (!maps) return failure(maps.error());
                    json::array out;
                    for (const auto& m : *maps)
                        out.push_back(mapping_with_check(m));
                    return answer(*cat, std::move(out));
                }});
    router.add({"GET", "/compliance/mappings/{code}", "One mapping code", true,
                op("Unknown mapping code", {"code"}),
                [source](const net::ServerRequest&, const PathParams& p) {
                    auto cat = source();
                    if (!cat) return no_catalog();
                    auto maps = cat->mappings();
                    if (!maps) return failure(maps.error());
                    for (const auto& m : *maps)
                        if (m.code == p.at("code")) return answer(*cat, mapping_with_check(m));
                    return error_response(404, "Mapping code '" + p.at("code") + "' not found");
                }});
}

}  // namespace dspm::api
