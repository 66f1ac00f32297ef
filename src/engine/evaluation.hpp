#pragma once
// The evidence model (fixed by DESIGN.md): statuses and their roll-up, the evaluation record every
// check produces, and the per-mapping result. One comparator helper writes every decision sentence
// so that all checks phrase their evidence the same way.
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dspm::engine {

enum class Status { compliant, non_compliant, skipped, error };

std::string_view to_string(Status status);  // "COMPLIANT", "NON_COMPLIANT", "SKIPPED", "ERROR"
std::optional<Status> parse_status(std::string_view text);

struct StatusCounts {
    std::size_t compliant = 0;
    std::size_t non_compliant = 0;
    std::size_t skipped = 0;
    std::size_t error = 0;

    void add(Status status);
    std::size_t total() const { return compliant + non_compliant + skipped + error; }
    // NON_COMPLIANT if any; else ERROR if any; else COMPLIANT if any; else SKIPPED.
    Status rolled_up() const;
    boost::json::object to_json() const;
};

Status roll_up(const std::vector<Status>& statuses);

enum class Comparator { eq, ne, ge, gt, le, lt, contains, exists, regex, in };
std::string_view to_string(Comparator comparator);

struct Comparison {
    bool passed = false;
    std::string decision;  // observed "AES256" in ["aws:kms","aws:kms:dsse"] → failed
};

// Compares observed against expected. Numbers compare numerically whatever their JSON kind;
// `exists` ignores expected; `contains` works on strings and arrays; `in` needs an array.
Comparison compare(Comparator comparator, const boost::json::value& observed,
                   const boost::json::value& expected);

enum class Source { collector, aws_sdk, snapshot };
std::string_view to_string(Source source);  // "collector" | "aws-sdk" | "snapshot"

struct Evaluation {
    std::string service;      // "S3"
    std::string resource_id;  // "my-bucket"
    std::string evidence_path;
    std::string checked_field;
    Comparator comparator = Comparator::eq;
    boost::json::value expected_value;
    boost::json::value observed_value;
    bool passed = false;
    std::string decision;
    Status status = Status::error;
    Source source = Source::aws_sdk;
    boost::json::object extra;  // missingPermissions, error details, notes
    std::string region;
    std::string account;
    // Set by the engine after the check (engine/annotate.hpp): the resource's ARN where it has
    // one, and for a failing resource the catalog's CLI fix with this resource's values filled in.
    std::string resource_arn;
    std::string remediation_cli;
    // Set when an AUDIT_MUTELIST entry accepts this finding (mutelist/mutelist.hpp): the status
    // stays, the roll-ups leave it out.
    bool muted = false;
    boost::json::object mute;  // {id, reason, approved_by, expires}

    boost::json::object to_json() const;
};

struct Remediation {
    std::string console;  // the catalog's console fix
    std::string cli;      // its CLI fix; placeholders the resource names are filled per evaluation
};

struct MappingResult {
    std::string mapping_code;
    std::string title;
    Status status = Status::skipped;
    std::vector<Evaluation> evaluations;
    boost::json::object evidence;  // counts, e.g. {"totalBuckets":7,"kmsCompliant":5,...}
    std::optional<std::string> reason;
    std::vector<std::string> notes;  // e.g. "collector unavailable: AWS served"
    // The check's applicability kind (checks/check.hpp): "control", "one_way", "resource_setting".
    std::string applicability;
    // From the check and the catalog (engine/annotate.hpp): what is checked, how bad a failure
    // is, how to fix it.
    std::string severity;
    std::string description;
    Remediation remediation;
    // Evaluations muted, and the status the mapping had before they were left out.
    std::size_t muted = 0;
    std::optional<Status> status_without_mutes;

    StatusCounts counts() const;
    boost::json::object to_json() const;
};

}  // namespace dspm::engine
