#pragma once
// The run store: every audit kept whole (its answer, byte for byte) with its evaluations
// normalised, so that history, diffs and trends are queries. One interface, two engines: SQLite
// in DATA_DIR (the default: nothing to install or start) and PostgreSQL when DATABASE_URL is set
// (what replicas share). The schema and its migrations: store/schema.cpp, documented in
// src/store/README.md.
//
// Failures are values: a store that cannot be reached answers an error sentence and the caller
// keeps its audit answer (the API returns it and says it was not stored).
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "common/settings.hpp"

namespace dspm::store {

// One evaluation of a run: the key of a diff (account, region, mapping code, resource and the
// ordinal among evaluations sharing that key) and what was decided, with the evidence as JSON.
struct StoredEvaluation {
    std::string account;
    std::string region;
    std::string mapping_code;
    std::string resource_id;
    int ordinal = 0;
    std::string status;  // COMPLIANT | NON_COMPLIANT | SKIPPED | ERROR
    bool muted = false;
    std::string evidence;  // the evaluation's JSON object, as the answer carries it
};

// What a list shows of a run.
struct RunHead {
    std::string run_id;
    std::string framework;
    std::string requirement;  // "_all" for a whole framework, else the requirement's item code
    std::string account;
    std::vector<std::string> regions;
    std::string started_at;  // RFC 3339 UTC
    std::string finished_at;
    std::string status;           // the run's roll-up
    bool complete = true;         // false: stopped before the end (summary.cancelled)
    std::string counts;           // JSON {requirements, mappings, evaluations}: status counts
    std::string catalog_version;  // summary.catalog_version
    std::string tool_version;
};

struct RunRecord {
    RunHead head;
    std::string answer;  // the answer's JSON text, as the client got it (run_id included)
    std::vector<StoredEvaluation> evaluations;
};

struct RunQuery {
    std::string framework{};  // any case; empty: any
    std::string account{};
    std::string since{};   // RFC 3339: runs started at or after it
    std::string status{};  // the run's roll-up
    std::string before{};  // paging: runs older than this run_id (the previous page's `next`)
    std::size_t limit = 50;
    bool oldest_first = false;  // trends read forwards
};

struct RunPage {
    std::vector<RunHead> runs;
    std::optional<std::string> next;  // run_id to pass as `before` for the next page
};

struct DiffItem {
    std::string mapping_code;
    std::string resource_id;
    std::string region;
    std::string account;
    std::optional<std::string> before;  // the evaluation's JSON in the older run; none: absent
    std::optional<std::string> after;   // in the newer run
};

struct RunDiff {
    std::string run_id;
    std::string against;
    std::vector<DiffItem> new_failures;   // NON_COMPLIANT now, not before (or absent before)
    std::vector<DiffItem> resolved;       // NON_COMPLIANT before, COMPLIANT or gone now
    std::vector<DiffItem> changed;        // any other change of status
    std::vector<DiffItem> still_failing;  // NON_COMPLIANT in both
};

// RUNS_KEEP: the newest N runs, or runs younger than N days; none: keep everything.
struct Retention {
    std::size_t runs = 0;
    std::size_t days = 0;
};
Expected<Retention, std::string> parse_retention(const std::string& text);

class RunStore {
  public:
    virtual ~RunStore() = default;
    virtual std::string engine() const = 0;  // "sqlite" | "postgresql"
    // Where it is, for logs and `config`: the file, or the URL without its password.
    virtual std::string location() const = 0;
    // One transaction: the run and all its evaluations, or nothing. Then RUNS_KEEP applies.
    virtual Expected<bool, std::string> save(const RunRecord& record) = 0;
    virtual Expected<RunPage, std::string> list(const RunQuery& query) = 0;
    virtual Expected<std::optional<RunHead>, std::string> head(const std::string& run_id) = 0;
    virtual Expected<std::optional<std::string>, std::string> answer(const std::string& run_id) = 0;
    // The newest earlier run of the same framework, requirement and account; none: the first.
    virtual Expected<std::optional<std::string>, std::string> previous(
        const std::string& run_id) = 0;
    // against is the older run. Both must exist (the caller checks with head()).
    virtual Expected<RunDiff, std::string> diff(const std::string& run_id,
                                                const std::string& against) = 0;
    // Deletes what RUNS_KEEP no longer keeps; answers how many runs went.
    virtual Expected<std::size_t, std::string> prune(const Retention& keep) = 0;
    // Applied schema version (migrations run on first use).
    virtual Expected<int, std::string> schema_version() = 0;
    // Records of other rooms (remediation plans and fixes), a JSON body under (kind, id); a second
    // put of one key replaces the body. expires_at: RFC 3339, empty when it does not expire.
    virtual Expected<bool, std::string> put_record(const std::string& kind, const std::string& id,
                                                   const std::string& expires_at,
                                                   const std::string& body) = 0;
    virtual Expected<std::optional<std::string>, std::string> get_record(const std::string& kind,
                                                                         const std::string& id) = 0;
};

// DATABASE_URL set → PostgreSQL, else SQLite at DATA_DIR/runs.sqlite3. Nothing is opened yet: the
// first call connects and migrates, and a call after a failure tries again.
std::shared_ptr<RunStore> open_store(const Settings& settings);
// An answer longer than answer_part_bytes is kept in parts of at most that size: SQLite and
// PostgreSQL refuse a single text of 1 GB (an audit of 50,000 resources answers 1.25 GB), and each
// engine copies a text into its row while writing it (a 25 MB answer cost 25 MB more at its peak).
inline constexpr std::size_t default_answer_part_bytes = std::size_t{4} << 20;
std::shared_ptr<RunStore> open_sqlite(const std::string& file, Retention keep = {},
                                      std::size_t answer_part_bytes = default_answer_part_bytes);
std::shared_ptr<RunStore> open_postgres(const std::string& url, Retention keep = {},
                                        std::size_t answer_part_bytes = default_answer_part_bytes);

// Run ids sort by start time: "20261203T101845123Z-3f9a1c2b" (UTC to the millisecond, then 32
// random bits). valid_run_id refuses anything else before it reaches a query.
std::string new_run_id(std::chrono::system_clock::time_point started);
bool valid_run_id(const std::string& id);
// ?since= / --since: "2026-12-01" or "2026-12-01T10:00:00Z" → the RFC 3339 text compared with
// started_at; anything else is refused.
Expected<std::string, std::string> parse_since(const std::string& text);

// The URL without its password, for logs and answers.
std::string redact_database_url(const std::string& url);

}  // namespace dspm::store
