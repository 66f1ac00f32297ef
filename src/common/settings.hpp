#pragma once
// The effective configuration, as plain values. Loading (flags > environment > .env > defaults)
// lives in src/app/config.*; every other room only reads these values.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace dspm {

struct Settings {
    std::string aws_region = "ap-northeast-2";
    std::string mapping_base_url;    // empty: embedded catalog
    std::string mapping_fallback;    // "" or "embedded"
    std::string collector_base_url;  // empty: AWS only
    std::string catalog_dir;         // empty: the catalog compiled into the binary
    std::string host = "127.0.0.1";
    unsigned short port = 8103;
    // A second port serving the catalog routes (the original's Mapping API listens on 8003 and its
    // clients call it there); 0: off.
    unsigned short mapping_port = 0;
    // Origins a browser page may call the API from: {"*"} (any, the original's default) or exact
    // "scheme://host[:port]" values; empty: no CORS headers at all.
    std::vector<std::string> cors_allow_origins{"*"};
    // How long a client's session_id remembers the frameworks and answers it audited (seconds).
    std::size_t session_ttl_s = 600;
    std::string log_level = "info";
    std::string audit_api_token;  // secret: never logged or printed
    // AWS calls in flight per run (and checks run in parallel).
    std::size_t audit_concurrency = 16;
    // "parallel" (default) or "sequential": one call at a time, every requirement re-running its
    // checks with nothing shared, as the seed's Python service works; the benchmark's baseline.
    std::string audit_mode = "parallel";
    // Client-side AWS requests per second per operation and region; 0: no limit.
    double aws_rate_limit = 0;
    std::vector<std::string> audit_regions;  // empty or {"all"}: every enabled region
    int sso_permission_set_max = 20;
    std::vector<std::string> sso_admin_allowlist;
    std::string results_dir;  // where the CLI writes full results; empty: not written
    // The run store (store/store.hpp): SQLite in data_dir unless database_url (a secret: it may
    // carry a password) names PostgreSQL; runs_keep is RUNS_KEEP ("500", "90d"; empty: all).
    std::string data_dir = "data";
    std::string database_url;
    std::string runs_keep;
    // Remediation (src/fix): the API applies plans only with fix_enabled (and a token); a plan can
    // be applied for fix_plan_ttl_s seconds after it was made.
    bool fix_enabled = false;
    std::size_t fix_plan_ttl_s = 3600;
    std::string audit_mutelist;     // AUDIT_MUTELIST: the suppressions file; empty: none
    std::string slack_webhook_url;  // SLACK_WEBHOOK_URL (secret): where --notify slack posts
    // Bounds on what the sibling services may send: past them the answer is an error naming the
    // source, never an unbounded audit (one collector list once made 1.7 million evaluations).
    std::size_t collector_max_rows = 50000;             // rows per collector list
    std::size_t mapping_max_requirements = 5000;        // requirements per framework (ISMS-P: 101)
    std::size_t sibling_max_response_bytes = 16 << 20;  // one collector or Mapping API answer
    // The server: audits running at once (a further one is answered 503 with Retry-After rather
    // than queued behind runs that may take minutes), the Retry-After seconds, threads of the cheap
    // routes (never shared with audits), and open connections per client address (0: no bound).
    std::size_t audit_max_runs = 8;
    std::size_t audit_retry_after_s = 10;
    std::size_t server_worker_threads = 8;
    std::size_t max_connections_per_client = 64;
    // Many accounts (src/org): the role assumed in each member account, with an optional external
    // id (secret: not logged or printed) and the session name CloudTrail records; how many
    // accounts are audited at once (each with AUDIT_CONCURRENCY calls in flight, so at most
    // accounts_parallel × audit_concurrency in all); at most max_accounts per run.
    std::string audit_role_name = "DSPMAuditRole";
    std::string audit_role_external_id;
    std::string audit_role_session_name = "dspm-audit";
    std::size_t audit_accounts_parallel = 4;
    std::size_t audit_max_accounts = 1000;
    // Work queue (DATABASE_URL): a unit's lease, renewed by heartbeats every third of it; a lease
    // that runs out (its worker died) is taken again by another worker.
    std::size_t worker_lease_s = 60;
    // Units of its own run the enqueuing process works on itself (0: only `dspm-audit worker`s).
    std::size_t audit_queue_local = 2;

    // For `dspm-audit config`: setting name (environment variable name) → where its value came
    // from: "flag", "environment", ".env:<line>", "default".
    std::map<std::string, std::string> origin;
};

}  // namespace dspm
