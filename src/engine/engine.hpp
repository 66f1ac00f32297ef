#pragma once
// The audit engine: catalog → plan (distinct checks, once per run) → collect and evaluate (bounded
// parallelism, per-check timeout, one fact cache per run) → aggregate per requirement → deliver
// (progress callback per finished requirement, and the run's summary).
#include <atomic>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.hpp"
#include "common/expected.hpp"
#include "common/settings.hpp"
#include "engine/evaluation.hpp"
#include "engine/filter.hpp"

namespace dspm::aws {
class AwsClient;
}
namespace dspm::inventory {
class CollectorSource;
}
namespace dspm::mutelist {
class Mutelist;
}

namespace dspm::engine {

struct RequirementResult {
    catalog::Requirement requirement;
    Status status = Status::skipped;
    // Shared, not copied: one check's result (thousands of evaluations in a large account) serves
    // every requirement that names its code.
    std::vector<std::shared_ptr<const MappingResult>> results;
    std::optional<std::string> reason;
    // False for a checkpoint reported beside its control: the framework summary counts controls.
    bool in_summary = true;

    StatusCounts counts() const;
    // {requirement_id, item_code, title, requirement_status, status_counts, summary (the same
    // counts, as the original service names them), reason?, parent?, in_summary?, results}
    boost::json::object to_json() const;
    boost::json::object to_json_head() const;  // the same without results
};

struct AuditSummary {
    StatusCounts requirements;  // by requirement status
    StatusCounts mappings;      // by distinct mapping result
    std::int64_t duration_ms = 0;
    std::size_t aws_calls = 0;  // AWS operations (pages) made by the client during the run
    std::size_t aws_reads = 0;  // distinct reads after the per-run cache
    std::size_t checks_run = 0;
    std::string account;
    std::vector<std::string> regions;
    // "enabled": every region enabled for the account (nothing named, or AUDIT_REGIONS=all);
    // "requested": the regions the request, --region or AUDIT_REGIONS named.
    std::string region_scope = "requested";
    std::string catalog_source;
    std::string collector;  // "none" or the collector's base URL
    std::vector<std::string> not_implemented;
    std::vector<std::string> warnings;  // the account or regions could not be read, ...
    bool cancelled = false;
    std::string mode = "parallel";    // AUDIT_MODE
    Status status = Status::skipped;  // roll-up over the requirements
    // Who, when and with what (issue 14): a result handed to an auditor says all of it.
    std::chrono::system_clock::time_point started_at{};
    std::chrono::system_clock::time_point finished_at{};
    std::string caller_arn;       // sts:GetCallerIdentity's Arn
    std::string account_alias;    // iam:ListAccountAliases' first, when readable
    std::string catalog_version;  // CatalogSource::version()
    std::size_t concurrency = 0;  // AWS calls in flight at most
    std::int64_t check_timeout_ms = 0;
    // AUDIT_MUTELIST: its file, how many entries, evaluations it muted, entries past expiry.
    std::string mutelist_source;
    std::size_t mutelist_entries = 0;
    std::size_t muted = 0;
    std::vector<std::string> mutes_expired;
    PlanFilter filter;  // --check/--service/--severity: the run judged only these

    boost::json::object to_json() const;
};

struct AuditPlan {
    std::string framework;  // canonical spelling from the catalog
    bool all = false;
    std::vector<catalog::Requirement> requirements;
    std::map<std::string, std::string> mapping_titles;  // code → title for unimplemented codes
    // The catalog's metadata of the codes (severity, what is checked, the fixes): annotate.hpp.
    std::map<std::string, catalog::Mapping> mappings;
    // Checkpoints reported beside their control items (all only); in_summary is false for them
    // (parallel to requirements; empty: every requirement counts).
    std::size_t checkpoints_folded = 0;
    std::vector<bool> in_summary;
    // Which catalog source answered the plan's reads: "embedded" when a remote Mapping API failed
    // and MAPPING_FALLBACK=embedded answered instead, whatever the configured source is.
    std::string catalog_source;
    PlanFilter filter;  // set by apply_filter: the plan holds only the selected codes
};

struct AuditRun {
    AuditPlan plan;
    std::vector<RequirementResult> results;  // catalog order
    AuditSummary summary;
};

using ProgressFn =
    std::function<void(const RequirementResult& result, std::size_t done, std::size_t total)>;

struct RunOptions {
    std::vector<std::string> regions;  // overrides AUDIT_REGIONS when not empty; none: all enabled
    ProgressFn progress;               // called once per finished requirement, serialised
    const std::atomic<bool>* stop = nullptr;  // checked before each check starts
    // Like stop, and a request wakes the run's waiting reads at once (the HTTP client left: see
    // net::ServerRequest::cancel). Either way reads not yet started fail as "Cancelled".
    std::stop_token cancel;
};

struct EngineOptions {
    std::chrono::milliseconds check_timeout{300000};
    std::size_t fanout = 8;  // parallel per-resource reads within one check
    std::shared_ptr<const mutelist::Mutelist> mutelist;  // AUDIT_MUTELIST; null: none
};

class Engine {
  public:
    Engine(Settings settings, std::shared_ptr<aws::AwsClient> aws,
           std::shared_ptr<catalog::CatalogSource> catalog,
           std::shared_ptr<inventory::CollectorSource> collector, EngineOptions options = {});

    // requirement: nullopt for the whole framework. Unknown framework or requirement → not_found.
    Expected<AuditPlan, catalog::CatalogError> plan(const std::string& framework,
                                                    const std::optional<std::string>& requirement);
    // Never throws for AWS failures: they are ERROR statuses in the result. When it returns, no
    // thread of the run is left: a check past its timeout has its reads not yet started failed
    // and is joined (within the reads it had at AWS), so nothing of a finished run calls AWS.
    AuditRun run(const AuditPlan& plan, const RunOptions& options = {});

  private:
    Settings settings_;
    std::shared_ptr<aws::AwsClient> aws_;
    std::shared_ptr<catalog::CatalogSource> catalog_;
    std::shared_ptr<inventory::CollectorSource> collector_;
    EngineOptions options_;
};

// The HTTP/CLI shapes. Single: {framework, requirement_id, item_code, requirement_status, summary,
// results}. All: {framework, total_requirements, executed, summary, results}.
boost::json::object single_response(const AuditRun& run);
boost::json::object all_response(const AuditRun& run);
// all_response as text, built without the whole JSON tree: each mapping result is serialised once
// and spliced into every requirement naming it (a 5,000-resource account answers ~40 MB).
// first_members: JSON member text placed first in the object (the store's "run_id"), so that a
// large answer is not copied again to add it.
std::string all_response_text(const AuditRun& run, std::string_view first_members = {});
// One requirement's line of the NDJSON stream and of all_response, as text.
std::string requirement_text(const RequirementResult& result);

}  // namespace dspm::engine
