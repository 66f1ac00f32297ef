// 8.0-03 WAF: per internet-facing resource a web ACL can protect, one evaluation: a web ACL is
// associated with it. A web ACL that exists but is associated with nothing filters no request,
// so "a regional web ACL exists" (the old per-region test) was no evidence about any resource.
//  - Application Load Balancers of Scheme internet-facing (elbv2 DescribeLoadBalancers, the read
//    2.0-09 and 3.0-07 make): wafv2 GetWebACLForResource(ResourceArn=LoadBalancerArn) answers a
//    WebACL; none (WAF answers a null WebACL) is NON_COMPLIANT. Internal ALBs are not reachable
//    from the internet and network/gateway load balancers cannot take a web ACL: not judged,
//    counted in the notes.
//  - API Gateway REST API stages (GetRestApis, the read 8.0-09 makes, then GetStages per API):
//    the stage's webAclArn is API Gateway's own record of the association and suffices; without
//    it, GetWebACLForResource on the stage ARN arn:PARTITION:apigateway:REGION::/restapis/ID/
//    stages/NAME decides. PRIVATE APIs are reachable only through VPC endpoints: not judged, each
//    noted, as is an API without stages (nothing deployed to protect).
//  - CloudFront distributions (global, ListDistributions as the other CloudFront codes read it):
//    the summary's WebACLId (a WAFv2 web ACL ARN or a WAF Classic id) is non-empty; when a list
//    answer omits it, GetDistributionConfig's DistributionConfig.WebACLId is read.
// Reach stays regional: ALBs and API stages are read in every audited region, and the run cannot
// judge them without the region list; CloudFront is read once in the partition's global region,
// like the other CloudFront codes, whatever regions are audited. A failed read is an ERROR for
// the list ("*") or the resource. Nothing to judge anywhere -> SKIPPED (resource_setting): an
// account without these resources has no web traffic for WAF to filter.
#include <boost/json.hpp>
#include <mutex>

#include "aws/endpoints.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

constexpr const char* kField = "Associated web ACL";

// GetWebACLForResource on one ARN: COMPLIANT when it answers a WebACL.
engine::Evaluation waf_for_resource(inventory::Facts& facts, const std::string& label,
                                    const std::string& id, const std::string& arn,
                                    json::object extra, const std::string& region,
                                    const CheckScope& scope) {
    auto doc = facts.aws("wafv2", "GetWebACLForResource", {{"ResourceArn", arn}}, region);
    if (!doc) return error_evaluation(label, id, kField, doc.error(), region, scope.account);
    extra["evidenceSource"] = "wafv2:GetWebACLForResource";
    json::value observed = net::present_or_null(at_path(*doc, "WebACL.ARN"));
    if (observed.is_null()) {
        // An answer naming the web ACL only by Name/Id is still an association.
        observed = net::present_or_null(at_path(*doc, "WebACL.Id"));
    }
    if (const auto* name = at_path(*doc, "WebACL.Name"); name != nullptr && name->is_string())
        extra["webAclName"] = *name;
    if (observed.is_null()) extra["note"] = "WAF answers no web ACL for this resource";
    return evaluate({label, id, "WebACL.ARN", kField, engine::Comparator::exists, nullptr,
                     std::move(observed), engine::Source::aws_sdk, region, scope.account,
                     std::move(extra)});
}

void load_balancers(inventory::Facts& facts, const CheckScope& scope, const std::string& region,
                    net::Evals& evals, std::vector<std::string>& notes) {
    auto lbs = net::list_items(facts, scope, region, "ELBv2", "elbv2", "DescribeLoadBalancers", {},
                               "LoadBalancers", "Load balancer list", evals);
    if (!lbs) return;
    std::vector<const json::value*> judged;
    std::size_t internal = 0, other_types = 0;
    for (const auto& lb : *lbs) {
        if (string_at(lb, "Type") != "application") {
            ++other_types;
        } else if (string_at(lb, "Scheme") != "internet-facing") {
            ++internal;
        } else {
            judged.push_back(&lb);
        }
    }
    if (internal > 0)
        notes.push_back(region + ": " + std::to_string(internal) +
                        " internal Application Load Balancer(s) not judged (not internet-facing)");
    if (other_types > 0)
        notes.push_back(region + ": " + std::to_string(other_types) +
                        " network/gateway load balancer(s) not judged (WAF cannot protect them)");
    auto out = net::per_resource(judged.size(), scope.fanout, [&](std::size_t i) {
        const std::string arn = string_at(*judged[i], "LoadBalancerArn");
        json::object extra{{"LoadBalancerName", string_at(*judged[i], "LoadBalancerName")},
                           {"Scheme", "internet-facing"}};
        return net::Evals{
            waf_for_resource(facts, "ELBv2", arn, arn, std::move(extra), region, scope)};
    });
    for (auto& e : out)
        evals.push_back(std::move(e));
}

