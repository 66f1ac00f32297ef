#include "checks/groups.hpp"

namespace dspm::checks {

std::vector<const Check*> storage_checks() {
    return {};
}

}  // namespace dspm::checks
