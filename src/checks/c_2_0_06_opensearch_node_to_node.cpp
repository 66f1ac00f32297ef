// 2.0-06 OpenSearch node-to-node encryption: per region, every domain has
// DomainStatus.NodeToNodeEncryptionOptions.Enabled == true. Shares its reads with 2.0-05.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_2_0_06_opensearch_node_to_node() {
    static const net::FnCheck check(
        {"2.0-06",
         "OpenSearch",
         "OpenSearch",
         "medium",
         {"es:ListDomainNames", "es:DescribeDomain"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            const std::vector<net::Field> fields{{"NodeToNodeEncryptionOptions.Enabled",
                                                  "Node-to-node encryption", engine::Comparator::eq,
                                                  true}};
            auto evals = net::opensearch_domains(
                facts, scope, "Node-to-node encryption",
                [&](const std::string& id, const json::value& status, const std::string& region) {
                    return net::judge_fields("OpenSearch", id, status, "DomainStatus", fields,
                                             region, scope);
                });
            return net::result(info, std::move(evals), "totalDomains", "nodeToNodeEncrypted",
                               "no OpenSearch domains in the audited regions");
        });
    return check;
}

}  // namespace dspm::checks
