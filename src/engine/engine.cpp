#include "engine/engine.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <exception>
#include <mutex>
#include <set>
#include <string_view>
#include <utility>

#include "aws/client.hpp"
#include "aws/credentials.hpp"
#include "aws/endpoints.hpp"
#include "aws/regions.hpp"
#include "checks/check.hpp"
#include "checks/helpers.hpp"
#include "common/log.hpp"
#include "engine/annotate.hpp"
#include "exec/loop.hpp"
#include "inventory/facts.hpp"
#include "net/redact.hpp"

namespace dspm::engine {

namespace json = boost::json;

namespace {

// Entry points validate regions already; the engine is a library too, so a region that slipped
// through is dropped with a warning rather than handed to the AWS client.
std::vector<std::string> valid_regions(const std::vector<std::string>& in,
                                       std::vector<std::string>& warnings) {
    std::vector<std::string> out;
    for (const auto& r : in) {
        if (!aws::valid_region_name(r)) {
            warnings.push_back("invalid region \"" + aws::printable(r) + "\" ignored");
            continue;
        }
        if (std::find(out.begin(), out.end(), r) != out.end()) continue;
        if (out.size() >= aws::max_regions_per_run) {
            warnings.push_back("more than " + std::to_string(aws::max_regions_per_run) +
                               " regions: the rest are not audited");
            break;
        }
        out.push_back(r);
    }
    return out;
}

struct AuditedRegions {
    std::vector<std::string> regions;
    std::string scope;  // "requested" or "enabled"
    std::optional<aws::AwsError> unlisted;
};

// The regions a run audits: those the request or AUDIT_REGIONS names, else (nothing named, or
// "all") every region enabled for the account. ec2:DescribeRegions without AllRegions answers the
// enabled ones (opt-in-not-required and opted-in); an opt-in region not opted in is dropped should
// it appear. When the list cannot be read the home region alone is audited and `unlisted` is set,
// so that every regional result says the rest of the account was not seen.
AuditedRegions audited_regions(inventory::Facts& facts, const std::vector<std::string>& requested,
                               const Settings& settings, std::vector<std::string>& warnings) {
    AuditedRegions out;
    const auto& named = requested.empty() ? settings.audit_regions : requested;
    if (!named.empty() && !(named.size() == 1 && named.front() == "all")) {
        out.scope = "requested";
        out.regions = valid_regions(named, warnings);
        if (out.regions.empty()) out.regions.push_back(settings.aws_region);
        return out;
    }
    out.scope = "enabled";
    auto doc = facts.aws("ec2", "DescribeRegions", {}, settings.aws_region);
    if (!doc) {
        warnings.push_back(
            "the account's enabled regions could not be listed (ec2:DescribeRegions: " +
            (doc.error().code.empty() ? std::string(aws::to_string(doc.error().kind))
                                      : doc.error().code) +
            "); only " + settings.aws_region + " was audited and every regional result says so");
        out.unlisted = doc.error();
        out.regions.push_back(settings.aws_region);
        return out;
    }
    std::vector<std::string> invalid;
    auto names = aws::enabled_regions(*doc, invalid);
    for (const auto& name : invalid)
        warnings.push_back("ec2:DescribeRegions answered an invalid region name \"" +
                           aws::printable(name) + "\": ignored");
    if (names.size() > aws::max_regions_per_run) {
        warnings.push_back("ec2:DescribeRegions answered more than " +
                           std::to_string(aws::max_regions_per_run) +
                           " regions: the rest are not audited");
        names.resize(aws::max_regions_per_run);
    }
    if (names.empty()) {
        aws::AwsError e;
        e.kind = aws::ErrorKind::malformed;
        e.service = "ec2";
        e.operation = "DescribeRegions";
        e.message = "the answer lists no enabled region";
        warnings.push_back("ec2:DescribeRegions answered no enabled region; only " +
                           settings.aws_region + " was audited and every regional result says so");
        out.unlisted = e;
        names.push_back(settings.aws_region);
    }
    out.regions = std::move(names);
    return out;
}

// A regional result of a run whose region list could not be read: one ERROR evaluation says which
// regions were audited and that the others were not seen, so the result cannot read as covering
// the account.
void add_unlisted_regions(MappingResult& result, const checks::Check& check,
                          const aws::AwsError& error, const checks::CheckScope& scope) {
    if (check.info().reach != checks::Reach::regional) return;
    auto e = checks::error_evaluation(check.info().service, "other enabled regions",
                                      "Enabled regions", error, "*", scope.account);
    std::string audited;
    for (const auto& r : scope.regions)
        audited += (audited.empty() ? "" : ",") + r;
    e.extra["note"] = "the account's regions could not be listed: only " + audited +
                      " was audited; resources in other enabled regions were not read";
    result.evaluations.push_back(std::move(e));
    result.status = result.counts().rolled_up();
}

// The tags of the audited regions' resources by ARN, for the mutelist's tags selectors: one
// paged GetResources per region (it answers every taggable service's resources at once). A
// region that cannot be read is said; its resources then match no entry that selects by tags.
std::map<std::string, mutelist::Tags> read_resource_tags(inventory::Facts& facts,
                                                         const std::vector<std::string>& regions,
                                                         std::vector<std::string>& warnings) {
    std::map<std::string, mutelist::Tags> out;
    for (const auto& region : regions) {
        auto doc = facts.aws_all_pages("resourcegroupstaggingapi", "GetResources", {}, region);
        if (!doc) {
            warnings.push_back("mutelist: the resource tags of " + region + " could not be read (" +
                               doc.error().code + ", " + doc.error().iam_action +
                               "): entries selecting by tags mute nothing there");
            continue;
        }
        const auto* list = checks::at_path(*doc, "ResourceTagMappingList");
        if (list == nullptr || !list->is_array()) continue;
        for (const auto& mapping : list->as_array()) {
            const std::string arn = checks::string_at(mapping, "ResourceARN");
            if (arn.empty()) continue;
            auto& tags = out[arn];
            if (const auto* t = checks::at_path(mapping, "Tags"); t != nullptr && t->is_array())
                for (const auto& kv : t->as_array())
                    tags[checks::string_at(kv, "Key")] = checks::string_at(kv, "Value");
        }
    }
    return out;
}

}  // namespace

StatusCounts RequirementResult::counts() const {
    StatusCounts c;
    for (const auto& r : results)
        c.add(r->status);
    return c;
}

json::object RequirementResult::to_json_head() const {
    json::object o{{"requirement_id", requirement.id},    {"item_code", requirement.item_code},
                   {"title", requirement.title},          {"requirement_status", to_string(status)},
                   {"status_counts", counts().to_json()}, {"summary", counts().to_json()}};
    if (reason) o["reason"] = *reason;
    if (!requirement.parent.empty()) o["parent"] = requirement.parent;
    if (!in_summary) o["in_summary"] = false;
    return o;
}

json::object RequirementResult::to_json() const {
    json::object o = to_json_head();
    json::array rs;
    for (const auto& r : results)
        rs.push_back(r->to_json());
    o["results"] = std::move(rs);
    return o;
}

namespace {
json::array strings(const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v)
        a.push_back(json::string(s));
    return a;
}
}  // namespace

