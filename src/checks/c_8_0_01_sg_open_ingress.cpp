// 8.0-01 EC2 security groups: no inbound rule open to the internet (0.0.0.0/0 or ::/0), one
// evaluation per security group naming each offending rule (protocol, ports, CIDR, path).
//
// Decision on web ports: a single-port TCP rule for 80 or 443 open to the world is ALLOWED (a
// public load balancer or web front end needs exactly that; Prowler-like tools also flag only
// non-web ports). It is listed in extra.allowedWebRules so that the reviewer still sees it. Every
// other world-open rule fails: all traffic (-1), any range, admin ports (22 SSH, 3389 RDP, flagged
// extra.adminPort), ICMP, UDP.
#include <boost/json.hpp>

#include "checks/fix.hpp"
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

// One world-open range of a rule as EC2 takes it back: the same protocol, ports and CIDR, the
// range's description when `description` is given (a revoke matches without it).
json::object permission(const json::value& rule, const json::value* description) {
    const std::string cidr = string_at(rule, "cidr");
    const bool v6 = cidr.find(':') != std::string::npos;
    json::object range{{v6 ? "CidrIpv6" : "CidrIp", cidr}};
    if (description != nullptr && description->is_string() && !description->as_string().empty())
        range["Description"] = *description;
    json::object p{{"IpProtocol", string_at(rule, "IpProtocol")},
                   {v6 ? "Ipv6Ranges" : "IpRanges", json::array{std::move(range)}}};
    for (const char* key : {"FromPort", "ToPort"})
        if (auto n = port(rule, key)) p[key] = *n;
    return p;
}

const json::array* offending_rules(const engine::Evaluation& failing) {
    const auto* r = failing.extra.if_contains("offendingRules");
    return r != nullptr && r->is_array() && !r->as_array().empty() ? &r->as_array() : nullptr;
}

// The rule's range in the group as it is now (nullptr: gone since the audit).
const json::value* current_range(const json::value& sg, const json::value& rule) {
    const auto* perms = at_path(sg, "IpPermissions");
    if (perms == nullptr || !perms->is_array()) return nullptr;
    const std::string cidr = string_at(rule, "cidr");
    const bool v6 = cidr.find(':') != std::string::npos;
    for (const auto& perm : perms->as_array()) {
        if (string_at(perm, "IpProtocol") != string_at(rule, "IpProtocol") ||
            port(perm, "FromPort") != port(rule, "FromPort") ||
            port(perm, "ToPort") != port(rule, "ToPort"))
            continue;
        const auto* ranges = at_path(perm, v6 ? "Ipv6Ranges" : "IpRanges");
        if (ranges == nullptr || !ranges->is_array()) continue;
        for (const auto& r : ranges->as_array())
            if (string_at(r, v6 ? "CidrIpv6" : "CidrIp") == cidr) return &r;
    }
    return nullptr;
}

// Revokes exactly the rules the evaluation names (extra.offendingRules), each world-open range
// alone: a rule's other CIDRs and the allowed web rules stay. High risk: sessions on those ports
// (SSH, RDP, a database) from outside end. Undo authorizes the same ranges again with the
// descriptions read just before, and only those still there, so it never opens what was closed.
class SgOpenIngressFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const engine::Evaluation& failing) const override {
        const auto* rules = offending_rules(failing);
        if (rules == nullptr)
            return unexpected(std::string(
                "the evaluation does not list the open rules (extra.offendingRules): audit again "
                "with this version so that the fix revokes exactly those"));
        json::array perms;
        std::string listed;
        for (const auto& r : *rules) {
            perms.push_back(permission(r, nullptr));
            if (!listed.empty()) listed += ", ";
            listed += string_at(r, "rule");
        }
        FixPlan p;
        p.calls.push_back(
            {"ec2",
             "RevokeSecurityGroupIngress",
             {{"GroupId", failing.resource_id}, {"IpPermissions", std::move(perms)}}});
        p.iam_actions = {"ec2:RevokeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupIngress",
                         "ec2:DescribeSecurityGroups"};
        p.high_risk = true;
        p.risk = "inbound " + listed +
                 " is closed: clients reaching the group's instances or databases from the "
                 "internet on those ports are cut off, open sessions included";
        p.expected_after = json::array{};
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(
        aws::AwsClient& aws, const engine::Evaluation& failing) const override {
        const auto* rules = offending_rules(failing);
        if (rules == nullptr) return std::vector<FixCall>{};
        auto doc = aws.call("ec2", "DescribeSecurityGroups",
                            {{"GroupIds", json::array{json::string(failing.resource_id)}}},
                            {fix_region(failing, aws)});
        if (!doc) return unexpected(doc.error());
        const auto* groups = at_path(*doc, "SecurityGroups");
        if (groups == nullptr || !groups->is_array() || groups->as_array().empty())
            return std::vector<FixCall>{};
        const auto& sg = groups->as_array().front();
        json::array perms;
        for (const auto& r : *rules)
            if (const auto* now = current_range(sg, r)) {
                const auto* d =
                    now->is_object() ? now->as_object().if_contains("Description") : nullptr;
                perms.push_back(permission(r, d));
            }
        if (perms.empty()) return std::vector<FixCall>{};
        return std::vector<FixCall>{
            {"ec2",
             "AuthorizeSecurityGroupIngress",
             {{"GroupId", failing.resource_id}, {"IpPermissions", std::move(perms)}}}};
    }
};

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
    static const SgOpenIngressFixer fixer;
    static const net::FnCheck check(
        {"8.0-01", "EC2 Security Group", "EC2", "critical", {"ec2:DescribeSecurityGroups"}}, run,
        &fixer);
    return check;
}

}  // namespace dspm::checks
