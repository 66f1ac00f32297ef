// `dspm-audit runs list | show ID | diff ID`: the run store's history on the command line, the
// same store and shapes as GET /runs, /runs/{id} and /runs/{id}/diff.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <memory>

#include "app/commands.hpp"
#include "common/utf8.hpp"
#include "report/report.hpp"
#include "store/json_shapes.hpp"
#include "store/store.hpp"

namespace dspm::app {
namespace {

namespace json = boost::json;

struct RunsArgs {
    std::string framework, account, since, status, before;
    std::size_t limit = 20;
    std::string format = "table";
    std::string run_id;
    std::string against = "previous";
    std::string output;
};

int print(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return exit_ok;
}

int store_failed(const char* command, const std::string& why) {
    std::fprintf(stderr, "dspm-audit runs %s: run store unavailable: %s\n", command, why.c_str());
    return exit_error;
}

bool check_id(const char* command, const std::string& id) {
    if (store::valid_run_id(id)) return true;
    std::fprintf(stderr,
                 "dspm-audit runs %s: '%s' is not a run id (like 20261203T101845123Z-3f9a1c2b; "
                 "dspm-audit runs list shows them)\n",
                 command, id.c_str());
    return false;
}

std::string count_text(const std::string& counts_json) {
    const auto v = store::parsed_or_null(counts_json);
    if (!v.is_object() || !v.as_object().contains("requirements")) return "";
    const auto& r = v.at("requirements").as_object();
    std::string out;
    for (const char* k : {"COMPLIANT", "NON_COMPLIANT", "ERROR", "SKIPPED"})
        if (const auto* n = r.if_contains(k))
            out += (out.empty() ? "" : " ") + std::string(k) + "=" + json::serialize(*n);
    return out;
}

int list(const Settings& settings, const RunsArgs& a) {
    store::RunQuery q;
    q.framework = a.framework;
    q.account = a.account;
    if (!a.since.empty()) {
        auto s = store::parse_since(a.since);
        if (!s) {
            std::fprintf(stderr, "dspm-audit runs list: --%s\n", s.error().c_str());
            return exit_usage;
        }
        q.since = *s;
    }
    for (char c : a.status)
        q.status += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!a.before.empty() && !check_id("list", a.before)) return exit_usage;
    q.before = a.before;
    q.limit = a.limit;
    auto runs = store::open_store(settings);
    auto page = runs->list(q);
    if (!page) return store_failed("list", page.error());
    if (a.format == "json") {
        json::array items;
        for (const auto& h : page->runs)
            items.push_back(store::head_json(h));
        json::object body{{"runs", std::move(items)}};
        if (page->next) body["next"] = *page->next;
        return print(json::serialize(body) + "\n");
    }
    std::string out = pad_to_width("RUN", 30) + pad_to_width("FRAMEWORK", 12) +
                      pad_to_width("SCOPE", 9) + pad_to_width("ACCOUNT", 14) +
                      pad_to_width("STATUS", 15) + "REQUIREMENTS\n";
    for (const auto& h : page->runs)
        out += pad_to_width(h.run_id, 30) + pad_to_width(h.framework, 12) +
               pad_to_width(h.requirement, 9) + pad_to_width(h.account, 14) +
               pad_to_width(h.status + (h.complete ? "" : "*"), 15) + count_text(h.counts) + "\n";
    out += std::to_string(page->runs.size()) + " runs (" + runs->engine() + " " + runs->location() +
           ")";
    if (page->next) out += "; older ones: --before " + *page->next;
    out += "\n";
    if (std::any_of(page->runs.begin(), page->runs.end(),
                    [](const store::RunHead& h) { return !h.complete; }))
        out += "* stopped before the end (incomplete)\n";
    return print(out);
}

int show(const Settings& settings, const RunsArgs& a) {
    if (!check_id("show", a.run_id)) return exit_usage;
    auto answer = store::open_store(settings)->answer(a.run_id);
    if (!answer) return store_failed("show", answer.error());
    if (!*answer) {
        std::fprintf(stderr, "dspm-audit runs show: no run %s\n", a.run_id.c_str());
        return exit_usage;
    }
    std::string text = **answer + "\n";
    if (a.format != "json" && a.format != "table") {
        auto rendered = report::render(json::parse(**answer), *report::parse_format(a.format));
        if (!rendered) {
            std::fprintf(stderr, "dspm-audit runs show: %s\n", rendered.error().c_str());
            return exit_error;
        }
        text = std::move(*rendered);
    }
    if (a.output.empty()) return print(text);
    std::ofstream out(a.output, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
        std::fprintf(stderr, "dspm-audit runs show: cannot write %s\n", a.output.c_str());
        return exit_error;
    }
    std::fprintf(stderr, "written to %s\n", a.output.c_str());
    return exit_ok;
}

int diff(const Settings& settings, const RunsArgs& a) {
    if (!check_id("diff", a.run_id)) return exit_usage;
    if (a.against != "previous" && !check_id("diff", a.against)) return exit_usage;
    auto runs = store::open_store(settings);
    for (const auto& id : {a.run_id, a.against}) {
        if (id == "previous") continue;
        auto head = runs->head(id);
        if (!head) return store_failed("diff", head.error());
        if (!*head) {
            std::fprintf(stderr, "dspm-audit runs diff: no run %s\n", id.c_str());
            return exit_usage;
        }
    }
    std::string against = a.against;
    if (against == "previous") {
        auto prev = runs->previous(a.run_id);
        if (!prev) return store_failed("diff", prev.error());
        if (!*prev) {
            std::fprintf(stderr,
                         "dspm-audit runs diff: %s has no earlier complete run of the same "
                         "framework, scope and account (--against ID names one)\n",
                         a.run_id.c_str());
            return exit_usage;
        }
        against = **prev;
    }
    auto d = runs->diff(a.run_id, against);
    if (!d) return store_failed("diff", d.error());
    if (a.format == "json") return print(json::serialize(store::diff_json(*d)) + "\n");
    std::string out = "run " + d->run_id + " against " + d->against + "\n";
    const auto section = [&](const char* title, const std::vector<store::DiffItem>& items) {
        out += "\n" + std::string(title) + ": " + std::to_string(items.size()) + "\n";
        for (const auto& i : items) {
            const auto status = [](const std::optional<std::string>& e) -> std::string {
                const auto v = store::parsed_or_null(e);
                if (!v.is_object()) return "absent";
                const auto* s = v.as_object().if_contains("status");
                return s && s->is_string() ? std::string(s->as_string()) : "?";
            };
            out += "    " + i.mapping_code + " " + i.resource_id + " [" + i.region + "] " +
                   status(i.before) + " -> " + status(i.after) + "\n";
        }
    };
    section("new failures", d->new_failures);
    section("resolved", d->resolved);
    section("changed", d->changed);
    section("still failing", d->still_failing);
    return print(out);
}

}  // namespace

