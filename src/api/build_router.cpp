#include <boost/json/serialize.hpp>
#include <memory>

#include "api/routes.hpp"

namespace dspm::api {
namespace {

// The document describes the final table, this route included, so it is rendered only after
// the route has been added.
void add_openapi_route(Router& router) {
    auto document = std::make_shared<std::string>();
    router.add(Route{
        .method = "GET",
        .pattern = "/openapi.json",
        .summary = "This API's OpenAPI 3.1 description",
        .requires_token = true,
        .openapi = boost::json::object{{"tags", boost::json::array{"meta"}}},
        .handler = [document](
                       const net::ServerRequest&,
                       const PathParams&) { return net::ServerResponse::json(200, *document); },
    });
    *document = boost::json::serialize(router.openapi_document(DSPM_VERSION));
}

}  // namespace

Router build_router(ApiContext& context) {
    Router router(context.settings.audit_api_token);
    router.set_cors(Cors(context.settings.cors_allow_origins));
    add_health_routes(router, context);
    add_compliance_routes(router, context);
    add_audit_routes(router, context);
    add_session_routes(router, context);
    add_policy_routes(router, context);
    add_run_routes(router, context);
    add_fix_routes(router, context);
    add_openapi_route(router);
    return router;
}

Router build_catalog_router(ApiContext& context) {
    Router router(context.settings.audit_api_token);
    router.set_cors(Cors(context.settings.cors_allow_origins));
    add_health_routes(router, context);
    add_compliance_routes(router, context);
    add_openapi_route(router);
    return router;
}

}  // namespace dspm::api
