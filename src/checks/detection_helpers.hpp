#pragma once
// Building blocks shared by the detection group's checks (logging, monitoring, IAM hygiene):
// "at least one X per audited region" presence checks, and timestamps as the AWS layer renders
// them (CLI form, "2024-01-02T03:04:05+00:00").
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "checks/check.hpp"
#include "engine/evaluation.hpp"
#include "inventory/facts.hpp"

namespace dspm::checks::detection {

// One list read per audited region; the region passes when the list at list_path holds at least
// one item (that `counts`, when given, accepts).
struct RegionalCount {
    std::string service;  // evidence label: "GuardDuty"
    std::string aws_service;
    std::string operation;
    boost::json::object params = {};
    std::string list_path;  // "DetectorIds"
    std::string checked_field;
    bool all_pages = true;
    // Error codes that mean "the feature is not turned on here": NON_COMPLIANT with observed
    // null and a note, never ERROR.
    std::vector<std::string> not_enabled_codes = {};
    std::function<bool(const boost::json::value&)> counts = nullptr;
    std::string filter_suffix = {};  // appended to the evidence path when `counts` filters
    std::string evidence_key = "regionsCompliant";
};

engine::MappingResult regional_count(const CheckInfo& info, inventory::Facts& facts,
                                     const CheckScope& scope, const RegionalCount& spec);

// The items of the array at `path` (empty when absent or not an array).
const boost::json::array& array_at(const boost::json::value& doc, std::string_view path);

// A timestamp from an ISO-8601 string (Z or +hh:mm offsets, optional fraction) or epoch seconds.
std::optional<std::chrono::sys_seconds> parse_time(const boost::json::value* v);

// Whole days from `then` to `now` (negative when `then` is in the future).
long long days_between(std::chrono::sys_seconds then, std::chrono::sys_seconds now);

std::chrono::sys_seconds now_seconds();

// "123456789012" or "account" when the account is unknown.
std::string account_resource(const CheckScope& scope);

// Sets the skipped reason to nothing (evaluations are present) and attaches notes.
void add_notes(engine::MappingResult& r, std::vector<std::string> notes);

}  // namespace dspm::checks::detection

namespace dspm::checks::detection {

// Trails seen by DescribeTrails in the audited regions (shadow copies of multi-region trails
// included), deduplicated by ARN; `region` is the trail's home region when answered.
struct Trail {
    std::string name;
    std::string arn;
    std::string region;
    std::size_t index = 0;  // position in the trailList where it was first seen
    boost::json::object doc;
};
struct TrailList {
    std::vector<Trail> trails;
    std::vector<engine::Evaluation> errors;  // one per region whose DescribeTrails failed
};
TrailList describe_trails(inventory::Facts& facts, const CheckScope& scope,
                          const std::string& checked_field);

// "At least one qualifying X in the account" (a multi-region trail, a data-event selector, ...):
//  - some candidate passed: its COMPLIANT evaluations; the others are listed in
//    evidence.otherCandidates (one qualifying candidate is sufficient);
//  - none passed but a read failed: the ERRORs (the qualifying one could hide behind the failure);
//    the failed candidates go to evidence.otherCandidates;
//  - none passed and every read answered: each candidate NON_COMPLIANT, or `none_found` when there
//    is no candidate at all.
engine::MappingResult at_least_one(const CheckInfo& info, std::vector<engine::Evaluation> evals,
                                   engine::Evaluation none_found, boost::json::object evidence);

// IAM users and their access keys, shared by 1.0-03 and 10.0-03 (same reads, so the run's cache
// serves the second check).
struct IamUser {
    std::string name;
    std::string arn;
};
// Lists every user; an error evaluation when the list failed.
std::optional<engine::Evaluation> list_users(inventory::Facts& facts, const CheckScope& scope,
                                             std::vector<IamUser>& out);
// One evaluation per active access key of the user: days since last use (or since creation for a
// never-used key) <= max_days. Inactive keys are counted in `inactive`.
std::vector<engine::Evaluation> access_key_evaluations(inventory::Facts& facts,
                                                       const CheckScope& scope, const IamUser& user,
                                                       long long max_days, std::size_t& inactive);
// AKIA…WXYZ: enough to find the key, without repeating the whole identifier in reports.
std::string mask_key_id(std::string_view id);

}  // namespace dspm::checks::detection
