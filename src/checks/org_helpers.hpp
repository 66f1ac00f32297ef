#pragma once
// Where the audited account stands in AWS Organizations, read once per run (DescribeOrganization,
// which every account of an organization may call). Organization-level features (SCPs, the OU
// tree, service-managed StackSets) are visible from the management account or a delegated
// administrator only: from a member account their reads are denied whatever its IAM grants, so
// such a denial is SKIPPED with the exact reason, never an ERROR asking for a permission no grant
// can give.
#include <optional>
#include <string>
#include <string_view>

#include "aws/error.hpp"
#include "checks/check.hpp"
#include "inventory/facts.hpp"

namespace dspm::checks::org {

enum class Position {
    standalone,  // not in an organization (AWSOrganizationsNotInUseException)
    management,  // the organization's management account
    member,      // any other account of the organization (a delegated administrator included)
    unknown,     // DescribeOrganization failed: `error` says why
};

struct Membership {
    Position position = Position::unknown;
    std::string organization_id;
    std::string management_account;
    std::optional<aws::AwsError> error;
};

Membership membership(inventory::Facts& facts, const CheckScope& scope);

std::string_view to_string(Position position);

// True when `error` is the denial a member account gets for an organization-level read.
bool member_cannot_see(const Membership& m, const aws::AwsError& error);

// "organization-level: <what> is visible from the management account 111111111111 or a delegated
// administrator; 222222222222 is a member account: run the audit from there"
std::string member_reason(const Membership& m, const CheckScope& scope, std::string_view what);

}  // namespace dspm::checks::org
