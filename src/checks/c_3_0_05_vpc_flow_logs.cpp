// 3.0-05 VPC flow logs: every VPC of every audited region is the ResourceId of at least one flow
// log (DescribeFlowLogs). A VPC without one is NON_COMPLIANT; flow logs in status other than ACTIVE
// do not count.
#include <boost/json.hpp>
#include <map>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Flow log";

class VpcFlowLogs final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"3.0-05",
                                 "VPC Flow Logs",
                                 "EC2",
                                 "medium",
                                 {"ec2:DescribeVpcs", "ec2:DescribeFlowLogs"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        for (const auto& region : scope.regions) {
            auto vpcs = facts.aws_all_pages("ec2", "DescribeVpcs", {}, region);
            if (!vpcs) {
                evals.push_back(
                    error_evaluation("EC2", "*", "VPC list", vpcs.error(), region, scope.account));
                continue;
            }
            const auto& list = detection::array_at(*vpcs, "Vpcs");
            if (list.empty()) continue;
            auto logs = facts.aws_all_pages("ec2", "DescribeFlowLogs", {}, region);
            if (!logs) {
                evals.push_back(
                    error_evaluation("EC2", "*", kField, logs.error(), region, scope.account));
                continue;
            }
            std::map<std::string, std::string> flow_of;  // VPC id -> first active flow log id
            for (const auto& fl : detection::array_at(*logs, "FlowLogs")) {
                const auto status = string_at(fl, "FlowLogStatus");
                if (!status.empty() && status != "ACTIVE") continue;
                flow_of.try_emplace(string_at(fl, "ResourceId"), string_at(fl, "FlowLogId"));
            }
            for (const auto& vpc : list) {
                const std::string id = string_at(vpc, "VpcId");
                if (id.empty()) continue;
                auto it = flow_of.find(id);
                json::object extra;
                if (const auto* d = at_path(vpc, "IsDefault")) extra["isDefault"] = *d;
                if (it == flow_of.end()) extra["note"] = "no active flow log for this VPC";
                evals.push_back(
                    evaluate({"EC2", id, "FlowLogs[?ResourceId=='" + id + "'].FlowLogId", kField,
                              engine::Comparator::exists, nullptr,
                              it != flow_of.end() ? json::value(it->second) : json::value(nullptr),
                              engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
            }
        }
        auto evidence = status_evidence(evals, "totalVpcs", "withFlowLogs");
        return finish(info(), std::move(evals), std::move(evidence),
                      "no VPCs in the audited regions");
    }
};

}  // namespace

const Check& check_3_0_05_vpc_flow_logs() {
    static const VpcFlowLogs check;
    return check;
}

}  // namespace dspm::checks
