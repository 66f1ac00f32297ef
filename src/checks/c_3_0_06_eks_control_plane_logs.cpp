// 3.0-06 EKS control plane logs: per region, every cluster has the api and audit log types enabled
// (cluster.logging.clusterLogging[] entries with enabled == true, types united). One evaluation per
// required type, so that a cluster logging api but not audit says exactly what is missing.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_3_0_06_eks_control_plane_logs() {
    static const net::FnCheck check(
        {"3.0-06",
         "EKS Control Plane Logs",
         "EKS",
         "medium",
         {"eks:ListClusters", "eks:DescribeCluster"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            auto evals = net::eks_clusters(
                facts, scope, "Control plane log types",
                [&](const std::string& id, const json::value& cluster, const std::string& region) {
                    json::array enabled;
                    if (const auto* cl = at_path(cluster, "logging.clusterLogging");
                        cl != nullptr && cl->is_array()) {
                        for (const auto& entry : cl->get_array()) {
                            const auto* on = at_path(entry, "enabled");
                            const auto* types = at_path(entry, "types");
                            if (on == nullptr || !on->is_bool() || !on->get_bool() ||
                                types == nullptr || !types->is_array())
                                continue;
                            for (const auto& t : types->get_array())
                                enabled.push_back(t);
                        }
                    }
                    net::Evals out;
                    for (const char* type : {"api", "audit"}) {
                        out.push_back(evaluate(
                            {"EKS", id, "cluster.logging.clusterLogging[?enabled].types",
                             std::string("Control plane log type \"") + type + "\" enabled",
                             engine::Comparator::contains, type, enabled, engine::Source::aws_sdk,
                             region, scope.account}));
                    }
                    return out;
                });
            return net::result(info, std::move(evals), "clusterLogTypeChecks", "enabled",
                               "no EKS clusters in the audited regions");
        });
    return check;
}

}  // namespace dspm::checks
