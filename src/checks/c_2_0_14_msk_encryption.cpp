// 2.0-14 MSK: per region, every provisioned cluster (ListClustersV2) has its encryption configured:
// in transit ClientBroker == TLS (TLS_PLAINTEXT still accepts plaintext clients) and InCluster
// true, at rest a KMS key (DataVolumeKMSKeyId present). Serverless clusters are always encrypted
// with no setting to judge: out of scope, listed in the notes.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_2_0_14_msk_encryption() {
    static const net::FnCheck check(
        {"2.0-14", "MSK(Kafka)", "MSK", "high", {"kafka:ListClustersV2"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::ItemRule rule{
                "MSK",
                "kafka",
                "ListClustersV2",
                {},
                "ClusterInfoList",
                "ClusterName",
                "Cluster list",
                {{"Provisioned.EncryptionInfo.EncryptionInTransit.ClientBroker",
                  "Client-broker encryption in transit", engine::Comparator::eq, "TLS"},
                 {"Provisioned.EncryptionInfo.EncryptionInTransit.InCluster",
                  "In-cluster encryption in transit", engine::Comparator::eq, true},
                 {"Provisioned.EncryptionInfo.EncryptionAtRest.DataVolumeKMSKeyId",
                  "Encryption at rest KMS key", engine::Comparator::exists, nullptr,
                  "no encryption at rest key"}},
                {"ClusterArn"},
                "encryptionChecks",
                "configured",
                "no MSK clusters in the audited regions"};
            rule.out_of_scope = [](const json::value& c) -> std::optional<std::string> {
                if (string_at(c, "ClusterType") == "SERVERLESS")
                    return "serverless cluster: always encrypted, nothing to configure";
                return std::nullopt;
            };
            return net::run_item_rule(info, rule, facts, scope);
        });
    return check;
}

}  // namespace dspm::checks
