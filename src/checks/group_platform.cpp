#include "checks/groups.hpp"

namespace dspm::checks {

const Check& check_16_0_02_codepipeline_approval();
const Check& check_16_0_01_codecommit_approval_templates();
const Check& check_16_0_05_codedeploy_traffic_control();
const Check& check_16_0_04_cloudformation_stacksets();

std::vector<const Check*> platform_checks() {
    return {
        &check_16_0_02_codepipeline_approval(),
        &check_16_0_01_codecommit_approval_templates(),
        &check_16_0_05_codedeploy_traffic_control(),
        &check_16_0_04_cloudformation_stacksets(),
    };
}

}  // namespace dspm::checks
