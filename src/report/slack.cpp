// The Slack message (incoming webhook, Block Kit): a header with the framework and status, the
// run's facts and counts, then the worst failing findings (severity first, then code), each with
// its resource, region and decision. Text that Slack would read as markup (&, <, >) is escaped as
// its documentation asks, so a resource id cannot mention @channel or forge a link.
#include <algorithm>
#include <boost/json.hpp>

#include "report/writers.hpp"

namespace dspm::report {

namespace json = boost::json;

namespace {

std::string escaped(std::string_view text, std::size_t max = 300) {
    std::string out;
    for (char c : text.substr(0, max)) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else
            out += c;
    }
    if (text.size() > max) out += "…";
    return out;
}

std::string count(const std::map<std::string, std::size_t>& counts, const std::string& key) {
    auto it = counts.find(key);
    return std::to_string(it == counts.end() ? 0 : it->second);
}

json::object section(const std::string& markdown) {
    return {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", markdown}}}};
}

}  // namespace

std::string render_slack(const RunView& view, std::size_t worst) {
    struct Finding {
        const MappingView* mapping;
        const EvaluationView* evaluation;
    };
    std::vector<Finding> findings;
    for (const auto& m : view.mappings)
        for (const auto& e : m.evaluations)
            if (e.status == "NON_COMPLIANT" && !e.muted) findings.push_back({&m, &e});
    std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
        return severity_rank(a.mapping->severity) < severity_rank(b.mapping->severity);
    });

    std::string account = view.account;
    if (!view.account_alias.empty()) account += " (" + view.account_alias + ")";
    const std::string title = view.framework + " audit: " + view.status;
    std::string facts = "*Account* " + escaped(account);
    if (!view.regions.empty()) {
        std::string regions;
        for (const auto& r : view.regions)
            regions += (regions.empty() ? "" : ", ") + r;
        facts += "  *Regions* " + escaped(regions);
    }
    if (!view.finished_at.empty()) facts += "  *Finished* " + view.finished_at;
    if (view.cancelled) facts += "\n*Incomplete*: the run was stopped before every check finished";
    const auto& rc = view.requirement_counts;
    std::string counts = "*Requirements* " + count(rc, "NON_COMPLIANT") + " non-compliant, " +
                         count(rc, "ERROR") + " not evaluated (error), " + count(rc, "COMPLIANT") +
                         " compliant, " + count(rc, "SKIPPED") + " skipped";
    counts += "\n*Findings* " + std::to_string(findings.size()) + " failing resources";
    if (view.muted > 0) counts += ", " + std::to_string(view.muted) + " muted";

    json::array blocks{
        json::object{{"type", "header"},
                     {"text", {{"type", "plain_text"}, {"text", escaped(title, 140)}}}},
        section(facts), section(counts)};
    if (!findings.empty()) {
        std::string list;
        const std::size_t shown = std::min(worst, findings.size());
        for (std::size_t i = 0; i < shown; ++i) {
            const auto& f = findings[i];
            list += "• *" + escaped(f.mapping->code) + "* " + escaped(f.mapping->title) + " (" +
                    escaped(f.mapping->severity.empty() ? "-" : f.mapping->severity) + "): `" +
                    escaped(f.evaluation->resource_id, 120) + "` " + escaped(f.evaluation->region) +
                    ": " + escaped(f.evaluation->decision, 200) + "\n";
        }
        if (findings.size() > shown)
            list += "… and " + std::to_string(findings.size() - shown) + " more in the report";
        blocks.push_back(section("*Worst findings*\n" + list));
    }
    json::object message{{"text", escaped(title + " (" + account + ")")},
                         {"blocks", std::move(blocks)}};
    return json::serialize(message);
}

}  // namespace dspm::report