json::object AuditSummary::to_json() const {
    json::object o{{"status", to_string(status)},
                   {"counts", requirements.to_json()},
                   {"mapping_counts", mappings.to_json()},
                   {"duration_ms", duration_ms},
                   {"aws_calls", aws_calls},
                   {"aws_reads", aws_reads},
                   {"checks_run", checks_run},
                   {"account", account},
                   {"regions", strings(regions)},
                   {"region_scope", region_scope},
                   {"catalog_source", catalog_source},
                   {"collector", collector},
                   {"not_implemented", strings(not_implemented)},
                   {"warnings", strings(warnings)},
                   {"cancelled", cancelled},
                   {"mode", mode},
                   {"tool", {{"name", "dspm-audit"}, {"version", DSPM_VERSION}}},
                   {"catalog_version", catalog_version},
                   {"settings",
                    {{"mode", mode},
                     {"concurrency", concurrency},
                     {"check_timeout_ms", check_timeout_ms},
                     {"region_scope", region_scope},
                     {"catalog_source", catalog_source},
                     {"collector", collector}}}};
    // A summary built by hand (tests, a stored result) may lack the times: then none is claimed.
    if (started_at != std::chrono::system_clock::time_point{})
        o["started_at"] = aws::format_iso8601(started_at);
    if (finished_at != std::chrono::system_clock::time_point{})
        o["finished_at"] = aws::format_iso8601(finished_at);
    if (!caller_arn.empty()) o["caller_arn"] = caller_arn;
    if (!account_alias.empty()) o["account_alias"] = account_alias;
    if (!filter.empty()) {
        // A partial audit says so wherever its summary goes.
        o["settings"].as_object()["filter"] = {{"checks", strings(filter.checks)},
                                               {"services", strings(filter.services)},
                                               {"severities", strings(filter.severities)}};
    }
    if (!mutelist_source.empty())
        o["mutelist"] = {{"source", mutelist_source},
                         {"entries", mutelist_entries},
                         {"muted", muted},
                         {"expired", strings(mutes_expired)}};
    // The original service's flat counts of the mapping results, which its clients read.
    for (const auto& [k, v] : mappings.to_json())
        o[k] = v;
    return o;
}

