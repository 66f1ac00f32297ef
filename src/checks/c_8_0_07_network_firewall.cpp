// 8.0-07 AWS Network Firewall: per audited region, ListFirewalls answers at least one firewall.
// Region-level by nature: the feature is one optional way of meeting the control (Applicability::
// one_way), so what can be evidenced is whether it is used in the region; a region without it is
// "not evidenced" (no evaluation, listed in evidence.notEvidenced), never NON_COMPLIANT.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

class Check8007NetworkFirewall final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"8.0-07",
                                 "AWS Network Firewall",
                                 "NetworkFirewall",
                                 "medium",
                                 {"network-firewall:ListFirewalls"},
                                 Reach::regional,
                                 Applicability::one_way};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        static const detection::RegionalCount spec{"NetworkFirewall",
                                                   "network-firewall",
                                                   "ListFirewalls",
                                                   {},
                                                   "Firewalls",
                                                   "Network firewalls",
                                                   true,
                                                   {},
                                                   nullptr,
                                                   "",
                                                   "regionsWithFirewall"};
        return detection::regional_count(info(), facts, scope, spec);
    }
};

}  // namespace

const Check& check_8_0_07_network_firewall() {
    static const Check8007NetworkFirewall check;
    return check;
}

}  // namespace dspm::checks
