#pragma once
// Reports from one audit answer (the JSON of POST /audit/{framework}/{req_id} or _all, live or
// read back from a file): every format is rendered from that one object, so all of them say the
// same. Writers know the answer only, never the engine.
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/expected.hpp"

namespace dspm::report {

enum class Format { json, html, csv, ocsf, sarif, junit, md };

// "json" | "html" | "csv" | "ocsf" | "sarif" | "junit" | "md" (case-insensitive; "markdown" too).
std::optional<Format> parse_format(std::string_view name);
std::string_view to_string(Format format);
std::string_view content_type(Format format);  // "text/html; charset=utf-8", ...
inline constexpr std::string_view kFormatNames = "json, html, csv, ocsf, sarif, junit, md";

struct Options {
    bool csv_bom = false;  // a UTF-8 byte order mark first, for spreadsheets that need it
};

// A result that is not an audit answer (no framework, no results[]) is an error naming what is
// missing; anything else renders, whatever optional members it lacks (older stored results).
Expected<std::string, std::string> render(const boost::json::value& result, Format format,
                                          const Options& options = {});

// The Slack message of a run (an incoming webhook's JSON: text plus blocks): the status, the
// counts, and the `worst` failing findings, most severe first.
Expected<std::string, std::string> slack_message(const boost::json::value& result,
                                                 std::size_t worst = 10);

}  // namespace dspm::report
