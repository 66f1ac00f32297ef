// 3.0-07 ELB access logs: per region, every application/network load balancer has the attribute
// access_logs.s3.enabled == "true" (ELBv2 attributes are strings). Gateway load balancers have no
// access logs and are out of scope.
#include <algorithm>
#include <boost/json.hpp>

#include "checks/fix.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

constexpr const char* kField = "access_logs.s3.enabled";

engine::MappingResult run(const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
    net::Evals evals;
    for (const auto& region : scope.regions) {
        auto lbs = net::list_items(facts, scope, region, "ELBv2", "elbv2", "DescribeLoadBalancers",
                                   {}, "LoadBalancers", "Load balancer list", evals);
        if (!lbs) continue;
        std::vector<const json::value*> in_scope;
        for (const auto& lb : *lbs)
            if (string_at(lb, "Type") != "gateway") in_scope.push_back(&lb);
        auto per_lb = net::per_resource(in_scope.size(), scope.fanout, [&](std::size_t i) {
            const std::string arn = string_at(*in_scope[i], "LoadBalancerArn");
            const std::string name = string_at(*in_scope[i], "LoadBalancerName");
            auto doc = facts.aws("elbv2", "DescribeLoadBalancerAttributes",
                                 {{"LoadBalancerArn", arn}}, region);
            if (!doc) {
                return net::Evals{
                    error_evaluation("ELBv2", name, kField, doc.error(), region, scope.account)};
            }
            json::value observed = nullptr;
            std::string path = "Attributes[?Key=='access_logs.s3.enabled'].Value";
            json::object extra{{"LoadBalancerArn", arn}, {"Type", string_at(*in_scope[i], "Type")}};
            if (const auto* attrs = at_path(*doc, "Attributes");
                attrs != nullptr && attrs->is_array()) {
                for (std::size_t k = 0; k < attrs->get_array().size(); ++k) {
                    const auto& a = attrs->get_array()[k];
                    const std::string key = string_at(a, "Key");
                    if (key == kField) {
                        if (const auto* v = at_path(a, "Value"); v != nullptr) observed = *v;
                        path = indexed("Attributes", k, ".Value");
                    } else if (key == "access_logs.s3.bucket") {
                        extra["bucket"] = string_at(a, "Value");
                    }
                }
            }
            if (observed.is_null()) extra["note"] = "attribute absent: access logs not configured";
            return net::Evals{
                evaluate({"ELBv2", name, std::move(path), kField, engine::Comparator::eq, "true",
                          std::move(observed), engine::Source::aws_sdk, region, scope.account,
                          std::move(extra)})};
        });
        for (auto& e : per_lb)
            evals.push_back(std::move(e));
    }
    return net::result(info, std::move(evals), "totalLoadBalancers", "accessLogsEnabled",
                       "no load balancers in the audited regions");
}

// The fix turns access logs on into the bucket the operator names (log_bucket, optional
// log_prefix): where an auditor's logs go is not ours to choose, and the bucket needs a policy
// that lets the region's ELB account write. Undo puts back the three attributes read before.
class ElbAccessLogsFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const engine::Evaluation&) const override {
        return unexpected(std::string(
            "needs the bucket the logs go to: --param log_bucket=NAME (the bucket policy must let "
            "Elastic Load Balancing write to it)"));
    }
    Expected<FixPlan, std::string> plan_with(const engine::Evaluation& failing,
                                             const FixParams& params) const override {
        const auto bucket = params.find("log_bucket");
        if (bucket == params.end()) return plan(failing);
        const auto prefix = params.find("log_prefix");
        const std::string arn = string_at(json::value(failing.extra), "LoadBalancerArn");
        if (arn.empty())
            return unexpected(std::string("the evaluation names no load balancer ARN"));
        json::array attributes{
            json::object{{"Key", "access_logs.s3.enabled"}, {"Value", "true"}},
            json::object{{"Key", "access_logs.s3.bucket"}, {"Value", bucket->second}},
            json::object{{"Key", "access_logs.s3.prefix"},
                         {"Value", prefix != params.end() ? prefix->second : std::string()}}};
        FixPlan p;
        p.calls.push_back({"elbv2",
                           "ModifyLoadBalancerAttributes",
                           {{"LoadBalancerArn", arn}, {"Attributes", std::move(attributes)}}});
        p.iam_actions = {"elasticloadbalancing:DescribeLoadBalancerAttributes"};
        p.risk =
            "log objects accrue in " + bucket->second + " (storage cost); traffic is unchanged";
        p.expected_after = "true";
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(
        aws::AwsClient& aws, const engine::Evaluation& failing) const override {
        const std::string arn = string_at(json::value(failing.extra), "LoadBalancerArn");
        auto doc = aws.call("elbv2", "DescribeLoadBalancerAttributes", {{"LoadBalancerArn", arn}},
                            {fix_region(failing, aws)});
        if (!doc) return unexpected(doc.error());
        json::array back;
        if (const auto* attrs = at_path(*doc, "Attributes"); attrs && attrs->is_array())
            for (const auto& a : attrs->as_array())
                if (string_at(a, "Key").rfind("access_logs.s3.", 0) == 0)
                    back.push_back(json::object{{"Key", string_at(a, "Key")},
                                                {"Value", string_at(a, "Value")}});
        // An attribute the answer left out is off (moto leaves it out until it is first set).
        const bool has_enabled = std::any_of(back.begin(), back.end(), [](const json::value& a) {
            return string_at(a, "Key") == "access_logs.s3.enabled";
        });
        if (!has_enabled)
            back.push_back(json::object{{"Key", "access_logs.s3.enabled"}, {"Value", "false"}});
        return std::vector<FixCall>{{"elbv2",
                                     "ModifyLoadBalancerAttributes",
                                     {{"LoadBalancerArn", arn}, {"Attributes", std::move(back)}}}};
    }
};

}  // namespace

const Check& check_3_0_07_elb_access_logs() {
    static const ElbAccessLogsFixer fixer;
    static const net::FnCheck check({"3.0-07",
                                     "ELB/NLB Access Logs",
                                     "ELBv2",
                                     "low",
                                     {"elasticloadbalancing:DescribeLoadBalancers",
                                      "elasticloadbalancing:DescribeLoadBalancerAttributes"}},
                                    run, &fixer);
    return check;
}

}  // namespace dspm::checks
