#include "catalog/threats.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cmath>
#include <set>

#include "catalog/local_source.hpp"  // to_lower
#include "common/embedded.hpp"

namespace dspm::catalog {
namespace json = boost::json;

namespace {

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0)
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0)
        s.remove_suffix(1);
    return std::string(s);
}

// ASCII case folding; Korean text has no case, so this compares it as is.
std::string fold(std::string_view s) {
    return to_lower(trim(s));
}

json::value string_or_null(const std::string& s) {
    if (s.empty()) return nullptr;
    return json::string(s);
}

json::value list_or_null(json::array a) {
    if (a.empty()) return nullptr;
    return a;
}

// An entry names a row that it spells (item code or reference alias), or whose item code is the
// entry's leading number while the rest of the entry is the row's title: a bare number ("2.10.2.4")
// or "12.3.1 Information backup". The number alone would match the same clause number of other
// standards ("10.1" is a clause of several ISO management-system standards).
bool names_row(const std::string& entry, const Requirement& r) {
    const auto e = fold(entry);
    if (fold(r.item_code) == e) return true;
    for (const auto& a : r.aliases)
        if (fold(a) == e) return true;
    const auto [code, title] = split_entry(entry);
    if (code.empty() || r.item_code != code) return false;
    if (title.empty()) return true;
    const auto t = fold(title);
    for (const auto* candidate : {&r.title, &r.title_en})
        if (!candidate->empty() && fold(*candidate).find(t) != std::string::npos) return true;
    for (const auto& a : r.aliases)
        if (fold(a).find(t) != std::string::npos) return true;
    return false;
}

}  // namespace

Expected<std::vector<ThreatGroup>, std::string> embedded_threat_groups() {
    const auto text = embedded::find("catalog/threat_groups.json");
    if (!text) return unexpected(std::string("catalog/threat_groups.json is not embedded"));
    boost::system::error_code ec;
    const auto doc = json::parse(*text, ec);
    const auto* groups = !ec && doc.is_object() ? doc.as_object().if_contains("groups") : nullptr;
    if (groups == nullptr || !groups->is_array())
        return unexpected(std::string("catalog/threat_groups.json: groups[] expected"));
    std::vector<ThreatGroup> out;
    for (const auto& g : groups->as_array()) {
        const auto* o = g.if_object();
        const auto* name = o ? o->if_contains("name") : nullptr;
        const auto* threats = o ? o->if_contains("threats") : nullptr;
        if (name == nullptr || !name->is_string() || threats == nullptr || !threats->is_array())
            return unexpected(
                std::string("catalog/threat_groups.json: each group needs name and threats[]"));
        ThreatGroup group{std::string(name->as_string()), {}};
        for (const auto& t : threats->as_array())
            if (t.is_string()) group.threats.emplace_back(t.as_string());
        out.push_back(std::move(group));
    }
    return out;
}

std::vector<std::string> applicable_entries(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto semi = text.find(';', start);
        if (semi == std::string_view::npos) semi = text.size();
        auto entry = trim(text.substr(start, semi - start));
        if (!entry.empty()) out.push_back(std::move(entry));
        start = semi + 1;
    }
    return out;
}

std::pair<std::string, std::string> split_entry(std::string_view entry) {
    const std::string e = trim(entry);
    std::size_t i = 0;
    while (i < e.size() && (std::isdigit(static_cast<unsigned char>(e[i])) != 0 || e[i] == '.'))
        ++i;
    if (i == 0 || std::isdigit(static_cast<unsigned char>(e[0])) == 0) return {"", e};
    std::string code = e.substr(0, i);
    while (!code.empty() && code.back() == '.')
        code.pop_back();
    // "2.10.2.4" alone, or "12.3.1 Information backup"; "5th ..." is no code.
    if (i < e.size() && std::isspace(static_cast<unsigned char>(e[i])) == 0) return {"", e};
    return {code, trim(std::string_view(e).substr(i))};
}

ThreatIndex::ThreatIndex(std::vector<ThreatGroup> groups, std::vector<Requirement> threats,
                         std::vector<FrameworkRow> others)
    : groups_(std::move(groups)), threats_(std::move(threats)), others_(std::move(others)) {}

