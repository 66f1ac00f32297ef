#pragma once
// IAM Identity Center (SSO) profiles as the AWS CLI v2 resolves them: the access token the CLI's
// `aws sso login` cached under ~/.aws/sso/cache, refreshed through SSO OIDC CreateToken when it
// is about to expire (sso-session profiles only), exchanged for role credentials with the SSO
// portal's GetRoleCredentials. Both calls are unsigned; the tokens never reach logs or messages.
#include <string>
#include <string_view>

#include "aws/credentials.hpp"

namespace dspm::aws {

struct SsoProfile {
    std::string profile_name;  // for messages: `aws sso login --profile NAME`
    std::string start_url;
    std::string region;
    std::string account_id;
    std::string role_name;
    std::string session_name;  // [sso-session NAME]; empty for the legacy form
};

// The cache file name of a token: sha1-hex of the session name, or of the start URL (legacy).
std::string sso_cache_key(std::string_view session_or_start_url);

Expected<Credentials, AwsError> sso_credentials(const SsoProfile& profile,
                                                const CredentialsOptions& options);

}  // namespace dspm::aws
