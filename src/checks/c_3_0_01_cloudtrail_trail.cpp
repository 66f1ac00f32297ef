// 3.0-01 CloudTrail: every audited region is covered by a trail that is logging, validates its log
// files and records management events of ReadWriteType All.
// Judgement, per audited region (one evaluation each, resource_id = the region):
//  - A multi-region trail (IsMultiRegionTrail) covers every region; a single-region trail only its
//    home region. Each trail's GetTrailStatus and GetEventSelectors are read in its home region
//    (HomeRegion), so a multi-region trail homed outside the audited regions is still read.
//  - A trail qualifies when GetTrailStatus.IsLogging is true, DescribeTrails'
//    LogFileValidationEnabled is true (the catalog's field) and its selectors record every
//    management event: a classic EventSelectors[] entry with IncludeManagementEvents true and
//    ReadWriteType All, or AdvancedEventSelectors[] with eventCategory Equals Management and no
//    readOnly (or other) field selector narrowing it; a ReadOnly plus a WriteOnly selection make
//    All. Excluded event sources (KMS, RDS Data API) are listed, not judged.
//  - The region is COMPLIANT when one covering trail qualifies (extra.coveredBy names it); a
//    failed read that could hide the qualifying trail (its trail's status or selectors, the
//    region's DescribeTrails) is an ERROR naming the action; otherwise NON_COMPLIANT, on the
//    first covering trail, or with observed null when no trail covers the region (CloudTrail is
//    the control: no trail is a finding, never SKIPPED).
// Every covering trail and its verdict is in extra.candidates; evidence.trails lists all trails.
#include <boost/json.hpp>

#include "checks/cloudtrail_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "IsLogging, LogFileValidationEnabled, management events";

json::value member(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v != nullptr ? *v : json::value(nullptr);
}

cloudtrail::Recorder judge(const cloudtrail::TrailState& t) {
    auto r = cloudtrail::recorder_of(t);
    const json::value validation = member(t.trail.doc, "LogFileValidationEnabled");
    json::value management = nullptr;
    json::array paths;
    if (t.selectors) {
        management = json::string(t.selectors->management.read_write());
        paths = t.selectors->management.paths;
    }
    r.observed = json::object{{"IsLogging", t.is_logging},
                              {"LogFileValidationEnabled", validation},
                              {"ManagementEvents", management}};
    r.expected = json::object{
        {"IsLogging", true}, {"LogFileValidationEnabled", true}, {"ManagementEvents", "All"}};
    r.evidence_path = cloudtrail::join_paths(
        {indexed("trailList", t.trail.index, ".LogFileValidationEnabled"),
         "GetTrailStatus.IsLogging", cloudtrail::join_paths(paths, "GetEventSelectors")});
    const bool fails = validation != json::value(true) ||
                       (t.is_logging.is_bool() && !t.is_logging.get_bool()) ||
                       (!management.is_null() && management != json::value("All"));
    if (fails) cloudtrail::settle(r);
    r.qualifies = r.errors.empty() && r.observed == r.expected;
    return r;
}

class CloudTrailTrail final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"3.0-01",
                                 "CloudTrail",
                                 "CloudTrail",
                                 "high",
                                 {"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus",
                                  "cloudtrail:GetEventSelectors"},
                                 Reach::regional,
                                 Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        auto states = cloudtrail::read_trails(facts, scope, kField);
        std::vector<cloudtrail::Recorder> recorders;
        for (const auto& t : states.trails)
            recorders.push_back(judge(t));
        const json::value expected = json::object{
            {"IsLogging", true}, {"LogFileValidationEnabled", true}, {"ManagementEvents", "All"}};
        auto evals =
            cloudtrail::judge_regions(recorders, states.list_errors, {}, scope.regions, scope,
                                      {kField, expected, "no CloudTrail trail covers this region"});
        std::size_t covered = 0;
        for (const auto& e : evals)
            covered += e.status == engine::Status::compliant;
        json::object evidence{{"totalTrails", states.trails.size()},
                              {"regions", scope.regions.size()},
                              {"regionsCovered", covered},
                              {"trails", cloudtrail::recorders_evidence(recorders)}};
        return finish(info(), std::move(evals), std::move(evidence), "no audited regions");
    }
};

}  // namespace

const Check& check_3_0_01_cloudtrail_trail() {
    static const CloudTrailTrail check;
    return check;
}

}  // namespace dspm::checks