std::vector<std::string> ThreatIndex::groups_of(const Requirement& threat) const {
    const auto title = fold(threat.title.empty() ? threat.item_code : threat.title);
    std::set<std::string> exact, near;
    if (title.empty()) return {};
    for (const auto& g : groups_)
        for (const auto& t : g.threats) {
            const auto ft = fold(t);
            if (ft == title)
                exact.insert(g.name);
            else if (ft.find(title) != std::string::npos || title.find(ft) != std::string::npos)
                near.insert(g.name);
        }
    const auto& chosen = exact.empty() ? near : exact;
    return {chosen.begin(), chosen.end()};
}

json::array ThreatIndex::applicable_hits(const Requirement& threat) const {
    json::array hits;
    for (const auto& entry : applicable_entries(threat.applicable_compliance)) {
        auto [code, title] = split_entry(entry);
        json::array matches;
        for (const auto& row : others_) {
            if (!names_row(entry, row.requirement)) continue;
            matches.push_back(json::object{{"id", row.requirement.id},
                                           {"framework_code", row.framework},
                                           {"item_code", row.requirement.item_code},
                                           {"title", row.requirement.title},
                                           {"regulation", row.requirement.regulation}});
        }
        hits.push_back(json::object{{"raw", entry},
                                    {"code", string_or_null(code)},
                                    {"title", string_or_null(title)},
                                    {"matches", std::move(matches)}});
    }
    return hits;
}

void ThreatIndex::add_threats(const Requirement& requirement, json::object& row) const {
    json::array fixed, suggested, merged;
    std::set<int> seen;
    const auto mini = [this](const Requirement& t, json::value score, json::array reasons) {
        const auto groups = groups_of(t);
        return json::object{
            {"id", t.id},
            {"title", t.title.empty() ? t.item_code : t.title},
            {"group_name", groups.empty() ? json::value(nullptr) : json::value(groups.front())},
            {"score", std::move(score)},
            {"reasons", std::move(reasons)}};
    };
    for (const auto& t : threats_) {
        json::array reasons;
        for (const auto& entry : applicable_entries(t.applicable_compliance)) {
            if (names_row(entry, requirement))
                reasons.emplace_back("applicable_compliance names " + entry);
        }
        if (reasons.empty()) continue;
        seen.insert(t.id);
        fixed.push_back(mini(t, nullptr, std::move(reasons)));
    }
    struct Candidate {
        const Requirement* threat;
        double score;
        std::vector<std::string> shared;
    };
    std::vector<Candidate> candidates;
    const std::set<std::string> own(requirement.mapping_codes.begin(),
                                    requirement.mapping_codes.end());
    if (!own.empty())
        for (const auto& t : threats_) {
            std::vector<std::string> shared;
            for (const auto& c : t.mapping_codes)
                if (own.contains(c) && std::find(shared.begin(), shared.end(), c) == shared.end())
                    shared.push_back(c);
            const double score = static_cast<double>(shared.size()) / own.size();
            if (shared.empty() || score < 0.5) continue;
            candidates.push_back({&t, std::round(score * 100) / 100, std::move(shared)});
        }
    std::stable_sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
        if (a.score != b.score) return a.score > b.score;
        return a.shared.size() > b.shared.size();
    });
    if (candidates.size() > 8) candidates.resize(8);
    for (const auto& c : candidates) {
        std::string list;
        for (const auto& s : c.shared)
            list += (list.empty() ? "" : ", ") + s;
        json::array reasons{json::string("shares the mapping codes " + list)};
        suggested.push_back(mini(*c.threat, c.score, std::move(reasons)));
    }
    for (const auto& t : fixed)
        merged.push_back(t);
    for (const auto& t : suggested)
        if (!seen.contains(static_cast<int>(t.at("id").as_int64()))) merged.push_back(t);
    row["threats"] = list_or_null(std::move(merged));
    row["fixed_threats"] = list_or_null(std::move(fixed));
    row["suggested_threats"] = list_or_null(std::move(suggested));
}

}  // namespace dspm::catalog
