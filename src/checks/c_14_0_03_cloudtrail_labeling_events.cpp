// 14.0-03 CloudTrail events of labeling jobs: in each audited region where SageMaker Ground Truth
// labeling jobs exist, CreateLabelingJob and the other labeling calls are kept on record beyond
// Event history, by a logging trail or a CloudTrail Lake event data store that records management
// write events.
// Judgement:
//  - Event history (LookupEvents) always holds 90 days of management events, whatever is
//    configured, so finding a CreateLabelingJob event there proves nothing about traceability; the
//    catalog's fix is "enable a trail with storage". Labeling calls are management write events,
//    so what is judged is a recorder of those.
//  - Regions judged: those where ListLabelingJobs lists a job (of any age: the region uses Ground
//    Truth). Regions without one are noted; no job in any audited region -> SKIPPED.
//  - A trail covers its home region, a multi-region trail every region; it qualifies when
//    GetTrailStatus.IsLogging is true and its selectors record management write events
//    (ReadWriteType All or WriteOnly with IncludeManagementEvents true; advanced: eventCategory
//    Management without readOnly = true). The selector reading is cloudtrail_helpers' (the same
//    as 3.0-01's).
//  - An event data store (ListEventDataStores, every page, in each audited region) is read with
//    GetEventDataStore: Status, MultiRegionEnabled and AdvancedEventSelectors are no longer
//    returned by ListEventDataStores (deprecated there), so the list's copies are never used. It
//    covers its region, or every region when MultiRegionEnabled; it qualifies when Status is
//    ENABLED and its selectors record management write events.
//  - Per judged region: COMPLIANT when a covering recorder qualifies (extra.coveredBy); ERROR when
//    none does and a read that could hide one failed (a failed event data store list counts for
//    every region: a multi-region store homed there would cover them); NON_COMPLIANT otherwise.
#include <boost/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "checks/cloudtrail_helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Recorder of management write events (labeling calls)";

cloudtrail::Recorder judge_trail(const cloudtrail::TrailState& t) {
    auto r = cloudtrail::recorder_of(t);
    json::value writes = nullptr;
    json::array paths;
    if (t.selectors) {
        writes = t.selectors->management.write;
        paths = t.selectors->management.paths;
        r.details["managementEvents"] = t.selectors->management.read_write();
    }
    r.observed = json::object{{"IsLogging", t.is_logging}, {"ManagementWriteEvents", writes}};
    r.expected = json::object{{"IsLogging", true}, {"ManagementWriteEvents", true}};
    r.evidence_path = cloudtrail::join_paths(
        {"GetTrailStatus.IsLogging", cloudtrail::join_paths(paths, "GetEventSelectors")});
    const bool fails =
        (t.is_logging.is_bool() && !t.is_logging.get_bool()) || writes == json::value(false);
    if (fails) cloudtrail::settle(r);
    r.qualifies = r.errors.empty() && r.observed == r.expected;
    return r;
}

struct Store {
    std::string arn;
    std::string name;
    std::string region;  // where ListEventDataStores listed it
};

cloudtrail::Recorder judge_store(inventory::Facts& facts, const CheckScope& scope, const Store& s) {
    cloudtrail::Recorder r;
    r.kind = "eventDataStore";
    r.name = s.name.empty() ? s.arn : s.name;
    r.arn = s.arn;
    r.home_region = s.region;
    r.expected = json::object{{"Status", "ENABLED"}, {"ManagementWriteEvents", true}};
    r.details = json::object{{"eventDataStoreArn", s.arn}, {"homeRegion", s.region}};
    auto doc = facts.aws("cloudtrail", "GetEventDataStore", {{"EventDataStore", s.arn}}, s.region);
    if (!doc) {
        r.errors.push_back(
            error_evaluation("CloudTrail", r.name, kField, doc.error(), s.region, scope.account));
        r.observed = json::object{{"Status", nullptr}, {"ManagementWriteEvents", nullptr}};
        r.evidence_path = "GetEventDataStore";
        return r;
    }
    const auto* multi = at_path(*doc, "MultiRegionEnabled");
    r.all_regions = multi != nullptr && multi->is_bool() && multi->get_bool();
    r.details["MultiRegionEnabled"] = r.all_regions;
    if (const auto* org = at_path(*doc, "OrganizationEnabled"))
        r.details["OrganizationEnabled"] = *org;
    const auto sel = cloudtrail::read_selectors(*doc, "GetEventDataStore.");
    r.details["managementEvents"] = sel.management.read_write();
    if (!sel.management_exclusions.empty())
        r.details["excludedManagementEventSources"] = sel.management_exclusions;
    if (!sel.notes.empty()) r.details["selectorNotes"] = sel.notes;
    const auto* status = at_path(*doc, "Status");
    r.observed = json::object{{"Status", status != nullptr ? *status : json::value(nullptr)},
                              {"ManagementWriteEvents", sel.management.write}};
    r.evidence_path = cloudtrail::join_paths(
        {"GetEventDataStore.Status",
         cloudtrail::join_paths(sel.management.paths, "GetEventDataStore.AdvancedEventSelectors")});
    r.qualifies = r.observed == r.expected;
    return r;
}

}  // namespace

