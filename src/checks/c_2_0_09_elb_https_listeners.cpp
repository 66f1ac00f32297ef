// 2.0-09 ALB/ACM: per listener of every application/network load balancer, in every audited
// region, one evaluation: the listener speaks HTTPS/TLS with a current TLS policy.
//  - HTTP: COMPLIANT only when every default action redirects to HTTPS (it only moves the client
//    to TLS; listener rules are not read); otherwise NON_COMPLIANT on Listeners[i].Protocol.
//  - HTTPS / TLS: the lowest protocol the listener's SslPolicy allows must be TLSv1.2 or newer, so
//    a policy that still allows TLSv1 or TLSv1.1 fails. The policy's SslProtocols come from
//    elbv2:DescribeSSLPolicies (Names=[policy], once per policy and region through the run's
//    cache); when that read is denied, from the static table below of AWS's predefined policies
//    (noted in extra), and a policy missing from the table is an ERROR naming the action. A
//    listener without an SslPolicy is NON_COMPLIANT with observed null.
//  - TCP, QUIC, TCP_QUIC (NLB passthrough: TLS, if any, terminates at the targets), UDP and
//    TCP_UDP carry no TLS of the load balancer's: not judged, each listed in the notes.
// Gateway load balancers (GENEVE) are out of scope.
#include <array>
#include <boost/json.hpp>
#include <string_view>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

constexpr const char* kField = "Listener protocol";
constexpr const char* kPolicyField = "Lowest TLS version the listener's SslPolicy allows";

// AWS's predefined ELBv2 security policies and their protocols, from the security policy tables
// of the Application and Network Load Balancer guides ("Security policies for your Application
// Load Balancer", "... Network Load Balancer") and DescribeSSLPolicies answers. Used only when
// DescribeSSLPolicies is denied; ELBv2 has no custom policies, so only new predefined ones can be
// missing (then the listener is an ERROR, never a guess).
struct StaticPolicy {
    std::string_view name;
    std::string_view lowest;  // the lowest protocol allowed
};
constexpr std::array kStaticPolicies{
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-3-2021-06", "TLSv1.3"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-3-PQ-2025-09", "TLSv1.3"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04", "TLSv1.3"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09", "TLSv1.3"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-3-RFC9151-FIPS-2023-07", "TLSv1.3"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-2021-06", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-PQ-2025-09", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-RFC9151-FIPS-2023-07", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-Ext0-RFC9151-FIPS-2023-07", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP1-FIPS-2023-07", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP2-FIPS-2023-07", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP3-FIPS-2023-07", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP4-FIPS-2023-07", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-1-2021-06", "TLSv1.1"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04", "TLSv1.1"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-0-2021-06", "TLSv1"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-0-PQ-2025-09", "TLSv1"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04", "TLSv1"},
    StaticPolicy{"ELBSecurityPolicy-TLS13-1-0-FIPS-PQ-2025-09", "TLSv1"},
    StaticPolicy{"ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS-1-2-2017-01", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-TLS-1-1-2017-01", "TLSv1.1"},
    StaticPolicy{"ELBSecurityPolicy-TLS-1-0-2015-04", "TLSv1"},
    StaticPolicy{"ELBSecurityPolicy-FS-1-2-Res-2020-10", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-FS-1-2-Res-2019-08", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-FS-1-2-2019-08", "TLSv1.2"},
    StaticPolicy{"ELBSecurityPolicy-FS-1-1-2019-08", "TLSv1.1"},
    StaticPolicy{"ELBSecurityPolicy-FS-2018-06", "TLSv1"},
    StaticPolicy{"ELBSecurityPolicy-2016-08", "TLSv1"},
    StaticPolicy{"ELBSecurityPolicy-2015-05", "TLSv1"},
};

// Protocol names as DescribeSSLPolicies spells them, oldest first.
constexpr std::array<std::string_view, 5> kProtocolOrder{"SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2",
                                                         "TLSv1.3"};

