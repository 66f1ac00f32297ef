#pragma once
// Building blocks of the platform group's checks: the S3 access points of the audited account in
// one region (s3control, shared by 8.0-08 and 13.0-03 through the fact cache).
#include <boost/json/array.hpp>
#include <optional>
#include <string>

#include "checks/check.hpp"
#include "checks/network_helpers.hpp"
#include "inventory/facts.hpp"

namespace dspm::checks::platform {

// The account the s3control host prefix names: the audited account, else the caller's.
std::string s3control_account(inventory::Facts& facts, const CheckScope& scope);

// ListAccessPoints (every page by NextToken) of the account in one region. On failure an ERROR
// evaluation is appended and nullopt returned.
std::optional<boost::json::array> access_points(inventory::Facts& facts, const CheckScope& scope,
                                                const std::string& region, net::Evals& evals);

}  // namespace dspm::checks::platform
