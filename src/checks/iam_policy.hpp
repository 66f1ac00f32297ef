#pragma once
// IAM policy documents as the checks read them: IAM answers them URL-encoded (GetPolicyVersion),
// Identity Center as plain JSON (GetInlinePolicyForPermissionSet); either is parsed here, and a
// document that is not a policy is said so, never read as "grants nothing".
#include <boost/json/value.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/expected.hpp"

namespace dspm::checks::iam {

// The parsed document, or why it is not a policy (not JSON, no Statement).
Expected<boost::json::value, std::string> parse_policy(std::string_view text);

struct AdminGrant {
    std::size_t statement = 0;  // index in Statement (0 when Statement is a single object)
    std::string why;            // "Allow of Action \"*\" on Resource \"*\""
};

// The first Allow statement that grants administrator rights on every resource: Action "*", or
// NotAction that leaves IAM itself allowed (whoever may change IAM can grant itself the rest).
std::optional<AdminGrant> admin_grant(const boost::json::value& policy);

}  // namespace dspm::checks::iam
