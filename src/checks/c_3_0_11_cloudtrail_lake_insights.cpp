// 3.0-11 CloudTrail Lake / Insights: some event data store that ingests events
// (ListEventDataStores, every page, per audited region; GetEventDataStore's Status ENABLED, since
// the list no longer returns Status: stopped, starting or pending-deletion stores do not count) or
// some trail with insight selectors. A trail whose DescribeTrails entry says HasInsightSelectors ==
// false is taken at its word (no extra read); InsightNotEnabledException is the API's way of
// answering "none".
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

class CloudTrailLakeInsights final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"3.0-11",
                                 "CloudTrail Lake/Insights",
                                 "CloudTrail",
                                 "low",
                                 {"cloudtrail:ListEventDataStores", "cloudtrail:GetEventDataStore",
                                  "cloudtrail:DescribeTrails", "cloudtrail:GetInsightSelectors"},
                                 Reach::regional,
                                 Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        std::size_t stores_total = 0;
        for (const auto& region : scope.regions) {
            auto list = net::list_items(facts, scope, region, "CloudTrail", "cloudtrail",
                                        "ListEventDataStores", {}, "EventDataStores",
                                        "Event data stores", evals);
            if (!list) continue;
            // ListEventDataStores no longer returns Status (deprecated there): each store's
            // GetEventDataStore says whether it still ingests.
            std::vector<Expected<json::value, aws::AwsError>> details(list->size(),
                                                                      unexpected(aws::AwsError{}));
            parallel_for(list->size(), scope.fanout, [&](std::size_t i) {
                details[i] = facts.aws(
                    "cloudtrail", "GetEventDataStore",
                    {{"EventDataStore", string_at((*list)[i], "EventDataStoreArn")}}, region);
            });
            std::int64_t n = 0;
            json::array stores;
            for (std::size_t i = 0; i < list->size(); ++i) {
                const std::string name = string_at((*list)[i], "Name");
                if (!details[i]) {
                    evals.push_back(error_evaluation("CloudTrail", name, "Event data store status",
                                                     details[i].error(), region, scope.account));
                    continue;
                }
                const std::string status = string_at(*details[i], "Status");
                stores.push_back(json::object{{"name", name}, {"status", status}});
                if (status == "ENABLED") ++n;
            }
            stores_total += static_cast<std::size_t>(n);
            evals.push_back(evaluate({"CloudTrail", region, "GetEventDataStore[?Status=='ENABLED']",
                                      "Event data stores", engine::Comparator::ge, 1, n,
                                      engine::Source::aws_sdk, region, scope.account,
                                      json::object{{"eventDataStores", std::move(stores)}}}));
        }
        auto listed = detection::describe_trails(facts, scope, "Insight selectors");
        for (auto& e : listed.errors)
            evals.push_back(std::move(e));
        std::vector<Evaluation> per(listed.trails.size());
        parallel_for(listed.trails.size(), scope.fanout,
                     [&](std::size_t i) { per[i] = insights(facts, scope, listed.trails[i]); });
        for (auto& e : per)
            evals.push_back(std::move(e));
        auto none = evaluate({"CloudTrail", detection::account_resource(scope), "EventDataStores",
                              "Event data stores or insight selectors", engine::Comparator::ge, 1,
                              0, engine::Source::aws_sdk, scope.regions.front(), scope.account});
        json::object evidence{{"eventDataStores", stores_total},
                              {"totalTrails", listed.trails.size()}};
        return detection::at_least_one(info(), std::move(evals), std::move(none),
                                       std::move(evidence));
    }

  private:
    static Evaluation insights(inventory::Facts& facts, const CheckScope& scope,
                               const detection::Trail& t) {
        std::int64_t n = 0;
        json::object extra{{"trailArn", t.arn}};
        const auto* has = t.doc.if_contains("HasInsightSelectors");
        if (has != nullptr && has->is_bool() && !has->get_bool()) {
            extra["note"] = "DescribeTrails: HasInsightSelectors is false";
        } else {
            auto doc =
                facts.aws("cloudtrail", "GetInsightSelectors", {{"TrailName", t.arn}}, t.region);
            if (!doc && !is_error_code(doc.error(), "InsightNotEnabledException"))
                return error_evaluation("CloudTrail", t.name, "Insight selectors", doc.error(),
                                        t.region, scope.account);
            if (doc) {
                json::array types;
                for (const auto& s : detection::array_at(*doc, "InsightSelectors")) {
                    ++n;
                    types.push_back(json::string(string_at(s, "InsightType")));
                }
                extra["insightTypes"] = std::move(types);
            } else {
                extra["note"] = "Insights not enabled (InsightNotEnabledException)";
            }
        }
        return evaluate({"CloudTrail", t.name, "InsightSelectors", "Insight selectors",
                         engine::Comparator::ge, 1, n, engine::Source::aws_sdk, t.region,
                         scope.account, std::move(extra)});
    }
};

}  // namespace

const Check& check_3_0_11_cloudtrail_lake_insights() {
    static const CloudTrailLakeInsights check;
    return check;
}

}  // namespace dspm::checks
