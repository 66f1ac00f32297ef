#pragma once
// CloudTrail reads shared by 3.0-01 (management events), 3.0-02 (S3 data events) and 14.0-03
// (labeling events): what the event selectors of a trail or of an event data store record, every
// trail's state read in its home region (the same reads for the three codes, so the run's fact
// cache serves them once), and the per-region verdict "some recorder covering this region
// qualifies".
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/check.hpp"
#include "checks/detection_helpers.hpp"
#include "engine/evaluation.hpp"
#include "inventory/facts.hpp"

namespace dspm::checks::cloudtrail {

// Which halves of a class of events (read-only events, write events) some selectors record.
struct Coverage {
    bool read = false;
    bool write = false;
    boost::json::array paths;  // evidence paths of the selectors that record them
    void add(bool r, bool w, std::string_view path);
    // ReadWriteType's words: "All", "ReadOnly", "WriteOnly", or "None".
    std::string read_write() const;
};

// What the selectors of one GetEventSelectors / GetEventDataStore answer record.
//  - Classic EventSelectors[]: ReadWriteType All / ReadOnly / WriteOnly (taken as written: an
//    answer without it records nothing that can be shown); IncludeManagementEvents true for
//    management events; DataResources[{Type:"AWS::S3::Object",Values:[...]}] for S3 data events,
//    all buckets when a value is "arn:<partition>:s3" or "arn:<partition>:s3:::".
//  - AdvancedEventSelectors[]: field selectors are ANDed, the values of one operator ORed, the
//    operators of one field selector ANDed. eventCategory selects Management or Data; a readOnly
//    field selector narrows to reads ("true") or writes ("false"); absent, both are recorded.
//    Management: eventSource with only negative operators excludes sources (noted, not a
//    narrowing); any other field narrows. S3: resources.type must select AWS::S3::Object; a
//    resources.ARN field (some buckets) or any other field (eventName, ...) narrows.
// Coverage across several selectors is their union (a ReadOnly and a WriteOnly selector record
// All).
struct Selectors {
    Coverage management;
    boost::json::array management_exclusions;  // event sources left out
    Coverage s3_all_buckets;                   // S3 object data events of every bucket
    boost::json::array s3_narrowed;  // {selector, narrowedBy} of S3 selections that are partial
    boost::json::array data_types;   // every data resource type named (evidence)
    boost::json::array notes;        // management selections that are narrowed
};
// prefix starts the evidence paths ("GetEventSelectors.").
Selectors read_selectors(const boost::json::value& doc, std::string_view prefix);

// A trail as the checks judge it: its DescribeTrails entry, GetTrailStatus and
// GetEventSelectors, both read in the trail's home region.
struct TrailState {
    detection::Trail trail;
    bool multi_region = false;                // IsMultiRegionTrail
    boost::json::value is_logging = nullptr;  // GetTrailStatus.IsLogging, null when not read
    std::optional<Selectors> selectors;       // nullopt when GetEventSelectors failed
    std::vector<engine::Evaluation> errors;   // ERRORs of the reads that failed
};
struct TrailStates {
    std::vector<TrailState> trails;
    // One ERROR per audited region whose DescribeTrails failed (its region is that region): a
    // trail homed there could be missing. A multi-region trail shows in every region's answer.
    std::vector<engine::Evaluation> list_errors;
};
TrailStates read_trails(inventory::Facts& facts, const CheckScope& scope,
                        const std::string& checked_field);

// Something that records events for some regions (a trail, an event data store), judged by the
// check that built it.
struct Recorder {
    std::string kind;  // "trail" | "eventDataStore"
    std::string name;
    std::string arn;
    std::string home_region;
    bool all_regions = false;
    bool qualifies = false;
    // Reads that failed while what was read does not already fail it: it might qualify.
    std::vector<engine::Evaluation> errors;
    boost::json::value expected;
    boost::json::value observed;
    std::string evidence_path;
    boost::json::object details;  // copied into the evaluation of each region it covers
    bool covers(std::string_view region) const;
};

// The base of a trail's recorder (kind, names, regions, errors); the check fills the verdict.
Recorder recorder_of(const TrailState& t);

// Moves the recorder's errors into details.unreadFields when what was read already fails it: a
// failed read then changes nothing (the verdict is NON_COMPLIANT either way), and the missing
// permissions stay on record.
void settle(Recorder& r);

// Evidence paths joined with " + ", empty parts dropped.
std::string join_paths(std::initializer_list<std::string> parts);
std::string join_paths(const boost::json::array& paths, std::string_view fallback);

struct RegionVerdict {
    std::string checked_field;
    boost::json::value expected;  // of the "nothing covers this region" evaluation
    std::string none_note;        // its extra.note
};

// One evaluation per region of `regions` (resource_id = the region):
//  - a recorder covering it qualifies: COMPLIANT, extra.coveredBy names it;
//  - none does, but a read that could hide one failed (a covering recorder's read, the region's
//    list, or an account-wide list in `global_errors`): ERROR with every missing permission;
//  - none does and every read answered: NON_COMPLIANT on the first covering recorder, or with
//    observed null and none_note when nothing covers the region.
// extra.candidates lists every covering recorder with its verdict.
std::vector<engine::Evaluation> judge_regions(const std::vector<Recorder>& recorders,
                                              const std::vector<engine::Evaluation>& list_errors,
                                              const std::vector<engine::Evaluation>& global_errors,
                                              const std::vector<std::string>& regions,
                                              const CheckScope& scope,
                                              const RegionVerdict& verdict);

// {kind, name, arn, homeRegion, allRegions, status, observed} of each recorder, for evidence.
boost::json::array recorders_evidence(const std::vector<Recorder>& recorders);

}  // namespace dspm::checks::cloudtrail
