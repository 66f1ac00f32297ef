// 2.0-16 KMS rotation: every enabled customer-managed symmetric key (per region) has automatic
// rotation on. AWS-managed, asymmetric/HMAC, imported and disabled keys are out of scope (counted
// in evidence.keysOutOfScope). Shares every read with 10.0-04 through the fact cache.
#include <boost/json.hpp>

#include "checks/fix.hpp"
#include "checks/helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

// The fix: automatic rotation on the customer managed key, with AWS's default period (365 days):
// a shorter period is the operator's choice and each rotation adds a key version billed monthly.
// Rotation keeps every older key material, so whatever was encrypted before still decrypts and
// nobody's permissions change. Undo turns rotation off again, only when it was off just before;
// the material rotated in meanwhile stays in the key (AWS never deletes it).
class KmsRotationFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        FixPlan p;
        p.calls.push_back({"kms", "EnableKeyRotation", {{"KeyId", failing.resource_id}}});
        p.iam_actions = {"kms:EnableKeyRotation", "kms:GetKeyRotationStatus"};
        p.risk =
            "none for data: the key gets new material every 365 days and keeps the old, so "
            "existing ciphertext still decrypts; each rotated version is billed as a key month";
        p.expected_after = true;
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        const json::object key{{"KeyId", failing.resource_id}};
        auto doc = aws.call("kms", "GetKeyRotationStatus", key, {fix_region(failing, aws)});
        if (!doc) return unexpected(doc.error());
        const auto* on = at_path(*doc, "KeyRotationEnabled");
        if (on != nullptr && on->is_bool() && on->get_bool()) return std::vector<FixCall>{};
        return std::vector<FixCall>{{"kms", "DisableKeyRotation", key}};
    }
};

}  // namespace

// 10.0-04 judges the same keys the same way: one fixer for both codes.
const Fixer& kms_rotation_fixer() {
    static const KmsRotationFixer f;
    return f;
}

const Check& check_2_0_16_kms_rotation() {
    static const net::FnCheck check(
        {"2.0-16",
         "KMS",
         "KMS",
         "medium",
         {"kms:ListKeys", "kms:DescribeKey", "kms:GetKeyRotationStatus"}},
        net::kms_rotation, &kms_rotation_fixer());
    return check;
}

}  // namespace dspm::checks
