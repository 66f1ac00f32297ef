// 13.0-01 EKS OIDC (IRSA): per region, every cluster has cluster.identity.oidc.issuer present,
// so that service accounts can take IAM roles instead of sharing the node role.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_13_0_01_eks_oidc() {
    static const net::FnCheck check(
        {"13.0-01", "EKS(IRSA)", "EKS", "medium", {"eks:ListClusters", "eks:DescribeCluster"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            const std::vector<net::Field> fields{
                {"identity.oidc.issuer", "OIDC issuer", engine::Comparator::exists, nullptr,
                 "no OIDC issuer: IAM roles for service accounts unavailable"}};
            auto evals = net::eks_clusters(
                facts, scope, "OIDC issuer",
                [&](const std::string& id, const json::value& cluster, const std::string& region) {
                    return net::judge_fields("EKS", id, cluster, "cluster", fields, region, scope);
                });
            return net::result(info, std::move(evals), "totalClusters", "oidcIssuer",
                               "no EKS clusters in the audited regions");
        });
    return check;
}

}  // namespace dspm::checks
