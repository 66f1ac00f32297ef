// `dspm-audit fix FRAMEWORK (REQ | --all) [--apply [--yes]] [--only CODE,...] [--resource ID]`:
// the plan of an audit's fixes; with --apply the plan's automatic actions, each confirmed on the
// terminal unless --yes; `dspm-audit fix --undo FIX_ID` restores an applied fix. Nothing is
// written without --apply or --undo. Exit codes: 0 done (or nothing to do), 3 an action failed,
// 2 usage, 1 the store or the catalog failed.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <iostream>
#include <memory>

#include "app/commands.hpp"
#include "aws/regions.hpp"
#include "catalog/source.hpp"
#include "engine/engine.hpp"
#include "engine/factory.hpp"
#include "fix/service.hpp"
#include "net/http_client.hpp"
#include "store/store.hpp"

namespace dspm::app {
namespace {

namespace json = boost::json;

struct FixArgs {
    std::string framework;
    std::string requirement;
    bool all = false;
    bool apply = false;
    bool yes = false;
    std::vector<std::string> only;
    std::string resource;
    std::vector<std::string> regions;
    std::string undo;
    std::string format = "table";
    std::vector<std::string> params;  // KEY=VALUE
};

int exit_for(const fix::Failure& f) {
    return f.kind == fix::FailureKind::unavailable || f.kind == fix::FailureKind::upstream
               ? exit_error
               : exit_usage;
}

std::string plan_text(const fix::Plan& plan) {
    std::string out = "plan " + plan.plan_id + " for " + plan.framework + " " +
                      plan.requirement_id + " (account " + plan.account + ", expires " +
                      plan.expires_at + ")\n";
    if (plan.actions.empty()) out += "nothing to fix: no failing resource\n";
    for (const auto& a : plan.actions) {
        out += "\n" + a.id + "  " + a.mapping_code + "  " + a.resource_id + " [" + a.region +
               "]  " + a.kind + (a.high_risk ? " (HIGH RISK)" : "") + "\n";
        if (a.kind == "auto") {
            for (const auto& c : a.calls)
                out += "    call " + c.service + " " + c.operation + " " +
                       json::serialize(c.params) + "\n";
            std::string actions;
            for (const auto& i : a.iam_actions)
                actions += (actions.empty() ? "" : ", ") + i;
            out += "    needs " + actions + "; " +
                   (a.reversible ? "reversible" : "NOT reversible") + "\n    risk: " + a.risk +
                   "\n";
        } else {
            out += "    manual: " + a.reason + "\n";
            if (!a.console_fix.empty()) out += "    console: " + a.console_fix + "\n";
            if (!a.cli_fix.empty()) out += "    cli: " + a.cli_fix + "\n";
        }
    }
    return out;
}

std::string record_text(const fix::FixRecord& r) {
    std::string out = (r.kind == "undo" ? "undo " : "fix ") + r.fix_id +
                      (r.undoes.empty() ? "" : " of " + r.undoes) + "\n";
    for (const auto& x : r.results)
        out += "    " + x.action_id + " " + x.mapping_code + " " + x.resource_id + " [" + x.region +
               "] " + x.status + (x.detail.empty() ? "" : ": " + x.detail) + "\n";
    if (r.kind == "apply") out += "undo with: dspm-audit fix --undo " + r.fix_id + "\n";
    return out;
}

int finish(const fix::FixRecord& r, const std::string& format) {
    const std::string text =
        format == "json" ? json::serialize(r.to_json()) + "\n" : record_text(r);
    std::fwrite(text.data(), 1, text.size(), stdout);
    for (const auto& x : r.results)
        if (x.status == "failed") return exit_non_compliant;
    return exit_ok;
}

int run_fix(const Settings& settings, const FixArgs& args) {
    auto http = std::make_shared<net::HttpClient>();
    auto catalog = catalog::make_catalog_source(settings, http);
    auto aws = engine::make_engine_aws_client(settings, http);
    auto engine = engine::make_engine(settings, http, catalog, aws);
    fix::FixService service(settings, engine, aws, store::open_store(settings));
    if (!args.undo.empty()) {
        if (!args.framework.empty() || args.apply) {
            std::fprintf(stderr, "dspm-audit fix: --undo FIX_ID takes nothing else\n");
            return exit_usage;
        }
        auto done = service.undo(args.undo, "cli");
        if (!done) {
            std::fprintf(stderr, "dspm-audit fix: %s\n", done.error().detail.c_str());
            return exit_for(done.error());
        }
        return finish(*done, args.format);
    }
    if (args.framework.empty() || args.all == !args.requirement.empty()) {
        std::fprintf(stderr, "dspm-audit fix: give FRAMEWORK and either REQ_ID or --all\n");
        return exit_usage;
    }
    if (args.yes && !args.apply) {
        std::fprintf(stderr, "dspm-audit fix: --yes only goes with --apply\n");
        return exit_usage;
    }
    auto regions = aws::validate_regions(args.regions);
    if (!regions) {
        std::fprintf(stderr, "dspm-audit fix: --region: %s\n", regions.error().c_str());
        return exit_usage;
    }
    fix::PlanOptions options;
    for (const auto& p : args.params) {
        const auto eq = p.find('=');
        if (eq == std::string::npos || eq == 0) {
            std::fprintf(stderr, "dspm-audit fix: --param: expected KEY=VALUE, got '%s'\n",
                         p.c_str());
            return exit_usage;
        }
        options.params[p.substr(0, eq)] = p.substr(eq + 1);
    }
    if (auto ok = fix::validate_params(options.params); !ok) {
        std::fprintf(stderr, "dspm-audit fix: --%s\n", ok.error().c_str());
        return exit_usage;
    }
    options.only_codes = args.only;
    options.resource = args.resource;
    options.ttl = std::chrono::seconds(settings.fix_plan_ttl_s);
    const std::optional<std::string> requirement =
        args.all ? std::nullopt : std::optional<std::string>(args.requirement);
    auto planned = service.plan(args.framework, requirement, *regions, options);
    if (!planned) {
        if (planned.error().kind == fix::FailureKind::not_found)
            return catalog_failure(
                "fix",
                catalog::CatalogError{catalog::CatalogErrorKind::not_found, planned.error().detail},
                *catalog, args.framework, requirement);
        std::fprintf(stderr, "dspm-audit fix: %s\n", planned.error().detail.c_str());
        return exit_for(planned.error());
    }
    const auto& plan = planned->plan;
    if (!args.apply) {
        const std::string text =
            args.format == "json" ? json::serialize(plan.to_json()) + "\n" : plan_text(plan);
        std::fwrite(text.data(), 1, text.size(), stdout);
        if (!planned->stored)
            std::fprintf(stderr, "dspm-audit fix: the plan was not stored: %s\n",
                         planned->store_error.c_str());
        return exit_ok;
    }
    std::fputs(plan_text(plan).c_str(), stderr);
    fix::ApplyRequest request;
    request.all = true;
    // --resource names one resource: its high-risk actions count as listed one by one.
    if (!args.resource.empty())
        for (const auto& a : plan.actions)
            if (a.kind == "auto") request.action_ids.push_back(a.id);
    if (!args.yes) {
        request.confirm = [](const fix::Action& a) {
            std::fprintf(stderr, "apply %s (%s %s [%s])%s? [y/N] ", a.id.c_str(),
                         a.mapping_code.c_str(), a.resource_id.c_str(), a.region.c_str(),
                         a.high_risk ? " HIGH RISK" : "");
            std::string answer;
            if (!std::getline(std::cin, answer)) return false;
            return answer == "y" || answer == "Y" || answer == "yes";
        };
    }
    auto done = service.apply(plan, request, "cli");
    if (!done) {
        std::fprintf(stderr, "dspm-audit fix: %s\n", done.error().detail.c_str());
        return exit_for(done.error());
    }
    return finish(*done, args.format);
}

}  // namespace

void register_fix_command(CLI::App& app, Commands& out) {
    auto args = std::make_shared<FixArgs>();
    auto* sub = app.add_subcommand(
        "fix", "plan the fixes of an audit's failing resources; apply them with --apply");
    sub->add_option("framework", args->framework, "framework code, e.g. ISMS-P");
    sub->add_option("req_id", args->requirement, "requirement id or item code (2.7.1)");
    sub->add_flag("--all", args->all, "every requirement of the framework");
    sub->add_flag("--apply", args->apply,
                  "apply the plan's automatic actions (each asked for unless --yes)");
    sub->add_flag("--yes", args->yes, "with --apply: do not ask per action");
    sub->add_option("--only", args->only, "only these mapping codes: a,b or repeated")
        ->delimiter(',');
    sub->add_option("--resource", args->resource,
                    "only this resource (id or ARN); its high-risk actions count as listed");
    sub->add_option("--region", args->regions, "region(s) to audit: a,b or repeated")
        ->delimiter(',');
    sub->add_option("--param", args->params,
                    "KEY=VALUE for fixes that need a value the operator chooses (log_bucket=NAME "
                    "for access logs, trail_bucket=NAME for CloudTrail); repeated");
    sub->add_option("--undo", args->undo, "restore an applied fix (its fix id)");
    sub->add_option("--format", args->format, "table (default) or json")
        ->check(CLI::IsMember({"table", "json"}));
    out.push_back(Command{sub, [args](const Settings& s) { return run_fix(s, *args); }});
}

}  // namespace dspm::app
