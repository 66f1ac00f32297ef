// 5.0-03 SageMaker Experiments: per audited region, ListExperiments answers at least one
// experiment ("present" in the catalog).
// Judgement: this is a presence check, so a region without experiments is NON_COMPLIANT, not
// SKIPPED: the absence of tracking is what the code looks for.
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
