#include "checks/groups.hpp"

namespace dspm::checks {

std::vector<const Check*> detection_checks() {
    return {};
}

}  // namespace dspm::checks
