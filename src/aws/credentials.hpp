#pragma once
// The AWS CLI's credentials chain: environment, web identity, shared files (profiles, assume role,
// credential_process), ECS container, EC2 instance metadata (IMDSv2). Temporary credentials are
// refreshed ahead of expiry; a provider is safe to share between threads.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "aws/error.hpp"
#include "common/expected.hpp"

namespace dspm::net {
class HttpClient;
}

namespace dspm::aws {

struct Credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;  // empty for long-term keys
    std::optional<std::chrono::system_clock::time_point> expiration;
    std::string source;  // "environment", "shared-credentials-file", ... (never secret)
};

// getenv in production, a map in tests. Returns nullptr when unset.
using EnvLookup = std::function<const char*(const char*)>;
EnvLookup process_env();

struct CredentialsOptions {
    EnvLookup env;
    std::shared_ptr<net::HttpClient> http;  // for STS, ECS and IMDS
    std::string region = "us-east-1";       // region for STS calls
    // Temporary credentials are replaced this long before they expire.
    std::chrono::seconds refresh_ahead{300};
    std::chrono::milliseconds imds_timeout{1000};
    std::chrono::seconds failure_cache{30};
};

class CredentialsProvider {
  public:
    explicit CredentialsProvider(CredentialsOptions options);
    // Cached credentials, resolved (again) when missing or about to expire.
    Expected<Credentials, AwsError> get();

  private:
    CredentialsOptions options_;
    std::mutex mutex_;
    std::optional<Credentials> cached_;
    // A failed resolution is remembered briefly, so that an audit without credentials does not
    // walk the chain (and wait for IMDS timeouts) once per call.
    std::optional<AwsError> failure_;
    std::chrono::steady_clock::time_point failure_until_;
};

// One resolution of the whole chain, without caching (CredentialsProvider wraps it).
Expected<Credentials, AwsError> resolve_credentials(const CredentialsOptions& options);

// Parses an INI file (~/.aws/credentials or config) into section -> key -> value.
using IniFile = std::map<std::string, std::map<std::string, std::string>>;
IniFile parse_ini(const std::string& text);

}  // namespace dspm::aws
