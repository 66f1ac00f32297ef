#include "checks/org_helpers.hpp"

#include "checks/helpers.hpp"

namespace dspm::checks::org {

Membership membership(inventory::Facts& facts, const CheckScope& scope) {
    Membership m;
    // The run's fact cache makes this one call whatever number of checks ask.
    auto org = facts.aws("organizations", "DescribeOrganization", {}, scope.global_region);
    if (!org) {
        if (is_error_code(org.error(), "AWSOrganizationsNotInUseException")) {
            m.position = Position::standalone;
        } else {
            m.error = org.error();
        }
        return m;
    }
    m.organization_id = string_at(*org, "Organization.Id");
    m.management_account = string_at(*org, "Organization.MasterAccountId");
    if (m.management_account.empty() || scope.account.empty())
        m.position = Position::unknown;
    else
        m.position =
            m.management_account == scope.account ? Position::management : Position::member;
    return m;
}

std::string_view to_string(Position position) {
    switch (position) {
        case Position::standalone:
            return "standalone";
        case Position::management:
            return "management";
        case Position::member:
            return "member";
        case Position::unknown:
            break;
    }
    return "unknown";
}

bool member_cannot_see(const Membership& m, const aws::AwsError& error) {
    return m.position == Position::member &&
           (error.kind == aws::ErrorKind::permission_denied ||
            is_error_code(error, "AccessDeniedException") ||
            is_error_code(error, "AccessDeniedForDependencyException"));
}

std::string member_reason(const Membership& m, const CheckScope& scope, std::string_view what) {
    std::string out = "organization-level: ";
    out += what;
    out += " is visible from the management account ";
    out += m.management_account.empty() ? std::string("of the organization") : m.management_account;
    out += " or a delegated administrator; ";
    out += scope.account.empty() ? std::string("this") : scope.account;
    out += " is a member account: run the audit from the management account";
    return out;
}

}  // namespace dspm::checks::org
