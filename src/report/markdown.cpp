// Markdown: a summary for a ticket: the run, the counts, the requirements that fail, and the
// failing resources of each mapping code with the fix (the first 20 per code; the other formats
// have them all).
#include <algorithm>
#include <string_view>

#include "report/writers.hpp"

namespace dspm::report {

namespace {

// A table cell: pipes escaped, line breaks flattened, so one value stays one cell.
std::string cell(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '|')
            out += "\\|";
        else if (c == '\n' || c == '\r')
            out += ' ';
        else
            out += c;
    }
    return out;
}

std::string count_of(const std::map<std::string, std::size_t>& counts, const std::string& key) {
    auto it = counts.find(key);
    return std::to_string(it == counts.end() ? 0 : it->second);
}

}  // namespace

std::string render_markdown(const RunView& view) {
    std::string out = "# " + view.framework + " audit: " + view.status + "\n\n";
    out += "| | |\n|---|---|\n";
    std::string account = view.account;
    if (!view.account_alias.empty()) account += " (" + view.account_alias + ")";
    const std::pair<std::string_view, std::string> facts[] = {
        {"Account", account},
        {"Regions",
         [&] {
             std::string r;
             for (const auto& x : view.regions)
                 r += (r.empty() ? "" : ", ") + x;
             return r;
         }()},
        {"Started", view.started_at},
        {"Finished", view.finished_at},
        {"Caller", view.caller_arn},
        {"Tool", "dspm-audit " + view.tool_version},
        {"Catalog", view.catalog_version}};
    for (const auto& [k, v] : facts)
        if (!v.empty()) out += "| " + std::string(k) + " | " + cell(v) + " |\n";
    if (view.cancelled) out += "| Incomplete | the run was stopped before every check finished |\n";
    out += "\n| | COMPLIANT | NON_COMPLIANT | ERROR | SKIPPED |\n|---|---|---|---|---|\n";
    for (const auto& [name, counts] :
         {std::pair<std::string_view, const std::map<std::string, std::size_t>*>{
              "Requirements", &view.requirement_counts},
          {"Mapping codes", &view.mapping_counts},
          {"Evaluations", &view.evaluation_counts}}) {
        out += "| " + std::string(name) + " | " + count_of(*counts, "COMPLIANT") + " | " +
               count_of(*counts, "NON_COMPLIANT") + " | " + count_of(*counts, "ERROR") + " | " +
               count_of(*counts, "SKIPPED") + " |\n";
    }
    if (view.muted > 0) out += "\n" + std::to_string(view.muted) + " evaluations are muted.\n";
    for (const auto& w : view.warnings)
        out += "\n> warning: " + w + "\n";

    out += "\n## Requirements not compliant or not evaluated\n\n";
    out += "| Requirement | Title | Status | Mapping codes |\n|---|---|---|---|\n";
    std::size_t listed = 0;
    for (const auto& r : view.requirements) {
        if (!r.in_summary || (r.status != "NON_COMPLIANT" && r.status != "ERROR")) continue;
        std::string codes;
        for (const auto& c : r.codes)
            codes += (codes.empty() ? "" : ", ") + c;
        out += "| " + cell(r.item_code) + " | " + cell(r.title) + " | " + r.status + " | " +
               cell(codes) + " |\n";
        ++listed;
    }
    if (listed == 0) out += "| - | none | | |\n";

    std::vector<const MappingView*> failing;
    for (const auto& m : view.mappings)
        if (m.status == "NON_COMPLIANT" || m.status == "ERROR") failing.push_back(&m);
    std::stable_sort(failing.begin(), failing.end(), [](const auto* a, const auto* b) {
        return severity_rank(a->severity) < severity_rank(b->severity);
    });
    out += "\n## Findings\n";
    constexpr std::size_t shown_per_code = 20;
    for (const auto* m : failing) {
        out += "\n### " + m->code + " " + m->title + " (" + m->status +
               (m->severity.empty() ? "" : ", " + m->severity) + ")\n\n";
        if (!m->description.empty()) out += m->description + "\n\n";
        std::size_t shown = 0, more = 0;
        for (const auto& e : m->evaluations) {
            if (e.status != "NON_COMPLIANT" && e.status != "ERROR") continue;
            if (shown == shown_per_code) {
                ++more;
                continue;
            }
            ++shown;
            out += "- `" + cell(e.resource_id) + "` [" + e.region + "] " + cell(e.decision);
            if (!e.missing_permissions.empty())
                out += " (missing " + e.missing_permissions[0] + ")";
            if (e.muted) out += " — muted: " + cell(e.mute_reason);
            out += "\n";
        }
        if (more > 0) out += "- … and " + std::to_string(more) + " more\n";
        if (!m->console_fix.empty()) out += "\nFix: " + m->console_fix + "\n";
        if (!m->cli_fix.empty()) out += "\n```sh\n" + m->cli_fix + "\n```\n";
    }
    if (failing.empty()) out += "\nNone.\n";
    return out;
}

}  // namespace dspm::report
