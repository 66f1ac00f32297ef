#pragma once
// Lake Formation answers list only what the caller may see: ListPermissions and ListLFTags show a
// non-administrator the grants and tags it holds grant rights on, not the account's. A check can
// only call such a list complete when the caller is a data lake administrator (or read-only
// administrator) of the region (GetDataLakeSettings).
#include <boost/json/value.hpp>
#include <string>

#include "aws/error.hpp"
#include "checks/check.hpp"
#include "common/expected.hpp"
#include "inventory/facts.hpp"

namespace dspm::checks::lakeformation {

struct CallerView {
    bool admin = false;
    std::string caller;  // the caller's principal as Lake Formation names it
};

// Whether the caller (sts:GetCallerIdentity) is among DataLakeAdmins or ReadOnlyAdmins of the
// region. An assumed-role session matches its role (paths included).
Expected<CallerView, aws::AwsError> caller_view(inventory::Facts& facts, const CheckScope& scope,
                                                const std::string& region);

// True when `admin` (a DataLakePrincipalIdentifier) names the principal of `caller_arn`.
bool same_principal(const std::string& admin, const std::string& caller_arn);

}  // namespace dspm::checks::lakeformation
