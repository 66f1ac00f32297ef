// 15.0-02 EventBridge rules: no rule fans one event out to several targets while forwarding it to
// an event bus (ListRules, ListTargetsByRule per rule, per region).
// Judgement: the catalog's "<=1 (acyclic)" / "self-referencing repeats" is about event loops.
// Fan-out to several Lambda/SQS/SNS targets is ordinary and cannot loop; a target that is an event
// bus (arn:...:event-bus/...) re-publishes the event and is where cycles and repeats arise. So:
//  - a rule without event-bus targets: one evaluation "event-bus targets == 0" (COMPLIANT);
//  - a rule with an event-bus target: its target count must be <= 1 (a single forward is a plain
//    relay; more targets next to a bus forward is NON_COMPLIANT).
// Only the default event bus is read: the embedded model has no ListEventBuses. No rules ->
// SKIPPED.
#include <boost/json.hpp>
#include <string>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_15_0_02_eventbridge_targets() {
    static const net::FnCheck check(
        {"15.0-02",
         "EventBridge Rules",
         "EventBridge",
         "low",
         {"events:ListRules", "events:ListTargetsByRule"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::ListDescribe spec{"EventBridge", "events", "ListRules",   {},
                                   "Rules",       "Name",   "Rule list",   "ListTargetsByRule",
                                   "Rule",        {},       "Rule targets"};
            auto evals = net::list_describe(
                spec, facts, scope,
                [&](const std::string& id, const json::value& doc, const std::string& region) {
                    json::array bus_targets;
                    std::size_t total = 0;
                    if (const auto* t = at_path(doc, "Targets"); t && t->is_array()) {
                        total = t->get_array().size();
                        for (const auto& target : t->get_array()) {
                            const std::string arn = string_at(target, "Arn");
                            if (arn.find(":event-bus/") != std::string::npos)
                                bus_targets.emplace_back(arn);
                        }
                    }
                    json::object extra{{"targetCount", total}};
                    net::Evals out;
                    if (bus_targets.empty()) {
                        out.push_back(
                            evaluate({"EventBridge", id, "Targets[].Arn", "Event bus targets",
                                      engine::Comparator::eq, 0, 0, engine::Source::aws_sdk, region,
                                      scope.account, std::move(extra)}));
                    } else {
                        extra["eventBusTargets"] = std::move(bus_targets);
                        out.push_back(
                            evaluate({"EventBridge", id, "Targets",
                                      "Targets of a rule forwarding to an event bus",
                                      engine::Comparator::le, 1, total, engine::Source::aws_sdk,
                                      region, scope.account, std::move(extra)}));
                    }
                    return out;
                });
            return net::result(info, std::move(evals), "totalRules", "acyclic",
                               "no EventBridge rules on the default bus in the audited regions");
        });
    return check;
}

}  // namespace dspm::checks
