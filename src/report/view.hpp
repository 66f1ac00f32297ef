#pragma once
// The answer seen as a report reads it: the run, its requirements, and each mapping result once
// (an _all answer repeats a result under every requirement naming it), with the requirements that
// name it. Every writer renders this view.
#include <boost/json/value.hpp>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "common/expected.hpp"

namespace dspm::report {

struct EvaluationView {
    std::string service, resource_id, resource_arn, region, account;
    std::string evidence_path, checked_field, comparator, expected, observed, decision;
    std::string status;  // COMPLIANT | NON_COMPLIANT | SKIPPED | ERROR
    std::string remediation_cli;
    std::string error;  // extra.error
    std::vector<std::string> missing_permissions;
    bool muted = false;
    std::string mute_reason, mute_approved_by, mute_expires;
};

struct MappingView {
    std::string code, title, status, severity, description, applicability, reason;
    std::string console_fix, cli_fix;
    std::vector<EvaluationView> evaluations;
    std::vector<std::string> requirements;  // item codes of the requirements naming it
    std::size_t muted = 0;                  // evaluations muted
};

struct RequirementView {
    std::string id, item_code, title, status, parent, reason;
    bool in_summary = true;
    std::vector<std::string> codes;
};

struct RunView {
    bool single = false;  // one requirement's answer
    std::string framework, status, started_at, finished_at;
    std::string account, account_alias, caller_arn, tool_version, catalog_version, region_scope;
    std::vector<std::string> regions, warnings, not_implemented;
    bool cancelled = false;
    std::map<std::string, std::size_t> requirement_counts;  // by status, counted requirements
    std::map<std::string, std::size_t> mapping_counts;      // by status, distinct mappings
    std::map<std::string, std::size_t> evaluation_counts;   // by status, every evaluation
    std::size_t muted = 0;
    std::vector<RequirementView> requirements;
    std::vector<MappingView> mappings;  // first appearance order
};

Expected<RunView, std::string> make_view(const boost::json::value& result);

// "critical" 0 … "low" 3, anything else 4: worst first.
int severity_rank(const std::string& severity);
// Text of a JSON value as evidence shows it: strings bare, everything else serialised.
std::string value_text(const boost::json::value& v);

}  // namespace dspm::report
