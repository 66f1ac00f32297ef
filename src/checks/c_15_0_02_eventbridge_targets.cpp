// 15.0-02 EventBridge rules: no rule sends its events back to its own event bus, directly or
// through other buses (the catalog: "rules do not target themselves in a loop", Targets "<=1
// (acyclic)", "self-referencing repeats" fail). Read per audited region: every event bus
// (ListEventBuses, every page: EXTRA_PAGINATORS gives it the paginator botocore lacks), the rules
// of each bus (ListRules with EventBusName) and the targets of each enabled rule (ListTargetsByRule
// with EventBusName). Judgement, one evaluation per enabled rule (resource_id: the rule name on the
// default bus,
// "<bus>/<rule>" on the others, as in rule ARNs):
//  - A target whose Arn is the rule's own event bus is no delivery target: it re-publishes the
//    event where the same rule matches it again (a self-referencing repeat).
//  - A target that is another event bus (arn:...:event-bus/...) forwards the event there; when the
//    enabled rules of that bus (and of the buses they forward to, across the audited regions) lead
//    back to the rule's bus, the event goes round a loop. Event patterns are not compared: the
//    route back is reported with its path in extra.loops.
//  - Observed: the number of targets that lead back to the rule's own bus; expected 0. Targets
//    that are no event bus (Lambda, SQS, SNS, ...) deliver and cannot loop, however many there
//    are (extra.deliveryTargets counts them).
//  - When the route from a bus target passes a bus whose rules or targets could not be read (or a
//    region whose bus list failed), no loop found is not proof: ERROR naming the failed read.
//    Buses of other accounts or of regions outside the audit are noted, not followed.
//  - Disabled rules (State DISABLED) are not judged and make no route: EventBridge matches no
//    event against them. They are listed in evidence.disabledRules with a note. Rules in state
//    ENABLED or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS are enabled.
// No enabled rule in the audited regions -> SKIPPED.
#include <boost/json.hpp>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Targets leading back to the rule's own event bus";

struct Bus {
    std::string name;
    std::string arn;
    std::string region;
};

struct Rule {
    std::size_t bus = 0;  // index in the bus list
    std::string name;
    std::string state;
    std::string id;  // resource_id
    bool enabled = false;
    json::array targets;
    std::optional<Evaluation> error;  // ListTargetsByRule failed
};

bool is_bus_arn(std::string_view arn) {
    return arn.find(":event-bus/") != std::string_view::npos;
}

// The n-th ':'-separated field of an ARN (3: region, 4: account).
std::string arn_field(std::string_view arn, int n) {
    for (int i = 0; i < n; ++i) {
        const auto c = arn.find(':');
        if (c == std::string_view::npos) return {};
        arn.remove_prefix(c + 1);
    }
    return std::string(arn.substr(0, arn.find(':')));
}

struct Graph {
    // bus ARN -> the bus ARNs its enabled rules target
    std::map<std::string, std::vector<std::string>> edges;
    std::map<std::string, const Evaluation*> incomplete;  // bus ARN -> the read that failed
    std::map<std::string, const Evaluation*> failed_regions;
    std::set<std::string> known;
    std::string account;
};

struct Route {
    std::optional<json::array> loop;  // bus path back to the origin
    const Evaluation* unknown = nullptr;
    json::array outside;
};

// Breadth-first from `start` looking for `origin`.
Route follow(const Graph& g, const std::string& start, const std::string& origin) {
    Route out;
    std::map<std::string, std::string> parent;
    std::deque<std::string> todo{start};
    parent[start] = "";
    while (!todo.empty()) {
        const std::string at = todo.front();
        todo.pop_front();
        if (at == origin) {
            json::array path;
            for (std::string p = at; !p.empty(); p = parent[p])
                path.insert(path.begin(), json::string(p));
            path.insert(path.begin(), json::string(origin));
            out.loop = std::move(path);
            return out;
        }
        if (!g.known.count(at)) {
            const auto region = g.failed_regions.find(arn_field(at, 3));
            if (region != g.failed_regions.end() && arn_field(at, 4) == g.account) {
                if (out.unknown == nullptr) out.unknown = region->second;
            } else {
                out.outside.emplace_back(at);
            }
            continue;
        }
        if (const auto inc = g.incomplete.find(at); inc != g.incomplete.end())
            if (out.unknown == nullptr) out.unknown = inc->second;
        const auto e = g.edges.find(at);
        if (e == g.edges.end()) continue;
        for (const auto& next : e->second) {
            if (parent.count(next)) continue;
            parent[next] = at;
            todo.push_back(next);
        }
    }
    return out;
}

}  // namespace

