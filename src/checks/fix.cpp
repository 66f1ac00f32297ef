#include "checks/fix.hpp"

namespace dspm::checks {

std::string fix_region(const engine::Evaluation& e, const aws::AwsClient& aws) {
    if (e.region.empty() || e.region == "global" || e.region == "*") return aws.default_region();
    return e.region;
}

}  // namespace dspm::checks
