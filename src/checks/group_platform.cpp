#include "checks/groups.hpp"

namespace dspm::checks {

const Check& check_16_0_02_codepipeline_approval();
const Check& check_16_0_01_codecommit_approval_templates();
const Check& check_16_0_05_codedeploy_traffic_control();
const Check& check_16_0_04_cloudformation_stacksets();
const Check& check_11_0_04_ram_sharing_limits();
const Check& check_12_0_01_privatelink_endpoints();
const Check& check_12_0_02_datasync_tasks();
const Check& check_12_0_03_transfer_protocols();
const Check& check_8_0_06_verified_access();
const Check& check_8_0_09_apigateway_private();
const Check& check_8_0_08_s3_access_points_vpc();
const Check& check_13_0_03_s3_access_point_policy();
const Check& check_13_0_04_kms_tenant_keys();
const Check& check_15_0_02_eventbridge_targets();
const Check& check_15_0_03_stepfunctions_running();
const Check& check_15_0_04_s3_event_triggers();
const Check& check_14_0_03_cloudtrail_labeling_events();

std::vector<const Check*> platform_checks() {
    return {
        &check_16_0_02_codepipeline_approval(),
        &check_16_0_01_codecommit_approval_templates(),
        &check_16_0_05_codedeploy_traffic_control(),
        &check_16_0_04_cloudformation_stacksets(),
        &check_11_0_04_ram_sharing_limits(),
        &check_12_0_01_privatelink_endpoints(),
        &check_12_0_02_datasync_tasks(),
        &check_12_0_03_transfer_protocols(),
        &check_8_0_06_verified_access(),
        &check_8_0_09_apigateway_private(),
        &check_8_0_08_s3_access_points_vpc(),
        &check_13_0_03_s3_access_point_policy(),
        &check_13_0_04_kms_tenant_keys(),
        &check_15_0_02_eventbridge_targets(),
        &check_15_0_03_stepfunctions_running(),
        &check_15_0_04_s3_event_triggers(),
        &check_14_0_03_cloudtrail_labeling_events(),
    };
}

}  // namespace dspm::checks
