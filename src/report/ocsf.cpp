// OCSF: a JSON array of Compliance Finding events (class 2003, category 2 Findings), one per
// evaluation, with the OCSF 1.3 attribute names. Compliant evaluations are findings too (compliance
// status Pass): a SIEM then sees what was checked, not only what failed. An evaluation that could
// not be decided has compliance status Other with the error in status_detail, never Pass.
#include <boost/json.hpp>
#include <chrono>
#include <ctime>

#include "report/writers.hpp"

namespace dspm::report {

namespace json = boost::json;

namespace {

constexpr int kClassUid = 2003;
constexpr int kCategoryUid = 2;
constexpr int kActivityCreate = 1;

int severity_id(const std::string& severity) {
    switch (severity_rank(severity)) {
        case 0:
            return 5;  // Critical
        case 1:
            return 4;  // High
        case 2:
            return 3;  // Medium
        case 3:
            return 2;  // Low
        default:
            return 0;  // Unknown
    }
}

// compliance.status_id: 1 Pass, 2 Warning, 3 Fail, 99 Other.
std::pair<int, std::string> compliance_status(const std::string& status) {
    if (status == "COMPLIANT") return {1, "Pass"};
    if (status == "NON_COMPLIANT") return {3, "Fail"};
    return {99, "Other"};
}

// RFC 3339 "2026-12-02T21:42:02Z" → milliseconds since the epoch (0 when unreadable).
long long epoch_ms(const std::string& when) {
    std::tm tm{};
    if (when.size() < 19 || strptime(when.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
    return static_cast<long long>(timegm(&tm)) * 1000;
}

// A stable uid: the same resource under the same code and framework is the same finding in
// every run, so a SIEM can follow it over time.
std::string finding_uid(const std::string& framework, const MappingView& m,
                        const EvaluationView& e) {
    return "dspm-audit:" + framework + ":" + m.code + ":" + e.account + ":" + e.region + ":" +
           (e.resource_arn.empty() ? e.resource_id : e.resource_arn);
}

}  // namespace

std::string render_ocsf(const RunView& view) {
    const long long finished = epoch_ms(view.finished_at);
    const long long time = finished != 0 ? finished
                                         : std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count();
    json::array out;
    for (const auto& m : view.mappings) {
        for (const auto& e : m.evaluations) {
            const auto [cstatus_id, cstatus] = compliance_status(e.status);
            json::array requirements;
            for (const auto& r : m.requirements)
                requirements.push_back(json::string(r));
            json::object compliance{{"standards", json::array{json::string(view.framework)}},
                                    {"requirements", std::move(requirements)},
                                    {"control", m.code},
                                    {"status_id", cstatus_id},
                                    {"status", cstatus}};
            std::string detail = e.decision;
            if (!e.error.empty()) detail += ": " + e.error;
            json::object resource{
                {"uid", e.resource_arn.empty() ? e.resource_id : e.resource_arn},
                {"name", e.resource_id},
                {"type", e.service},
                {"region", e.region},
                {"cloud_partition", e.resource_arn.rfind("arn:aws-cn:", 0) == 0       ? "aws-cn"
                                    : e.resource_arn.rfind("arn:aws-us-gov:", 0) == 0 ? "aws-us-gov"
                                                                                      : "aws"},
                {"data",
                 {{"evidence_path", e.evidence_path},
                  {"checked_field", e.checked_field},
                  {"comparator", e.comparator},
                  {"expected_value", e.expected},
                  {"observed_value", e.observed}}}};
            json::object event{
                {"class_uid", kClassUid},
                {"class_name", "Compliance Finding"},
                {"category_uid", kCategoryUid},
                {"category_name", "Findings"},
                {"activity_id", kActivityCreate},
                {"activity_name", "Create"},
                {"type_uid", kClassUid * 100 + kActivityCreate},
                {"type_name", "Compliance Finding: Create"},
                {"time", time},
                {"severity_id", severity_id(m.severity)},
                {"severity", m.severity.empty() ? std::string("Unknown") : m.severity},
                // Finding status: 1 New; 3 Suppressed for a muted finding.
                {"status_id", e.muted ? 3 : 1},
                {"status", e.muted ? "Suppressed" : "New"},
                {"status_detail", detail},
                {"message", m.code + " " + m.title + ": " + e.resource_id + " " + e.status},
                {"metadata",
                 {{"version", "1.3.0"},
                  {"product",
                   {{"name", "dspm-audit"},
                    {"vendor_name", "dspm-audit"},
                    {"version", view.tool_version}}}}},
                {"finding_info",
                 {{"uid", finding_uid(view.framework, m, e)},
                  {"title", m.code + " " + m.title},
                  {"desc", m.description.empty() ? m.title : m.description},
                  {"types", json::array{json::string(view.framework)}}}},
                {"compliance", std::move(compliance)},
                {"cloud",
                 {{"provider", "AWS"},
                  {"region", e.region},
                  {"account", {{"uid", e.account}, {"type_id", 10}, {"type", "AWS Account"}}}}},
                {"resources", json::array{std::move(resource)}},
                {"unmapped", {{"evaluation_status", e.status}}}};
            std::string fix = e.remediation_cli.empty() ? m.cli_fix : e.remediation_cli;
            if (!m.console_fix.empty() || !fix.empty()) {
                std::string desc = m.console_fix;
                if (!fix.empty()) desc += (desc.empty() ? "" : "\n") + fix;
                event["remediation"] = {{"desc", desc}};
            }
            if (e.muted) event["unmapped"].as_object()["mute_reason"] = e.mute_reason;
            if (!e.missing_permissions.empty()) {
                json::array perms;
                for (const auto& p : e.missing_permissions)
                    perms.push_back(json::string(p));
                event["unmapped"].as_object()["missing_permissions"] = std::move(perms);
            }
            out.push_back(std::move(event));
        }
    }
    return json::serialize(out);
}

}  // namespace dspm::report
