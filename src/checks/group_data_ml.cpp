#include "checks/groups.hpp"

namespace dspm::checks {

const Check& check_6_0_01_sagemaker_endpoints();
const Check& check_6_0_02_sagemaker_model_monitor();
const Check& check_6_0_05_sagemaker_model_registry();
const Check& check_5_0_03_sagemaker_experiments();
const Check& check_5_0_04_sagemaker_feature_store();
const Check& check_14_0_01_ground_truth_jobs();
const Check& check_15_0_01_sagemaker_pipelines();
const Check& check_5_0_01_databrew_projects();
const Check& check_5_0_02_glue_data_quality();
const Check& check_5_0_05_lakeformation_lf_tags();
const Check& check_13_0_02_lakeformation_permissions();
const Check& check_5_0_06_glue_catalog_schema();

std::vector<const Check*> data_ml_checks() {
    return {
        &check_6_0_01_sagemaker_endpoints(),        &check_6_0_02_sagemaker_model_monitor(),
        &check_6_0_05_sagemaker_model_registry(),   &check_5_0_03_sagemaker_experiments(),
        &check_5_0_04_sagemaker_feature_store(),    &check_14_0_01_ground_truth_jobs(),
        &check_15_0_01_sagemaker_pipelines(),       &check_5_0_01_databrew_projects(),
        &check_5_0_02_glue_data_quality(),          &check_5_0_05_lakeformation_lf_tags(),
        &check_13_0_02_lakeformation_permissions(), &check_5_0_06_glue_catalog_schema(),
    };
}

}  // namespace dspm::checks