const Check& check_14_0_03_cloudtrail_labeling_events() {
    static const net::FnCheck check(
        {"14.0-03",
         "CloudTrail events",
         "CloudTrail",
         "low",
         {"sagemaker:ListLabelingJobs", "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus",
          "cloudtrail:GetEventSelectors", "cloudtrail:ListEventDataStores",
          "cloudtrail:GetEventDataStore"},
         Reach::regional,
         Applicability::control},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::Evals evals;
            std::vector<std::string> notes;
            std::vector<std::string> judged;
            json::object jobs_by_region;
            for (const auto& region : scope.regions) {
                auto jobs = net::list_items(facts, scope, region, "SageMaker", "sagemaker",
                                            "ListLabelingJobs", {}, "LabelingJobSummaryList",
                                            "Labeling job list", evals);
                if (!jobs) continue;
                if (jobs->empty()) {
                    notes.push_back(region + ": no Ground Truth labeling job");
                    continue;
                }
                judged.push_back(region);
                jobs_by_region[region] = jobs->size();
            }
            const std::string skip =
                "no Ground Truth labeling jobs in the audited regions: no labeling events to "
                "trace";
            if (judged.empty())
                return net::result(info, std::move(evals), "regionsWithLabelingJobs", "recorded",
                                   skip, std::move(notes));

            auto states = cloudtrail::read_trails(facts, scope, kField);
            std::vector<cloudtrail::Recorder> recorders;
            for (const auto& t : states.trails)
                recorders.push_back(judge_trail(t));

            std::vector<Evaluation> store_list_errors;
            std::vector<Store> stores;
            std::set<std::string> seen;
            for (const auto& region : scope.regions) {
                net::Evals errs;
                auto list = net::list_items(facts, scope, region, "CloudTrail", "cloudtrail",
                                            "ListEventDataStores", {}, "EventDataStores",
                                            "Event data stores", errs);
                if (!list) {
                    for (auto& e : errs)
                        store_list_errors.push_back(std::move(e));
                    continue;
                }
                for (const auto& s : *list) {
                    Store store{string_at(s, "EventDataStoreArn"), string_at(s, "Name"), region};
                    if (store.arn.empty() || !seen.insert(store.arn).second) continue;
                    stores.push_back(std::move(store));
                }
            }
            std::vector<cloudtrail::Recorder> store_recorders(stores.size());
            parallel_for(stores.size(), scope.fanout, [&](std::size_t i) {
                store_recorders[i] = judge_store(facts, scope, stores[i]);
            });
            for (auto& r : store_recorders)
                recorders.push_back(std::move(r));

            const json::value expected =
                json::object{{"IsLogging", true}, {"ManagementWriteEvents", true}};
            auto regional = cloudtrail::judge_regions(
                recorders, states.list_errors, store_list_errors, judged, scope,
                {kField, expected,
                 "no CloudTrail trail or event data store covers this region: labeling calls are "
                 "only in the 90-day Event history"});
            for (auto& e : regional) {
                e.extra["labelingJobs"] = jobs_by_region[e.region];
                evals.push_back(std::move(e));
            }
            auto r = net::result(info, std::move(evals), "regionsWithLabelingJobs", "recorded",
                                 skip, std::move(notes));
            r.evidence["recorders"] = cloudtrail::recorders_evidence(recorders);
            return r;
        });
    return check;
}

}  // namespace dspm::checks
