#pragma once
// One unit of a run over many accounts: one account's audit of the framework, with the regions
// and filter of the run. Planned by the run (org/run.hpp), carried through the work queue as JSON
// when DATABASE_URL is set, and run the same way in any process (org/worker.hpp).
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "common/settings.hpp"
#include "engine/filter.hpp"

namespace dspm::aws {
class AwsClient;
class CredentialsProvider;
}  // namespace dspm::aws
namespace dspm::catalog {
class CatalogSource;
}
namespace dspm::net {
class HttpClient;
}
namespace dspm::store {
class RunStore;
}

namespace dspm::org {

struct UnitSpec {
    std::string framework;
    std::vector<std::string> regions;  // empty: every enabled region of the account
    engine::PlanFilter filter;
    std::string account;
    std::string account_name;  // from ListAccounts; empty for a given list
    bool store = true;         // keep the account's answer in the run store (--no-store: not)
};

std::string unit_key(const UnitSpec& unit);  // "account/123456789012"
std::string to_payload(const UnitSpec& unit);
// Refuses anything a planner here would not have written: a payload is read from a shared database.
Expected<UnitSpec, std::string> parse_payload(const std::string& payload);

// Runs units with the caller's credentials: the role AUDIT_ROLE_NAME is assumed in each account
// (the caller's own account is audited with the caller's credentials, no role needed). Safe to
// share between threads; each run builds its own engine and AWS client.
struct UnitOutcome {
    std::string status;  // the account's roll-up: COMPLIANT, NON_COMPLIANT, SKIPPED or ERROR
    std::string result;  // the JSON text below
};

class UnitRunner {
  public:
    // runs: where each account's answer is kept as a run of its own (history, diff and reports
    // per account); null: not kept.
    UnitRunner(Settings settings, std::shared_ptr<net::HttpClient> http,
               std::shared_ptr<catalog::CatalogSource> catalog,
               std::shared_ptr<store::RunStore> runs = nullptr);

    // The unit's result as JSON text: {account, name, status, credentials, role_arn?, run_id?,
    // store_error?, error?, answer?}. An account that cannot be reached (the role cannot be
    // assumed, the catalog failed) is status ERROR with the exact reason, never an exception. stop:
    // set, checks not started are not started (the answer says cancelled).
    UnitOutcome run(const UnitSpec& unit, const std::atomic<bool>* stop = nullptr);
    // The caller's own client (organizations:ListAccounts, the run's plan).
    std::shared_ptr<aws::AwsClient> caller_client() const { return caller_aws_; }

    // sts:GetCallerIdentity of the caller, once: the account and ARN, or why it failed.
    struct Caller {
        std::string account;
        std::string arn;
        std::string error;
    };
    Caller caller();

  private:
    Settings settings_;
    std::shared_ptr<net::HttpClient> http_;
    std::shared_ptr<catalog::CatalogSource> catalog_;
    std::shared_ptr<store::RunStore> runs_;
    std::shared_ptr<aws::CredentialsProvider> caller_credentials_;
    std::shared_ptr<aws::AwsClient> caller_aws_;
    std::mutex mutex_;
    std::optional<Caller> caller_;
};

}  // namespace dspm::org
