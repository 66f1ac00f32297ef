#include "checks/groups.hpp"

namespace dspm::checks {

std::vector<const Check*> data_ml_checks() {
    return {};
}

}  // namespace dspm::checks
