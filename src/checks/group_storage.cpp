// The storage group: S3 data protection, retention, backup and recovery checks.
#include "checks/groups.hpp"

namespace dspm::checks {

const Check& check_4_0_01_s3_lifecycle();
const Check& check_4_0_02_s3_object_lock();
const Check& check_3_0_10_log_bucket_versioning();
const Check& check_8_0_02_s3_public_access_block();
const Check& check_11_0_03_s3_event_lambda();
const Check& check_9_0_04_s3_replication();
const Check& check_12_0_04_s3_policy_org();
const Check& check_14_0_02_s3_access_logging();
const Check& check_4_0_03_dynamodb_ttl();
const Check& check_9_0_01_dynamodb_pitr();
const Check& check_4_0_05_macie_classification_jobs();
const Check& check_4_0_06_rds_backup_retention();
const Check& check_9_0_02_rds_multi_az();
const Check& check_4_0_04_backup_vault_lock();
const Check& check_9_0_03_backup_copy_jobs();
const Check& check_4_0_07_ebs_snapshot_lifecycle();
const Check& check_9_0_07_ebs_backup();
const Check& check_9_0_05_glacier_vault_lock();
const Check& check_9_0_06_efs_backup_policy();

std::vector<const Check*> storage_checks() {
    return {
        &check_4_0_01_s3_lifecycle(),
        &check_4_0_02_s3_object_lock(),
        &check_3_0_10_log_bucket_versioning(),
        &check_8_0_02_s3_public_access_block(),
        &check_11_0_03_s3_event_lambda(),
        &check_9_0_04_s3_replication(),
        &check_12_0_04_s3_policy_org(),
        &check_14_0_02_s3_access_logging(),
        &check_4_0_03_dynamodb_ttl(),
        &check_9_0_01_dynamodb_pitr(),
        &check_4_0_05_macie_classification_jobs(),
        &check_4_0_06_rds_backup_retention(),
        &check_9_0_02_rds_multi_az(),
        &check_4_0_04_backup_vault_lock(),
        &check_9_0_03_backup_copy_jobs(),
        &check_4_0_07_ebs_snapshot_lifecycle(),
        &check_9_0_07_ebs_backup(),
        &check_9_0_05_glacier_vault_lock(),
        &check_9_0_06_efs_backup_policy(),
    };
}

}  // namespace dspm::checks
