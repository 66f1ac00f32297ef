// "did you mean ...?": the closest known name by edit distance, so that `audit iso27001` points
// at iso-27001 instead of only saying no.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "catalog/catalog.hpp"
#include "catalog/local_source.hpp"  // to_lower

namespace dspm::app {

namespace {

std::string folded(const std::string& s) {
    std::string out;
    for (unsigned char c : s)
        out += static_cast<char>(std::tolower(c));
    return out;
}

// Edits to turn a into b, a swap of two neighbours counting one ("gdrp" is one from "gdpr").
std::size_t distance(const std::string& a, const std::string& b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                                d[i - 1][j - 1] + (a[i - 1] != b[j - 1] ? 1u : 0u)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

}  // namespace

std::string closest_name(const std::string& given, const std::vector<std::string>& names) {
    // Names are short codes; a given name past this is no typo of one.
    if (given.empty() || given.size() > 64) return {};
    const std::string g = folded(given);
    std::string best;
    std::size_t best_d = std::string::npos;
    for (const auto& n : names) {
        const std::string f = folded(n);
        // A name that contains the given text (or the reverse) is the likelier meaning.
        const std::size_t d =
            (f.find(g) != std::string::npos || g.find(f) != std::string::npos) ? 1 : distance(g, f);
        if (d < best_d) {
            best_d = d;
            best = n;
        }
    }
    // At most a third of the name wrong, and at least one edit allowed.
    return best_d <= std::max<std::size_t>(1, g.size() / 3) ? best : std::string{};
}

std::string not_found_hint(catalog::CatalogSource& source, const std::string& framework,
                           const std::optional<std::string>& requirement) {
    auto stats = source.stats();
    if (!stats) return {};
    std::vector<std::string> names;
    std::string canonical;
    for (const auto& s : *stats) {
        names.push_back(s.framework);
        if (catalog::to_lower(s.framework) == catalog::to_lower(framework)) canonical = s.framework;
    }
    if (canonical.empty()) {
        const auto near = closest_name(framework, names);
        return near.empty() ? " (dspm-audit catalog frameworks lists them)"
                            : " (did you mean " + near + "?)";
    }
    if (!requirement) return {};
    auto reqs = source.requirements(canonical);
    if (!reqs) return {};
    std::vector<std::string> codes;
    for (const auto& r : *reqs) {
        codes.push_back(r.item_code);
        for (const auto& a : r.aliases)
            codes.push_back(a);
    }
    const auto near = closest_name(*requirement, codes);
    return near.empty() ? " (dspm-audit catalog requirements " + canonical + " lists them)"
                        : " (did you mean " + near + "?)";
}

int catalog_failure(const std::string& command, const catalog::CatalogError& error,
                    catalog::CatalogSource& source, const std::string& framework,
                    const std::optional<std::string>& requirement) {
    const bool unknown = error.kind == catalog::CatalogErrorKind::not_found;
    const std::string hint = unknown ? not_found_hint(source, framework, requirement) : "";
    std::fprintf(stderr, "dspm-audit %s: %s%s\n", command.c_str(), error.detail.c_str(),
                 hint.c_str());
    return unknown ? exit_usage : exit_error;
}

}  // namespace dspm::app
