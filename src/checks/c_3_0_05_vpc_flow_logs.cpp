// 3.0-05 VPC flow logs: every VPC of every audited region is the ResourceId of at least one flow
// log (DescribeFlowLogs). A VPC without one is NON_COMPLIANT; flow logs in status other than ACTIVE
// do not count.
#include <boost/json.hpp>
#include <map>

#include "checks/detection_helpers.hpp"
#include "checks/fix.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Flow log";

// The tag on the flow log a fix creates: the undo deletes that flow log and no other.
constexpr const char* kFixTag = "dspm-audit:fix";
// The undo's flow log id before prepare() finds it: the flow log does not exist yet when undo()
// runs (right before the write). Not a valid id (fl- and hex digits): a call made without that
// step is refused by EC2 and deletes nothing.
constexpr const char* kCreatedFlowLog = "fl-created-by-this-fix";

// The fix creates a flow log of all traffic of the VPC into the S3 bucket the operator names
// (log_bucket, optional log_prefix): S3 needs no IAM role for delivery (a CloudWatch Logs group
// does, and which group and role is the operator's choice), and where network logs go is not ours
// to choose. Undo deletes the flow log this fix created, found by its tag.
class FlowLogsFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        (void)failing;
        return unexpected(std::string(
            "needs the bucket the flow logs go to: --param log_bucket=NAME (optional "
            "log_prefix); its bucket policy must let delivery.logs.amazonaws.com put objects "
            "(EC2 adds that statement when the caller may change the policy). A CloudWatch Logs "
            "destination needs a log group and a delivery role: create-flow-logs by hand"));
    }
    Expected<FixPlan, std::string> plan_with(const Evaluation& failing,
                                             const FixParams& params) const override {
        const auto bucket = params.find("log_bucket");
        if (bucket == params.end()) return plan(failing);
        if (auto problem = bucket_name_problem(bucket->second); !problem.empty())
            return unexpected("log_bucket: " + problem);
        std::string destination = "arn:aws:s3:::" + bucket->second;
        if (const auto prefix = params.find("log_prefix"); prefix != params.end()) {
            // AWS refuses a prefix with "AWSLogs" or starting with "/"; the trailing "/" makes it
            // a folder.
            if (prefix->second.empty() || prefix->second.front() == '/' ||
                prefix->second.find("AWSLogs") != std::string::npos)
                return unexpected(std::string(
                    "log_prefix: not empty, not starting with '/', without \"AWSLogs\""));
            destination += "/" + prefix->second;
            if (destination.back() != '/') destination += '/';
        }
        FixPlan p;
        p.calls.push_back(
            {"ec2",
             "CreateFlowLogs",
             {{"ResourceIds", json::array{failing.resource_id}},
              {"ResourceType", "VPC"},
              {"TrafficType", "ALL"},
              {"LogDestinationType", "s3"},
              {"LogDestination", destination},
              {"TagSpecifications",
               json::array{json::object{
                   {"ResourceType", "vpc-flow-log"},
                   {"Tags", json::array{json::object{{"Key", kFixTag}, {"Value", "3.0-05"}}}}}}}}});
        // S3 delivery is set up through CloudWatch Logs' log delivery (AWS: "IAM permissions for
        // IAM principals that publish flow logs to Amazon S3"); the undo finds and deletes.
        p.iam_actions = {"ec2:CreateFlowLogs",   "ec2:CreateTags",     "logs:CreateLogDelivery",
                         "ec2:DescribeFlowLogs", "ec2:DeleteFlowLogs", "logs:DeleteLogDelivery",
                         "s3:GetBucketPolicy",   "s3:PutBucketPolicy"};
        p.risk = "flow log records of all the VPC's traffic accrue in " + bucket->second +
                 " (ingestion and storage cost by volume); traffic is unchanged";
        p.expected_after = "a flow log id";
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        (void)aws;
        (void)failing;
        return std::vector<FixCall>{
            {"ec2", "DeleteFlowLogs", {{"FlowLogIds", json::array{kCreatedFlowLog}}}}};
    }
    // At undo time: the flow logs this fix created are the VPC's flow logs carrying the tag.
    Expected<std::vector<FixCall>, aws::AwsError> prepare(
        aws::AwsClient& aws, const Evaluation& failing,
        std::vector<FixCall> planned) const override {
        for (auto& c : planned) {
            if (c.operation != "DeleteFlowLogs" || !names_placeholder(c.params)) continue;
            const std::string region = fix_region(failing, aws);
            const json::object filters{
                {"Filter",
                 json::array{json::object{{"Name", "resource-id"},
                                          {"Values", json::array{failing.resource_id}}},
                             json::object{{"Name", "tag-key"}, {"Values", json::array{kFixTag}}}}}};
            auto logs = aws.call_all_pages("ec2", "DescribeFlowLogs", filters, {region});
            if (!logs) return unexpected(logs.error());
            json::array ids;
            for (const auto& fl : detection::array_at(*logs, "FlowLogs"))
                if (const auto id = string_at(fl, "FlowLogId"); !id.empty())
                    ids.push_back(json::value(id));
            if (ids.empty()) {
                return unexpected(fix_refusal(aws::ErrorKind::not_found, "ec2", "DescribeFlowLogs",
                                              "InvalidFlowLogId.NotFound",
                                              "no flow log of " + failing.resource_id + " tagged " +
                                                  kFixTag + " in " + region +
                                                  ": the flow log this fix created is gone",
                                              region, "ec2:DescribeFlowLogs"));
            }
            c.params["FlowLogIds"] = std::move(ids);
        }
        return planned;
    }

  private:
    static bool names_placeholder(const json::object& params) {
        const auto* ids = params.if_contains("FlowLogIds");
        if (ids == nullptr || !ids->is_array()) return false;
        for (const auto& id : ids->as_array())
            if (id.is_string() && id.as_string() == kCreatedFlowLog) return true;
        return false;
    }
};

class VpcFlowLogs final : public Check {
  public:
    const Fixer* fixer() const override {
        static const FlowLogsFixer f;
        return &f;
    }

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
