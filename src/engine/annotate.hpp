#pragma once
// What a reader of a result needs beside the verdict, added once after each check: severity,
// what is checked, how to fix it (with the failing resource's own values), and the resource's
// ARN. Checks stay about evidence; the catalog and this room say how to present it.
#include <map>
#include <string>
#include <string_view>

#include "catalog/catalog.hpp"
#include "checks/check.hpp"
#include "engine/evaluation.hpp"
#include "mutelist/mutelist.hpp"

namespace dspm::engine {

// mapping: the catalog's metadata of the code, nullptr when the catalog has none (a remote
// Mapping API that lacks it): severity then comes from the check, and there is no remediation.
void annotate(MappingResult& result, const checks::CheckInfo& info,
              const catalog::Mapping* mapping);

// Marks the evaluations an entry of the mutelist accepts (on `today`, YYYY-MM-DD) and rolls the
// mapping up without them: NON_COMPLIANT only for findings nobody accepted; SKIPPED with a reason
// when every evaluation is muted (an accepted risk is not compliance). Returns how many it muted.
// tags_by_arn: the resources' tags by ARN when an entry selects by tags (null: not read).
std::size_t apply_mutes(MappingResult& result, const mutelist::Mutelist& mutes,
                        std::string_view today,
                        const std::map<std::string, mutelist::Tags>* tags_by_arn = nullptr);

// The ARN of the resource an evaluation judged, or "" when its id names no resource with one
// (a region, the account, "*", a name whose ARN needs more than the id, such as an MSK cluster).
std::string resource_arn(std::string_view service, std::string_view resource_id,
                         std::string_view evidence_path, std::string_view region,
                         std::string_view account);

// The catalog's CLI fix with the resource's placeholder, REGION and ACC/ACCOUNT replaced by the
// evaluation's values (whole tokens only). Other placeholders are choices left to the operator
// (a KMS key, a log bucket) and stay as they are.
std::string fill_fix(std::string_view cli_fix, std::string_view placeholder,
                     const Evaluation& evaluation);

}  // namespace dspm::engine
