// 16.0-02 CodePipeline manual approval: every pipeline (ListPipelines, GetPipeline per region) has
// a stage with an action whose actionTypeId.category is Approval.
// Judgement: the catalog names get-pipeline-state's action names ("includes ManualApproval"), but
// an action's name is free text; the pipeline definition's action category is what makes a stage
// wait for a human, so GetPipeline's pipeline.stages[].actions[].actionTypeId.category is judged.
// No pipelines in the audited regions -> SKIPPED.
#include <boost/json.hpp>
#include <string>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

constexpr const char* kField = "Manual approval action";

net::Evals judge_pipeline(const std::string& name, const json::value& doc,
                          const std::string& region, const CheckScope& scope) {
    json::array categories;
    json::array approvals;
    if (const auto* stages = at_path(doc, "pipeline.stages"); stages && stages->is_array()) {
        for (const auto& stage : stages->get_array()) {
            const auto* actions = at_path(stage, "actions");
            if (actions == nullptr || !actions->is_array()) continue;
            for (const auto& action : actions->get_array()) {
                const std::string category = string_at(action, "actionTypeId.category");
                if (category.empty()) continue;
                if (std::find(categories.begin(), categories.end(), json::value(category)) ==
                    categories.end())
                    categories.emplace_back(category);
                if (category == "Approval")
                    approvals.emplace_back(string_at(stage, "name") + "/" +
                                           string_at(action, "name"));
            }
        }
    }
    json::object extra;
    if (!approvals.empty())
        extra["approvalActions"] = std::move(approvals);
    else
        extra["note"] = "no stage holds an Approval action";
    net::Evals out;
    out.push_back(
        evaluate({"CodePipeline", name, "pipeline.stages[].actions[].actionTypeId.category", kField,
                  engine::Comparator::contains, "Approval", std::move(categories),
                  engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
    return out;
}

}  // namespace

const Check& check_16_0_02_codepipeline_approval() {
    static const net::FnCheck check(
        {"16.0-02",
         "CodePipeline",
         "CodePipeline",
         "medium",
         {"codepipeline:ListPipelines", "codepipeline:GetPipeline"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::ListDescribe spec{
                "CodePipeline",  "codepipeline", "ListPipelines", {}, "pipelines", "name",
                "Pipeline list", "GetPipeline",  "name",          {}, kField};
            auto evals = net::list_describe(
                spec, facts, scope,
                [&](const std::string& id, const json::value& doc, const std::string& region) {
                    return judge_pipeline(id, doc, region, scope);
                });
            return net::result(info, std::move(evals), "totalPipelines", "withManualApproval",
                               "no CodePipeline pipelines in the audited regions");
        });
    return check;
}

}  // namespace dspm::checks
