// SARIF 2.1.0 for code-scanning dashboards: one rule per mapping code, one result per evaluation
// that is not compliant (kind "fail") or could not be evaluated (kind "open": the tool could not
// decide, which is not a pass), located logically at the resource's ARN. A muted evaluation keeps
// its result with an external suppression carrying the reason.
#include <boost/json.hpp>

#include "report/writers.hpp"

namespace dspm::report {

namespace json = boost::json;

namespace {

std::string level_of(const std::string& severity) {
    switch (severity_rank(severity)) {
        case 0:
        case 1:
            return "error";
        case 2:
            return "warning";
        default:
            return "note";
    }
}

// GitHub code scanning reads this property to rank alerts (0.0–10.0).
std::string security_severity(const std::string& severity) {
    switch (severity_rank(severity)) {
        case 0:
            return "9.5";
        case 1:
            return "8.0";
        case 2:
            return "5.5";
        case 3:
            return "3.0";
        default:
            return "5.0";
    }
}

json::object text(const std::string& t) {
    return {{"text", t.empty() ? std::string("-") : t}};
}

}  // namespace

std::string render_sarif(const RunView& view) {
    json::array rules, results;
    for (std::size_t i = 0; i < view.mappings.size(); ++i) {
        const auto& m = view.mappings[i];
        std::string help = m.console_fix;
        if (!m.cli_fix.empty()) help += (help.empty() ? "" : "\n") + m.cli_fix;
        json::array tags{json::string("security"), json::string("compliance"),
                         json::string(view.framework)};
        for (const auto& r : m.requirements)
            tags.push_back(json::string(view.framework + " " + r));
        rules.push_back(json::object{
            {"id", m.code},
            {"name", m.title},
            {"shortDescription", text(m.code + " " + m.title)},
            {"fullDescription", text(m.description.empty() ? m.title : m.description)},
            {"help", text(help.empty() ? "no automatic fix text in the catalog" : help)},
            {"defaultConfiguration", {{"level", level_of(m.severity)}}},
            {"properties",
             {{"tags", std::move(tags)},
              {"severity", m.severity},
              {"security-severity", security_severity(m.severity)}}}});
        for (const auto& e : m.evaluations) {
            if (e.status != "NON_COMPLIANT" && e.status != "ERROR") continue;
            const bool failed = e.status == "NON_COMPLIANT";
            std::string message = e.resource_id + " (" + e.region + "): " + e.decision;
            if (!e.error.empty()) message += ": " + e.error;
            json::object logical{
                {"name", e.resource_id},
                {"fullyQualifiedName", e.resource_arn.empty() ? e.resource_id : e.resource_arn},
                {"kind", "resource"}};
            json::object result{
                {"ruleId", m.code},
                {"ruleIndex", i},
                {"kind", failed ? "fail" : "open"},
                {"level", failed ? level_of(m.severity) : std::string("none")},
                {"message", text(message)},
                {"locations",
                 json::array{json::object{{"logicalLocations", json::array{std::move(logical)}}}}},
                {"properties",
                 {{"status", e.status},
                  {"service", e.service},
                  {"account", e.account},
                  {"region", e.region},
                  {"evidence_path", e.evidence_path},
                  {"expected", e.expected},
                  {"observed", e.observed}}}};
            // Not SARIF "fixes": those are edits of files, and the fix here is an AWS call.
            if (!e.remediation_cli.empty())
                result["properties"].as_object()["fix"] = e.remediation_cli;
            if (e.muted)
                result["suppressions"] =
                    json::array{json::object{{"kind", "external"},
                                             {"status", "accepted"},
                                             {"justification", e.mute_reason}}};
            results.push_back(std::move(result));
        }
    }
    json::object invocation{{"executionSuccessful", !view.cancelled}};
    if (!view.started_at.empty()) invocation["startTimeUtc"] = view.started_at;
    if (!view.finished_at.empty()) invocation["endTimeUtc"] = view.finished_at;
    json::object driver{{"name", "dspm-audit"},
                        {"informationUri", "https://github.com/BOB-DSPM/DSPM_Compliance-audit-fix"},
                        {"rules", std::move(rules)}};
    if (!view.tool_version.empty()) driver["version"] = view.tool_version;
    json::object run{{"tool", {{"driver", std::move(driver)}}},
                     {"invocations", json::array{std::move(invocation)}},
                     {"results", std::move(results)},
                     {"properties",
                      {{"framework", view.framework},
                       {"status", view.status},
                       {"account", view.account},
                       {"catalog_version", view.catalog_version}}}};
    json::object doc{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                     {"version", "2.1.0"},
                     {"runs", json::array{std::move(run)}}};
    return json::serialize(doc);
}

}  // namespace dspm::report
