#include "checks/groups.hpp"

namespace dspm::checks {

std::vector<const Check*> platform_checks() {
    return {};
}

}  // namespace dspm::checks
