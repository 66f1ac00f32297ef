// 2.0-13 EFS encryption: per region, every file system was created encrypted
// (FileSystems[].Encrypted == true; it cannot be changed in place).
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

const Check& check_2_0_13_efs_encryption() {
    static const net::FnCheck check(
        {"2.0-13", "EFS", "EFS", "high", {"elasticfilesystem:DescribeFileSystems"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::ItemRule rule{"EFS",
                               "efs",
                               "DescribeFileSystems",
                               {},
                               "FileSystems",
                               "FileSystemId",
                               "File system list",
                               {{"Encrypted", "Encrypted at rest", engine::Comparator::eq, true}},
                               {"Name", "KmsKeyId"},
                               "totalFileSystems",
                               "encrypted",
                               "no EFS file systems in the audited regions"};
            return net::run_item_rule(info, rule, facts, scope);
        });
    return check;
}

}  // namespace dspm::checks
