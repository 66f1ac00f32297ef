#include "checks/all.hpp"

namespace dspm::checks {

std::vector<const Check*> all_checks() {
    return {&check_1_0_01_sso_permission_sets(),
            &check_1_0_02_org_scp(),
            &check_1_0_06_root_mfa(),
            &check_2_0_01_s3_sse_kms(),
            &check_2_0_02_rds_encryption(),
            &check_2_0_03_dynamodb_sse(),
            &check_2_0_04_redshift_encryption(),
            &check_2_0_15_cloudfront_https(),
            &check_11_0_02_config_conformance()};
}

const Check* find_check(std::string_view code) {
    for (const Check* c : all_checks()) {
        if (c->info().code == code) return c;
    }
    return nullptr;
}

}  // namespace dspm::checks
