// 3.0-02 CloudTrail data events: every audited region is covered by a logging trail that records
// S3 object data events of every bucket, reads and writes.
// Judgement, per audited region (one evaluation each, resource_id = the region):
//  - A multi-region trail covers every region, a single-region trail only its home region (data
//    events of a bucket are recorded by the trails of the bucket's region). GetTrailStatus and
//    GetEventSelectors are read in the trail's home region.
//  - A trail qualifies when GetTrailStatus.IsLogging is true and its selectors record S3 object
//    data events of all buckets with ReadWriteType All: classic
//    DataResources[{Type:"AWS::S3::Object",Values:["arn:aws:s3"]}] ("arn:aws:s3:::" also means
//    all buckets) in a ReadWriteType All selector, or AdvancedEventSelectors[] with eventCategory
//    Equals Data and resources.type Equals AWS::S3::Object and no resources.ARN, readOnly or other
//    field selector narrowing them (a ReadOnly plus a WriteOnly selection make All).
//  - Selections of some buckets only (bucket ARNs in Values, a resources.ARN field selector) or of
//    some events (eventName, ...) are listed in extra.s3NarrowedSelections and do not qualify the
//    trail: whether they happen to name every bucket is not judged.
//  - The catalog also names Lambda data events: which data resource types a trail records is
//    evidence (extra.dataResourceTypes), the verdict is about S3, where the data sits.
//  - COMPLIANT when a covering trail qualifies (extra.coveredBy); ERROR when none does and a read
//    that could hide one failed; NON_COMPLIANT otherwise (observed null when no trail covers the
//    region: the control is the trail's recording, so absence is a finding).
#include <boost/json.hpp>

#include "checks/cloudtrail_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

constexpr const char* kField = "IsLogging, S3 object data events of all buckets";

cloudtrail::Recorder judge(const cloudtrail::TrailState& t) {
    auto r = cloudtrail::recorder_of(t);
    json::value s3 = nullptr;
    json::array paths;
    if (t.selectors) {
        s3 = json::string(t.selectors->s3_all_buckets.read_write());
        paths = t.selectors->s3_all_buckets.paths;
        r.details["dataResourceTypes"] = t.selectors->data_types;
        if (!t.selectors->s3_narrowed.empty()) {
            r.details["s3NarrowedSelections"] = t.selectors->s3_narrowed;
            if (s3 != json::value("All"))
                r.details["note"] =
                    "S3 data events of some buckets or some events only do not cover every "
                    "bucket";
        }
    }
    r.observed = json::object{{"IsLogging", t.is_logging}, {"S3DataEventsAllBuckets", s3}};
    r.expected = json::object{{"IsLogging", true}, {"S3DataEventsAllBuckets", "All"}};
    r.evidence_path = cloudtrail::join_paths(
        {"GetTrailStatus.IsLogging",
         cloudtrail::join_paths(paths, "GetEventSelectors.EventSelectors[*].DataResources")});
    const bool fails = (t.is_logging.is_bool() && !t.is_logging.get_bool()) ||
                       (!s3.is_null() && s3 != json::value("All"));
    if (fails) cloudtrail::settle(r);
    r.qualifies = r.errors.empty() && r.observed == r.expected;
    return r;
}

class CloudTrailDataEvents final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"3.0-02",
                                 "CloudTrail Data events",
                                 "CloudTrail",
                                 "medium",
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
        const json::value expected =
            json::object{{"IsLogging", true}, {"S3DataEventsAllBuckets", "All"}};
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

const Check& check_3_0_02_cloudtrail_data_events() {
    static const CloudTrailDataEvents check;
    return check;
}

}  // namespace dspm::checks