Engine::Engine(Settings settings, std::shared_ptr<aws::AwsClient> aws,
               std::shared_ptr<catalog::CatalogSource> catalog,
               std::shared_ptr<inventory::CollectorSource> collector, EngineOptions options)
    : settings_(std::move(settings)),
      aws_(std::move(aws)),
      catalog_(std::move(catalog)),
      collector_(std::move(collector)),
      options_(options) {}

Expected<AuditPlan, catalog::CatalogError> Engine::plan(
    const std::string& framework, const std::optional<std::string>& requirement) {
    AuditPlan p;
    p.all = !requirement.has_value();
    if (!catalog_) {
        return unexpected(catalog::CatalogError{catalog::CatalogErrorKind::upstream,
                                                "no catalog source configured"});
    }
    // A fallback answer on any of the reads below makes the whole plan the fallback's.
    const std::string configured = catalog_->source_name();
    p.catalog_source = configured;
    const auto note_source = [&] {
        if (const auto used = catalog_->last_source(); used != configured) p.catalog_source = used;
    };
    if (requirement) {
        auto detail = catalog_->requirement(framework, *requirement);
        note_source();
        if (!detail) return unexpected(detail.error());
        p.framework = detail->framework;
        for (const auto& m : detail->mappings) {
            p.mapping_titles[m.code] = m.service;
            p.mappings[m.code] = m;
        }
        p.requirements.push_back(std::move(detail->requirement));
    } else {
        auto reqs = catalog_->requirements(framework);
        note_source();
        if (!reqs) return unexpected(reqs.error());
        p.framework = framework;
        // A whole-framework audit reports every row the catalog lists, so that each row a client
        // shows gets a status. Checkpoints (requirements with a parent, like ISMS-P 2.5.1.2 under
        // 2.5.1) carry no code their control lacks: they share the control's check results and
        // stay out of the framework summary, which would otherwise count every finding twice.
        std::set<std::string> top_level;
        for (const auto& r : *reqs)
            if (r.parent.empty()) top_level.insert(r.item_code);
        for (auto& r : *reqs) {
            const bool folded = !r.parent.empty() && top_level.contains(r.parent);
            if (folded) ++p.checkpoints_folded;
            p.in_summary.push_back(!folded);
            p.requirements.push_back(std::move(r));
        }
        if (auto maps = catalog_->mappings()) {
            for (const auto& m : *maps) {
                p.mapping_titles[m.code] = m.service;
                p.mappings[m.code] = m;
            }
        }
        note_source();
        // The canonical spelling comes with a requirement detail.
        if (!p.requirements.empty()) {
            auto d = catalog_->requirement(framework, std::to_string(p.requirements.front().id));
            note_source();
            if (d) p.framework = d->framework;
        }
    }
    return p;
}

