// `dspm-audit catalog frameworks | requirements FW | mappings FW REQ | codes`: the catalog the
// service would use (embedded, CATALOG_DIR or the remote Mapping API), as a table or as JSON in
// the Mapping API's shapes.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "catalog/json_shapes.hpp"
#include "catalog/source.hpp"
#include "common/utf8.hpp"
#include "net/http_client.hpp"

namespace dspm::app {
namespace {

using Rows = std::vector<std::vector<std::string>>;

std::string table(const std::vector<std::string>& head, const Rows& rows) {
    // Columns by display width: a Korean title is two columns per syllable, and a cut never
    // splits a character.
    constexpr std::size_t max_cell = 60;
    std::vector<std::size_t> w(head.size());
    for (std::size_t i = 0; i < head.size(); ++i)
        w[i] = display_width(head[i]);
    for (const auto& r : rows)
        for (std::size_t i = 0; i < r.size() && i < w.size(); ++i)
            w[i] = std::max(w[i], std::min(display_width(r[i]), max_cell));
    auto line = [&](const std::vector<std::string>& cells) {
        std::string out;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            std::string c = truncate_to_width(cells[i], max_cell);
            if (i + 1 < cells.size()) c = pad_to_width(c, w[i]);
            out += c + (i + 1 < cells.size() ? "  " : "\n");
        }
        return out;
    };
    std::string out = line(head);
    for (const auto& r : rows)
        out += line(r);
    return out;
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : ",") + s;
    return out;
}

int print(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return exit_ok;
}

int fail(const catalog::CatalogError& e) {
    std::fprintf(stderr, "error: %s\n", e.detail.c_str());
    return exit_error;
}

}  // namespace

void register_catalog_commands(CLI::App& app, Commands& out) {
    auto* sub = app.add_subcommand("catalog", "show the compliance catalog");
    sub->require_subcommand(1);
    auto format = std::make_shared<std::string>("table");
    sub->add_option("--format", *format, "table (default) or json")
        ->check(CLI::IsMember({"table", "json"}));
    auto fw = std::make_shared<std::string>();
    auto req = std::make_shared<std::string>();

    auto source = [](const Settings& s) {
        return catalog::make_catalog_source(s, std::make_shared<net::HttpClient>());
    };

    auto* frameworks = sub->add_subcommand("frameworks", "frameworks and their requirement counts");
    out.push_back(Command{frameworks, [format, source](const Settings& s) {
                              auto stats = source(s)->stats();
                              if (!stats) return fail(stats.error());
                              if (*format == "json")
                                  return print(boost::json::serialize(catalog::stats_json(*stats)) +
                                               "\n");
                              Rows rows;
                              for (const auto& st : *stats)
                                  rows.push_back({st.framework, std::to_string(st.count)});
                              return print(table({"FRAMEWORK", "REQUIREMENTS"}, rows));
                          }});

    auto* requirements = sub->add_subcommand("requirements", "requirements of a framework");
    requirements->add_option("framework", *fw, "framework code, e.g. ISMS-P")->required();
    out.push_back(Command{
        requirements, [format, fw, source](const Settings& s) {
            auto src = source(s);
            auto list = src->requirements(*fw);
            if (!list)
                return catalog_failure("catalog requirements", list.error(), *src, *fw,
                                       std::nullopt);
            if (*format == "json")
                return print(boost::json::serialize(catalog::requirements_json(*list)) + "\n");
            Rows rows;
            for (const auto& r : *list)
                rows.push_back({std::to_string(r.id), r.item_code,
                                r.title_en.empty() ? r.title : r.title_en,
                                r.auditable ? join(r.mapping_codes) : "(not auditable)"});
            return print(table({"ID", "ITEM", "TITLE", "MAPPING CODES"}, rows));
        }});

    auto* mappings = sub->add_subcommand("mappings", "a requirement and its mapping codes");
    mappings->add_option("framework", *fw, "framework code")->required();
    mappings->add_option("requirement", *req, "numeric id or item code, e.g. 2.7.1")->required();
    out.push_back(
        Command{mappings, [format, fw, req, source](const Settings& s) {
                    auto src = source(s);
                    auto d = src->requirement(*fw, *req);
                    if (!d) return catalog_failure("catalog mappings", d.error(), *src, *fw, *req);
                    if (*format == "json")
                        return print(boost::json::serialize(catalog::detail_json(*d)) + "\n");
                    std::string head = d->framework + " " + d->requirement.item_code + " (id " +
                                       std::to_string(d->requirement.id) + ") " +
                                       d->requirement.title + "\n";
                    if (!d->requirement.auditable)
                        head += "not auditable: " + d->requirement.not_auditable_reason + "\n";
                    Rows rows;
                    for (const auto& m : d->mappings)
                        rows.push_back({m.code, m.service, m.cli_cmd});
                    return print(head + table({"CODE", "SERVICE", "CHECK"}, rows));
                }});

    auto* codes = sub->add_subcommand("codes", "all mapping codes");
    out.push_back(Command{codes, [format, source](const Settings& s) {
                              auto list = source(s)->mappings();
                              if (!list) return fail(list.error());
                              if (*format == "json") {
                                  boost::json::array arr;
                                  for (const auto& m : *list)
                                      arr.push_back(catalog::mapping_json(m, true));
                                  return print(boost::json::serialize(arr) + "\n");
                              }
                              Rows rows;
                              for (const auto& m : *list)
                                  rows.push_back({m.code, m.severity, m.service, m.check_how});
                              return print(table({"CODE", "SEVERITY", "SERVICE", "CHECK"}, rows));
                          }});
}

}  // namespace dspm::app
