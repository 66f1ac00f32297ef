// `dspm-audit audit FRAMEWORK (REQ_ID | --all) [--format json|table|html|csv|ocsf|sarif|junit|md]
// [--region R ...] [--output FILE]`: the same audit and result as the HTTP routes, on the command
// line. With --output the file gets the format and stdout the summary table. Exit codes (README,
// "Exit codes"): 0 compliant or only skipped, 3 any NON_COMPLIANT (even beside ERRORs: a finding
// outranks a gap), 1 ERROR without NON_COMPLIANT, 2 usage, 130 interrupted.
#include <pthread.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <thread>

#include "app/commands.hpp"
#include "app/stop_signal.hpp"
#include "aws/client.hpp"
#include "aws/regions.hpp"
#include "catalog/local_source.hpp"  // to_lower
#include "catalog/source.hpp"
#include "engine/engine.hpp"
#include "engine/factory.hpp"
#include "engine/filter.hpp"
#include "net/http_client.hpp"
#include "notify/slack.hpp"
#include "org/run.hpp"
#include "report/report.hpp"
#include "store/record.hpp"
#include "store/store.hpp"

namespace dspm::app {
namespace {

namespace json = boost::json;

struct AuditArgs {
    std::string framework;
    std::string requirement;
    bool all = false;
    std::string format = "json";
    std::vector<std::string> regions;
    std::string output;
    std::string notify;  // "slack": post the summary to SLACK_WEBHOOK_URL after the run
    engine::PlanFilter filter;
    bool no_store = false;              // --no-store: leave the run out of the history
    bool org = false;                   // --org: every ACTIVE account of the Organization
    std::vector<std::string> accounts;  // --account ID: these accounts
};

// --check/--service/--severity: every value must name something known (a typo would otherwise
// audit nothing and look clean), and the filtered plan must keep at least one requirement.
Expected<std::size_t, std::string> filter(engine::AuditPlan& plan, const AuditArgs& args) {
    if (args.filter.empty()) return plan.requirements.size();
    const auto vocabulary = engine::filter_vocabulary(plan);
    const auto check = [](const std::vector<std::string>& given,
                          const std::vector<std::string>& known,
                          const char* option) -> Expected<bool, std::string> {
        for (const auto& g : given) {
            const bool found = std::any_of(known.begin(), known.end(), [&](const std::string& k) {
                return catalog::to_lower(k) == catalog::to_lower(g);
            });
            if (found) continue;
            const auto near = closest_name(g, known);
            return unexpected(std::string(option) + ": unknown value '" + g + "'" +
                              (near.empty() ? "" : " (did you mean " + near + "?)"));
        }
        return true;
    };
    if (auto ok = check(args.filter.checks, vocabulary.checks, "--check"); !ok)
        return unexpected(ok.error());
    if (auto ok = check(args.filter.services, vocabulary.services, "--service"); !ok)
        return unexpected(ok.error());
    if (auto ok = check(args.filter.severities, vocabulary.severities, "--severity"); !ok)
        return unexpected(ok.error());
    const std::string scope = plan.framework + (args.all ? std::string() : " " + args.requirement);
    const std::size_t kept = engine::apply_filter(plan, args.filter);
    if (kept == 0)
        return unexpected("no requirement of " + scope +
                          " is checked by the selected checks (dspm-audit catalog mappings " +
                          plan.framework + " REQ lists a requirement's codes)");
    return kept;
}

int exit_code(engine::Status status) {
    switch (status) {
        case engine::Status::non_compliant:
            return exit_non_compliant;
        case engine::Status::error:
            return exit_error;
        case engine::Status::compliant:
        case engine::Status::skipped:
            return exit_ok;
    }
    return exit_error;
}

std::string pad(std::string s, std::size_t width) {
    if (s.size() < width) s.append(width - s.size(), ' ');
    return s;
}

std::string table(const engine::AuditRun& run) {
    std::string out;
    out += pad("REQUIREMENT", 14) + pad("STATUS", 15) + "MAPPINGS\n";
    std::map<std::string, const engine::MappingResult*> findings;
    std::size_t checkpoints = 0;
    for (const auto& r : run.results) {
        // The table lists what the summary counts; checkpoints share their control's results.
        if (!r.in_summary) {
            ++checkpoints;
            continue;
        }
        std::string maps;
        for (const auto& m : r.results) {
            if (!maps.empty()) maps += ", ";
            maps += m->mapping_code + "=" + std::string(engine::to_string(m->status));
            findings.emplace(m->mapping_code, m.get());
        }
        if (maps.empty() && r.reason) maps = *r.reason;
        out += pad(r.requirement.item_code, 14) +
               pad(std::string(engine::to_string(r.status)), 15) + maps + "\n";
    }
    if (checkpoints > 0)
        out += "(" + std::to_string(checkpoints) +
               " checkpoints share their control's results: the JSON result lists them)\n";
    // Findings once per mapping code (a code serves many requirements), the first few of each.
    constexpr std::size_t shown_per_code = 20;
    bool header = false;
    for (const auto& [code, m] : findings) {
        std::size_t shown = 0, hidden = 0;
        for (const auto& e : m->evaluations) {
            if (e.status == engine::Status::compliant) continue;
            if (shown == shown_per_code) {
                ++hidden;
                continue;
            }
            if (!header) {
                out += "\nfindings (not compliant or not evaluated):\n";
                header = true;
            }
            out += "    " + code + " " + e.resource_id + " [" + e.region + "] " + e.decision + "\n";
            ++shown;
        }
        if (hidden > 0) {
            out += "    " + code + " ... and " + std::to_string(hidden) +
                   " more (the JSON result has them all)\n";
        }
    }
    const auto& s = run.summary;
    out += "\nsummary: " + std::string(engine::to_string(s.status)) +
           " compliant=" + std::to_string(s.requirements.compliant) +
           " non_compliant=" + std::to_string(s.requirements.non_compliant) +
           " error=" + std::to_string(s.requirements.error) +
           " skipped=" + std::to_string(s.requirements.skipped) +
           " aws_calls=" + std::to_string(s.aws_calls) +
           " duration_ms=" + std::to_string(s.duration_ms) + " account=" + s.account + "\n";
    return out;
}

std::string utc_stamp() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

// The accounts table of a run over many accounts, then the requirements some account fails.
std::string org_table(const std::string& answer) {
    const auto doc = json::parse(answer).as_object();
    const auto text = [](const json::object& o, const char* key) {
        const auto* v = o.if_contains(key);
        return v && v->is_string() ? std::string(v->as_string()) : std::string{};
    };
    std::string out = pad("ACCOUNT", 14) + pad("STATUS", 15) + "NAME / REASON\n";
    for (const auto& a : doc.at("accounts").as_array()) {
        const auto& o = a.as_object();
        std::string why = text(o, "name");
        if (const auto* e = o.if_contains("error"); e && e->is_object())
            why = text(e->as_object(), "reason");
        out += pad(text(o, "account"), 14) + pad(text(o, "status"), 15) + why + "\n";
    }
    bool header = false;
    for (const auto& r : doc.at("organization").as_object().at("requirements").as_array()) {
        const auto& o = r.as_object();
        // As in the single-account table: checkpoints share their control's results.
        if (const auto* in = o.if_contains("in_summary"); in && in->is_bool() && !in->as_bool())
            continue;
        const auto& failing = o.at("accounts").as_object();
        const auto* nc = failing.if_contains("NON_COMPLIANT");
        if (nc == nullptr || nc->as_array().empty()) continue;
        if (!header) {
            out += "\nrequirements failed in some account:\n";
            header = true;
        }
        std::string ids;
        for (const auto& id : nc->as_array())
            ids += (ids.empty() ? "" : ", ") + std::string(id.as_string());
        out += "    " + pad(text(o, "item_code"), 10) + ids + "\n";
    }
    const auto& s = doc.at("summary").as_object();
    const auto& c = s.at("account_status_counts").as_object();
    out += "\nsummary: " + text(s, "status") + " accounts=" + json::serialize(s.at("accounts")) +
           " non_compliant=" + json::serialize(c.at("NON_COMPLIANT")) +
           " error=" + json::serialize(c.at("ERROR")) +
           " duration_ms=" + json::serialize(s.at("duration_ms")) + "\n";
    return out;
}

int run_org_audit(const Settings& settings, const AuditArgs& args,
                  std::vector<std::string> regions) {
    if (!args.all) {
        std::fprintf(stderr,
                     "dspm-audit audit: --org and --account audit a whole framework: add --all\n");
        return exit_usage;
    }
    if (args.format != "json" && args.format != "table") {
        std::fprintf(stderr, "dspm-audit audit: --org and --account answer json or table\n");
        return exit_usage;
    }
    if (!args.notify.empty()) {
        std::fprintf(stderr, "dspm-audit audit: --notify is not available with --org/--account\n");
        return exit_usage;
    }
    std::string list;
    for (const auto& a : args.accounts)
        list += (list.empty() ? "" : ",") + a;
    auto selection = org::parse_accounts(args.org ? "org" : list, settings.audit_max_accounts);
    if (!selection) {
        std::fprintf(stderr, "dspm-audit audit: --account: %s\n", selection.error().c_str());
        return exit_usage;
    }
    auto http = std::make_shared<net::HttpClient>();
    auto catalog = catalog::make_catalog_source(settings, http);
    org::OrgRequest request{args.framework, std::move(*selection), std::move(regions), args.filter,
                            !args.no_store};
    std::atomic<bool> stop{false};
    org::OrgRunOptions options;
    options.stop = &stop;
    const auto started = std::chrono::steady_clock::now();
    options.progress = [started](const std::string& account, const std::string& status,
                                 std::size_t done, std::size_t total) {
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        // Through the queue only the count is known here: the workers know which account.
        if (account.empty())
            std::fprintf(stderr, "[%zu/%zu accounts] %.1f s elapsed\n", done, total, elapsed);
        else
            std::fprintf(stderr, "[%zu/%zu accounts] %s %s  %.1f s elapsed\n", done, total,
                         account.c_str(), status.c_str(), elapsed);
    };
    auto answer = [&] {
        StopOnSignal guard(stop);
        return org::run_org_audit(settings, http, catalog, request, options,
                                  args.no_store ? nullptr : store::open_store(settings));
    }();
    if (!answer) {
        std::fprintf(stderr, "dspm-audit audit: %s\n", answer.error().detail.c_str());
        return answer.error().http_status == 404 ? exit_usage : exit_error;
    }
    std::fprintf(stderr, "%zu accounts audited (%s)\n", answer->accounts,
                 answer->execution.c_str());
    if (!args.output.empty()) {
        std::ofstream out(args.output, std::ios::binary | std::ios::trunc);
        out << answer->text << '\n';
        out.close();
        if (!out) {
            std::fprintf(stderr, "dspm-audit audit: cannot write %s\n", args.output.c_str());
            return exit_error;
        }
        std::fprintf(stderr, "full result written to %s\n", args.output.c_str());
    }
    if (args.format == "table" || !args.output.empty()) {
        const std::string t = org_table(answer->text);
        std::fwrite(t.data(), 1, t.size(), stdout);
    } else {
        std::fwrite(answer->text.data(), 1, answer->text.size(), stdout);
        std::fputc('\n', stdout);
    }
    if (answer->cancelled) return exit_interrupted;
    return exit_code(engine::parse_status(answer->status).value_or(engine::Status::error));
}

int run_audit(const Settings& settings, const AuditArgs& args) {
    if (args.org && !args.accounts.empty()) {
        std::fprintf(stderr, "dspm-audit audit: give --org or --account, not both\n");
        return exit_usage;
    }
    if (args.all == !args.requirement.empty()) {
        std::fprintf(stderr, "dspm-audit audit: give either REQ_ID or --all\n");
        return exit_usage;
    }
    // --region values become part of AWS host names: refuse what is not a region before anything
    // else happens.
    auto regions = aws::validate_regions(args.regions);
    if (!regions) {
        std::fprintf(stderr, "dspm-audit audit: --region: %s\n", regions.error().c_str());
        return exit_usage;
    }
    if (args.org || !args.accounts.empty())
        return run_org_audit(settings, args, std::move(*regions));
    if (!args.notify.empty() && settings.slack_webhook_url.empty()) {
        std::fprintf(stderr, "dspm-audit audit: --notify slack needs SLACK_WEBHOOK_URL\n");
        return exit_usage;
    }
    auto http = std::make_shared<net::HttpClient>();
    auto catalog = catalog::make_catalog_source(settings, http);
    auto aws_client = engine::make_engine_aws_client(settings, http);
    auto engine = engine::make_engine(settings, http, catalog, aws_client);
    auto plan = engine->plan(
        args.framework, args.all ? std::nullopt : std::optional<std::string>(args.requirement));
    if (!plan)
        return catalog_failure(
            "audit", plan.error(), *catalog, args.framework,
            args.all ? std::nullopt : std::optional<std::string>(args.requirement));
    if (auto kept = filter(*plan, args); !kept) {
        std::fprintf(stderr, "dspm-audit audit: %s\n", kept.error().c_str());
        return exit_usage;
    }
    // Without any credentials every check would fail the same way: one sentence instead.
    if (auto who = aws_client->call("sts", "GetCallerIdentity", {});
        !who && who.error().kind == aws::ErrorKind::no_credentials) {
        std::fprintf(stderr,
                     "dspm-audit audit: %s. Set AWS_PROFILE, AWS_ACCESS_KEY_ID and "
                     "AWS_SECRET_ACCESS_KEY, or run where a role provides credentials\n",
                     who.error().message.c_str());
        return exit_usage;
    }
    engine::RunOptions options;
    options.regions = std::move(*regions);
    std::atomic<bool> stop{false};
    options.stop = &stop;
    if (args.all) {
        const auto started = std::chrono::steady_clock::now();
        options.progress = [started](const engine::RequirementResult& r, std::size_t done,
                                     std::size_t total) {
            const double elapsed =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            // Requirements finish in bursts (one check serves many), so the estimate is rough.
            const double left =
                done > 0 ? elapsed / static_cast<double>(done) * static_cast<double>(total - done)
                         : 0.0;
            std::fprintf(stderr, "[%zu/%zu] %s %s  %.1f s elapsed, ~%.0f s left\n", done, total,
                         r.requirement.item_code.c_str(),
                         std::string(engine::to_string(r.status)).c_str(), elapsed, left);
        };
    }
    auto run = [&] {
        StopOnSignal guard(stop);
        return engine->run(*plan, options);
    }();
    if (run.summary.cancelled)
        std::fprintf(stderr,
                     "dspm-audit audit: stopped: the result holds what finished and is "
                     "marked incomplete (summary.cancelled)\n");
    const bool as_table = args.format == "table";
    // table and json render nothing; the option's check admits only known names.
    const report::Format report_format =
        report::parse_format(args.format).value_or(report::Format::json);
    // Every run goes to the run store (DATA_DIR or DATABASE_URL) with its run_id in the answer;
    // a store that fails is said on stderr and in the answer, never loses it.
    // Built with its leading members (run_id, or the store's failure) in place: the answer is the
    // largest thing a run makes, and adding them afterwards would copy it.
    const auto build = [&](std::string_view first) {
        return args.all ? engine::all_response_text(run, first)
                        : store::with_members(json::serialize(engine::single_response(run)), first);
    };
    std::string doc;
    if (args.no_store) {
        doc = build({});
    } else {
        auto runs = store::open_store(settings);
        const auto id = store::new_run_id(run.summary.started_at);
        auto record = store::make_record(run, id, build(store::run_id_member(id)));
        if (auto saved = runs->save(record); saved) {
            doc = std::move(record.answer);
            std::fprintf(stderr, "run %s stored (%s %s)\n", id.c_str(), runs->engine().c_str(),
                         runs->location().c_str());
        } else {
            std::fprintf(stderr, "dspm-audit audit: the run was not stored: %s\n",
                         saved.error().c_str());
            doc = build(store::store_failure_members(saved.error()));
        }
    }
    // A report format renders the same answer (reports know the answer, not the engine).
    std::string rendered;
    if (report_format != report::Format::json) {
        auto r = report::render(json::parse(doc), report_format);
        if (!r) {
            std::fprintf(stderr, "dspm-audit audit: %s\n", r.error().c_str());
            return exit_error;
        }
        rendered = std::move(*r);
    }
    const bool json_out = report_format == report::Format::json;
    // With --output, stdout keeps the summary only.
    const std::string text = as_table || !args.output.empty() ? table(run) : std::string{};
    std::string output = args.output;
    const bool into_results_dir = output.empty() && !settings.results_dir.empty();
    if (into_results_dir) {
        // RESULTS_DIR keeps every run: <framework>-<requirement|all>-<UTC time>.json.
        std::error_code ec;
        std::filesystem::create_directories(settings.results_dir, ec);
        output = (std::filesystem::path(settings.results_dir) /
                  (run.plan.framework + "-" + (args.all ? std::string("all") : args.requirement) +
                   "-" + utc_stamp() + ".json"))
                     .string();
    }
    if (!output.empty()) {
        std::ofstream out(output, std::ios::binary | std::ios::trunc);
        // RESULTS_DIR keeps the JSON answer, which `dspm-audit report` renders later.
        if (into_results_dir || as_table || json_out)
            out << doc << '\n';
        else
            out << rendered;
        out.close();
        if (!out) {
            std::fprintf(stderr, "dspm-audit audit: cannot write %s\n", output.c_str());
            return exit_error;
        }
        std::fprintf(stderr, "full result written to %s\n", output.c_str());
    }
    if (as_table || !args.output.empty()) {
        std::fwrite(text.data(), 1, text.size(), stdout);
    } else if (json_out) {
        std::fwrite(doc.data(), 1, doc.size(), stdout);  // the answer, not a copy of it
        std::fputc('\n', stdout);
    } else {
        std::fwrite(rendered.data(), 1, rendered.size(), stdout);
    }
    if (!args.notify.empty()) {
        // The audit's answer stands whatever happens to its notification.
        auto message = report::slack_message(json::parse(doc));
        auto posted = message ? notify::post_slack(*http, settings.slack_webhook_url, *message)
                              : Expected<int, std::string>(unexpected(message.error()));
        if (posted)
            std::fprintf(stderr, "summary posted to Slack\n");
        else
            std::fprintf(stderr, "dspm-audit audit: notify slack failed: %s\n",
                         posted.error().c_str());
    }
    if (run.summary.cancelled) return exit_interrupted;
    const engine::Status status =
        args.all ? run.summary.status
                 : (run.results.empty() ? engine::Status::skipped : run.results.front().status);
    return exit_code(status);
}

}  // namespace

void register_audit_command(CLI::App& app, Commands& out) {
    auto args = std::make_shared<AuditArgs>();
    auto* sub = app.add_subcommand("audit", "audit one requirement or a whole framework");
    sub->add_option("framework", args->framework, "framework code, e.g. ISMS-P")->required();
    sub->add_option("req_id", args->requirement, "requirement id or item code (2.7.1)");
    sub->add_flag("--all", args->all, "every requirement of the framework");
    sub->add_option("--format", args->format,
                    "json (default), table, html, csv, ocsf, sarif, junit or md")
        ->check(CLI::IsMember({"json", "table", "html", "csv", "ocsf", "sarif", "junit", "md"}));
    sub->add_option("--region", args->regions,
                    "region(s) to audit: a,b or repeated (default: every enabled region, or "
                    "AUDIT_REGIONS)")
        ->delimiter(',');
    sub->add_option(
        "--output", args->output,
        "write the result (in --format; json for table) to FILE, the summary to stdout");
    sub->add_option("--check", args->filter.checks,
                    "only these mapping codes: a,b or repeated (dspm-audit checks lists them)")
        ->delimiter(',');
    sub->add_option("--service", args->filter.services,
                    "only the checks of these services: an IAM namespace (s3, kms) or the "
                    "catalog's service name; a,b or repeated")
        ->delimiter(',');
    sub->add_option("--severity", args->filter.severities,
                    "only checks of these severities: critical, high, medium, low; a,b or repeated")
        ->delimiter(',');
    sub->add_flag("--no-store", args->no_store,
                  "do not keep the run in the run store (DATA_DIR or DATABASE_URL)");
    sub->add_option("--notify", args->notify,
                    "slack: post the summary and the worst findings to SLACK_WEBHOOK_URL")
        ->check(CLI::IsMember({"slack"}));
    sub->add_flag("--org", args->org,
                  "every ACTIVE account of the Organization (organizations:ListAccounts), each "
                  "through the role AUDIT_ROLE_NAME; with DATABASE_URL spread over `dspm-audit "
                  "worker`s");
    sub->add_option("--account", args->accounts,
                    "these accounts (12-digit ids): a,b or repeated, each through AUDIT_ROLE_NAME "
                    "(the caller's own account with the caller's credentials)")
        ->delimiter(',');
    out.push_back(Command{sub, [args](const Settings& s) { return run_audit(s, *args); }});
}

}  // namespace dspm::app