namespace {

const catalog::Mapping* mapping_of(const AuditPlan& plan, const std::string& code) {
    auto it = plan.mappings.find(code);
    return it != plan.mappings.end() ? &it->second : nullptr;
}

MappingResult failed_result(const checks::Check& check, const std::string& why) {
    MappingResult r;
    r.mapping_code = check.info().code;
    r.title = check.info().title;
    r.status = Status::error;
    r.reason = why;
    return r;
}

// The fact caches of one run that a cancellation must reach: the run's own, and in sequential
// mode the fresh one of the check running.
class RunCaches {
  public:
    void add(const std::shared_ptr<inventory::CachedFacts>& facts) {
        std::lock_guard lock(mutex_);
        if (cancelled_) facts->cancel();
        caches_.push_back(facts);
    }
    void cancel() {
        std::lock_guard lock(mutex_);
        cancelled_ = true;
        for (const auto& weak : caches_)
            if (auto facts = weak.lock()) facts->cancel();
    }

  private:
    std::mutex mutex_;
    bool cancelled_ = false;
    std::vector<std::weak_ptr<inventory::CachedFacts>> caches_;
};

// Runs one check as its own task, so that a check stuck past the timeout does not hold its
// worker. Past the timeout its result is final: its own reads not yet started fail at once (those
// it shares with checks still running go on for them), and the run's loop ends only when its task
// has, so no task of a finished run calls AWS. Precondition: called from a task.
MappingResult run_with_timeout(const checks::Check& check,
                               std::shared_ptr<inventory::CachedFacts> facts,
                               const checks::CheckScope& scope, std::chrono::milliseconds timeout) {
    auto view = std::make_shared<inventory::CheckFacts>(std::move(facts));
    struct Outcome {
        exec::Event done;
        MappingResult result;
    };
    auto outcome = std::make_shared<Outcome>();
    exec::spawn([view, scope, &check, outcome] {
        try {
            outcome->result = check.run(*view, scope);
        } catch (const std::exception& e) {
            log::error("check failed", {{"code", check.info().code}, {"error", e.what()}});
            outcome->result = failed_result(check, std::string("check failed: ") + e.what());
        } catch (...) {
            log::error("check failed", {{"code", check.info().code}});
            outcome->result = failed_result(check, "check failed");
        }
        outcome->done.set();
    });
    // A timeout beyond a year is none (and would overflow the clock).
    if (timeout.count() <= 0 || timeout > std::chrono::hours(24 * 366)) {
        outcome->done.wait();
    } else if (!outcome->done.wait_for(timeout)) {
        view->cancel();
        return failed_result(check, "timeout after " + std::to_string(timeout.count()) + " ms");
    }
    return std::move(outcome->result);
}

}  // namespace

