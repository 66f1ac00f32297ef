// 8.0-09 API Gateway: every REST API (GetRestApis per region) has PRIVATE among its
// endpointConfiguration.types, i.e. it is reachable only through an interface VPC endpoint.
// Judgement: EDGE and REGIONAL APIs are public endpoints (the catalog's non-compliant value) even
// when protected by authorizers or WAF; an API without endpointConfiguration is treated as
// missing the PRIVATE type (NON_COMPLIANT with a note). HTTP/WebSocket APIs (apigatewayv2) are not
// in the embedded models and are not read. No REST APIs -> SKIPPED.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

const Check& check_8_0_09_apigateway_private() {
    static const net::FnCheck check(
        {"8.0-09", "API Gateway", "API Gateway", "medium", {"apigateway:GET"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::ItemRule rule{
                "API Gateway",
                "apigateway",
                "GetRestApis",
                {},
                "items",
                "id",
                "REST API list",
                {{"endpointConfiguration.types", "Endpoint types", engine::Comparator::contains,
                  "PRIVATE", "no endpointConfiguration in the answer"}},
                {"name", "endpointConfiguration.vpcEndpointIds"},
                "totalRestApis",
                "privateApis",
                "no API Gateway REST APIs in the audited regions"};
            return net::run_item_rule(info, rule, facts, scope);
        });
    return check;
}

}  // namespace dspm::checks
