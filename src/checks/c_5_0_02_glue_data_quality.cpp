// 5.0-02 Glue Data Quality: per audited region, ListDataQualityRulesets answers at least one
// ruleset (">=1" in the catalog).
// Judgement: the model has no paginator for this operation and one ruleset is enough to pass, so
// only the first page is read.
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
                                                       false,
                                                       {},
                                                       nullptr,
                                                       "",
                                                       "regionsWithRulesets"};
            return detection::regional_count(info, facts, scope, spec);
        });
    return check;
}

}  // namespace dspm::checks