AuditRun Engine::run(const AuditPlan& plan, const RunOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    AuditRun run;
    run.plan = plan;
    auto& summary = run.summary;
    summary.started_at = std::chrono::system_clock::now();
    summary.catalog_version = catalog_ ? catalog_->version() : std::string{};
    summary.concurrency = settings_.audit_mode == "sequential" ? 1 : settings_.audit_concurrency;
    summary.check_timeout_ms = options_.check_timeout.count();
    summary.filter = plan.filter;
    if (!plan.filter.empty())
        summary.warnings.push_back(
            "filtered audit (--check/--service/--severity): only the selected checks were run, "
            "and each requirement's status reflects those checks alone");
    // One date for the whole run: an entry expiring at midnight mutes all of it or none.
    const std::string today = mutelist::utc_today();
    std::atomic<std::size_t> muted{0};
    if (options_.mutelist) {
        summary.mutelist_source = options_.mutelist->source();
        summary.mutelist_entries = options_.mutelist->entries().size();
        for (const auto* e : options_.mutelist->expired(today))
            summary.mutes_expired.push_back(e->id + " (expired " + e->expires + ")");
    }
    summary.catalog_source = !plan.catalog_source.empty() ? plan.catalog_source
                             : catalog_                   ? catalog_->source_name()
                                                          : "none";
    // The base URL may carry credentials; results are written to files and sent to clients.
    summary.collector = settings_.collector_base_url.empty()
                            ? "none"
                            : net::redact_url(settings_.collector_base_url);
    const std::size_t calls_before = aws_ ? aws_->stats().calls : 0;

    const bool sequential = settings_.audit_mode == "sequential";
    // One bound for the whole run: AUDIT_CONCURRENCY calls in flight, however the checks and their
    // per-resource reads overlap. A check may fan out that wide; the bound keeps the total.
    auto facts = std::make_shared<inventory::CachedFacts>(
        aws_, collector_, std::string{}, sequential ? 1 : settings_.audit_concurrency);
    facts->set_stop(options.stop);
    const auto stopped = [&options] {
        return options.cancel.stop_requested() || (options.stop != nullptr && options.stop->load());
    };
    RunCaches caches;
    caches.add(facts);
    // A cancel request (the client left) wakes the reads waiting for a slot instead of letting
    // them wait for the reads at AWS to end; the callback runs on the requesting thread.
    std::stop_callback on_cancel(options.cancel, [&caches] { caches.cancel(); });
    checks::CheckScope scope;
    scope.sso_permission_set_max = settings_.sso_permission_set_max;
    scope.sso_admin_allowlist = settings_.sso_admin_allowlist;
    scope.fanout = sequential ? 1 : std::max(options_.fanout, settings_.audit_concurrency);

    // Which checks: each distinct implemented code once, whatever number of requirements need it.
    std::vector<std::string> codes;
    std::set<std::string> seen, missing;
    for (const auto& req : plan.requirements) {
        if (!req.auditable) continue;
        for (const auto& code : req.mapping_codes) {
            if (!seen.insert(code).second) continue;
            if (checks::find_check(code) != nullptr)
                codes.push_back(code);
            else
                missing.insert(code);
        }
    }
    summary.not_implemented.assign(missing.begin(), missing.end());

    // Set when the account's regions were to be listed and could not be: regional results then
    // say that the other regions were not seen.
    std::optional<aws::AwsError> regions_unlisted;
    if (!codes.empty()) {
        auto who = facts->aws("sts", "GetCallerIdentity", {});
        if (who) {
            scope.account = checks::string_at(*who, "Account");
            summary.caller_arn = checks::string_at(*who, "Arn");
            // Cosmetic: a reader recognises "prod-payments" before 123456789012. Unreadable
            // (the policy lacks iam:ListAccountAliases, or none is set) means none is shown.
            if (auto aliases = facts->aws("iam", "ListAccountAliases", {},
                                          aws::global_region_of(settings_.aws_region))) {
                if (const auto* a = checks::at_path(*aliases, "AccountAliases");
                    a != nullptr && a->is_array() && !a->as_array().empty() &&
                    a->as_array().front().is_string())
                    summary.account_alias = a->as_array().front().as_string();
            }
        } else {
            summary.warnings.push_back("account unknown: sts:GetCallerIdentity failed (" +
                                       who.error().code + " " + who.error().message + ")");
        }
        facts->set_account(scope.account);

        auto listed = audited_regions(*facts, options.regions, settings_, summary.warnings);
        scope.regions = std::move(listed.regions);
        summary.region_scope = listed.scope;
        regions_unlisted = std::move(listed.unlisted);
    } else {
        scope.regions = valid_regions(
            options.regions.empty() ? settings_.audit_regions : options.regions, summary.warnings);
        if (scope.regions.size() == 1 && scope.regions.front() == "all") scope.regions.clear();
        if (scope.regions.empty()) scope.regions.push_back(settings_.aws_region);
    }
    scope.global_region = aws::global_region_of(settings_.aws_region);
    summary.account = scope.account;
    summary.regions = scope.regions;
    // Read before any result is muted, so every check sees the same tags.
    std::map<std::string, mutelist::Tags> tags_by_arn;
    const std::map<std::string, mutelist::Tags>* resource_tags = nullptr;
    if (options_.mutelist && options_.mutelist->needs_tags() && !codes.empty()) {
        tags_by_arn = read_resource_tags(*facts, scope.regions, summary.warnings);
        resource_tags = &tags_by_arn;
    }

    // Requirements finish when the last of their checks does; they are reported in that order.
    std::mutex mutex;
    std::map<std::string, std::shared_ptr<const MappingResult>> done_checks;
    std::vector<std::optional<RequirementResult>> finished(plan.requirements.size());
    std::size_t finished_count = 0;
    const std::size_t total = plan.requirements.size();

    auto build = [&](std::size_t i) {
        const auto& req = plan.requirements[i];
        RequirementResult rr;
        rr.requirement = req;
        rr.in_summary = i >= plan.in_summary.size() || plan.in_summary[i];
        if (!req.auditable) {
            rr.status = Status::skipped;
            rr.reason = req.not_auditable_reason.empty() ? "not auditable with AWS checks"
                                                         : req.not_auditable_reason;
            return rr;
        }
        if (req.mapping_codes.empty()) {
            rr.status = Status::skipped;
            rr.reason = "no mapping codes";
            return rr;
        }
        std::set<std::string> added;
        for (const auto& code : req.mapping_codes) {
            if (!added.insert(code).second) continue;
            if (auto it = done_checks.find(code); it != done_checks.end()) {
                rr.results.push_back(it->second);  // shared, not copied
                continue;
            }
            MappingResult m;
            m.mapping_code = code;
            auto t = plan.mapping_titles.find(code);
            m.title = t != plan.mapping_titles.end() ? t->second : "";
            m.status = Status::skipped;
            m.reason = "not implemented: " + code;
            rr.results.push_back(std::make_shared<const MappingResult>(std::move(m)));
        }
        rr.status = rr.counts().rolled_up();
        return rr;
    };
    auto ready = [&](std::size_t i) {
        const auto& req = plan.requirements[i];
        if (!req.auditable) return true;
        for (const auto& code : req.mapping_codes) {
            if (checks::find_check(code) != nullptr && !done_checks.contains(code)) return false;
        }
        return true;
    };
    // Called with the mutex held; progress callbacks are therefore serialised.
    auto publish_ready = [&] {
        for (std::size_t i = 0; i < total; ++i) {
            if (finished[i] || !ready(i)) continue;
            finished[i] = build(i);
            ++finished_count;
            if (options.progress) {
                try {
                    options.progress(*finished[i], finished_count, total);
                } catch (const std::exception& e) {
                    log::warn("progress callback failed", {{"error", e.what()}});
                }
            }
        }
    };
    std::atomic<bool> cancelled{false};
    std::size_t sequential_reads = 0;
    if (sequential) {
        // The baseline: requirements one after another, each re-running every check it names on
        // a fresh cache, one call at a time. Nothing is shared between requirements. One task
        // runs it, so that each check can be timed out like in the parallel mode.
        exec::Loop loop;
        loop.spawn([&] {
            for (std::size_t i = 0; i < total; ++i) {
                const auto& req = plan.requirements[i];
                std::set<std::string> ran;
                for (const auto& code :
                     req.auditable ? req.mapping_codes : std::vector<std::string>{}) {
                    const auto* check = checks::find_check(code);
                    if (check == nullptr || !ran.insert(code).second) continue;
                    if (stopped()) {
                        cancelled = true;
                        auto result = failed_result(*check, "cancelled");
                        annotate(result, check->info(), mapping_of(plan, code));
                        done_checks[code] =
                            std::make_shared<const MappingResult>(std::move(result));
                        continue;
                    }
                    auto fresh = std::make_shared<inventory::CachedFacts>(aws_, collector_,
                                                                          scope.account, 1);
                    fresh->set_stop(options.stop);
                    caches.add(fresh);
                    auto result = run_with_timeout(*check, fresh, scope, options_.check_timeout);
                    if (regions_unlisted)
                        add_unlisted_regions(result, *check, *regions_unlisted, scope);
                    annotate(result, check->info(), mapping_of(plan, code));
                    if (options_.mutelist)
                        muted += apply_mutes(result, *options_.mutelist, today, resource_tags);
                    done_checks[code] = std::make_shared<const MappingResult>(std::move(result));
                    sequential_reads += fresh->aws_reads();
                }
                finished[i] = build(i);
                ++finished_count;
                if (options.progress) {
                    try {
                        options.progress(*finished[i], finished_count, total);
                    } catch (const std::exception& e) {
                        log::warn("progress callback failed", {{"error", e.what()}});
                    }
                }
            }
        });
        loop.run();
        codes.clear();  // nothing left for the parallel pool below
    } else {
        std::lock_guard lock(mutex);
        publish_ready();
    }

    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i = next++; i < codes.size(); i = next++) {
            const auto* check = checks::find_check(codes[i]);
            MappingResult result;
            if (stopped()) {
                cancelled = true;
                result = failed_result(*check, "cancelled");
            } else {
                result = run_with_timeout(*check, facts, scope, options_.check_timeout);
                if (regions_unlisted)
                    add_unlisted_regions(result, *check, *regions_unlisted, scope);
            }
            annotate(result, check->info(), mapping_of(plan, codes[i]));
            if (options_.mutelist)
                muted += apply_mutes(result, *options_.mutelist, today, resource_tags);
            std::lock_guard lock(mutex);
            done_checks[codes[i]] = std::make_shared<const MappingResult>(std::move(result));
            publish_ready();
        }
    };
    // The checks are tasks of one loop on this thread: their reads wait as tasks, so the run
    // keeps AUDIT_CONCURRENCY calls in flight without a thread per check or per call.
    const std::size_t width =
        std::max<std::size_t>(1, std::min(settings_.audit_concurrency, codes.size()));
    if (!codes.empty()) {
        exec::Loop loop;
        // Two tasks per check running (its worker and the check), and per-resource tasks for
        // twice the calls in flight: enough to keep the gate full, and a bound on the stacks
        // held (at 256 in flight and 50,000 resources, unbounded fan-out held 20,000 of them).
        loop.set_task_budget(2 * width + 2 * settings_.audit_concurrency);
        std::size_t workers_left = width;
        for (std::size_t t = 0; t < width; ++t)
            loop.spawn([&] {
                worker();
                // The answer is final: every read of the run not yet started fails from here
                // on, and the tasks of timed-out checks end within the reads they have at AWS.
                if (--workers_left == 0) caches.cancel();
            });
        loop.run();
    }
    caches.cancel();

    for (auto& f : finished) {
        if (f) run.results.push_back(std::move(*f));
    }
    for (const auto& [code, r] : done_checks)
        summary.mappings.add(r->status);
    for (const auto& r : run.results)
        if (r.in_summary) summary.requirements.add(r.status);
    summary.status = summary.requirements.rolled_up();
    summary.cancelled = cancelled.load() || stopped();
    summary.checks_run = done_checks.size();
    summary.aws_reads = facts->aws_reads() + sequential_reads;
    summary.mode = settings_.audit_mode;
    summary.aws_calls = aws_ ? aws_->stats().calls - calls_before : 0;
    summary.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
    summary.finished_at = std::chrono::system_clock::now();
    summary.muted = muted.load();
    return run;
}

