// 2.0-09 ALB/ACM: per region, every listener of every application/network load balancer speaks
// HTTPS or TLS. An HTTP listener whose default actions all redirect to HTTPS passes (it only moves
// the client to TLS). Gateway load balancers (GENEVE, no TLS) are out of scope. A plain TCP/UDP
// listener of an NLB fails: the catalog asks for HTTPS/TLS on the load balancer. The listener's
// SslPolicy is kept in extra for the reviewer.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

constexpr const char* kField = "Listener protocol";

bool redirects_to_https(const json::value& listener) {
    const auto* actions = at_path(listener, "DefaultActions");
    if (actions == nullptr || !actions->is_array() || actions->get_array().empty()) return false;
    for (const auto& a : actions->get_array()) {
        if (string_at(a, "Type") != "redirect" ||
            string_at(a, "RedirectConfig.Protocol") != "HTTPS")
            return false;
    }
    return true;
}

net::Evals judge_listeners(const std::string& lb, const json::array& listeners,
                           const std::string& region, const CheckScope& scope) {
    net::Evals out;
    for (std::size_t k = 0; k < listeners.size(); ++k) {
        const auto& l = listeners[k];
        const auto* port = at_path(l, "Port");
        std::string id = lb + ":" + (port != nullptr ? json::serialize(*port) : "?");
        json::object extra{{"ListenerArn", string_at(l, "ListenerArn")}, {"loadBalancer", lb}};
        if (const auto* p = at_path(l, "SslPolicy"); p != nullptr) extra["SslPolicy"] = *p;
        const std::string protocol = string_at(l, "Protocol");
        if (protocol == "HTTP" && redirects_to_https(l)) {
            extra["note"] = "HTTP listener only redirects to HTTPS";
            out.push_back(evaluate(
                {"ELBv2", std::move(id),
                 indexed("Listeners", k, ".DefaultActions[0].RedirectConfig.Protocol"),
                 "Redirect target protocol of the HTTP listener", engine::Comparator::eq, "HTTPS",
                 "HTTPS", engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
            continue;
        }
        const auto* observed = at_path(l, "Protocol");
        out.push_back(evaluate({"ELBv2", std::move(id), indexed("Listeners", k, ".Protocol"),
                                kField, engine::Comparator::in, json::array{"HTTPS", "TLS"},
                                observed != nullptr ? *observed : json::value(nullptr),
                                engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
    }
    return out;
}

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
            auto doc = facts.aws_all_pages("elbv2", "DescribeListeners", {{"LoadBalancerArn", arn}},
                                           region);
            if (!doc) {
                return net::Evals{
                    error_evaluation("ELBv2", name, kField, doc.error(), region, scope.account)};
            }
            const auto* ls = at_path(*doc, "Listeners");
            return judge_listeners(
                name, ls != nullptr && ls->is_array() ? ls->get_array() : json::array{}, region,
                scope);
        });
        for (auto& e : per_lb)
            evals.push_back(std::move(e));
    }
    return net::result(info, std::move(evals), "totalListeners", "tlsListeners",
                       "no load balancer listeners in the audited regions");
}

}  // namespace

const Check& check_2_0_09_elb_https_listeners() {
    static const net::FnCheck check(
        {"2.0-09",
         "ALB/ACM",
         "ELBv2",
         "high",
         {"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners"}},
        run);
    return check;
}

}  // namespace dspm::checks
