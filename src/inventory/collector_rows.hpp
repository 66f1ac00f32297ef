#pragma once
// What a collector answer must be before any of it counts as evidence. The collector is a sibling
// service; its rows become verdicts with `source: collector`, so each row is held to the columns
// the checks read (Steampipe's names): a row without its resource's id is not a resource (the
// whole list is then read from AWS instead), a region outside the partitions' grammar would steer
// requests elsewhere (refused), and a column of the wrong JSON type is not evidence (dropped, so
// the check reads that resource from AWS; the row says so under "_dspm_invalid").
#include <boost/json/array.hpp>
#include <cstddef>
#include <string_view>

#include "inventory/facts.hpp"

namespace dspm::inventory {

// The member every sanitized row with a dropped column carries: an array of strings such as
// "storage_encrypted: expected a boolean, got a string".
inline constexpr std::string_view invalid_columns_key = "_dspm_invalid";

// Checks and cleans one answer for `kind`; the error names the first offending row.
CollectorResult sanitize_collector_rows(std::string_view kind, boost::json::array rows,
                                        std::size_t max_rows);

}  // namespace dspm::inventory
