// 8.0-03 WAFv2: per region, at least one REGIONAL web ACL exists (ListWebACLs Scope=REGIONAL, all
// pages by NextMarker). One evaluation per region, never SKIPPED: the absence is the finding.
// Association with an ALB/API is not read (the catalog's field is WebACLs).
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_8_0_03_wafv2_web_acl() {
    static const net::FnCheck check(
        {"8.0-03",
         "WAFv2",
         "WAFv2",
         "medium",
         {"wafv2:ListWebACLs"},
         Reach::regional,
         Applicability::control},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::Evals evals;
            for (const auto& region : scope.regions) {
                auto acls = net::list_items_by_token(
                    facts, scope, region, "WAFv2", "wafv2", "ListWebACLs", {{"Scope", "REGIONAL"}},
                    "WebACLs", "NextMarker", "NextMarker", "Web ACL list", evals);
                if (!acls) continue;
                json::array names;
                for (const auto& a : *acls)
                    names.push_back(json::string(string_at(a, "Name")));
                json::object extra{{"webAcls", std::move(names)}};
                if (acls->empty()) extra["note"] = "no regional web ACL in this region";
                evals.push_back(
                    evaluate({"WAFv2", "REGIONAL:" + region, "length(WebACLs)",
                              "Regional web ACL count", engine::Comparator::ge, 1, acls->size(),
                              engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
            }
            return net::result(info, std::move(evals), "regions", "withWebAcl",
                               "no regions audited");
        });
    return check;
}

}  // namespace dspm::checks
