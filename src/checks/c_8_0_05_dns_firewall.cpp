// 8.0-05 Route 53 DNS Firewall: per audited region, ListFirewallRuleGroups answers at least one
// rule group.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

class Check8005DnsFirewall final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"8.0-05",
                                 "Route53 DNS Firewall",
                                 "Route53Resolver",
                                 "low",
                                 {"route53resolver:ListFirewallRuleGroups"},
                                 Reach::regional,
                                 Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        static const detection::RegionalCount spec{"Route53Resolver",
                                                   "route53resolver",
                                                   "ListFirewallRuleGroups",
                                                   {},
                                                   "FirewallRuleGroups",
                                                   "DNS Firewall rule groups",
                                                   true,
                                                   {},
                                                   nullptr,
                                                   "",
                                                   "regionsWithRuleGroup"};
        return detection::regional_count(info(), facts, scope, spec);
    }
};

}  // namespace

const Check& check_8_0_05_dns_firewall() {
    static const Check8005DnsFirewall check;
    return check;
}

}  // namespace dspm::checks
