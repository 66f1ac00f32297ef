// 2.0-07 EKS secrets encryption: per region, every cluster has cluster.encryptionConfig present
// (envelope encryption of Kubernetes secrets with KMS). Shares reads with 3.0-06 and 13.0-01.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_2_0_07_eks_secrets_encryption() {
    static const net::FnCheck check(
        {"2.0-07", "EKS", "EKS", "high", {"eks:ListClusters", "eks:DescribeCluster"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            const std::vector<net::Field> fields{
                {"encryptionConfig", "Secrets encryption config", engine::Comparator::exists,
                 nullptr, "no encryptionConfig: secrets are not envelope-encrypted"}};
            auto evals = net::eks_clusters(
                facts, scope, "Secrets encryption config",
                [&](const std::string& id, const json::value& cluster, const std::string& region) {
                    return net::judge_fields("EKS", id, cluster, "cluster", fields, region, scope);
                });
            return net::result(info, std::move(evals), "totalClusters", "secretsEncrypted",
                               "no EKS clusters in the audited regions");
        });
    return check;
}

}  // namespace dspm::checks
