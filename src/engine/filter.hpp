#pragma once
// `audit --check / --service / --severity`: an audit of part of a framework. The plan keeps only
// the selected mapping codes; a requirement left with none is not audited at all (it is not
// reported as SKIPPED: nothing was asked of it), and the summary says which filter shaped the run,
// so a filtered answer can never pass for a whole one.
#include <string>
#include <vector>

namespace dspm::engine {

struct AuditPlan;

struct PlanFilter {
    std::vector<std::string> checks;      // mapping codes, "2.0-01"
    std::vector<std::string> services;    // an IAM namespace ("s3") or the catalog's label ("S3")
    std::vector<std::string> severities;  // critical | high | medium | low
    bool empty() const { return checks.empty() && services.empty() && severities.empty(); }
};

// The names a filter may use: every mapping code the catalog or the checks know, every service
// (IAM namespaces of the checks' reads and the catalog's labels, lower case), the severities.
struct FilterVocabulary {
    std::vector<std::string> checks;
    std::vector<std::string> services;
    std::vector<std::string> severities;
};
FilterVocabulary filter_vocabulary(const AuditPlan& plan);

// Drops the codes the filter does not select, then the requirements left without codes. Returns
// the number of requirements kept. Records the filter on the plan (plan.filter).
std::size_t apply_filter(AuditPlan& plan, const PlanFilter& filter);

// Whether one mapping code is selected, from its check's metadata (or the catalog's when no check
// implements it).
bool selects(const PlanFilter& filter, const AuditPlan& plan, const std::string& code);

}  // namespace dspm::engine
