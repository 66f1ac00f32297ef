#include "checks/platform_helpers.hpp"

#include <boost/json.hpp>

namespace dspm::checks::platform {

namespace json = boost::json;

std::string s3control_account(inventory::Facts& facts, const CheckScope& scope) {
    return scope.account.empty() ? facts.account() : scope.account;
}

std::optional<json::array> access_points(inventory::Facts& facts, const CheckScope& scope,
                                         const std::string& region, net::Evals& evals) {
    // botocore has no paginator for it; EXTRA_PAGINATORS in gen_aws_models.py adds NextToken.
    return net::list_items(facts, scope, region, "S3", "s3control", "ListAccessPoints",
                           {{"AccountId", s3control_account(facts, scope)}}, "AccessPointList",
                           "Access point list", evals);
}

}  // namespace dspm::checks::platform
