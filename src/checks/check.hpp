#pragma once
// The one interface the engine knows about checks. A check reads facts and returns evidence; it
// never speaks HTTP, so it can be tested on recorded documents.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/evaluation.hpp"
#include "inventory/facts.hpp"

namespace dspm::checks {

class Fixer;

// Where a check's reads live. A regional check reads each audited region, so a run that could not
// list the account's regions has not seen all of it; a global one reads a global service (IAM,
// Organizations, CloudFront, Shield, the S3 bucket list whose buckets are then read in their own
// regions) once, whatever regions are audited.
enum class Reach { regional, global };

// What the absence of the resource a check looks for means (issue 10, data/catalog/README.md):
// - control: the resource is the control (a trail, a detector, a recorder): none is NON_COMPLIANT;
// - one_way: the resource is one optional way of meeting the control (DataSync, Signer, ...): none
//   is SKIPPED "not evidenced", since an account may meet it by other means;
// - resource_setting: the check judges a setting of each resource: none is SKIPPED.
enum class Applicability { control, one_way, resource_setting };

std::string_view to_string(Reach reach);
std::string_view to_string(Applicability applicability);

struct CheckInfo {
    std::string code;      // mapping code, "2.0-01"
    std::string title;     // "S3"
    std::string service;   // "S3"
    std::string severity;  // "critical" | "high" | "medium" | "low"
    std::vector<std::string> iam_actions;
    Reach reach = Reach::regional;
    Applicability applicability = Applicability::resource_setting;
};

struct CheckScope {
    std::string account;
    std::vector<std::string> regions;  // regions audited by regional checks (never empty)
    std::string global_region = "us-east-1";
    int sso_permission_set_max = 20;
    std::vector<std::string> sso_admin_allowlist;
    std::size_t fanout = 8;  // parallel per-resource reads inside one check
};

class Check {
  public:
    virtual ~Check() = default;
    virtual const CheckInfo& info() const = 0;
    // Never throws for AWS failures: they become ERROR evaluations.
    virtual engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const = 0;
    // The automatic fix of a failing resource (checks/fix.hpp); none: the fix is manual.
    virtual const Fixer* fixer() const { return nullptr; }
};

// nullptr when no check implements the code.
const Check* find_check(std::string_view code);
std::vector<const Check*> all_checks();

}  // namespace dspm::checks