namespace {
// total_requirements counts the rows reported; the summary counts controls only.
void add_row_counts(json::object& o, const AuditPlan& plan) {
    if (plan.checkpoints_folded == 0) return;
    o["checkpoints_in_controls"] = plan.checkpoints_folded;
    o["controls"] = plan.requirements.size() - plan.checkpoints_folded;
}
}  // namespace

json::object single_response(const AuditRun& run) {
    json::object o{{"framework", run.plan.framework}};
    if (!run.results.empty()) {
        const auto& r = run.results.front();
        o["requirement_id"] = r.requirement.id;
        o["item_code"] = r.requirement.item_code;
        o["title"] = r.requirement.title;
        o["requirement_status"] = to_string(r.status);
        if (r.reason) o["reason"] = *r.reason;
        auto summary = run.summary.to_json();
        // Flat counts of this requirement's results, the not implemented codes included.
        for (const auto& [k, v] : r.counts().to_json())
            summary[k] = v;
        o["summary"] = std::move(summary);
        json::array rs;
        for (const auto& m : r.results)
            rs.push_back(m->to_json());
        o["results"] = std::move(rs);
    } else {
        o["requirement_status"] = to_string(Status::skipped);
        o["summary"] = run.summary.to_json();
        o["results"] = json::array{};
    }
    return o;
}

