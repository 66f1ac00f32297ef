#pragma once
// The threat view of the catalog, as the original Mapping API answers it to its dashboards: the
// SAGE-Threat framework lists data/AI threat scenarios; each belongs to threat groups, names the
// requirements of other frameworks it answers to (applicable_compliance), and every requirement
// can be shown with the threats that concern it. Relations only: exact names and shared mapping
// codes, never guessed from words, so every link carries the reason it exists.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catalog/catalog.hpp"
#include "common/expected.hpp"

namespace dspm::catalog {

inline constexpr std::string_view kThreatFramework = "SAGE-Threat";

struct ThreatGroup {
    std::string name;
    std::vector<std::string> threats;  // titles of SAGE-Threat scenarios
};

// data/catalog/threat_groups.json, compiled in; an unreadable file is an error naming it.
Expected<std::vector<ThreatGroup>, std::string> embedded_threat_groups();

struct FrameworkRow {
    std::string framework;
    Requirement requirement;
};

class ThreatIndex {
  public:
    // threats: the SAGE-Threat rows; others: the rows of every other framework (needed only for
    // applicable_hits; may be empty otherwise).
    ThreatIndex(std::vector<ThreatGroup> groups, std::vector<Requirement> threats,
                std::vector<FrameworkRow> others = {});

    // The groups naming the threat: by exact title, else groups whose scenario title contains the
    // threat's title or is contained in it. Sorted, without duplicates.
    std::vector<std::string> groups_of(const Requirement& threat) const;
    // One hit per applicable_compliance entry: {raw, code, title, matches[{id, framework_code,
    // item_code, title, regulation}]}; an entry matches a row whose item code or reference alias
    // it is, else whose item code is the entry's leading number ("12.3.1 Information backup").
    boost::json::array applicable_hits(const Requirement& threat) const;
    // threats / fixed_threats / suggested_threats of a requirement of another framework, each
    // [{id, title, group_name, score, reasons}] or null. Fixed: the threat's applicable_compliance
    // names the requirement. Suggested: the threat's mapping codes cover at least half of the
    // requirement's (score: the covered share), at most eight, best first.
    void add_threats(const Requirement& requirement, boost::json::object& row) const;

  private:
    std::vector<ThreatGroup> groups_;
    std::vector<Requirement> threats_;
    std::vector<FrameworkRow> others_;
};

// applicable_compliance split into its entries (";"-separated, trimmed, empty ones dropped).
std::vector<std::string> applicable_entries(std::string_view applicable_compliance);
// "12.3.1 Information backup" → {"12.3.1", "Information backup"}; no leading number → {"", raw}.
std::pair<std::string, std::string> split_entry(std::string_view entry);

}  // namespace dspm::catalog
