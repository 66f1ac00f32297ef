// 6.0-02 SageMaker Model Monitor: per endpoint, in every audited region, one evaluation: the
// endpoint (ListEndpoints) has a monitoring schedule (ListMonitoringSchedules, every page, matched
// on the summaries' EndpointName) whose MonitoringScheduleStatus is "Scheduled".
// One schedule does not vouch for other endpoints. An endpoint whose schedules are all Pending,
// Failed or Stopped is NON_COMPLIANT with the first status observed and every schedule's status
// in extra.schedules; an endpoint with no schedule is NON_COMPLIANT with observed null and a note.
// The schedule list is read only where endpoints exist: a region without endpoints has nothing to
// monitor and gives no evaluation; an account without endpoints is SKIPPED. Schedules that name
// no listed endpoint (a deleted endpoint, batch-transform monitoring) are listed in the notes.
// A failed endpoint or schedule list is an ERROR for its region naming the IAM action.
#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <vector>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

constexpr const char* kField = "Monitoring schedule status of the endpoint";

engine::MappingResult run(const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
    net::Evals evals;
    std::vector<std::string> notes;
    for (const auto& region : scope.regions) {
        // The same read as 6.0-01, so the run's cache answers it.
        auto endpoints = net::list_items(facts, scope, region, "SageMaker", "sagemaker",
                                         "ListEndpoints", {}, "Endpoints", "Endpoint list", evals);
        if (!endpoints || endpoints->empty()) continue;
        auto schedules = net::list_items(facts, scope, region, "SageMaker", "sagemaker",
                                         "ListMonitoringSchedules", {},
                                         "MonitoringScheduleSummaries", kField, evals);
        if (!schedules) continue;
        std::map<std::string, std::vector<std::size_t>> by_endpoint;
        for (std::size_t k = 0; k < schedules->size(); ++k)
            by_endpoint[string_at((*schedules)[k], "EndpointName")].push_back(k);

        for (const auto& ep : *endpoints) {
            const std::string name = string_at(ep, "EndpointName");
            if (name.empty()) continue;
            json::object extra;
            if (const auto* s = at_path(ep, "EndpointStatus"); s != nullptr)
                extra["EndpointStatus"] = *s;
            if (const auto* a = at_path(ep, "EndpointArn"); a != nullptr) extra["EndpointArn"] = *a;
            auto it = by_endpoint.find(name);
            if (it == by_endpoint.end()) {
                extra["note"] = "no monitoring schedule for this endpoint";
                evals.push_back(
                    evaluate({"SageMaker", name,
                              "MonitoringScheduleSummaries[?EndpointName=='" + name +
                                  "'].MonitoringScheduleStatus",
                              kField, engine::Comparator::eq, "Scheduled", nullptr,
                              engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
                continue;
            }
            json::array listed;
            std::size_t chosen = it->second.front();
            bool active = false;
            for (auto k : it->second) {
                const auto& s = (*schedules)[k];
                json::object row{
                    {"MonitoringScheduleName", string_at(s, "MonitoringScheduleName")},
                    {"MonitoringScheduleStatus", string_at(s, "MonitoringScheduleStatus")}};
                if (const auto* t = at_path(s, "MonitoringType"); t != nullptr)
                    row["MonitoringType"] = *t;
                listed.push_back(std::move(row));
                if (!active && string_at(s, "MonitoringScheduleStatus") == "Scheduled") {
                    active = true;
                    chosen = k;
                }
            }
            extra["schedules"] = std::move(listed);
            extra["MonitoringScheduleName"] =
                string_at((*schedules)[chosen], "MonitoringScheduleName");
            if (!active) extra["note"] = "the endpoint's monitoring schedules are not Scheduled";
            const auto* status = at_path((*schedules)[chosen], "MonitoringScheduleStatus");
            evals.push_back(evaluate(
                {"SageMaker", name,
                 indexed("MonitoringScheduleSummaries", chosen, ".MonitoringScheduleStatus"),
                 kField, engine::Comparator::eq, "Scheduled",
                 status != nullptr ? *status : json::value(nullptr), engine::Source::aws_sdk,
                 region, scope.account, std::move(extra)}));
        }
        for (const auto& [endpoint, ks] : by_endpoint) {
            const bool listed =
                !endpoint.empty() &&
                std::any_of(endpoints->begin(), endpoints->end(), [&](const json::value& ep) {
                    return string_at(ep, "EndpointName") == endpoint;
                });
            if (listed) continue;
            for (auto k : ks)
                notes.push_back(string_at((*schedules)[k], "MonitoringScheduleName") + " (" +
                                region + "): monitors no listed endpoint" +
                                (endpoint.empty() ? std::string() : " (" + endpoint + ")"));
        }
    }
    return net::result(info, std::move(evals), "totalEndpoints", "monitoredEndpoints",
                       "no SageMaker endpoints in the audited regions", std::move(notes));
}

}  // namespace

const Check& check_6_0_02_sagemaker_model_monitor() {
    static const net::FnCheck check(
        {"6.0-02",
         "SageMaker Model Monitor",
         "SageMaker",
         "low",
         {"sagemaker:ListMonitoringSchedules", "sagemaker:ListEndpoints"}},
        run);
    return check;
}

}  // namespace dspm::checks
