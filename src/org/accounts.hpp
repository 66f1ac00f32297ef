#pragma once
// Which accounts a run over many accounts audits: the Organization's ACTIVE accounts
// (organizations:ListAccounts, from the management account or a delegated administrator) or a
// list given by the caller, and how to reach each: AUDIT_ROLE_NAME assumed with the caller's
// credentials (role chaining), or the caller's own credentials for the caller's own account.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aws/error.hpp"
#include "common/expected.hpp"

namespace dspm::aws {
class AwsClient;
}

namespace dspm::org {

// ?accounts=org | ?accounts=ID,ID and --org | --account ID.
struct AccountSelection {
    bool organization = false;
    std::vector<std::string> ids;  // distinct, in the order given (empty with organization)
};

// "org" (any case) or a comma list of 12-digit account ids, at most max_accounts of them.
Expected<AccountSelection, std::string> parse_accounts(std::string_view text,
                                                       std::size_t max_accounts);
bool valid_account_id(std::string_view id);

struct MemberAccount {
    std::string id;
    std::string name;
    std::string email;
    std::string state;  // State, or the deprecated Status when an answer has only that
};

struct OrganizationAccounts {
    std::vector<MemberAccount> active;
    std::vector<MemberAccount>
        not_active;  // SUSPENDED, PENDING_CLOSURE, ...: reported, not audited
};

// Every page of organizations:ListAccounts.
Expected<OrganizationAccounts, aws::AwsError> list_organization_accounts(aws::AwsClient& caller);

// "arn:PARTITION:iam::ACCOUNT:role/NAME".
std::string role_arn(std::string_view partition, std::string_view account, std::string_view name);
// The partition of an ARN ("arn:aws-cn:..." → "aws-cn"); "aws" when it is not an ARN.
std::string partition_of(std::string_view arn);

}  // namespace dspm::org
