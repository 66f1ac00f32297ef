// 6.0-03 ECR scan on push: per region, every repository has imageScanningConfiguration.scanOnPush
// == true. A registry-level enhanced scanning (Inspector) rule is not read here: the repository
// setting is what the catalog names.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

const Check& check_6_0_03_ecr_scan_on_push() {
    static const net::FnCheck check(
        {"6.0-03", "ECR Scan on push", "ECR", "medium", {"ecr:DescribeRepositories"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::ItemRule rule{"ECR",
                               "ecr",
                               "DescribeRepositories",
                               {},
                               "repositories",
                               "repositoryName",
                               "Repository list",
                               {{"imageScanningConfiguration.scanOnPush", "Scan on push",
                                 engine::Comparator::eq, true}},
                               {"repositoryArn"},
                               "totalRepositories",
                               "scanOnPush",
                               "no ECR repositories in the audited regions"};
            return net::run_item_rule(info, rule, facts, scope);
        });
    return check;
}

}  // namespace dspm::checks
