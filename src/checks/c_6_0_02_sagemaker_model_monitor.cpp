// 6.0-02 SageMaker Model Monitor: per region, ListMonitoringSchedules holds at least one schedule
// whose MonitoringScheduleStatus is Scheduled.
// Judgement: monitoring only matters where something is deployed, so a region is judged when it
// has endpoints or schedules; a region with neither gives no evaluation, and an account with
// neither anywhere is SKIPPED. A region whose schedule list answered with no active schedule but
// whose endpoint list failed is an ERROR (the region could be out of scope or a finding). The
// endpoints without any active schedule are listed in extra.unmonitoredEndpoints as information;
// the verdict stays the catalog's "at least one schedule".
#include <boost/json.hpp>
#include <cstdint>
#include <set>

#include "checks/detection_helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_6_0_02_sagemaker_model_monitor() {
    static const net::FnCheck check(
        {"6.0-02",
         "SageMaker Model Monitor",
         "SageMaker",
         "low",
         {"sagemaker:ListMonitoringSchedules", "sagemaker:ListEndpoints"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            constexpr const char* kField = "Active monitoring schedules";
            net::Evals evals;
            for (const auto& region : scope.regions) {
                net::Evals errors;
                auto schedules = net::list_items(facts, scope, region, "SageMaker", "sagemaker",
                                                 "ListMonitoringSchedules", {},
                                                 "MonitoringScheduleSummaries", kField, errors);
                // The same read as 6.0-01, so the run's cache answers it.
                auto endpoints =
                    net::list_items(facts, scope, region, "SageMaker", "sagemaker", "ListEndpoints",
                                    {}, "Endpoints", "Endpoint list", errors);
                if (!schedules) {
                    evals.push_back(std::move(errors.front()));
                    continue;
                }
                std::int64_t active = 0;
                std::set<std::string> monitored;
                json::array names;
                for (const auto& s : *schedules) {
                    if (string_at(s, "MonitoringScheduleStatus") != "Scheduled") continue;
                    ++active;
                    names.push_back(json::string(string_at(s, "MonitoringScheduleName")));
                    monitored.insert(string_at(s, "EndpointName"));
                }
                if (active == 0 && !endpoints) {
                    for (auto& e : errors)
                        evals.push_back(std::move(e));
                    continue;
                }
                if (schedules->empty() && endpoints && endpoints->empty()) continue;
                json::object extra{{"schedules", schedules->size()}, {"activeSchedules", names}};
                if (endpoints) {
                    json::array unmonitored;
                    for (const auto& id : net::ids_of(*endpoints, "EndpointName"))
                        if (!monitored.contains(id)) unmonitored.push_back(json::string(id));
                    extra["endpoints"] = endpoints->size();
                    extra["unmonitoredEndpoints"] = std::move(unmonitored);
                }
                if (active == 0) extra["note"] = "endpoints are deployed but no schedule is active";
                evals.push_back(
                    evaluate({"SageMaker", region,
                              "MonitoringScheduleSummaries[?MonitoringScheduleStatus=='Scheduled']",
                              kField, engine::Comparator::ge, 1, active, engine::Source::aws_sdk,
                              region, scope.account, std::move(extra)}));
            }
            return net::result(info, std::move(evals), "regionsJudged", "regionsMonitored",
                               "no SageMaker endpoints or monitoring schedules in the audited "
                               "regions");
        });
    return check;
}

}  // namespace dspm::checks
