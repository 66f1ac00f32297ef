#pragma once
// What the routes share, and the functions that add each room's routes to the one route table.
#include <chrono>
#include <memory>

#include "api/router.hpp"
#include "common/expected.hpp"
#include "common/settings.hpp"

namespace dspm::net {
class HttpClient;
}
namespace dspm::catalog {
class CatalogSource;
}
namespace dspm::aws {
class AwsClient;
}
namespace dspm::api {
class SessionStore;
}
namespace dspm::store {
class RunStore;
}

namespace dspm::api {

// Built once by `serve`; members are added (never removed) as rooms need them.
struct ApiContext {
    Settings settings;
    std::shared_ptr<net::HttpClient> http;
    std::shared_ptr<catalog::CatalogSource> catalog;
    // The AWS client the audit routes use; null: built from the settings by add_audit_routes.
    std::shared_ptr<aws::AwsClient> aws;
    // The clients' sessions (api/sessions.hpp); null: built from the settings by add_audit_routes.
    std::shared_ptr<SessionStore> sessions;
    // The run store (store/store.hpp), opened by `serve`; null: answers carry no run_id and the
    // /runs routes answer 503.
    std::shared_ptr<store::RunStore> runs;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

void add_health_routes(Router& router, ApiContext& context);      // api/health_routes.cpp
void add_compliance_routes(Router& router, ApiContext& context);  // api/compliance_routes.cpp
void add_audit_routes(Router& router, ApiContext& context);       // api/audit_routes.cpp
void add_session_routes(Router& router, ApiContext& context);     // api/session_routes.cpp
void add_policy_routes(Router& router, ApiContext& context);      // api/policy_routes.cpp
void add_run_routes(Router& router, ApiContext& context);         // api/run_routes.cpp
void add_fix_routes(Router& router, ApiContext& context);         // api/fix_routes.cpp

// ?region=a,b or repeated, validated as AWS region names (api/audit_routes.cpp).
Expected<std::vector<std::string>, std::string> requested_regions(
    const net::ServerRequest& request);

// Every route of the service, /openapi.json included.
Router build_router(ApiContext& context);
// The catalog routes alone (and /health), for the second port (MAPPING_PORT).
Router build_catalog_router(ApiContext& context);

}  // namespace dspm::api
