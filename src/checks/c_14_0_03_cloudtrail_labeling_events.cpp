// 14.0-03 CloudTrail events of labeling jobs: in each audited region where Ground Truth labeling
// jobs were created within CloudTrail's 90-day event history, LookupEvents finds the creation
// events (who started labeling which data is on record).
// Judgement:
//  - The catalog names the event StartLabelingJob, which is no SageMaker API: jobs are started by
//    CreateLabelingJob, so that is the EventName looked up (StartLabelingJob would never match and
//    make every region NON_COMPLIANT).
//  - Events are only evidence where there is something to record: regions without a labeling job
//    created in the last 90 days (ListLabelingJobs, the same read as 14.0-01) are noted, not
//    judged; no such job anywhere -> SKIPPED rather than NON_COMPLIANT.
//  - One page of LookupEvents is read (the API allows 2 calls per second per account; presence
//    needs one event).
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "checks/detection_helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {
constexpr const char* kEventName = "CreateLabelingJob";
constexpr long long kHistoryDays = 90;
}  // namespace

const Check& check_14_0_03_cloudtrail_labeling_events() {
    static const net::FnCheck check(
        {"14.0-03",
         "CloudTrail events",
         "CloudTrail",
         "low",
         {"sagemaker:ListLabelingJobs", "cloudtrail:LookupEvents"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            constexpr const char* kField = "Labeling job creation events";
            net::Evals evals;
            std::vector<std::string> notes;
            const auto now = detection::now_seconds();
            for (const auto& region : scope.regions) {
                auto jobs = net::list_items(facts, scope, region, "SageMaker", "sagemaker",
                                            "ListLabelingJobs", {}, "LabelingJobSummaryList",
                                            "Labeling job list", evals);
                if (!jobs) continue;
                json::array recent;
                for (const auto& j : *jobs) {
                    auto t = detection::parse_time(at_path(j, "CreationTime"));
                    // A job without a readable creation time is assumed recent: better a
                    // judged region than a silently skipped one.
                    if (!t || detection::days_between(*t, now) <= kHistoryDays)
                        recent.emplace_back(string_at(j, "LabelingJobName"));
                }
                if (recent.empty()) {
                    notes.push_back(region + ": no labeling job created in the last 90 days");
                    continue;
                }
                json::object params{{"LookupAttributes",
                                     json::array{json::object{{"AttributeKey", "EventName"},
                                                              {"AttributeValue", kEventName}}}}};
                auto doc = facts.aws("cloudtrail", "LookupEvents", params, region);
                if (!doc) {
                    evals.push_back(error_evaluation("CloudTrail", region, kField, doc.error(),
                                                     region, scope.account));
                    continue;
                }
                std::size_t n = 0;
                if (const auto* ev = at_path(*doc, "Events"); ev && ev->is_array())
                    n = ev->get_array().size();
                json::object extra{{"recentLabelingJobs", std::move(recent)},
                                   {"eventName", kEventName}};
                if (n == 0)
                    extra["note"] = "labeling jobs exist but CloudTrail has no event of them";
                evals.push_back(
                    evaluate({"CloudTrail", region, "Events[?EventName=='CreateLabelingJob']",
                              kField, engine::Comparator::ge, 1, n, engine::Source::aws_sdk, region,
                              scope.account, std::move(extra)}));
            }
            return net::result(info, std::move(evals), "regionsWithLabelingJobs", "withEvents",
                               "no Ground Truth labeling jobs created in the last 90 days in the "
                               "audited regions",
                               std::move(notes));
        });
    return check;
}

}  // namespace dspm::checks
