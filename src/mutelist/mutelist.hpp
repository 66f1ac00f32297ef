#pragma once
// Suppressions with reasons (AUDIT_MUTELIST): accepted risks recorded as data. A muted evaluation
// keeps its status and says which entry muted it; roll-ups leave it out, so an accepted finding
// does not make its requirement NON_COMPLIANT. An expired entry mutes nothing and is reported.
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"

namespace dspm::mutelist {

struct Entry {
    std::string id;  // the entry's id, or "line N" of the file
    // Globs (* and ?); empty: any. A resource pattern matches the resource id or its ARN.
    std::vector<std::string> accounts, regions, codes, resources;
    std::string reason;       // required: why the risk is accepted
    std::string approved_by;  // required: who accepted it
    std::string expires;      // YYYY-MM-DD (UTC, last day it mutes); empty: never
    int line = 0;             // where it starts in the file, for messages
};

class Mutelist {
  public:
    // YAML (JSON is YAML too): {mutes: [{id?, account?, region?, code?, resource?, reason,
    // approved_by, expires?}]}, each selector a string or a list of strings. Errors name the
    // source and the line.
    static Expected<Mutelist, std::string> parse(std::string_view text, std::string_view source);
    static Expected<Mutelist, std::string> load_file(const std::string& path);

    // The first entry in effect on `today` (YYYY-MM-DD) that matches; nullptr when none.
    const Entry* match(std::string_view account, std::string_view region, std::string_view code,
                       std::string_view resource_id, std::string_view resource_arn,
                       std::string_view today) const;
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
