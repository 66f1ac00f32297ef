// 11.0-01 Organizations OUs: environments are separated when the organization root has two or
// more organizational units (ListRoots, then ListOrganizationalUnitsForParent on each root). An
// account outside any organization (AWSOrganizationsNotInUseException) is a finding, not ERROR.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

class OrgUnits final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "11.0-01",
            "AWS Organizations(OUs)",
            "Organizations",
            "medium",
            {"organizations:ListRoots", "organizations:ListOrganizationalUnitsForParent"},
            Reach::global};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        const std::string& region = scope.global_region;
        // Same read as 1.0-02 (all pages, no parameters): shared through the run's cache.
        auto roots = facts.aws_all_pages("organizations", "ListRoots", {}, region);
        if (!roots) {
            if (is_error_code(roots.error(), "AWSOrganizationsNotInUseException")) {
                evals.push_back(evaluate(
                    {"Organizations", detection::account_resource(scope), "OrganizationalUnits",
                     "Organizational units under the root", engine::Comparator::ge, 2, nullptr,
                     engine::Source::aws_sdk, region, scope.account,
                     json::object{{"note", "the account is not in an organization"}}}));
                return finish(info(), std::move(evals), {{"organization", false}}, "");
            }
            evals.push_back(error_evaluation("Organizations", "*", "Organization roots",
                                             roots.error(), region, scope.account));
            return finish(info(), std::move(evals), {}, "");
        }
        json::array units_seen;
        for (const auto& root : detection::array_at(*roots, "Roots")) {
            const std::string id = string_at(root, "Id");
            if (id.empty()) continue;
            auto ous = facts.aws_all_pages("organizations", "ListOrganizationalUnitsForParent",
                                           {{"ParentId", id}}, region);
            if (!ous) {
                evals.push_back(error_evaluation("Organizations", id, "Organizational units",
                                                 ous.error(), region, scope.account));
                continue;
            }
            json::array names;
            for (const auto& ou : detection::array_at(*ous, "OrganizationalUnits"))
                names.push_back(json::string(string_at(ou, "Name")));
            const std::int64_t count = static_cast<std::int64_t>(names.size());
            units_seen.push_back(json::object{{"root", id}, {"units", names}});
            evals.push_back(evaluate({"Organizations", id, "OrganizationalUnits",
                                      "Organizational units under the root", engine::Comparator::ge,
                                      2, count, engine::Source::aws_sdk, region, scope.account,
                                      json::object{{"units", names}}}));
        }
        json::object evidence{{"organization", true}, {"roots", std::move(units_seen)}};
        return finish(info(), std::move(evals), std::move(evidence),
                      "the organization answered no root");
    }
};

}  // namespace

const Check& check_11_0_01_org_units() {
    static const OrgUnits check;
    return check;
}

}  // namespace dspm::checks
