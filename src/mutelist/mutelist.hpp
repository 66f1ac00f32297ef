#pragma once
// Suppressions with reasons (AUDIT_MUTELIST): accepted risks recorded as data. A muted evaluation
// keeps its status and says which entry muted it; roll-ups leave it out, so an accepted finding
// does not make its requirement NON_COMPLIANT. An expired entry mutes nothing and is reported.
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/expected.hpp"

namespace dspm::mutelist {

// A resource's tags, key -> value (the Resource Groups Tagging API's answer for its ARN).
using Tags = std::map<std::string, std::string>;

struct Entry {
    std::string id;  // the entry's id, or "line N" of the file
    // Globs (* and ?); empty: any. A resource pattern matches the resource id or its ARN.
    std::vector<std::string> accounts, regions, codes, resources;
    // Each key must be on the resource with a value one of its globs matches; empty: any.
    std::vector<std::pair<std::string, std::vector<std::string>>> tags;
    std::string reason;       // required: why the risk is accepted
    std::string approved_by;  // required: who accepted it
    std::string expires;      // YYYY-MM-DD (UTC, last day it mutes); empty: never
    int line = 0;             // where it starts in the file, for messages
};

class Mutelist {
  public:
    // YAML (JSON is YAML too): {mutes: [{id?, account?, region?, code?, resource?, tags?, reason,
    // approved_by, expires?}]}, each selector a string or a list of strings, tags a map of key to
    // value selector. Errors name the source and the line.
    static Expected<Mutelist, std::string> parse(std::string_view text, std::string_view source);
    static Expected<Mutelist, std::string> load_file(const std::string& path);

    // The first entry in effect on `today` (YYYY-MM-DD) that matches; nullptr when none. `tags`
    // are the resource's, null when they are not known: an entry with tags then never matches.
    const Entry* match(std::string_view account, std::string_view region, std::string_view code,
                       std::string_view resource_id, std::string_view resource_arn,
                       std::string_view today, const Tags* tags = nullptr) const;
    // Whether an entry selects by tags, so the run must read the resources' tags.
    bool needs_tags() const;
    std::vector<const Entry*> expired(std::string_view today) const;
    const std::vector<Entry>& entries() const { return entries_; }
    const std::string& source() const { return source_; }

  private:
    std::vector<Entry> entries_;
    std::string source_;
};

// * matches any run of characters, ? one; everything else itself, case-sensitively.
bool glob_match(std::string_view pattern, std::string_view text);

// Today's date in UTC, YYYY-MM-DD.
std::string utc_today();

}  // namespace dspm::mutelist
