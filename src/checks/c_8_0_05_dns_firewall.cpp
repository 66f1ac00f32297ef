// 8.0-05 Route 53 Resolver DNS Firewall: per VPC of every audited region (ec2 DescribeVpcs), one
// evaluation: DNS Firewall filters a VPC's queries only through a rule group associated with that
// VPC, so a rule group that exists but is associated with no VPC protects nothing (what the old
// "a rule group exists in the region" test passed). route53resolver
// ListFirewallRuleGroupAssociations (all pages) is read once per region and matched on VpcId.
//  - COMPLETE: the association is in force, COMPLIANT.
//  - UPDATING: an association in force being changed (priority, mutation protection); the rule
//    group keeps filtering meanwhile, so COMPLIANT with the status noted.
//  - DELETING (or any status the model may add): NON_COMPLIANT with the status noted.
//  - no association for the VPC: NON_COMPLIANT, observed null.
// Of several associations of one VPC (one per rule group and priority) the best status is judged;
// all are listed in extra.associations. Associations made by Firewall Manager count (they are
// listed with ManagedOwnerName). No VPC in any audited region -> SKIPPED (resource_setting).
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_8_0_05_dns_firewall() {
    static const net::FnCheck check(
        {"8.0-05",
         "Route53 DNS Firewall",
         "Route53Resolver",
         "low",
         {"ec2:DescribeVpcs", "route53resolver:ListFirewallRuleGroupAssociations"},
         Reach::regional,
         Applicability::resource_setting},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            static const net::VpcAssociationRule rule{
                "Route53Resolver",
                "route53resolver",
                "ListFirewallRuleGroupAssociations",
                "FirewallRuleGroupAssociations",
                "VpcId",
                "DNS Firewall association list",
                "DNS Firewall rule group association status",
                {"COMPLETE", "UPDATING"},
                {"COMPLETE", "UPDATING", "DELETING"},
                {"Id", "FirewallRuleGroupId", "Name", "Priority", "Status", "StatusMessage",
                 "ManagedOwnerName"},
                {"Id", "FirewallRuleGroupId", "StatusMessage"},
                [](const json::value* a) -> std::string {
                    if (a == nullptr)
                        return "no DNS Firewall rule group is associated with this VPC";
                    const std::string status = string_at(*a, "Status");
                    if (status == "COMPLETE") return {};
                    if (status == "UPDATING")
                        return "association UPDATING: the rule group stays in force while it "
                               "changes";
                    return "association status " + (status.empty() ? "absent" : status) +
                           ": not in force";
                },
                "totalVpcs",
                "withDnsFirewall",
                "no VPCs in the audited regions"};
            return net::per_vpc_association(info, rule, facts, scope);
        });
    return check;
}

}  // namespace dspm::checks
