// The schema (src/store/README.md explains each column). A migration is appended, never edited:
// databases in the field have applied the earlier ones. Types are the ones SQLite and PostgreSQL
// share (TEXT, INTEGER); times are RFC 3339 UTC text, which sorts as it reads.
#include "store/sql.hpp"

namespace dspm::store {

const std::vector<std::string_view>& migrations() {
    static const std::vector<std::string_view> all = {
        // 1: runs and their evaluations.
        R"sql(
CREATE TABLE runs (
    run_id TEXT PRIMARY KEY,
    framework TEXT NOT NULL,
    framework_key TEXT NOT NULL,
    requirement TEXT NOT NULL,
    account TEXT NOT NULL,
    regions TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    status TEXT NOT NULL,
    complete INTEGER NOT NULL,
    counts TEXT NOT NULL,
    catalog_version TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    answer TEXT NOT NULL
);
CREATE INDEX runs_by_framework ON runs (framework_key, run_id);
CREATE INDEX runs_by_scope ON runs (framework_key, requirement, account, run_id);
CREATE TABLE evaluations (
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    mapping_code TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    status TEXT NOT NULL,
    muted INTEGER NOT NULL,
    evidence TEXT NOT NULL,
    PRIMARY KEY (run_id, mapping_code, resource_id, region, account, ordinal)
);
CREATE INDEX evaluations_by_status ON evaluations (run_id, status)
)sql",
        // 2: records other rooms keep by kind and id (remediation plans and fixes: a JSON body).
        R"sql(
CREATE TABLE records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, id)
)
)sql",
        // 3: answers too long for one text are kept in parts (runs.answer is then empty).
        R"sql(
CREATE TABLE run_answer_parts (
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    part INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (run_id, part)
)
)sql",
        // 4: the work queue of runs over many accounts (src/queue): one row per unit, and one
        // result per unit whatever retries happen (the primary key). Lease times are the
        // database's clock in epoch milliseconds, so that workers' clocks cannot disagree.
        R"sql(
CREATE TABLE work_units (
    run_id TEXT NOT NULL,
    unit_key TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    lease_owner TEXT NOT NULL,
    lease_until BIGINT NOT NULL,
    attempts INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (run_id, unit_key)
);
CREATE INDEX work_units_ready ON work_units (state, lease_until);
CREATE TABLE unit_results (
    run_id TEXT NOT NULL,
    unit_key TEXT NOT NULL,
    worker TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    finished_at TEXT NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (run_id, unit_key)
)
)sql",
    };
    return all;
}

}  // namespace dspm::store
