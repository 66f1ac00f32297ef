// 2.0-05 OpenSearch encryption at rest: per region, every domain (ListDomainNames, DescribeDomain)
// has DomainStatus.EncryptionAtRestOptions.Enabled == true. Shares its reads with 2.0-06.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_2_0_05_opensearch_at_rest() {
    static const net::FnCheck check(
        {"2.0-05", "OpenSearch", "OpenSearch", "high", {"es:ListDomainNames", "es:DescribeDomain"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            const std::vector<net::Field> fields{{"EncryptionAtRestOptions.Enabled",
                                                  "Encryption at rest", engine::Comparator::eq,
                                                  true}};
            auto evals = net::opensearch_domains(
                facts, scope, "Encryption at rest",
                [&](const std::string& id, const json::value& status, const std::string& region) {
                    json::object extra;
                    if (const auto* k = at_path(status, "EncryptionAtRestOptions.KmsKeyId"))
                        extra["KmsKeyId"] = *k;
                    return net::judge_fields("OpenSearch", id, status, "DomainStatus", fields,
                                             region, scope, extra);
                });
            return net::result(info, std::move(evals), "totalDomains", "encryptedAtRest",
                               "no OpenSearch domains in the audited regions");
        });
    return check;
}

}  // namespace dspm::checks