int protocol_rank(std::string_view p) {
    for (std::size_t i = 0; i < kProtocolOrder.size(); ++i)
        if (kProtocolOrder[i] == p) return static_cast<int>(i);
    return -1;
}

json::value lowest_protocol(const json::array& protocols) {
    int best = -1;
    for (const auto& p : protocols) {
        if (!p.is_string()) continue;
        const int r = protocol_rank(p.get_string());
        if (r >= 0 && (best < 0 || r < best)) best = r;
    }
    if (best < 0) return nullptr;
    return json::string(kProtocolOrder[static_cast<std::size_t>(best)]);
}

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

engine::Evaluation judge_policy(inventory::Facts& facts, const std::string& id,
                                const json::value& listener, std::size_t k, json::object extra,
                                const std::string& region, const CheckScope& scope) {
    const std::string policy = string_at(listener, "SslPolicy");
    if (policy.empty()) {
        extra["note"] = "the listener has no SslPolicy";
        return evaluate({"ELBv2", id, indexed("Listeners", k, ".SslPolicy"), kPolicyField,
                         engine::Comparator::in, json::array{"TLSv1.2", "TLSv1.3"}, nullptr,
                         engine::Source::aws_sdk, region, scope.account, std::move(extra)});
    }
    auto doc = facts.aws("elbv2", "DescribeSSLPolicies", {{"Names", json::array{policy}}}, region);
    if (doc) {
        const auto* list = at_path(*doc, "SslPolicies");
        if (list != nullptr && list->is_array()) {
            for (std::size_t i = 0; i < list->get_array().size(); ++i) {
                const auto& p = list->get_array()[i];
                // Names=[policy] answers that policy; a lone entry without a Name is it too.
                const std::string name = string_at(p, "Name");
                if (name != policy && !(name.empty() && list->get_array().size() == 1)) continue;
                const auto* protocols = at_path(p, "SslProtocols");
                const json::array none;
                const auto& arr =
                    protocols != nullptr && protocols->is_array() ? protocols->get_array() : none;
                extra["SslProtocols"] = arr;
                extra["protocolsSource"] = "elbv2:DescribeSSLPolicies";
                return evaluate({"ELBv2", id, indexed("SslPolicies", i, ".SslProtocols"),
                                 kPolicyField, engine::Comparator::in,
                                 json::array{"TLSv1.2", "TLSv1.3"}, lowest_protocol(arr),
                                 engine::Source::aws_sdk, region, scope.account, std::move(extra)});
            }
        }
        aws::AwsError e;
        e.kind = aws::ErrorKind::malformed;
        e.service = "elbv2";
        e.operation = "DescribeSSLPolicies";
        e.region = region;
        e.message = "the answer does not describe the policy " + policy;
        return error_evaluation("ELBv2", id, kPolicyField, e, region, scope.account);
    }
    if (doc.error().kind == aws::ErrorKind::permission_denied) {
        for (const auto& s : kStaticPolicies) {
            if (s.name != policy) continue;
            extra["protocolsSource"] = "static table of AWS's predefined policies";
            extra["note"] = "elbv2:DescribeSSLPolicies denied (missing " + doc.error().iam_action +
                            "): the policy's lowest protocol is taken from the check's static "
                            "table of AWS's predefined policies";
            return evaluate({"ELBv2", id, indexed("Listeners", k, ".SslPolicy"), kPolicyField,
                             engine::Comparator::in, json::array{"TLSv1.2", "TLSv1.3"},
                             json::string(s.lowest), engine::Source::aws_sdk, region, scope.account,
                             std::move(extra)});
        }
    }
    return error_evaluation("ELBv2", id, kPolicyField, doc.error(), region, scope.account);
}

struct Judged {
    net::Evals evals;
    std::vector<std::string> notes;
};

