// The detection group: logging (CloudTrail, Config, CloudWatch Logs, flow logs, DNS query logs),
// monitoring (Security Hub, GuardDuty, alarms, Detective, Synthetics, Inspector), IAM hygiene and
// organization structure.
#include "checks/groups.hpp"

namespace dspm::checks {

const Check& check_1_0_03_iam_users();
const Check& check_1_0_04_password_policy();
const Check& check_1_0_05_access_analyzer();
const Check& check_3_0_01_cloudtrail_trail();
const Check& check_3_0_02_cloudtrail_data_events();
const Check& check_3_0_03_config_recorder();
const Check& check_3_0_04_log_retention();
const Check& check_3_0_05_vpc_flow_logs();
const Check& check_3_0_09_resolver_query_logs();
const Check& check_3_0_11_cloudtrail_lake_insights();
const Check& check_6_0_04_inspector_coverage();
const Check& check_7_0_01_securityhub_standards();
const Check& check_7_0_02_guardduty();
const Check& check_7_0_03_cloudwatch_alarms();
const Check& check_7_0_04_detective_graph();
const Check& check_6_0_06_signer_profiles();
const Check& check_7_0_05_synthetics_canaries();
const Check& check_8_0_04_shield_advanced();
const Check& check_8_0_05_dns_firewall();
const Check& check_8_0_07_network_firewall();
const Check& check_10_0_03_access_key_age();
const Check& check_10_0_05_root_mfa();
const Check& check_11_0_01_org_units();

std::vector<const Check*> detection_checks() {
    return {&check_1_0_03_iam_users(),
            &check_1_0_04_password_policy(),
            &check_1_0_05_access_analyzer(),
            &check_3_0_01_cloudtrail_trail(),
            &check_3_0_02_cloudtrail_data_events(),
            &check_3_0_03_config_recorder(),
            &check_3_0_04_log_retention(),
            &check_3_0_05_vpc_flow_logs(),
            &check_3_0_09_resolver_query_logs(),
            &check_3_0_11_cloudtrail_lake_insights(),
            &check_6_0_04_inspector_coverage(),
            &check_7_0_01_securityhub_standards(),
            &check_7_0_02_guardduty(),
            &check_7_0_03_cloudwatch_alarms(),
            &check_7_0_04_detective_graph(),
            &check_6_0_06_signer_profiles(),
            &check_7_0_05_synthetics_canaries(),
            &check_8_0_04_shield_advanced(),
            &check_8_0_05_dns_firewall(),
            &check_8_0_07_network_firewall(),
            &check_10_0_03_access_key_age(),
            &check_10_0_05_root_mfa(),
            &check_11_0_01_org_units()};
}

}  // namespace dspm::checks
