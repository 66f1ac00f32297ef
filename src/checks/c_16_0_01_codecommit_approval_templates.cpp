// 16.0-01 CodeCommit approval rules: every repository (ListRepositories per region) has at least
// one approval rule template associated (ListAssociatedApprovalRuleTemplatesForRepository).
// Judgement: an approval rule written directly on a pull request does not bind future pull
// requests; only an associated template does, so the template count is the evidence. No
// repositories in the audited regions -> SKIPPED.
#include <boost/json.hpp>
#include <string>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_16_0_01_codecommit_approval_templates() {
    static const net::FnCheck check(
        {"16.0-01",
         "CodeCommit",
         "CodeCommit",
         "low",
         {"codecommit:ListRepositories",
          "codecommit:ListAssociatedApprovalRuleTemplatesForRepository"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            constexpr const char* kField = "Associated approval rule templates";
            net::ListDescribe spec{"CodeCommit",
                                   "codecommit",
                                   "ListRepositories",
                                   {},
                                   "repositories",
                                   "repositoryName",
                                   "Repository list",
                                   "ListAssociatedApprovalRuleTemplatesForRepository",
                                   "repositoryName",
                                   {},
                                   kField};
            auto evals = net::list_describe(
                spec, facts, scope,
                [&](const std::string& id, const json::value& doc, const std::string& region) {
                    json::array names;
                    if (const auto* n = at_path(doc, "approvalRuleTemplateNames");
                        n != nullptr && n->is_array())
                        names = n->get_array();
                    json::object extra;
                    if (names.empty())
                        extra["note"] = "no approval rule template is associated";
                    else
                        extra["approvalRuleTemplateNames"] = names;
                    net::Evals out;
                    out.push_back(
                        evaluate({"CodeCommit", id, "approvalRuleTemplateNames", kField,
                                  engine::Comparator::ge, 1, names.size(), engine::Source::aws_sdk,
                                  region, scope.account, std::move(extra)}));
                    return out;
                });
            return net::result(info, std::move(evals), "totalRepositories", "withTemplates",
                               "no CodeCommit repositories in the audited regions");
        });
    return check;
}

}  // namespace dspm::checks