Judged judge_listeners(inventory::Facts& facts, const std::string& lb, const json::array& listeners,
                       const std::string& region, const CheckScope& scope) {
    Judged out;
    for (std::size_t k = 0; k < listeners.size(); ++k) {
        const auto& l = listeners[k];
        const auto* port = at_path(l, "Port");
        std::string id = lb + ":" + (port != nullptr ? json::serialize(*port) : "?");
        const std::string protocol = string_at(l, "Protocol");
        if (protocol == "TCP" || protocol == "QUIC" || protocol == "TCP_QUIC") {
            out.notes.push_back(id + " (" + region + "): " + protocol +
                                " passthrough: TLS terminates at the targets");
            continue;
        }
        if (protocol == "UDP" || protocol == "TCP_UDP") {
            out.notes.push_back(id + " (" + region + "): " + protocol +
                                " listener: not judged on TLS");
            continue;
        }
        json::object extra{{"ListenerArn", string_at(l, "ListenerArn")},
                           {"loadBalancer", lb},
                           {"Protocol", protocol}};
        if (const auto* p = at_path(l, "SslPolicy"); p != nullptr) extra["SslPolicy"] = *p;
        if (protocol == "HTTPS" || protocol == "TLS") {
            out.evals.push_back(judge_policy(facts, id, l, k, std::move(extra), region, scope));
            continue;
        }
        if (protocol == "HTTP" && redirects_to_https(l)) {
            extra["note"] = "HTTP listener only redirects to HTTPS";
            out.evals.push_back(evaluate(
                {"ELBv2", std::move(id),
                 indexed("Listeners", k, ".DefaultActions[0].RedirectConfig.Protocol"),
                 "Redirect target protocol of the HTTP listener", engine::Comparator::eq, "HTTPS",
                 "HTTPS", engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
            continue;
        }
        const auto* observed = at_path(l, "Protocol");
        out.evals.push_back(
            evaluate({"ELBv2", std::move(id), indexed("Listeners", k, ".Protocol"), kField,
                      engine::Comparator::in, json::array{"HTTPS", "TLS"},
                      observed != nullptr ? *observed : json::value(nullptr),
                      engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
    }
    return out;
}

engine::MappingResult run(const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
    net::Evals evals;
    std::vector<std::string> notes;
    for (const auto& region : scope.regions) {
        auto lbs = net::list_items(facts, scope, region, "ELBv2", "elbv2", "DescribeLoadBalancers",
                                   {}, "LoadBalancers", "Load balancer list", evals);
        if (!lbs) continue;
        std::vector<const json::value*> in_scope;
        for (const auto& lb : *lbs)
            if (string_at(lb, "Type") != "gateway") in_scope.push_back(&lb);
        std::vector<Judged> per_lb(in_scope.size());
        parallel_for(in_scope.size(), scope.fanout, [&](std::size_t i) {
            const std::string arn = string_at(*in_scope[i], "LoadBalancerArn");
            const std::string name = string_at(*in_scope[i], "LoadBalancerName");
            auto doc = facts.aws_all_pages("elbv2", "DescribeListeners", {{"LoadBalancerArn", arn}},
                                           region);
            if (!doc) {
                per_lb[i].evals.push_back(
                    error_evaluation("ELBv2", name, kField, doc.error(), region, scope.account));
                return;
            }
            const auto* ls = at_path(*doc, "Listeners");
            per_lb[i] = judge_listeners(
                facts, name, ls != nullptr && ls->is_array() ? ls->get_array() : json::array{},
                region, scope);
        });
        for (auto& j : per_lb) {
            for (auto& e : j.evals)
                evals.push_back(std::move(e));
            for (auto& n : j.notes)
                notes.push_back(std::move(n));
        }
    }
    return net::result(info, std::move(evals), "totalListeners", "tlsListeners",
                       "no HTTP, HTTPS or TLS load balancer listeners in the audited regions",
                       std::move(notes));
}

}  // namespace

const Check& check_2_0_09_elb_https_listeners() {
    static const net::FnCheck check(
        {"2.0-09",
         "ALB/ACM",
         "ELBv2",
         "high",
         {"elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeListeners",
          "elasticloadbalancing:DescribeSSLPolicies"}},
        run);
    return check;
}

}  // namespace dspm::checks
