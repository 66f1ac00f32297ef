// 6.0-01 SageMaker endpoints: per region, every endpoint of ListEndpoints is InService.
// Judgement: the status is already in the list answer (EndpointSummary.EndpointStatus), so no
// DescribeEndpoint is made and only sagemaker:ListEndpoints is asked for. Transitional states
// (Creating, Updating, SystemUpdating, RollingBack, Deleting) are judged as they are seen: an
// endpoint that is not serving at audit time is a finding, with the status as evidence.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

const Check& check_6_0_01_sagemaker_endpoints() {
    static const net::FnCheck check(
        {"6.0-01", "SageMaker Endpoints", "SageMaker", "low", {"sagemaker:ListEndpoints"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::ItemRule rule{"SageMaker",
                               "sagemaker",
                               "ListEndpoints",
                               {},
                               "Endpoints",
                               "EndpointName",
                               "Endpoint list",
                               {{"EndpointStatus", "Endpoint status", engine::Comparator::eq,
                                 "InService", "no EndpointStatus in the answer"}},
                               {"EndpointArn"},
                               "totalEndpoints",
                               "inService",
                               "no SageMaker endpoints in the audited regions"};
            return net::run_item_rule(info, rule, facts, scope);
        });
    return check;
}

}  // namespace dspm::checks
