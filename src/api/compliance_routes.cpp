// The Mapping-API-compatible catalog routes. Bodies keep the Mapping API's shapes; only when the
// configured remote failed and the embedded catalog answered (MAPPING_FALLBACK=embedded) does an
// object answer carry "catalog_source": "embedded" (list answers cannot carry it: they keep
// their shape and say so in the X-Catalog-Source header instead).
#include <algorithm>
#include <boost/json.hpp>

#include "api/routes.hpp"
#include "catalog/catalog.hpp"
#include "catalog/json_shapes.hpp"
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
    router.add({"GET", "/compliance/{code}/requirements", "Requirements of a framework", true,
                op("Unknown framework", {"code"}),
                [source](const net::ServerRequest&, const PathParams& p) {
                    auto cat = source();
                    if (!cat) return no_catalog();
                    auto rows = cat->requirements(p.at("code"));
                    if (!rows) return failure(rows.error());
                    return answer(*cat, catalog::requirements_json(*rows));
                }});
    router.add({"GET", "/compliance/{code}/requirements/{id}/mappings",
                "A requirement (numeric id or item code) with its mapping codes", true,
                op("Unknown framework or requirement", {"code", "id"}),
                [source](const net::ServerRequest&, const PathParams& p) {
                    auto cat = source();
                    if (!cat) return no_catalog();
                    auto detail = cat->requirement(p.at("code"), p.at("id"));
                    if (!detail) return failure(detail.error());
                    return answer(*cat, catalog::detail_json(*detail));
                }});
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
