// GET /policy/{framework}[/{req_id}]: the least-privilege IAM policy of that audit
// (policy/policy.hpp): its read actions grouped by service, in documents that fit a managed policy.
#include <boost/json.hpp>
#include <optional>

#include "api/routes.hpp"
#include "policy/policy.hpp"

namespace dspm::api {
namespace json = boost::json;

namespace {

net::ServerResponse policy_answer(ApiContext& context, const std::string& framework,
                                  const std::optional<std::string>& requirement) {
    if (!context.catalog) return error_response(503, "catalog is not configured");
    auto codes = policy::codes_of(*context.catalog, framework, requirement);
    if (!codes)
        return error_response(
            codes.error().kind == catalog::CatalogErrorKind::not_found ? 404 : 502,
            codes.error().detail);
    auto body = policy::to_json(policy::read_policy(*codes));
    body["framework"] = framework;
    if (requirement) body["requirement"] = *requirement;
    return json_response(200, body);
}

json::object policy_openapi(bool with_requirement) {
    json::object responses{
        {"200",
         json::object{{"description",
                       "{framework, codes[], not_implemented[], actions[], documents[] (IAM "
                       "policy documents, each within 6,144 characters), document_chars[]}"}}},
        {"404", json::object{{"description", with_requirement ? "unknown framework or requirement"
                                                              : "unknown framework"}}},
        {"502", json::object{{"description", "the catalog source failed"}}}};
    return {{"tags", json::array{"policy"}}, {"responses", std::move(responses)}};
}

}  // namespace

void add_policy_routes(Router& router, ApiContext& context) {
    router.add(Route{
        .method = "GET",
        .pattern = "/policy/{framework}",
        .summary = "The least-privilege IAM policy an audit of the framework needs",
        .requires_token = true,
        .openapi = policy_openapi(false),
        .handler =
            [&context](const net::ServerRequest&, const PathParams& p) {
                return policy_answer(context, p.at("framework"), std::nullopt);
            },
    });
    router.add(Route{
        .method = "GET",
        .pattern = "/policy/{framework}/{req_id}",
        .summary = "The least-privilege IAM policy an audit of one requirement needs",
        .requires_token = true,
        .openapi = policy_openapi(true),
        .handler =
            [&context](const net::ServerRequest&, const PathParams& p) {
                return policy_answer(context, p.at("framework"), p.at("req_id"));
            },
    });
}

}  // namespace dspm::api
