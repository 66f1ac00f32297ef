// 10.0-01 Secrets Manager rotation: per region, every secret of ListSecrets has
// RotationEnabled == true. ListSecrets omits the field for a secret that never had rotation
// configured: observed null, with a note. The list answer carries everything, so DescribeSecret is
// not needed.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

const Check& check_10_0_01_secrets_rotation() {
    static const net::FnCheck check(
        {"10.0-01", "Secrets Manager", "SecretsManager", "high", {"secretsmanager:ListSecrets"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::ItemRule rule{"SecretsManager",
                               "secretsmanager",
                               "ListSecrets",
                               {},
                               "SecretList",
                               "Name",
                               "Secret list",
                               {{"RotationEnabled", "Rotation enabled", engine::Comparator::eq,
                                 true, "RotationEnabled absent: rotation never configured"}},
                               {"ARN", "RotationLambdaARN", "LastRotatedDate"},
                               "totalSecrets",
                               "rotationEnabled",
                               "no Secrets Manager secrets in the audited regions"};
            return net::run_item_rule(info, rule, facts, scope);
        });
    return check;
}

}  // namespace dspm::checks
