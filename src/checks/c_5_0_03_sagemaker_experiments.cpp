// 5.0-03 SageMaker Experiments: per audited region, ListExperiments answers at least one
// experiment ("present" in the catalog).
// Region-level by nature: the feature is one optional way of meeting the control (Applicability::
// one_way), so what can be evidenced is whether it is used in the region; a region without it is
// "not evidenced" (no evaluation, listed in evidence.notEvidenced), never NON_COMPLIANT.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

const Check& check_5_0_03_sagemaker_experiments() {
    static const net::FnCheck check(
        {"5.0-03",
         "SageMaker Experiments",
         "SageMaker",
         "low",
         {"sagemaker:ListExperiments"},
         Reach::regional,
         Applicability::one_way},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            static const detection::RegionalCount spec{"SageMaker",
                                                       "sagemaker",
                                                       "ListExperiments",
                                                       {},
                                                       "ExperimentSummaries",
                                                       "Tracked experiments",
                                                       true,
                                                       {},
                                                       nullptr,
                                                       "",
                                                       "regionsWithExperiments"};
            return detection::regional_count(info, facts, scope, spec);
        });
    return check;
}

}  // namespace dspm::checks
