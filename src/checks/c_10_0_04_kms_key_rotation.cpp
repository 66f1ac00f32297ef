// 10.0-04 KMS key rotation (secrets and credentials view of the same control as 2.0-16): enabled
// customer-managed symmetric keys rotate automatically. Same reads, same judgement, same fix.
#include "checks/fix.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

// c_2_0_16_kms_rotation.cpp: EnableKeyRotation, undone by DisableKeyRotation.
const Fixer& kms_rotation_fixer();

const Check& check_10_0_04_kms_key_rotation() {
    static const net::FnCheck check(
        {"10.0-04",
         "KMS key rotation",
         "KMS",
         "medium",
         {"kms:ListKeys", "kms:DescribeKey", "kms:GetKeyRotationStatus"}},
        net::kms_rotation, &kms_rotation_fixer());
    return check;
}

}  // namespace dspm::checks
