// 5.0-02 Glue Data Quality: per audited region, ListDataQualityRulesets answers at least one
// ruleset (">=1" in the catalog).
// Every page is read: an empty first page may still carry a NextToken (botocore has no paginator
// for the operation; gen_aws_models.py's EXTRA_PAGINATORS adds it).
// Region-level by nature: the feature is one optional way of meeting the control (Applicability::
// one_way), so what can be evidenced is whether it is used in the region; a region without it is
// "not evidenced" (no evaluation, listed in evidence.notEvidenced), never NON_COMPLIANT.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

const Check& check_5_0_02_glue_data_quality() {
    static const net::FnCheck check(
        {"5.0-02",
         "Glue Data Quality",
         "Glue",
         "low",
         {"glue:ListDataQualityRulesets"},
         Reach::regional,
         Applicability::one_way},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            static const detection::RegionalCount spec{"Glue",
                                                       "glue",
                                                       "ListDataQualityRulesets",
                                                       {},
                                                       "Rulesets",
                                                       "Data quality rulesets",
                                                       true,
                                                       {},
                                                       nullptr,
                                                       "",
                                                       "regionsWithRulesets"};
            return detection::regional_count(info, facts, scope, spec);
        });
    return check;
}

}  // namespace dspm::checks