void register_runs_command(CLI::App& app, Commands& out) {
    auto args = std::make_shared<RunsArgs>();
    auto* sub = app.add_subcommand("runs", "stored audits: list, show, diff");
    sub->require_subcommand(1);

    auto* l = sub->add_subcommand("list", "stored runs, newest first");
    l->add_option("--framework", args->framework, "only this framework (any case)");
    l->add_option("--account", args->account, "only this AWS account id");
    l->add_option("--since", args->since, "started on or after: 2026-12-01 or ...T10:00:00Z");
    l->add_option("--status", args->status, "only runs with this status")
        ->check(
            CLI::IsMember({"COMPLIANT", "NON_COMPLIANT", "ERROR", "SKIPPED"}, CLI::ignore_case));
    l->add_option("--limit", args->limit, "runs per page (1 to 1000, default 20)")
        ->check(CLI::Range(1, 1000));
    l->add_option("--before", args->before, "the page after this run id (the list names it)");
    l->add_option("--format", args->format, "table (default) or json")
        ->check(CLI::IsMember({"table", "json"}));
    out.push_back(Command{l, [args](const Settings& s) { return list(s, *args); }});

    auto* sh = sub->add_subcommand("show", "a stored run's answer, or a report of it");
    sh->add_option("run_id", args->run_id, "the run id")->required();
    sh->add_option("--format", args->format, "json (default), html, csv, ocsf, sarif, junit or md")
        ->check(CLI::IsMember({"json", "html", "csv", "ocsf", "sarif", "junit", "md"}))
        ->default_str("json");
    sh->add_option("--output", args->output, "write to FILE instead of stdout");
    out.push_back(Command{sh, [args](const Settings& s) {
                              if (args->format == "table") args->format = "json";
                              return show(s, *args);
                          }});

    auto* d = sub->add_subcommand("diff", "what changed between a run and an earlier one");
    d->add_option("run_id", args->run_id, "the newer run")->required();
    d->add_option("--against", args->against,
                  "previous (default: the newest earlier complete run of the same framework, "
                  "scope and account) or a run id");
    d->add_option("--format", args->format, "table (default) or json")
        ->check(CLI::IsMember({"table", "json"}));
    out.push_back(Command{d, [args](const Settings& s) { return diff(s, *args); }});
}

}  // namespace dspm::app
