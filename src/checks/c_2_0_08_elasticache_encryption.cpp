// 2.0-08 ElastiCache: per region, every replication group has AtRestEncryptionEnabled and
// TransitEncryptionEnabled true (two evaluations per group).
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_2_0_08_elasticache_encryption() {
    static const net::FnCheck check(
        {"2.0-08", "ElastiCache", "ElastiCache", "high", {"elasticache:DescribeReplicationGroups"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::ItemRule rule{
                "ElastiCache",
                "elasticache",
                "DescribeReplicationGroups",
                {},
                "ReplicationGroups",
                "ReplicationGroupId",
                "Replication group list",
                {{"AtRestEncryptionEnabled", "Encryption at rest", engine::Comparator::eq, true},
                 {"TransitEncryptionEnabled", "Encryption in transit", engine::Comparator::eq,
                  true}},
                {"Engine", "KmsKeyId", "TransitEncryptionMode"},
                "encryptionChecks",
                "enabled",
                "no ElastiCache replication groups in the audited regions"};
            return net::run_item_rule(info, rule, facts, scope);
        });
    return check;
}

}  // namespace dspm::checks
