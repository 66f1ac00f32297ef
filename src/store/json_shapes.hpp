#pragma once
// The store's answers as the API and the CLI print them: a run's head, a diff.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>

#include "store/store.hpp"

namespace dspm::store {

// {run_id, framework, requirement, account, regions, started_at, finished_at, status, complete,
// counts, catalog_version, tool_version}
boost::json::object head_json(const RunHead& head);
// {run_id, against, new_failures[], resolved[], changed[], still_failing[]}, each item
// {mapping_code, resource_id, region, account, before, after}: the evaluations, null where absent.
boost::json::object diff_json(const RunDiff& diff);
boost::json::array items_json(const std::vector<DiffItem>& items);
// Stored JSON text as a value; null when absent or not JSON.
boost::json::value parsed_or_null(const std::optional<std::string>& text);

}  // namespace dspm::store
