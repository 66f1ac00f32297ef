#pragma once
// A run over many accounts: which accounts (org/accounts.hpp), one unit per account
// (org/unit.hpp) run in this process with AUDIT_ACCOUNTS_PARALLEL at once, or, with DATABASE_URL,
// through the work queue that `dspm-audit worker`s share (queue/queue.hpp); then one answer: each
// account's whole answer, and a roll-up per requirement across the accounts naming which fail it.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "common/settings.hpp"
#include "engine/filter.hpp"
#include "org/accounts.hpp"

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

struct OrgRequest {
    std::string framework;
    AccountSelection accounts;
    std::vector<std::string> regions;  // validated; empty: every enabled region of each account
    engine::PlanFilter filter;
    bool store = true;  // each account's answer kept in the run store as a run of its own
};

struct OrgRunOptions {
    // After each account: its id, its status, accounts done, accounts in all.
    std::function<void(const std::string& account, const std::string& status, std::size_t done,
                       std::size_t total)>
        progress;
    const std::atomic<bool>* stop = nullptr;  // set: accounts not started are not audited
};

// What stops the run as a whole: an unknown framework (404), accounts that cannot be listed or a
// queue that cannot be reached (502), no credentials (401-like, answered 502 by the API).
struct OrgError {
    int http_status = 502;
    std::string detail;
};

struct OrgAnswer {
    std::string text;          // the JSON answer
    std::string status;        // roll-up over the accounts
    bool cancelled = false;    // stopped before every account was audited
    std::size_t accounts = 0;  // audited (or attempted)
    std::string execution;     // "in-process" or "queue"
};

// runs: the run store each account's answer is kept in (null: none, as with request.store false).
Expected<OrgAnswer, OrgError> run_org_audit(const Settings& settings,
                                            std::shared_ptr<net::HttpClient> http,
                                            std::shared_ptr<catalog::CatalogSource> catalog,
                                            const OrgRequest& request,
                                            const OrgRunOptions& options = {},
                                            std::shared_ptr<store::RunStore> runs = nullptr);

// The answer from the units' results (one JSON text per account, in account order), exposed for
// tests: {framework, scope, summary, organization: {requirements: [...]}, accounts: [...]}.
struct Aggregate {
    std::string framework;
    std::string scope;  // "organization" or "accounts"
    std::string caller_arn;
    std::vector<std::string> regions;
    std::vector<MemberAccount> not_active;
    std::string execution;  // "in-process" | "queue"
    std::vector<std::string> workers;
    std::size_t retaken = 0;
    std::string started_at, finished_at;
    std::int64_t duration_ms = 0;
    bool cancelled = false;
};
OrgAnswer aggregate(const Aggregate& meta, const std::vector<std::string>& results);

}  // namespace dspm::org
