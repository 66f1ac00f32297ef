#include "checks/groups.hpp"

namespace dspm::checks {

const Check& check_6_0_01_sagemaker_endpoints();
const Check& check_6_0_02_sagemaker_model_monitor();
const Check& check_6_0_05_sagemaker_model_registry();

std::vector<const Check*> data_ml_checks() {
    return {
        &check_6_0_01_sagemaker_endpoints(),
        &check_6_0_02_sagemaker_model_monitor(),
        &check_6_0_05_sagemaker_model_registry(),
    };
}

}  // namespace dspm::checks
