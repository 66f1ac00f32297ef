// HTML: one self-contained page for auditors (no CDN, no web fonts, no network at all): the run,
// a chart of the counts (inline SVG), requirements, each mapping code with its resources, evidence
// and fix, client-side filters, the muted findings apart, print styles. The page is the Mustache
// template data/report/report.html.mustache (kainjow's header, Debian libkainjow-mustache-dev),
// which escapes every value; this file only builds its data.
#include <algorithm>
#include <kainjow/mustache.hpp>
#include <set>
#include <stdexcept>

#include "common/embedded.hpp"
#include "report/writers.hpp"

namespace dspm::report {

namespace mu = kainjow::mustache;

namespace {

constexpr std::pair<const char*, const char*> kStatusColors[] = {{"COMPLIANT", "#1a7f37"},
                                                                 {"NON_COMPLIANT", "#cf222e"},
                                                                 {"ERROR", "#9a6700"},
                                                                 {"SKIPPED", "#6e7781"}};

std::size_t get(const std::map<std::string, std::size_t>& counts, const std::string& key) {
    auto it = counts.find(key);
    return it == counts.end() ? 0 : it->second;
}

mu::data list_of(const std::vector<std::string>& items) {
    mu::data l{mu::data::type::list};
    for (const auto& i : items)
        l.push_back(mu::data(i));
    return l;
}

// A section shown only when the text is not empty: Mustache treats "" as true.
void set_if(mu::data& d, const std::string& key, const std::string& value) {
    if (!value.empty()) d.set(key, value);
}

std::string joined(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (const auto& i : items)
        out += (out.empty() ? "" : std::string(sep)) + i;
    return out;
}

// One bar of the chart: segments proportional to the counts, on a 760-unit track after a label.
mu::data bar(const std::string& label, const std::map<std::string, std::size_t>& counts,
             std::size_t row) {
    std::size_t total = 0;
    for (const auto& [status, color] : kStatusColors)
        total += get(counts, status);
    mu::data b;
    const std::size_t y = 10 + row * 34;
    b.set("label", label);
    b.set("text_y", std::to_string(y + 16));
    b.set("total", std::to_string(total));
    mu::data segments{mu::data::type::list};
    double x = 170;
    for (const auto& [status, color] : kStatusColors) {
        const std::size_t n = get(counts, status);
        if (n == 0 || total == 0) continue;
        const double width = 760.0 * static_cast<double>(n) / static_cast<double>(total);
        mu::data s;
        s.set("x", std::to_string(static_cast<int>(x)));
        s.set("y", std::to_string(y));
        s.set("width", std::to_string(std::max(1, static_cast<int>(width + 0.5))));
        s.set("color", color);
        s.set("status", status);
        s.set("count", std::to_string(n));
        segments.push_back(s);
        x += width;
    }
    b.set("segments", segments);
    return b;
}

mu::data count_row(const std::string& key, const std::string& label,
                   const std::map<std::string, std::size_t>& counts, std::size_t muted) {
    mu::data r;
    r.set("key", key);
    r.set("label", label);
    r.set("compliant", std::to_string(get(counts, "COMPLIANT")));
    r.set("non_compliant", std::to_string(get(counts, "NON_COMPLIANT")));
    r.set("error", std::to_string(get(counts, "ERROR")));
    r.set("skipped", std::to_string(get(counts, "SKIPPED")));
    r.set("muted", std::to_string(muted));
    return r;
}

int status_rank(const std::string& status) {
    if (status == "NON_COMPLIANT") return 0;
    if (status == "ERROR") return 1;
    if (status == "COMPLIANT") return 2;
    return 3;
}

bool has_hangul(std::string_view text) {
    // U+AC00..U+D7A3 are EA B0 80 .. ED 9E A3 in UTF-8.
    for (std::size_t i = 0; i + 2 < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0xEA && c <= 0xED) return true;
    }
    return false;
}

}  // namespace

