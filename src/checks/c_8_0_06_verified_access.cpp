// 8.0-06 Verified Access: each audited region has at least one Verified Access endpoint
// (DescribeVerifiedAccessEndpoints), the catalog's "present": applications are reached through
// identity- and device-aware access instead of a VPN or a public listener.
// Judgement: endpoints being deleted (Status.Code deleting/deleted) no longer serve and do not
// count.
// Region-level by nature: the feature is one optional way of meeting the control (Applicability::
// one_way), so what can be evidenced is whether it is used in the region; a region without it is
// "not evidenced" (no evaluation, listed in evidence.notEvidenced), never NON_COMPLIANT.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_8_0_06_verified_access() {
    static const net::FnCheck check(
        {"8.0-06",
         "Verified Access",
         "Verified Access",
         "low",
         {"ec2:DescribeVerifiedAccessEndpoints"},
         Reach::regional,
         Applicability::one_way},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            detection::RegionalCount spec{"Verified Access",
                                          "ec2",
                                          "DescribeVerifiedAccessEndpoints",
                                          {},
                                          "VerifiedAccessEndpoints",
                                          "Verified Access endpoints"};
            spec.counts = [](const json::value& e) {
                const std::string code = string_at(e, "Status.Code");
                return code != "deleting" && code != "deleted";
            };
            spec.filter_suffix = "[?Status.Code!='deleted']";
            return detection::regional_count(info, facts, scope, spec);
        });
    return check;
}

}  // namespace dspm::checks
