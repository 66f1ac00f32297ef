// 15.0-01 SageMaker Pipelines: per audited region, ListPipelines answers at least one pipeline
// ("present" in the catalog).
// Judgement: "no needless triggers" would need each pipeline's definition and schedules, which
// the catalog's return field (PipelineSummaries) does not carry; the check is the catalog's
// presence test.
// Region-level by nature: the feature is one optional way of meeting the control (Applicability::
// one_way), so what can be evidenced is whether it is used in the region; a region without it is
// "not evidenced" (no evaluation, listed in evidence.notEvidenced), never NON_COMPLIANT.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

const Check& check_15_0_01_sagemaker_pipelines() {
    static const net::FnCheck check(
        {"15.0-01",
         "SageMaker Pipelines",
         "SageMaker",
         "low",
         {"sagemaker:ListPipelines"},
         Reach::regional,
         Applicability::one_way},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            static const detection::RegionalCount spec{
                "SageMaker", "sagemaker", "ListPipelines", {}, "PipelineSummaries",   "Pipelines",
                true,        {},          nullptr,         "", "regionsWithPipelines"};
            return detection::regional_count(info, facts, scope, spec);
        });
    return check;
}

}  // namespace dspm::checks