std::string render_html(const RunView& view) {
    const auto tmpl_text = embedded::find("report/report.html.mustache");
    if (!tmpl_text) throw std::logic_error("report template not embedded");
    mu::mustache tmpl{std::string(*tmpl_text)};
    if (!tmpl.is_valid()) throw std::logic_error("report template: " + tmpl.error_message());

    mu::data d;
    d.set("framework", view.framework);
    d.set("status", view.status.empty() ? std::string("SKIPPED") : view.status);
    d.set("tool_version", view.tool_version);
    d.set("incomplete", view.cancelled);
    bool korean = false;

    mu::data facts{mu::data::type::list};
    const auto fact = [&facts](const std::string& name, const std::string& value) {
        if (value.empty()) return;
        mu::data f;
        f.set("name", name);
        f.set("value", value);
        facts.push_back(f);
    };
    fact("Account", view.account_alias.empty() ? view.account
                                               : view.account + " (" + view.account_alias + ")");
    fact("Regions", joined(view.regions, ", ") +
                        (view.region_scope.empty() ? "" : " (" + view.region_scope + ")"));
    fact("Started", view.started_at);
    fact("Finished", view.finished_at);
    fact("Caller", view.caller_arn);
    fact("Catalog", view.catalog_version);
    fact("Not implemented", joined(view.not_implemented, ", "));
    d.set("facts", facts);
    d.set("warnings", list_of(view.warnings));

    mu::data bars{mu::data::type::list};
    bars.push_back(bar(view.single ? "Requirement" : "Requirements", view.requirement_counts, 0));
    bars.push_back(bar("Mapping codes", view.mapping_counts, 1));
    bars.push_back(bar("Evaluations", view.evaluation_counts, 2));
    d.set("bars", bars);
    d.set("chart_height", "112");
    mu::data rows{mu::data::type::list};
    rows.push_back(count_row("requirements", "Requirements", view.requirement_counts, 0));
    rows.push_back(count_row("mappings", "Mapping codes", view.mapping_counts, 0));
    rows.push_back(count_row("evaluations", "Evaluations", view.evaluation_counts, view.muted));
    d.set("count_rows", rows);

    mu::data reqs{mu::data::type::list};
    for (const auto& r : view.requirements) {
        mu::data x;
        x.set("item_code", r.item_code);
        x.set("title", r.title);
        x.set("status", r.status);
        x.set("codes", joined(r.codes, ", "));
        set_if(x, "parent", r.parent);
        set_if(x, "reason", r.reason);
        korean = korean || has_hangul(r.title);
        reqs.push_back(x);
    }
    d.set("requirements", reqs);

    std::set<std::string> severities, services, regions;
    std::vector<const MappingView*> order;
    for (const auto& m : view.mappings)
        order.push_back(&m);
    std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
        if (status_rank(a->status) != status_rank(b->status))
            return status_rank(a->status) < status_rank(b->status);
        return severity_rank(a->severity) < severity_rank(b->severity);
    });
    mu::data maps{mu::data::type::list};
    mu::data muted{mu::data::type::list};
    for (const auto* m : order) {
        mu::data x;
        x.set("code", m->code);
        x.set("title", m->title);
        x.set("status", m->status);
        x.set("severity", m->severity);
        set_if(x, "description", m->description);
        set_if(x, "applicability", m->applicability);
        set_if(x, "reason", m->reason);
        set_if(x, "console_fix", m->console_fix);
        set_if(x, "cli_fix", m->cli_fix);
        x.set("requirements",
              m->requirements.empty() ? std::string("-") : joined(m->requirements, ", "));
        if (!m->severity.empty()) severities.insert(m->severity);
        mu::data evs{mu::data::type::list};
        for (const auto& e : m->evaluations) {
            mu::data y;
            y.set("status", e.status);
            y.set("severity", m->severity);
            y.set("service", e.service);
            y.set("region", e.region);
            y.set("resource_id", e.resource_id);
            set_if(y, "resource_arn", e.resource_arn);
            y.set("checked_field", e.checked_field);
            y.set("evidence_path", e.evidence_path);
            y.set("comparator", e.comparator);
            y.set("expected", e.expected);
            y.set("observed", e.observed);
            y.set("decision", e.decision);
            set_if(y, "error", e.error);
            if (!e.missing_permissions.empty())
                y.set("missing", joined(e.missing_permissions, ", "));
            set_if(y, "fix", e.remediation_cli);
            if (!e.service.empty()) services.insert(e.service);
            if (!e.region.empty()) regions.insert(e.region);
            evs.push_back(y);
            if (e.muted) {
                mu::data z;
                z.set("code", m->code);
                z.set("resource_id", e.resource_id);
                z.set("region", e.region);
                z.set("status", e.status);
                z.set("reason", e.mute_reason);
                z.set("approved_by", e.mute_approved_by);
                z.set("expires", e.mute_expires);
                muted.push_back(z);
            }
        }
        x.set("has_evaluations", !m->evaluations.empty());
        x.set("evaluations", evs);
        maps.push_back(x);
    }
    d.set("mappings", maps);
    d.set("muted", muted);
    d.set("severities", list_of({severities.begin(), severities.end()}));
    d.set("services", list_of({services.begin(), services.end()}));
    d.set("regions", list_of({regions.begin(), regions.end()}));
    d.set("lang", korean ? "ko" : "en");
    return tmpl.render(d);
}

}  // namespace dspm::report
