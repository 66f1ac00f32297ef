#pragma once
// The compliance catalog: frameworks → requirements → mapping codes → mapping metadata.
// Field names follow the Compliance Mapping API so routes can answer in its exact shapes.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"

namespace dspm::catalog {

struct Mapping {
    std::string code;  // "2.0-01"
    std::string category;
    std::string service;
    std::string resource_entities;
    std::string console_path;
    std::string check_how;
    std::string cli_cmd;
    std::string return_field;
    std::string compliant_value;
    std::string non_compliant_value;
    std::string console_fix;
    std::string cli_fix_cmd;
    // Engine additions (not part of the Mapping API shape).
    std::string severity;                  // "critical" | "high" | "medium" | "low"
    std::vector<std::string> iam_actions;  // IAM actions needed to evaluate it
    // The token of cli_fix_cmd that names the checked resource ("BUCKET"), so that a failing
    // resource's fix is printed with its own id; empty when the fix names none.
    std::string fix_placeholder;
};

struct Requirement {
    int id = 0;             // stable numeric id within its framework
    std::string item_code;  // "2.7.1"
    std::string title;
    std::string title_en;
    std::string mapping_status;  // "직접매핑" | "해당없음" ...
    std::string regulation;
    std::vector<std::string> mapping_codes;
    std::vector<std::string> mapping_services;
    bool auditable = true;
    std::string not_auditable_reason;  // why no AWS check can evaluate it
    // Additions: the control a detail checkpoint belongs to ("2.7.1" for "2.7.1.2"), and other
    // item codes the requirement answers to (the reference's spelling, e.g. "8.24 Use of ...").
    std::string parent;
    std::vector<std::string> aliases;
    // SAGE-Threat rows: the requirements of other frameworks the threat answers to, as the
    // reference writes them ("12.3.1 Information backup;3.2.4.1"); see catalog/threats.hpp.
    std::string applicable_compliance;
};

struct FrameworkStat {
    std::string framework;
    int count = 0;
};

struct RequirementDetail {
    std::string framework;
    Requirement requirement;
    std::vector<Mapping> mappings;
};

enum class CatalogErrorKind { not_found, upstream };

struct CatalogError {
    CatalogErrorKind kind = CatalogErrorKind::not_found;
    std::string detail;  // safe to return to the client: names the URL for upstream failures
};

// Where the catalog comes from: embedded data, a CATALOG_DIR, or the remote Mapping API.
class CatalogSource {
  public:
    virtual ~CatalogSource() = default;
    virtual Expected<std::vector<FrameworkStat>, CatalogError> stats() = 0;
    // Framework code matched case-insensitively; the answer's framework is the canonical spelling.
    virtual Expected<std::vector<Requirement>, CatalogError> requirements(
        std::string_view framework) = 0;
    // id_or_code: the numeric id ("3") or the item code ("2.7.1").
    virtual Expected<RequirementDetail, CatalogError> requirement(std::string_view framework,
                                                                  std::string_view id_or_code) = 0;
    virtual Expected<std::vector<Mapping>, CatalogError> mappings() = 0;
    // "embedded" | "directory" | "remote"
    virtual std::string source_name() const = 0;
    // Which source answered this thread's most recent call: differs from source_name() only
    // when a remote source fell back to the embedded catalog (MAPPING_FALLBACK=embedded).
    virtual std::string last_source() const { return source_name(); }
    // A fingerprint of the catalog's content ("sha256:<16 hex>"), so that a stored result says
    // which catalog judged it; empty when the source cannot tell (the remote Mapping API).
    virtual std::string version() const { return {}; }
};

}  // namespace dspm::catalog
