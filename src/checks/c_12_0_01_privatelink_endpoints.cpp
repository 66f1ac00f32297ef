// 12.0-01 PrivateLink: each audited region has at least one available VPC endpoint (interface,
// gateway or gateway-load-balancer) in the account's VPCs (DescribeVpcEndpoints).
// Judgement: the catalog names describe-vpc-endpoint-services, but that call lists the services
// AWS and others *offer* in the region (S3, DynamoDB, ... are always there), so it is never
// absent and proves nothing about this account. An endpoint the account created in its own VPC is
// the evidence that traffic reaches AWS services privately, so DescribeVpcEndpoints is read and
// endpoints in any state other than available (pending, rejected, failed, deleted) do not count.
// Region-level by nature: the feature is one optional way of meeting the control (Applicability::
// one_way), so what can be evidenced is whether it is used in the region; a region without it is
// "not evidenced" (no evaluation, listed in evidence.notEvidenced), never NON_COMPLIANT.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_12_0_01_privatelink_endpoints() {
    static const net::FnCheck check(
        {"12.0-01",
         "PrivateLink",
         "EC2",
         "medium",
         {"ec2:DescribeVpcEndpoints"},
         Reach::regional,
         Applicability::one_way},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            detection::RegionalCount spec{"EC2", "ec2",          "DescribeVpcEndpoints",
                                          {},    "VpcEndpoints", "Available VPC endpoints"};
            spec.counts = [](const json::value& e) {
                const std::string state = string_at(e, "State");
                return state.empty() || state == "available" || state == "Available";
            };
            spec.filter_suffix = "[?State=='available']";
            return detection::regional_count(info, facts, scope, spec);
        });
    return check;
}

}  // namespace dspm::checks