const Check& check_15_0_02_eventbridge_targets() {
    static const net::FnCheck check(
        {"15.0-02",
         "EventBridge Rules",
         "EventBridge",
         "low",
         {"events:ListEventBuses", "events:ListRules", "events:ListTargetsByRule"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::Evals evals;
            std::vector<Bus> buses;
            Graph g;
            g.account = scope.account.empty() ? facts.account() : scope.account;
            std::vector<Evaluation> region_errors;
            region_errors.reserve(scope.regions.size());
            std::vector<std::pair<std::string, std::size_t>> failed;  // region, index
            for (const auto& region : scope.regions) {
                net::Evals errs;
                auto list =
                    net::list_items(facts, scope, region, "EventBridge", "events", "ListEventBuses",
                                    {}, "EventBuses", "Event bus list", errs);
                if (!list) {
                    for (auto& e : errs) {
                        failed.emplace_back(region, region_errors.size());
                        region_errors.push_back(std::move(e));
                    }
                    continue;
                }
                for (const auto& b : *list) {
                    Bus bus{string_at(b, "Name"), string_at(b, "Arn"), region};
                    if (bus.name.empty()) continue;
                    if (bus.arn.empty()) bus.arn = bus.name;
                    g.known.insert(bus.arn);
                    buses.push_back(std::move(bus));
                }
            }
            for (const auto& [region, i] : failed)
                g.failed_regions[region] = &region_errors[i];

            // Rules of every bus, then the targets of every enabled rule.
            std::vector<std::optional<json::array>> listed(buses.size());
            std::vector<std::optional<Evaluation>> list_errors(buses.size());
            parallel_for(buses.size(), scope.fanout, [&](std::size_t i) {
                const auto& b = buses[i];
                auto doc = facts.aws_all_pages("events", "ListRules", {{"EventBusName", b.name}},
                                               b.region);
                if (!doc) {
                    list_errors[i] = error_evaluation("EventBridge", b.name + "/*", "Rule list",
                                                      doc.error(), b.region, scope.account);
                    return;
                }
                const auto* rules = at_path(*doc, "Rules");
                listed[i] =
                    rules != nullptr && rules->is_array() ? rules->get_array() : json::array{};
            });
            std::vector<Rule> rules;
            json::array disabled;
            for (std::size_t i = 0; i < buses.size(); ++i) {
                if (list_errors[i]) {
                    g.incomplete[buses[i].arn] = &*list_errors[i];
                    continue;
                }
                for (const auto& r : *listed[i]) {
                    Rule rule;
                    rule.bus = i;
                    rule.name = string_at(r, "Name");
                    if (rule.name.empty()) continue;
                    rule.state = string_at(r, "State");
                    rule.id =
                        buses[i].name == "default" ? rule.name : buses[i].name + "/" + rule.name;
                    rule.enabled = rule.state != "DISABLED";
                    if (!rule.enabled) {
                        disabled.push_back(json::object{
                            {"rule", rule.id}, {"region", buses[i].region}, {"State", rule.state}});
                        continue;
                    }
                    rules.push_back(std::move(rule));
                }
            }
            parallel_for(rules.size(), scope.fanout, [&](std::size_t i) {
                auto& r = rules[i];
                const auto& b = buses[r.bus];
                auto doc =
                    facts.aws_all_pages("events", "ListTargetsByRule",
                                        {{"Rule", r.name}, {"EventBusName", b.name}}, b.region);
                if (!doc) {
                    r.error = error_evaluation("EventBridge", r.id, "Rule targets", doc.error(),
                                               b.region, scope.account);
                    return;
                }
                const auto* t = at_path(*doc, "Targets");
                if (t != nullptr && t->is_array()) r.targets = t->get_array();
            });
            for (const auto& r : rules) {
                const auto& bus_arn = buses[r.bus].arn;
                if (r.error) {
                    g.incomplete.emplace(bus_arn, &*r.error);
                    continue;
                }
                auto& out = g.edges[bus_arn];
                for (const auto& t : r.targets) {
                    const std::string arn = string_at(t, "Arn");
                    if (is_bus_arn(arn)) out.push_back(arn);
                }
            }

            for (auto& e : region_errors)
                evals.push_back(e);
            for (auto& e : list_errors)
                if (e) evals.push_back(*e);
            for (auto& r : rules) {
                const auto& bus = buses[r.bus];
                if (r.error) {
                    evals.push_back(*r.error);
                    continue;
                }
                std::int64_t looping = 0;
                bool through_buses = false;
                std::string path = "Targets[].Arn";
                json::array loops, outside;
                const Evaluation* unknown = nullptr;
                for (std::size_t j = 0; j < r.targets.size(); ++j) {
                    const std::string arn = string_at(r.targets[j], "Arn");
                    const std::string target_id = string_at(r.targets[j], "Id");
                    if (!is_bus_arn(arn)) continue;
                    if (arn == bus.arn) {
                        if (looping++ == 0) path = indexed("Targets", j, ".Arn");
                        loops.push_back(json::object{{"targetId", target_id},
                                                     {"arn", arn},
                                                     {"note", "the rule's own event bus"}});
                        continue;
                    }
                    auto route = follow(g, arn, bus.arn);
                    if (route.loop) {
                        through_buses = true;
                        if (looping++ == 0) path = indexed("Targets", j, ".Arn");
                        loops.push_back(json::object{{"targetId", target_id},
                                                     {"arn", arn},
                                                     {"busPath", std::move(*route.loop)}});
                        continue;
                    }
                    if (unknown == nullptr) unknown = route.unknown;
                    for (auto& o : route.outside)
                        outside.push_back(std::move(o));
                }
                // Every target that does not lead back delivers (a relay to another bus too).
                const std::size_t delivery = r.targets.size() - static_cast<std::size_t>(looping);
                if (looping == 0 && unknown != nullptr) {
                    Evaluation e = *unknown;
                    e.extra["note"] =
                        "a bus target leads to rules that could not be read: a route back to "
                        "the rule's bus cannot be excluded";
                    e.extra["readResource"] = e.resource_id;
                    e.resource_id = r.id;
                    e.region = bus.region;
                    evals.push_back(std::move(e));
                    continue;
                }
                json::object extra{{"eventBus", bus.arn},
                                   {"State", r.state},
                                   {"targetCount", r.targets.size()},
                                   {"deliveryTargets", delivery}};
                if (delivery == 0 && looping > 0)
                    extra["note"] =
                        "no delivery target: every target sends the event back to the rule's own "
                        "bus";
                if (through_buses)
                    extra["routeNote"] =
                        "event patterns are not compared: the route back is how the rules are "
                        "wired";
                if (!loops.empty()) extra["loops"] = std::move(loops);
                if (!outside.empty()) extra["busesOutsideAudit"] = std::move(outside);
                evals.push_back(evaluate({"EventBridge", r.id, path, kField, engine::Comparator::eq,
                                          0, looping, engine::Source::aws_sdk, bus.region,
                                          scope.account, std::move(extra)}));
            }
            std::vector<std::string> notes;
            if (!disabled.empty())
                notes.push_back(std::to_string(disabled.size()) +
                                " disabled rule(s) not judged: EventBridge matches no event "
                                "against them (evidence.disabledRules)");
            auto result = net::result(info, std::move(evals), "totalRules", "acyclic",
                                      "no enabled EventBridge rules in the audited regions",
                                      std::move(notes));
            result.evidence["eventBuses"] = buses.size();
            result.evidence["disabledRules"] = std::move(disabled);
            return result;
        });
    return check;
}

}  // namespace dspm::checks
