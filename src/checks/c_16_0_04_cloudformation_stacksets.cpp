// 16.0-04 CloudFormation StackSets: each audited region has at least one ACTIVE stack set
// (ListStackSets with Status=ACTIVE, query protocol), the catalog's "present".
// Judgement: a stack set is administered from the region it was created in, so presence is judged
// per audited region like the other "present" codes; DELETED stack sets do not count (the filter
// asks for ACTIVE only, and the count re-checks Status in case a server ignores the filter).
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_16_0_04_cloudformation_stacksets() {
    static const net::FnCheck check(
        {"16.0-04",
         "CloudFormation StackSets",
         "CloudFormation",
         "low",
         {"cloudformation:ListStackSets"},
         Reach::regional,
         Applicability::one_way},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            detection::RegionalCount spec{"CloudFormation", "cloudformation",
                                          "ListStackSets",  {{"Status", "ACTIVE"}},
                                          "Summaries",      "Active stack sets"};
            spec.counts = [](const json::value& s) {
                const std::string status = string_at(s, "Status");
                return status.empty() || status == "ACTIVE";
            };
            spec.filter_suffix = "[?Status=='ACTIVE']";
            return detection::regional_count(info, facts, scope, spec);
        });
    return check;
}

}  // namespace dspm::checks
