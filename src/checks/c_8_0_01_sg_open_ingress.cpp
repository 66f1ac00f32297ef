// 8.0-01 EC2 security groups: no inbound rule open to the internet (0.0.0.0/0 or ::/0), one
// evaluation per security group naming each offending rule (protocol, ports, CIDR, path).
//
// Decision on web ports: a single-port TCP rule for 80 or 443 open to the world is ALLOWED (a
// public load balancer or web front end needs exactly that; Prowler-like tools also flag only
// non-web ports). It is listed in extra.allowedWebRules so that the reviewer still sees it. Every
// other world-open rule fails: all traffic (-1), any range, admin ports (22 SSH, 3389 RDP, flagged
// extra.adminPort), ICMP, UDP.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

std::optional<std::int64_t> port(const json::value& perm, std::string_view key) {
    const auto* v = at_path(perm, key);
    if (v == nullptr) return std::nullopt;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
    return std::nullopt;
}

std::string describe(const std::string& proto, std::optional<std::int64_t> from,
                     std::optional<std::int64_t> to, const std::string& cidr) {
    std::string out;
    if (proto == "-1" || proto == "all") {
        out = "all traffic";
    } else {
        out = proto;
        if (from && to && *from >= 0) {
            out += ' ';
            out += std::to_string(*from);
            if (*to != *from) {
                out += '-';
                out += std::to_string(*to);
            }
        } else {
            out += " all ports";
        }
    }
    out += " from ";
    out += cidr;
    return out;
}

void judge_group(const json::value& sg, std::size_t i, json::array& offending, json::array& web,
                 std::string& first_path) {
    const auto* perms = at_path(sg, "IpPermissions");
    if (perms == nullptr || !perms->is_array()) return;
    for (std::size_t j = 0; j < perms->get_array().size(); ++j) {
        const auto& perm = perms->get_array()[j];
        const std::string proto = string_at(perm, "IpProtocol");
        const auto from = port(perm, "FromPort");
        const auto to = port(perm, "ToPort");
        const bool all_ports =
            proto == "-1" || !from || !to || *from < 0 || (*from <= 0 && *to >= 65535);
        const bool tcp = proto == "tcp" || proto == "6";
        const bool web_port = tcp && from && to && *from == *to && (*from == 80 || *from == 443);
        const bool admin =
            all_ports || ((tcp || proto == "udp" || proto == "17") && from && to &&
                          ((*from <= 22 && 22 <= *to) || (*from <= 3389 && 3389 <= *to)));
        auto scan = [&](std::string_view ranges, std::string_view key, std::string_view world) {
            const auto* rs = at_path(perm, ranges);
            if (rs == nullptr || !rs->is_array()) return;
            for (std::size_t k = 0; k < rs->get_array().size(); ++k) {
                const std::string cidr = string_at(rs->get_array()[k], key);
                if (cidr != world) continue;
                std::string path = indexed("SecurityGroups", i);
                path += indexed(".IpPermissions", j);
                path += '.';
                path += ranges;
                path += indexed("", k);
                path += '.';
                path += key;
                json::object rule{{"rule", describe(proto, from, to, cidr)},
                                  {"IpProtocol", proto},
                                  {"FromPort", from ? json::value(*from) : json::value(nullptr)},
                                  {"ToPort", to ? json::value(*to) : json::value(nullptr)},
                                  {"cidr", cidr},
                                  {"evidencePath", path}};
                if (web_port) {
                    web.push_back(std::move(rule));
                    continue;
                }
                rule["adminPort"] = admin;
                if (first_path.empty()) first_path = path;
                offending.push_back(std::move(rule));
            }
        };
        scan("IpRanges", "CidrIp", "0.0.0.0/0");
        scan("Ipv6Ranges", "CidrIpv6", "::/0");
    }
}

engine::MappingResult run(const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
    net::Evals evals;
    for (const auto& region : scope.regions) {
        auto groups = net::list_items(facts, scope, region, "EC2", "ec2", "DescribeSecurityGroups",
                                      {}, "SecurityGroups", "Security group list", evals);
        if (!groups) continue;
        for (std::size_t i = 0; i < groups->size(); ++i) {
            const auto& sg = (*groups)[i];
            json::array offending, web;
            std::string path;
            judge_group(sg, i, offending, web, path);
            json::array observed;
            for (const auto& r : offending)
                observed.push_back(r.at("rule"));
            json::object extra{{"GroupName", string_at(sg, "GroupName")},
                               {"VpcId", string_at(sg, "VpcId")}};
            if (!offending.empty()) extra["offendingRules"] = std::move(offending);
            if (!web.empty()) {
                extra["allowedWebRules"] = std::move(web);
                extra["note"] = "TCP 80/443 open to the internet is allowed (public web entry)";
            }
            if (path.empty())
                path = indexed("SecurityGroups", i, ".IpPermissions[].IpRanges[].CidrIp");
            evals.push_back(
                evaluate({"EC2", string_at(sg, "GroupId"), std::move(path),
                          "Inbound rules open to 0.0.0.0/0 or ::/0 (non-web)",
                          engine::Comparator::eq, json::array{}, std::move(observed),
                          engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
        }
    }
    return net::result(info, std::move(evals), "totalSecurityGroups", "noOpenIngress",
                       "no security groups in the audited regions");
}

}  // namespace

const Check& check_8_0_01_sg_open_ingress() {
    static const net::FnCheck check(
        {"8.0-01", "EC2 Security Group", "EC2", "critical", {"ec2:DescribeSecurityGroups"}}, run);
    return check;
}

}  // namespace dspm::checks
