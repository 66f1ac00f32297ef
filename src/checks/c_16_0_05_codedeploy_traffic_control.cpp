// 16.0-05 CodeDeploy traffic control: every deployment group (ListApplications,
// ListDeploymentGroups, GetDeploymentGroup per region) has deploymentStyle.deploymentOption
// WITH_TRAFFIC_CONTROL, i.e. a load balancer drains instances so a bad release can be stopped and
// rolled back without serving it to everyone.
// Judgement: a group without deploymentStyle runs with CodeDeploy's defaults (IN_PLACE,
// WITHOUT_TRAFFIC_CONTROL): NON_COMPLIANT with observed null and a note. Applications without
// groups deploy nothing and give no evaluation; no deployment group at all -> SKIPPED.
#include <boost/json.hpp>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_16_0_05_codedeploy_traffic_control() {
    static const net::FnCheck check(
        {"16.0-05",
         "CodeDeploy",
         "CodeDeploy",
         "low",
         {"codedeploy:ListApplications", "codedeploy:ListDeploymentGroups",
          "codedeploy:GetDeploymentGroup"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            constexpr const char* kField = "Deployment option";
            net::Evals evals;
            for (const auto& region : scope.regions) {
                auto apps = net::list_items(facts, scope, region, "CodeDeploy", "codedeploy",
                                            "ListApplications", {}, "applications",
                                            "Application list", evals);
                if (!apps) continue;
                const auto app_names = net::ids_of(*apps, "");
                // (application, group) pairs; a failed group list is an ERROR of that app.
                std::vector<std::pair<std::string, std::string>> groups;
                for (const auto& app : app_names) {
                    auto list = net::list_items(facts, scope, region, "CodeDeploy", "codedeploy",
                                                "ListDeploymentGroups", {{"applicationName", app}},
                                                "deploymentGroups", "Deployment group list", evals);
                    if (!list) {
                        evals.back().resource_id = app;
                        continue;
                    }
                    for (auto& g : net::ids_of(*list, ""))
                        groups.emplace_back(app, std::move(g));
                }
                auto judged = net::per_resource(
                    groups.size(), scope.fanout, [&](std::size_t i) -> net::Evals {
                        const auto& [app, group] = groups[i];
                        const std::string id = app + "/" + group;
                        auto doc = facts.aws(
                            "codedeploy", "GetDeploymentGroup",
                            {{"applicationName", app}, {"deploymentGroupName", group}}, region);
                        if (!doc)
                            return {error_evaluation("CodeDeploy", id, kField, doc.error(), region,
                                                     scope.account)};
                        const auto* opt =
                            at_path(*doc, "deploymentGroupInfo.deploymentStyle.deploymentOption");
                        json::object extra;
                        if (const auto* t =
                                at_path(*doc, "deploymentGroupInfo.deploymentStyle.deploymentType"))
                            extra["deploymentType"] = *t;
                        if (opt == nullptr)
                            extra["note"] =
                                "no deploymentStyle: CodeDeploy's default "
                                "WITHOUT_TRAFFIC_CONTROL applies";
                        return {evaluate({"CodeDeploy", id,
                                          "deploymentGroupInfo.deploymentStyle.deploymentOption",
                                          kField, engine::Comparator::eq, "WITH_TRAFFIC_CONTROL",
                                          opt != nullptr ? *opt : json::value(nullptr),
                                          engine::Source::aws_sdk, region, scope.account,
                                          std::move(extra)})};
                    });
                for (auto& e : judged)
                    evals.push_back(std::move(e));
            }
            return net::result(info, std::move(evals), "totalDeploymentGroups",
                               "withTrafficControl",
                               "no CodeDeploy deployment groups in the audited regions");
        });
    return check;
}

}  // namespace dspm::checks