json::object all_response(const AuditRun& run) {
    json::array rs;
    for (const auto& r : run.results)
        rs.push_back(r.to_json());
    json::object o{
        {"framework", run.plan.framework},  {"total_requirements", run.plan.requirements.size()},
        {"executed", run.results.size()},   {"framework_status", to_string(run.summary.status)},
        {"summary", run.summary.to_json()}, {"results", std::move(rs)}};
    add_row_counts(o, run.plan);
    return o;
}

namespace {

// A JSON object whose "results" member is spliced in from text serialised elsewhere: the head's
// own members, then "results":[items...]. Results are JSON text shared between requirements.
struct Spliced {
    std::string head;  // serialised object without results, closing brace removed
    std::vector<const std::string*> items;

    std::size_t size() const {
        std::size_t n = head.size() + std::string_view(",\"results\":[]}").size() + items.size();
        for (const auto* i : items)
            n += i->size();
        return n;
    }
    void append_to(std::string& out) const {
        out += head;
        out += head.size() > 1 ? ",\"results\":[" : "\"results\":[";
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i > 0) out += ',';
            out += *items[i];
        }
        out += "]}";
    }
};

std::string open_object(const json::object& head) {
    std::string text = json::serialize(head);
    text.pop_back();  // the closing brace
    return text;
}

