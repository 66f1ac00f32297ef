#pragma once
// The AWS CLI's credentials chain, in botocore's order: environment keys, assume role from the
// profile, web identity, IAM Identity Center (SSO), the shared credentials file,
// credential_process, the config file, ECS/EKS container, EC2 instance metadata (IMDSv2). Temporary
// credentials are refreshed ahead of expiry; a provider is safe to share between threads.
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/error.hpp"
#include "common/expected.hpp"
#include "exec/loop.hpp"
#include "net/http_client.hpp"

namespace dspm::aws {

struct Credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;  // empty for long-term keys
    std::optional<std::chrono::system_clock::time_point> expiration;
    std::string source;  // "environment", "shared-credentials-file", "sso", ... (never secret)
};

class CredentialsProvider;

// A role assumed with another provider's credentials (role chaining): the credentials of one
// member account of an Organization audit, assumed with the caller's.
struct AssumeRoleSource {
    std::shared_ptr<CredentialsProvider> source;
    std::string role_arn;
    std::string external_id;  // empty: none sent
    std::string session_name;
    int duration_seconds = 3600;  // the most a chained role session may last
};

// getenv in production, a map in tests. Returns nullptr when unset.
using EnvLookup = std::function<const char*(const char*)>;
EnvLookup process_env();

struct CredentialsOptions {
    EnvLookup env;
    std::shared_ptr<net::HttpClient> http;  // for STS, SSO, ECS and IMDS
    std::string region = "us-east-1";       // region for STS calls
    // Temporary credentials are replaced this long before they expire.
    std::chrono::seconds refresh_ahead{300};
    std::chrono::milliseconds imds_timeout{1000};
    // A resolution that found nothing usable is remembered this long.
    std::chrono::seconds failure_cache{30};
    // A refresh that failed while the cached credentials are still valid is tried again after
    // this long (the cached credentials are used meanwhile).
    std::chrono::seconds refresh_retry{15};
    // STS and SSO calls: attempts from AWS_MAX_ATTEMPTS (default 3), full-jitter exponential
    // backoff from this base (capped at 20 s); tests inject the sleeper.
    std::chrono::milliseconds retry_base_delay{1000};
    std::function<void(std::chrono::milliseconds)> sleeper;  // empty: sleep_for
    // credential_process: killed after this long; at most this much output is read.
    std::chrono::milliseconds process_timeout{60000};
    std::size_t process_max_output = 1024 * 1024;
    // The time expirations are compared with; empty: system_clock::now (tests move time).
    std::function<std::chrono::system_clock::time_point()> clock;
    // Set: the chain is not walked; the credentials are this role's (and refreshed as such).
    std::optional<AssumeRoleSource> assume_role;
};

class CredentialsProvider {
  public:
    explicit CredentialsProvider(CredentialsOptions options);
    // Cached credentials, resolved (again) when missing or about to expire. A failed refresh
    // keeps credentials that are still valid; only when none are left does the failure surface.
    Expected<Credentials, AwsError> get();

  private:
    std::chrono::system_clock::time_point now() const;

    CredentialsOptions options_;
    // Held while the chain resolves, which may call STS, SSO or IMDS: an exec::Mutex, so that the
    // other tasks of a loop wait as tasks instead of blocking the thread the resolver needs.
    exec::Mutex mutex_;
    std::optional<Credentials> cached_;
    // After a failed refresh with valid cached credentials: no new attempt before this.
    std::chrono::system_clock::time_point next_refresh_{};
    // A failed resolution is remembered briefly, so that an audit without credentials does not
    // walk the chain (and wait for IMDS timeouts) once per call.
    std::optional<AwsError> failure_;
    std::chrono::system_clock::time_point failure_until_{};
};

// One resolution of the whole chain, without caching (CredentialsProvider wraps it).
Expected<Credentials, AwsError> resolve_credentials(const CredentialsOptions& options);

// Parses an INI file (~/.aws/credentials or config) into section -> key -> value. Keys are
// lower-cased as Python's configparser does; a section that appears twice is merged.
using IniFile = std::map<std::string, std::map<std::string, std::string>>;
IniFile parse_ini(const std::string& text);

// ISO-8601 / RFC 3339 times as AWS and the AWS CLI write them: "2026-12-02T10:00:00Z",
// "...T10:00:00.123+09:00", "...+0900", "...+09", "...UTC"; no offset means UTC.
std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text);
std::string format_iso8601(std::chrono::system_clock::time_point time);  // "...T10:00:00Z"

// A command line split as Python's shlex.split (POSIX mode) does, the way botocore runs
// credential_process without a shell: whitespace separates words, '...' is literal, "..." allows
// \" and \\, a backslash outside quotes escapes the next character. Errors on an open quote or
// a trailing backslash.
Expected<std::vector<std::string>, std::string> split_command_line(std::string_view line);

// AWS_MAX_ATTEMPTS (default 3, at least 1), as the client reads it.
int max_attempts_from_env(const EnvLookup& env);

// One HTTP exchange of the chain (STS, SSO portal, SSO OIDC), retried like the client's calls:
// throttling and transient error codes, 5xx, timeouts and connection errors, up to
// max_attempts_from_env attempts with backoff. `error_code` reads the AWS error code of a non-2xx
// answer. Returns the last answer (which may be an error answer) or the last transport error;
// *attempts receives the number of attempts made.
Expected<net::HttpResponse, net::TransportError> send_with_retries(
    const CredentialsOptions& options, const net::HttpRequest& request,
    const std::function<std::string(const net::HttpResponse&)>& error_code,
    int* attempts = nullptr);

}  // namespace dspm::aws
