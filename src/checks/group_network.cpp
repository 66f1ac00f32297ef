#include "checks/groups.hpp"

namespace dspm::checks {

std::vector<const Check*> network_checks() {
    return {};
}

}  // namespace dspm::checks
