// 6.0-07 ECR immutable image tags: per region, every repository's imageTagMutability is IMMUTABLE
// (IMMUTABLE_WITH_EXCLUSION, immutable but for listed tag filters, passes too).
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_6_0_07_ecr_immutable_tags() {
    static const net::FnCheck check(
        {"6.0-07", "ECR immutable image tags", "ECR", "low", {"ecr:DescribeRepositories"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::ItemRule rule{
                "ECR",
                "ecr",
                "DescribeRepositories",
                {},
                "repositories",
                "repositoryName",
                "Repository list",
                {{"imageTagMutability", "Image tag mutability", engine::Comparator::in,
                  json::array{"IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"}}},
                {"repositoryArn"},
                "totalRepositories",
                "immutableTags",
                "no ECR repositories in the audited regions"};
            return net::run_item_rule(info, rule, facts, scope);
        });
    return check;
}

}  // namespace dspm::checks
