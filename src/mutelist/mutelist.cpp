#include "mutelist/mutelist.hpp"

#include <yaml-cpp/yaml.h>

#include <ctime>
#include <fstream>
#include <iterator>
#include <set>

namespace dspm::mutelist {

namespace {

std::string at_line(std::string_view source, const YAML::Mark& mark) {
    return std::string(source) + ":" + std::to_string(mark.line + 1);
}

bool valid_date(const std::string& s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (s[i] < '0' || s[i] > '9') return false;
    const int month = std::stoi(s.substr(5, 2)), day = std::stoi(s.substr(8, 2));
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

Expected<std::vector<std::string>, std::string> selector(const YAML::Node& node,
                                                         std::string_view source, const char* key) {
    std::vector<std::string> out;
    const auto v = node[key];
    if (!v) return out;
    if (v.IsScalar()) {
        out.push_back(v.as<std::string>());
    } else if (v.IsSequence()) {
        for (const auto& item : v) {
            if (!item.IsScalar())
                return unexpected(at_line(source, item.Mark()) + ": " + key +
                                  ": each item is a string");
            out.push_back(item.as<std::string>());
        }
    } else {
        return unexpected(at_line(source, v.Mark()) + ": " + key +
                          ": a string or a list of strings");
    }
    for (const auto& s : out)
        if (s.empty()) return unexpected(at_line(source, v.Mark()) + ": " + key + ": empty");
    return out;
}

bool any_match(const std::vector<std::string>& patterns, std::string_view text) {
    if (patterns.empty()) return true;
    for (const auto& p : patterns)
        if (glob_match(p, text)) return true;
    return false;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
    // Iterative, with one backtrack point: linear in practice, no recursion on hostile patterns.
    std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

std::string utc_today() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

Expected<Mutelist, std::string> Mutelist::parse(std::string_view text, std::string_view source) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        return unexpected(at_line(source, e.mark) + ": not YAML: " + e.msg);
    }
    Mutelist list;
    list.source_ = std::string(source);
    if (!root.IsMap() || !root["mutes"] || !root["mutes"].IsSequence())
        return unexpected(std::string(source) + ":1: expected a map with a list `mutes:`");
    static const std::set<std::string> known{"id",     "account",     "region",  "code", "resource",
                                             "reason", "approved_by", "expires", "tags"};
    for (const auto& node : root["mutes"]) {
        const std::string where = at_line(source, node.Mark());
        if (!node.IsMap()) return unexpected(where + ": each entry is a map");
        for (const auto& kv : node) {
            // A key may itself be a map or a list in YAML ({a: 1}: x); names are scalars.
            if (!kv.first.IsScalar())
                return unexpected(at_line(source, kv.first.Mark()) + ": a key must be a name");
            const auto key = kv.first.as<std::string>();
            if (!known.contains(key))
                return unexpected(at_line(source, kv.first.Mark()) + ": unknown key `" + key +
                                  "` (id, account, region, code, resource, tags, reason, "
                                  "approved_by, expires)");
        }
        Entry e;
        if (const auto tags = node["tags"]) {
            if (!tags.IsMap() || tags.size() == 0)
                return unexpected(at_line(source, tags.Mark()) +
                                  ": tags: a map of tag key to a value or a list of values");
            for (const auto& kv : tags) {
                if (!kv.first.IsScalar() || kv.first.as<std::string>().empty())
                    return unexpected(at_line(source, kv.first.Mark()) +
                                      ": tags: a key must be a non-empty name");
                const auto key = kv.first.as<std::string>();
                YAML::Node holder;
                holder["v"] = kv.second;
                auto values = selector(holder, source, "v");
                if (!values || values->empty())
                    return unexpected(at_line(source, kv.second.Mark()) + ": tags: " + key +
                                      ": a value or a list of values (globs)");
                e.tags.emplace_back(key, std::move(*values));
            }
        }
        e.line = node.Mark().line + 1;
        e.id = node["id"] && node["id"].IsScalar() ? node["id"].as<std::string>()
                                                   : "line " + std::to_string(e.line);
        for (auto [key, out] : {std::pair{"account", &e.accounts},
                                {"region", &e.regions},
                                {"code", &e.codes},
                                {"resource", &e.resources}}) {
            auto s = selector(node, source, key);
            if (!s) return unexpected(s.error());
            *out = std::move(*s);
        }
        for (auto [key, out] : {std::pair{"reason", &e.reason}, {"approved_by", &e.approved_by}}) {
            if (!node[key] || !node[key].IsScalar() || node[key].as<std::string>().empty())
                return unexpected(where + ": " + key + " is required (a non-empty string)");
            *out = node[key].as<std::string>();
        }
        if (node["expires"]) {
            e.expires = node["expires"].IsScalar() ? node["expires"].as<std::string>() : "";
            if (!valid_date(e.expires))
                return unexpected(at_line(source, node["expires"].Mark()) +
                                  ": expires: a date YYYY-MM-DD");
        }
        if (e.accounts.empty() && e.regions.empty() && e.codes.empty() && e.resources.empty() &&
            e.tags.empty())
            return unexpected(where +
                              ": an entry needs at least one of account, region, code, "
                              "resource, tags (it would mute everything)");
        list.entries_.push_back(std::move(e));
    }
    return list;
}

Expected<Mutelist, std::string> Mutelist::load_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return unexpected("AUDIT_MUTELIST: cannot read " + path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.size() > (std::size_t{4} << 20))
        return unexpected("AUDIT_MUTELIST: " + path + " is larger than 4 MiB");
    return parse(text, path);
}

const Entry* Mutelist::match(std::string_view account, std::string_view region,
                             std::string_view code, std::string_view resource_id,
                             std::string_view resource_arn, std::string_view today,
                             const Tags* tags) const {
    const auto tags_match = [tags](const Entry& e) {
        if (e.tags.empty()) return true;
        if (tags == nullptr) return false;
        for (const auto& [key, values] : e.tags) {
            const auto it = tags->find(key);
            if (it == tags->end() || !any_match(values, it->second)) return false;
        }
        return true;
    };
    for (const auto& e : entries_) {
        if (!e.expires.empty() && e.expires < today) continue;
        if (!any_match(e.accounts, account) || !any_match(e.regions, region) ||
            !any_match(e.codes, code))
            continue;
        if (!e.resources.empty() && !any_match(e.resources, resource_id) &&
            (resource_arn.empty() || !any_match(e.resources, resource_arn)))
            continue;
        if (!tags_match(e)) continue;
        return &e;
    }
    return nullptr;
}

bool Mutelist::needs_tags() const {
    for (const auto& e : entries_)
        if (!e.tags.empty()) return true;
    return false;
}

std::vector<const Entry*> Mutelist::expired(std::string_view today) const {
    std::vector<const Entry*> out;
    for (const auto& e : entries_)
        if (!e.expires.empty() && e.expires < today) out.push_back(&e);
    return out;
}

}  // namespace dspm::mutelist
