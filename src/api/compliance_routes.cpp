// Placeholder until the owning issue lands.
#include "api/routes.hpp"

namespace dspm::api {
void add_compliance_routes(Router&, ApiContext&) {}
}  // namespace dspm::api
