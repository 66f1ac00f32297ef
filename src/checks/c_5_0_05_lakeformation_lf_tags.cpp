// 5.0-05 Lake Formation LF-Tags: per audited region, ListLFTags answers at least one LF-Tag
// ("present" in the catalog).
// Judgement: LF-Tags live in each region's Data Catalog, so each audited region is judged.
// Region-level by nature: the feature is one optional way of meeting the control (Applicability::
// one_way), so what can be evidenced is whether it is used in the region; a region without it is
// "not evidenced" (no evaluation, listed in evidence.notEvidenced), never NON_COMPLIANT.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

const Check& check_5_0_05_lakeformation_lf_tags() {
    static const net::FnCheck check(
        {"5.0-05",
         "Lake Formation LF-Tags",
         "LakeFormation",
         "low",
         {"lakeformation:ListLFTags"},
         Reach::regional,
         Applicability::one_way},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            static const detection::RegionalCount spec{"LakeFormation",
                                                       "lakeformation",
                                                       "ListLFTags",
                                                       {},
                                                       "LFTags",
                                                       "LF-Tags",
                                                       true,
                                                       {},
                                                       nullptr,
                                                       "",
                                                       "regionsWithLfTags"};
            return detection::regional_count(info, facts, scope, spec);
        });
    return check;
}

}  // namespace dspm::checks
