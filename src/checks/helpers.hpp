#pragma once
// Shared building blocks of the checks: evaluation records from comparisons and from AWS errors,
// JSON path reads, the final roll-up of a mapping result, and a bounded parallel loop.
#include <algorithm>
#include <atomic>
#include <boost/json/value.hpp>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "aws/error.hpp"
#include "checks/check.hpp"
#include "engine/evaluation.hpp"

namespace dspm::checks {

struct EvalSpec {
    std::string service;
    std::string resource_id;
    std::string evidence_path;
    std::string checked_field;
    engine::Comparator comparator = engine::Comparator::eq;
    boost::json::value expected;
    boost::json::value observed;
    engine::Source source = engine::Source::aws_sdk;
    std::string region;
    std::string account;
    boost::json::object extra = {};
};

// COMPLIANT or NON_COMPLIANT by the comparator, with its decision sentence.
engine::Evaluation evaluate(EvalSpec spec);

// ERROR: the read failed. Permission denials name the missing IAM action in
// extra.missingPermissions.
engine::Evaluation error_evaluation(std::string service, std::string resource_id,
                                    std::string checked_field, const aws::AwsError& error,
                                    std::string region, std::string account);

// Fills status (roll-up of the evaluations), or SKIPPED with the reason when there are none.
engine::MappingResult finish(const CheckInfo& info, std::vector<engine::Evaluation> evaluations,
                             boost::json::object evidence, std::string skipped_reason);

// Reads "A.B[0].C" in a document; nullptr when any step is missing.
const boost::json::value* at_path(const boost::json::value& doc, std::string_view path);
std::string string_at(const boost::json::value& doc, std::string_view path);

// Runs fn(i) for i in [0, n), up to `width` at once, as tasks of the run's loop (exec::for_each):
// a read inside fn suspends its call, so `width` reads are in flight without a thread each. The
// calls interleave at their waits; fn must not hold a std::mutex across a read.
void parallel_for(std::size_t n, std::size_t width, const std::function<void(std::size_t)>& fn);

// prefix + "[" + i + "]" + suffix, built piecewise (GCC 12 -Wrestrict false positive on
// "literal" + std::string).
std::string indexed(std::string_view prefix, std::size_t i, std::string_view suffix = {});

bool is_error_code(const aws::AwsError& error, std::string_view code);

// For Applicability::one_way presence checks: the regions where the optional resource is absent.
// They give no evaluation (absence evidences nothing either way); the result lists them in
// evidence.notEvidenced, and is SKIPPED "not evidenced" when nothing else was found.
void finish_not_evidenced(engine::MappingResult& result, const CheckInfo& info,
                          const std::vector<std::string>& regions, std::string_view what);

}  // namespace dspm::checks

namespace dspm::checks {

// The collector's rows of a kind when a collector is configured and answered; when it failed,
// a note is added and nullopt returned so that AWS serves.
std::optional<boost::json::array> collector_rows(inventory::Facts& facts, std::string_view kind,
                                                 std::vector<std::string>& notes);

// Rows of one region (rows without a region belong to default_region).
std::vector<const boost::json::object*> rows_in_region(const boost::json::array& rows,
                                                       std::string_view region,
                                                       std::string_view default_region);

// The first non-empty string among the given columns of a row.
std::string first_string(const boost::json::object& row, std::initializer_list<const char*> cols);

// Evidence counts of a list of evaluations:
// {"total":n,"compliant":..,"nonCompliant":..,"errors":..}
boost::json::object status_evidence(const std::vector<engine::Evaluation>& evals,
                                    std::string_view total_key, std::string_view compliant_key);

}  // namespace dspm::checks