bool is_private_api(const json::value& api) {
    const auto* types = at_path(api, "endpointConfiguration.types");
    if (types == nullptr || !types->is_array()) return false;
    for (const auto& t : types->get_array())
        if (t.is_string() && t.get_string() == "PRIVATE") return true;
    return false;
}

void api_stages(inventory::Facts& facts, const CheckScope& scope, const std::string& region,
                net::Evals& evals, std::vector<std::string>& notes) {
    auto apis = net::list_items(facts, scope, region, "API Gateway", "apigateway", "GetRestApis",
                                {}, "items", "REST API list", evals);
    if (!apis) return;
    std::vector<const json::value*> judged;
    for (const auto& api : *apis) {
        if (is_private_api(api)) {
            notes.push_back(
                string_at(api, "id") + " (" + region +
                "): PRIVATE REST API, reachable only through VPC endpoints: not judged");
            continue;
        }
        judged.push_back(&api);
    }
    const std::string partition = aws::partition_of(region);
    std::mutex mutex;
    auto out = net::per_resource(judged.size(), scope.fanout, [&](std::size_t i) -> net::Evals {
        const std::string api_id = string_at(*judged[i], "id");
        const std::string api_name = string_at(*judged[i], "name");
        // GetStages has no paginator: one answer holds every stage of the API.
        auto doc = facts.aws("apigateway", "GetStages", {{"restApiId", api_id}}, region);
        if (!doc) {
            return {error_evaluation("API Gateway", api_id, kField, doc.error(), region,
                                     scope.account)};
        }
        const auto* stages = at_path(*doc, "item");
        if (stages == nullptr || !stages->is_array() || stages->get_array().empty()) {
            std::lock_guard lock(mutex);
            notes.push_back(api_id + " (" + region + "): REST API without stages: not judged");
            return {};
        }
        net::Evals per_stage;
        for (std::size_t k = 0; k < stages->get_array().size(); ++k) {
            const auto& stage = stages->get_array()[k];
            const std::string name = string_at(stage, "stageName");
            const std::string arn = "arn:" + partition + ":apigateway:" + region + "::/restapis/" +
                                    api_id + "/stages/" + name;
            json::object extra{
                {"restApiId", api_id}, {"restApiName", api_name}, {"stageName", name}};
            if (auto acl = net::present_or_null(at_path(stage, "webAclArn")); !acl.is_null()) {
                extra["evidenceSource"] = "apigateway:GetStages";
                per_stage.push_back(
                    evaluate({"API Gateway", arn, indexed("item", k, ".webAclArn"), kField,
                              engine::Comparator::exists, nullptr, std::move(acl),
                              engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
                continue;
            }
            per_stage.push_back(
                waf_for_resource(facts, "API Gateway", arn, arn, std::move(extra), region, scope));
        }
        return per_stage;
    });
    for (auto& e : out)
        evals.push_back(std::move(e));
}

void distributions(inventory::Facts& facts, const CheckScope& scope, net::Evals& evals) {
    auto dists = net::cloudfront_distributions(facts, scope, "WebACLId", false, kField, evals);
    if (!dists) return;
    for (const auto& d : *dists) {
        const json::value* v = at_path(d.summary, "WebACLId");
        std::string path = d.summary_path + ".WebACLId";
        if (v == nullptr && !d.config.is_null()) {
            v = at_path(d.config, "WebACLId");
            path = "DistributionConfig.WebACLId";
        }
        json::object extra{{"DomainName", d.domain_name}};
        if (const auto* arn = at_path(d.summary, "ARN"); arn != nullptr) extra["ARN"] = *arn;
        if (const auto* en = at_path(d.summary, "Enabled"); en != nullptr) extra["Enabled"] = *en;
        json::value observed = net::present_or_null(v);
        if (observed.is_null()) extra["note"] = "the distribution has no WebACLId";
        evals.push_back(
            evaluate({"CloudFront", d.id, std::move(path), kField, engine::Comparator::exists,
                      nullptr, std::move(observed), engine::Source::aws_sdk, scope.global_region,
                      scope.account, std::move(extra)}));
    }
}

engine::MappingResult run(const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
    net::Evals evals;
    std::vector<std::string> notes;
    for (const auto& region : scope.regions) {
        load_balancers(facts, scope, region, evals, notes);
        api_stages(facts, scope, region, evals, notes);
    }
    distributions(facts, scope, evals);
    return net::result(info, std::move(evals), "totalResources", "withWebAcl",
                       "no internet-facing Application Load Balancers, public API Gateway REST "
                       "API stages or CloudFront distributions",
                       std::move(notes));
}

}  // namespace

const Check& check_8_0_03_wafv2_web_acl() {
    static const net::FnCheck check(
        {"8.0-03",
         "WAFv2",
         "WAFv2",
         "medium",
         {"elasticloadbalancing:DescribeLoadBalancers", "apigateway:GET",
          "cloudfront:ListDistributions", "cloudfront:GetDistributionConfig",
          "wafv2:GetWebACLForResource"},
         Reach::regional,
         Applicability::resource_setting},
        run);
    return check;
}

}  // namespace dspm::checks
