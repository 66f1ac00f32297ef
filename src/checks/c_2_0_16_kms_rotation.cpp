// 2.0-16 KMS rotation: every enabled customer-managed symmetric key (per region) has automatic
// rotation on. AWS-managed, asymmetric/HMAC, imported and disabled keys are out of scope (counted
// in evidence.keysOutOfScope). Shares every read with 10.0-04 through the fact cache.
#include "checks/network_helpers.hpp"

namespace dspm::checks {

const Check& check_2_0_16_kms_rotation() {
    static const net::FnCheck check(
        {"2.0-16",
         "KMS",
         "KMS",
         "medium",
         {"kms:ListKeys", "kms:DescribeKey", "kms:GetKeyRotationStatus"}},
        net::kms_rotation);
    return check;
}

}  // namespace dspm::checks
