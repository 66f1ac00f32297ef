// 15.0-03 Step Functions: no standard state machine (ListStateMachines, ListExecutions with
// statusFilter RUNNING per machine, per region) has more than 100 executions running at once.
// Judgement: the catalog says "RUNNING <= N" without N. 100 concurrent runs of one workflow is far
// above what a data-processing pipeline needs and well below the account quotas, so it flags
// runaway triggers (a loop re-starting the machine) without flagging normal batch fan-out.
// EXPRESS machines keep no execution history for ListExecutions (it rejects them): noted, not
// judged. No standard state machines -> SKIPPED.
#include <boost/json.hpp>
#include <mutex>
#include <string>
#include <vector>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {
constexpr std::int64_t kMaxRunning = 100;
}

const Check& check_15_0_03_stepfunctions_running() {
    static const net::FnCheck check(
        {"15.0-03",
         "Step Functions",
         "Step Functions",
         "low",
         {"states:ListStateMachines", "states:ListExecutions"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            constexpr const char* kField = "Running executions";
            net::Evals evals;
            std::vector<std::string> notes;
            for (const auto& region : scope.regions) {
                auto machines = net::list_items(facts, scope, region, "Step Functions",
                                                "stepfunctions", "ListStateMachines", {},
                                                "stateMachines", "State machine list", evals);
                if (!machines) continue;
                std::vector<std::string> arns;
                for (const auto& m : *machines) {
                    const std::string arn = string_at(m, "stateMachineArn");
                    if (arn.empty()) continue;
                    if (string_at(m, "type") == "EXPRESS") {
                        notes.push_back(arn + ": EXPRESS machine, executions not listed");
                        continue;
                    }
                    arns.push_back(arn);
                }
                auto judged =
                    net::per_resource(arns.size(), scope.fanout, [&](std::size_t i) -> net::Evals {
                        auto doc = facts.aws_all_pages(
                            "stepfunctions", "ListExecutions",
                            {{"stateMachineArn", arns[i]}, {"statusFilter", "RUNNING"}}, region);
                        if (!doc)
                            return {error_evaluation("Step Functions", arns[i], kField, doc.error(),
                                                     region, scope.account)};
                        std::size_t running = 0;
                        if (const auto* e = at_path(*doc, "executions"); e && e->is_array())
                            for (const auto& x : e->get_array())
                                running += string_at(x, "status").empty() ||
                                           string_at(x, "status") == "RUNNING";
                        return {
                            evaluate({"Step Functions", arns[i], "executions[?status=='RUNNING']",
                                      kField, engine::Comparator::le, kMaxRunning, running,
                                      engine::Source::aws_sdk, region, scope.account})};
                    });
                for (auto& e : judged)
                    evals.push_back(std::move(e));
            }
            auto r = net::result(info, std::move(evals), "totalStateMachines", "withinLimit",
                                 "no standard Step Functions state machines in the audited regions",
                                 std::move(notes));
            r.evidence["maxRunning"] = kMaxRunning;
            return r;
        });
    return check;
}

}  // namespace dspm::checks
