#pragma once
// The Mapping API's JSON shapes, in both directions: the routes write them, the remote client
// reads them. Keeping both here means the service and its client can never drift apart.
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "common/expected.hpp"

namespace dspm::catalog {

// Services of the given codes, in the order of the codes (unknown codes skipped).
std::vector<std::string> services_of(const std::vector<std::string>& codes,
                                     const std::vector<Mapping>& mappings);

boost::json::value stats_json(const std::vector<FrameworkStat>& stats);
// One row of GET /compliance/{code}/requirements; mapping_services is null without codes.
boost::json::object requirement_row_json(const Requirement& r);
boost::json::value requirements_json(const std::vector<Requirement>& rows);
boost::json::object mapping_json(const Mapping& m, bool with_engine_fields = false);
boost::json::value detail_json(const RequirementDetail& d);

// Parsing: a readable message on a shape mismatch.
Expected<std::vector<FrameworkStat>, std::string> parse_stats(const boost::json::value& v);
Expected<std::vector<Requirement>, std::string> parse_requirements(const boost::json::value& v);
Expected<Mapping, std::string> parse_mapping(const boost::json::value& v);
Expected<RequirementDetail, std::string> parse_detail(const boost::json::value& v);
// A requirement row of a data file (catalog/frameworks/*.json) or of the API.
Expected<Requirement, std::string> parse_requirement(const boost::json::value& v);

}  // namespace dspm::catalog
