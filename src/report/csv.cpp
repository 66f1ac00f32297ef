// CSV: one row per evaluation (a mapping result without evaluations, such as a code not
// implemented, is one row with its reason), RFC 4180: CRLF line ends, a field quoted when it holds
// a comma, a quote or a line break, quotes doubled.
#include <string_view>

#include "report/writers.hpp"

namespace dspm::report {

namespace {

void field(std::string& out, std::string_view value, bool last = false) {
    const bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos;
    if (quote) {
        out += '"';
        for (char c : value) {
            if (c == '"') out += '"';
            out += c;
        }
        out += '"';
    } else {
        out += value;
    }
    out += last ? "\r\n" : ",";
}

std::string joined(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (const auto& i : items) {
        if (!out.empty()) out += sep;
        out += i;
    }
    return out;
}

}  // namespace

std::string render_csv(const RunView& view, const Options& options) {
    std::string out;
    if (options.csv_bom) out += "\xEF\xBB\xBF";
    constexpr std::string_view header[] = {
        "framework",      "requirements", "mapping_code", "title",        "severity",
        "mapping_status", "status",       "muted",        "mute_reason",  "service",
        "account",        "region",       "resource_id",  "resource_arn", "checked_field",
        "evidence_path",  "comparator",   "expected",     "observed",     "decision",
        "remediation",    "started_at"};
    for (std::size_t i = 0; i < std::size(header); ++i)
        field(out, header[i], i + 1 == std::size(header));
    for (const auto& m : view.mappings) {
        const std::string reqs = joined(m.requirements, ";");
        const auto row_head = [&] {
            field(out, view.framework);
            field(out, reqs);
            field(out, m.code);
            field(out, m.title);
            field(out, m.severity);
            field(out, m.status);
        };
        if (m.evaluations.empty()) {
            row_head();
            field(out, m.status);
            field(out, "false");
            for (int i = 0; i < 11; ++i)
                field(out, "");
            field(out, m.reason);
            field(out, "");
            field(out, view.started_at, true);
            continue;
        }
        for (const auto& e : m.evaluations) {
            row_head();
            field(out, e.status);
            field(out, e.muted ? "true" : "false");
            field(out, e.mute_reason);
            field(out, e.service);
            field(out, e.account);
            field(out, e.region);
            field(out, e.resource_id);
            field(out, e.resource_arn);
            field(out, e.checked_field);
            field(out, e.evidence_path);
            field(out, e.comparator);
            field(out, e.expected);
            field(out, e.observed);
            field(out, e.error.empty() ? e.decision : e.decision + " (" + e.error + ")");
            field(out, e.status == "NON_COMPLIANT"
                           ? (e.remediation_cli.empty() ? m.console_fix : e.remediation_cli)
                           : std::string{});
            field(out, view.started_at, true);
        }
    }
    return out;
}

}  // namespace dspm::report
