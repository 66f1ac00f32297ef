// 10.0-02 SSM parameters: per region, every parameter is a SecureString. The catalog asks this of
// every parameter; a String parameter need not hold a secret, so each failing evaluation says so
// in extra.note and the reviewer decides.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

const Check& check_10_0_02_ssm_securestring() {
    static const net::FnCheck check(
        {"10.0-02", "SSM Parameter Store", "SSM", "medium", {"ssm:DescribeParameters"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::ItemRule rule{"SSM",
                               "ssm",
                               "DescribeParameters",
                               {},
                               "Parameters",
                               "Name",
                               "Parameter list",
                               {{"Type", "Parameter type", engine::Comparator::eq, "SecureString"}},
                               {"KeyId", "Tier"},
                               "totalParameters",
                               "secureString",
                               "no SSM parameters in the audited regions"};
            auto r = net::run_item_rule(info, rule, facts, scope);
            for (auto& e : r.evaluations)
                if (e.status == engine::Status::non_compliant)
                    e.extra["note"] =
                        "catalog requires SecureString for every parameter; a String parameter "
                        "is not necessarily a secret: review its content";
            return r;
        });
    return check;
}

}  // namespace dspm::checks
