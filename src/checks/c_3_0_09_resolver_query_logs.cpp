// 3.0-09 Route 53 Resolver query logging: per VPC of every audited region (ec2 DescribeVpcs), one
// evaluation: Resolver logs the queries of a VPC only when a query-log configuration is
// associated with that VPC, so an association elsewhere in the region says nothing about it (what
// the old per-region test passed). route53resolver ListResolverQueryLogConfigAssociations (all
// pages) is read once per region and matched on ResourceId == VpcId.
//  - ACTIVE: queries are being logged, COMPLIANT. The catalog's "ASSOCIATED" is not a value the
//    API answers: the model's statuses are CREATING, ACTIVE, ACTION_NEEDED, DELETING and FAILED.
//  - CREATING: not logging yet, NON_COMPLIANT with a note (it may pass on the next run).
//  - ACTION_NEEDED / FAILED: NON_COMPLIANT, with the association's Error and ErrorMessage (e.g.
//    DESTINATION_NOT_FOUND, ACCESS_DENIED) in extra.
//  - DELETING, or no association: NON_COMPLIANT (observed null when none).
// Of several associations of one VPC the best status is judged; all are listed in
// extra.associations. No VPC in any audited region -> SKIPPED (resource_setting).
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_3_0_09_resolver_query_logs() {
    static const net::FnCheck check(
        {"3.0-09",
         "Route53 Resolver Query Logs",
         "Route53Resolver",
         "low",
         {"ec2:DescribeVpcs", "route53resolver:ListResolverQueryLogConfigAssociations"},
         Reach::regional,
         Applicability::resource_setting},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            static const net::VpcAssociationRule rule{
                "Route53Resolver",
                "route53resolver",
                "ListResolverQueryLogConfigAssociations",
                "ResolverQueryLogConfigAssociations",
                "ResourceId",
                "Query log association list",
                "Query logging association status",
                {"ACTIVE"},
                {"ACTIVE", "CREATING", "ACTION_NEEDED", "FAILED", "DELETING"},
                {"Id", "ResolverQueryLogConfigId", "Status", "Error", "ErrorMessage"},
                {"Id", "ResolverQueryLogConfigId", "Error", "ErrorMessage"},
                [](const json::value* a) -> std::string {
                    if (a == nullptr)
                        return "no query log configuration is associated with this VPC";
                    const std::string status = string_at(*a, "Status");
                    if (status == "ACTIVE") return {};
                    if (status == "CREATING")
                        return "association CREATING: queries are not logged yet";
                    // ACTION_NEEDED / FAILED say why in Error and ErrorMessage (copied to extra).
                    return "association status " +
                           (status.empty() ? std::string("absent") : status) +
                           ": queries are not logged";
                },
                "totalVpcs",
                "withQueryLogging",
                "no VPCs in the audited regions"};
            return net::per_vpc_association(info, rule, facts, scope);
        });
    return check;
}

}  // namespace dspm::checks
