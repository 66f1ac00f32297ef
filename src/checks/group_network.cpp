#include "checks/groups.hpp"

namespace dspm::checks {

const Check& check_8_0_01_sg_open_ingress();
const Check& check_12_0_05_cloudfront_oac();
const Check& check_3_0_08_cloudfront_logging();
const Check& check_2_0_16_kms_rotation();
const Check& check_10_0_04_kms_key_rotation();

std::vector<const Check*> network_checks() {
    return {
        &check_8_0_01_sg_open_ingress(),    &check_12_0_05_cloudfront_oac(),
        &check_3_0_08_cloudfront_logging(), &check_2_0_16_kms_rotation(),
        &check_10_0_04_kms_key_rotation(),
    };
}

}  // namespace dspm::checks