using TextCache = std::map<const MappingResult*, std::string>;

Spliced requirement_parts(const RequirementResult& r, TextCache& cache) {
    Spliced parts{open_object(r.to_json_head()), {}};
    for (const auto& m : r.results) {
        auto it = cache.find(m.get());
        if (it == cache.end()) it = cache.emplace(m.get(), json::serialize(m->to_json())).first;
        parts.items.push_back(&it->second);
    }
    return parts;
}

}  // namespace

std::string requirement_text(const RequirementResult& result) {
    TextCache cache;
    const Spliced parts = requirement_parts(result, cache);
    std::string out;
    out.reserve(parts.size());
    parts.append_to(out);
    return out;
}

std::string all_response_text(const AuditRun& run, std::string_view first_members) {
    json::object head{{"framework", run.plan.framework},
                      {"total_requirements", run.plan.requirements.size()},
                      {"executed", run.results.size()},
                      {"framework_status", to_string(run.summary.status)},
                      {"summary", run.summary.to_json()}};
    add_row_counts(head, run.plan);
    // Each mapping result is serialised once; the answer is sized first and written once, so the
    // peak is the answer itself plus one copy of each distinct result.
    TextCache cache;
    std::vector<Spliced> requirements;
    requirements.reserve(run.results.size());
    for (const auto& r : run.results)
        requirements.push_back(requirement_parts(r, cache));
    std::string top = open_object(head);
    if (!first_members.empty()) {
        std::string lead = "{";
        lead += first_members;
        if (top.size() > 1) lead += ',';
        top.replace(0, 1, lead);
    }
    std::size_t total = top.size() + 16;
    for (const auto& r : requirements)
        total += r.size() + 1;
    std::string out;
    out.reserve(total);
    out += top;
    out += top.size() > 1 ? ",\"results\":[" : "\"results\":[";
    for (std::size_t i = 0; i < requirements.size(); ++i) {
        if (i > 0) out += ',';
        requirements[i].append_to(out);
    }
    out += "]}";
    return out;
}

}  // namespace dspm::engine
