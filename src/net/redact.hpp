#pragma once
// URLs are shown in settings, summaries, notes, errors and result files; the sibling services'
// base URLs may carry credentials (https://user:pass@host/ or ?token=...). Everything that shows a
// URL shows it through redact_url.
#include <string>
#include <string_view>

namespace dspm::net {

// The URL with its user information replaced by "***" and the values of query parameters whose
// names suggest a secret (token, key, secret, password, signature, auth, credential, session)
// replaced by "***". Text that is not a URL is returned with any "user:pass@" before a host
// redacted the same way.
std::string redact_url(std::string_view url);

// Every URL inside free text (an error message that quotes a URL) redacted.
std::string redact_urls_in(std::string_view text);

}  // namespace dspm::net
