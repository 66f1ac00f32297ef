#pragma once
// Checks beyond the seed's nine, registered per group so that each group's file is the only place
// its checks are listed (each group file declares its own check functions).
#include <vector>

#include "checks/check.hpp"

namespace dspm::checks {

// checks/group_detection.cpp: logging, IAM, detection
std::vector<const Check*> detection_checks();
// checks/group_storage.cpp: S3, backup, lifecycle
std::vector<const Check*> storage_checks();
// checks/group_network.cpp: encryption, network
std::vector<const Check*> network_checks();
// checks/group_data_ml.cpp: analytics and machine learning
std::vector<const Check*> data_ml_checks();
// checks/group_platform.cpp: delivery pipelines, integration, sharing
std::vector<const Check*> platform_checks();

}  // namespace dspm::checks
