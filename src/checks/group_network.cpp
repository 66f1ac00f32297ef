#include "checks/groups.hpp"

namespace dspm::checks {

const Check& check_8_0_01_sg_open_ingress();
const Check& check_12_0_05_cloudfront_oac();
const Check& check_3_0_08_cloudfront_logging();
const Check& check_2_0_16_kms_rotation();
const Check& check_10_0_04_kms_key_rotation();
const Check& check_2_0_09_elb_https_listeners();
const Check& check_3_0_07_elb_access_logs();
const Check& check_2_0_13_efs_encryption();
const Check& check_2_0_11_sqs_kms();
const Check& check_2_0_12_sns_kms();
const Check& check_10_0_01_secrets_rotation();
const Check& check_10_0_02_ssm_securestring();
const Check& check_2_0_05_opensearch_at_rest();
const Check& check_2_0_06_opensearch_node_to_node();
const Check& check_2_0_07_eks_secrets_encryption();
const Check& check_3_0_06_eks_control_plane_logs();
const Check& check_13_0_01_eks_oidc();
const Check& check_2_0_08_elasticache_encryption();
const Check& check_2_0_10_kinesis_kms();
const Check& check_2_0_14_msk_encryption();
const Check& check_6_0_03_ecr_scan_on_push();
const Check& check_6_0_07_ecr_immutable_tags();
const Check& check_8_0_03_wafv2_web_acl();
const Check& check_16_0_03_codebuild_encryption();
const Check& check_5_0_07_athena_workgroups();

std::vector<const Check*> network_checks() {
    return {
        &check_8_0_01_sg_open_ingress(),
        &check_12_0_05_cloudfront_oac(),
        &check_3_0_08_cloudfront_logging(),
        &check_2_0_16_kms_rotation(),
        &check_10_0_04_kms_key_rotation(),
        &check_2_0_09_elb_https_listeners(),
        &check_3_0_07_elb_access_logs(),
        &check_2_0_13_efs_encryption(),
        &check_2_0_11_sqs_kms(),
        &check_2_0_12_sns_kms(),
        &check_10_0_01_secrets_rotation(),
        &check_10_0_02_ssm_securestring(),
        &check_2_0_05_opensearch_at_rest(),
        &check_2_0_06_opensearch_node_to_node(),
        &check_2_0_07_eks_secrets_encryption(),
        &check_3_0_06_eks_control_plane_logs(),
        &check_13_0_01_eks_oidc(),
        &check_2_0_08_elasticache_encryption(),
        &check_2_0_10_kinesis_kms(),
        &check_2_0_14_msk_encryption(),
        &check_6_0_03_ecr_scan_on_push(),
        &check_6_0_07_ecr_immutable_tags(),
        &check_8_0_03_wafv2_web_acl(),
        &check_16_0_03_codebuild_encryption(),
        &check_5_0_07_athena_workgroups(),
    };
}

}  // namespace dspm::checks
