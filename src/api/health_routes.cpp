#include <chrono>

#include "api/routes.hpp"

namespace dspm::api {

void add_health_routes(Router& router, ApiContext& context) {
    const auto started = context.started;
    router.add(Route{
        .method = "GET",
        .pattern = "/health",
        .summary = "Liveness: the service is up",
        .requires_token = false,
        .openapi = boost::json::object{{"tags", boost::json::array{"health"}}},
        .handler =
            [started](const net::ServerRequest&, const PathParams&) {
                // Whole seconds: Boost.JSON prints any double in exponent form (1.2E1).
                const auto up = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::steady_clock::now() - started);
                return json_response(200, boost::json::object{{"status", "ok"},
                                                              {"version", DSPM_VERSION},
                                                              {"uptime_s", up.count()}});
            },
    });
}

}  // namespace dspm::api
