#pragma once
// Each check file defines one of these; registry.cpp lists them. Adding a check = one new file and
// one line in the registry.
#include "checks/check.hpp"

namespace dspm::checks {

const Check& check_1_0_01_sso_permission_sets();
const Check& check_1_0_02_org_scp();
const Check& check_1_0_06_root_mfa();
const Check& check_2_0_01_s3_sse_kms();
const Check& check_2_0_02_rds_encryption();
const Check& check_2_0_03_dynamodb_sse();
const Check& check_2_0_04_redshift_encryption();
const Check& check_2_0_15_cloudfront_https();
const Check& check_11_0_02_config_conformance();

}  // namespace dspm::checks
