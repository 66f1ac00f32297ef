// 2.0-14 MSK: per region, every provisioned cluster (ListClustersV2) has its encryption configured:
// in transit ClientBroker == TLS (TLS_PLAINTEXT still accepts plaintext clients) and InCluster
// true, at rest a KMS key (DataVolumeKMSKeyId present); and its clients authenticate (the mapping's
// "client authentication"): no unauthenticated access. A cluster whose ClientAuthentication
// enables none of IAM, SASL/SCRAM or mutual TLS accepts unauthenticated clients (MSK's default
// when the cluster was created without it), as does one with Unauthenticated.Enabled true.
// Serverless clusters are always encrypted and always use IAM: out of scope, listed in the notes.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

bool enabled_at(const json::value& cluster, std::string_view path) {
    const auto* v = at_path(cluster, path);
    return v != nullptr && v->is_bool() && v->get_bool();
}

// One evaluation: does the cluster accept clients that do not authenticate?
engine::Evaluation client_authentication(const std::string& name, const json::value& cluster,
                                         const std::string& base, const std::string& region,
                                         const CheckScope& scope) {
    constexpr std::string_view kAuth = "Provisioned.ClientAuthentication";
    const std::string auth(kAuth);
    json::array methods;
    if (enabled_at(cluster, auth + ".Sasl.Iam.Enabled")) methods.emplace_back("IAM");
    if (enabled_at(cluster, auth + ".Sasl.Scram.Enabled")) methods.emplace_back("SASL/SCRAM");
    if (enabled_at(cluster, auth + ".Tls.Enabled")) methods.emplace_back("mutual TLS");
    const bool unauthenticated = enabled_at(cluster, auth + ".Unauthenticated.Enabled");
    json::object extra{{"ClusterArn", string_at(cluster, "ClusterArn")},
                       {"authenticationMethods", methods}};
    if (at_path(cluster, kAuth) == nullptr)
        extra["note"] = "no ClientAuthentication: the cluster accepts unauthenticated clients";
    else if (methods.empty())
        extra["note"] = "no authentication method enabled: clients connect unauthenticated";
    return evaluate({"MSK", name, base + "." + auth + ".Unauthenticated.Enabled",
                     "Unauthenticated client access allowed", engine::Comparator::eq, false,
                     unauthenticated || methods.empty(), engine::Source::aws_sdk, region,
                     scope.account, std::move(extra)});
}

const std::vector<net::Field>& encryption_fields() {
    static const std::vector<net::Field> fields{
        {"Provisioned.EncryptionInfo.EncryptionInTransit.ClientBroker",
         "Client-broker encryption in transit", engine::Comparator::eq, "TLS"},
        {"Provisioned.EncryptionInfo.EncryptionInTransit.InCluster",
         "In-cluster encryption in transit", engine::Comparator::eq, true},
        {"Provisioned.EncryptionInfo.EncryptionAtRest.DataVolumeKMSKeyId",
         "Encryption at rest KMS key", engine::Comparator::exists, nullptr,
         "no encryption at rest key"}};
    return fields;
}

}  // namespace

const Check& check_2_0_14_msk_encryption() {
    static const net::FnCheck check(
        {"2.0-14", "MSK(Kafka)", "MSK", "high", {"kafka:ListClustersV2"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::Evals evals;
            std::vector<std::string> notes;
            for (const auto& region : scope.regions) {
                auto items = net::list_items(facts, scope, region, "MSK", "kafka", "ListClustersV2",
                                             {}, "ClusterInfoList", "Cluster list", evals);
                if (!items) continue;
                for (std::size_t i = 0; i < items->size(); ++i) {
                    const auto& c = (*items)[i];
                    const std::string name = string_at(c, "ClusterName");
                    if (string_at(c, "ClusterType") == "SERVERLESS") {
                        notes.push_back(name + " (" + region +
                                        "): serverless cluster: always encrypted and "
                                        "IAM-authenticated, nothing to configure");
                        continue;
                    }
                    const std::string base = indexed("ClusterInfoList", i);
                    json::object extra{{"ClusterArn", string_at(c, "ClusterArn")}};
                    for (auto& e : net::judge_fields("MSK", name, c, base, encryption_fields(),
                                                     region, scope, extra))
                        evals.push_back(std::move(e));
                    evals.push_back(client_authentication(name, c, base, region, scope));
                }
            }
            return net::result(info, std::move(evals), "encryptionChecks", "configured",
                               "no MSK clusters in the audited regions", std::move(notes));
        });
    return check;
}

}  // namespace dspm::checks
