// 11.0-01 Organizations OUs: environments are separated when the organization's OU tree holds two
// or more organizational units at any depth (ListRoots, then ListOrganizationalUnitsForParent on
// the root and on every OU below it, down to the five levels Organizations allows). An account
// outside any organization (AWSOrganizationsNotInUseException) is a finding, not ERROR. The tree is
// visible from the management account or a delegated administrator: from a member account the
// result is SKIPPED saying where to run it (checks/org_helpers.hpp).
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"
#include "checks/org_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

class OrgUnits final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"11.0-01",
                                 "AWS Organizations(OUs)",
                                 "Organizations",
                                 "medium",
                                 {"organizations:DescribeOrganization", "organizations:ListRoots",
                                  "organizations:ListOrganizationalUnitsForParent"},
                                 Reach::global,
                                 Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        const std::string& region = scope.global_region;
        const auto m = org::membership(facts, scope);
        if (m.position == org::Position::standalone) {
            evals.push_back(evaluate(
                {"Organizations", detection::account_resource(scope), "OrganizationalUnits",
                 "Organizational units in the tree", engine::Comparator::ge, 2, nullptr,
                 engine::Source::aws_sdk, region, scope.account,
                 json::object{{"note", "the account is not in an organization"}}}));
            return finish(info(), std::move(evals), {{"organization", false}}, "");
        }
        if (m.error) {
            evals.push_back(error_evaluation("Organizations", "*", "Organization", *m.error, region,
                                             scope.account));
            return finish(info(), std::move(evals), {}, "");
        }
        json::object evidence{{"organization", true},
                              {"accountPosition", json::string(org::to_string(m.position))}};
        // Same read as 1.0-02 (all pages, no parameters): shared through the run's cache.
        auto roots = facts.aws_all_pages("organizations", "ListRoots", {}, region);
        if (!roots) {
            if (org::member_cannot_see(m, roots.error()))
                return finish(info(), {}, std::move(evidence),
                              org::member_reason(m, scope, "the organizational unit tree"));
            evals.push_back(error_evaluation("Organizations", "*", "Organization roots",
                                             roots.error(), region, scope.account));
            return finish(info(), std::move(evals), std::move(evidence), "");
        }
        json::array trees;
        for (const auto& root : detection::array_at(*roots, "Roots")) {
            const std::string id = string_at(root, "Id");
            if (id.empty()) continue;
            Walk walk;
            walk_tree(facts, region, id, "Root", 1, walk);
            const auto count = static_cast<std::int64_t>(walk.paths.size());
            const bool partial = !walk.errors.empty();
            for (auto& e : walk.errors) {
                e.account = scope.account;
                evals.push_back(std::move(e));
            }
            // Two units seen prove the separation even where a subtree was unreadable; fewer seen
            // in a partly read tree prove nothing, and the ERRORs say why.
            if (partial && count < 2) continue;
            json::object extra{{"units", walk.paths}};
            if (walk.truncated)
                extra["note"] = "the walk stopped at " + std::to_string(kMaxUnits) +
                                " organizational units (the Organizations quota)";
            trees.push_back(json::object{{"root", id}, {"units", walk.paths}});
            evals.push_back(
                evaluate({"Organizations", id, "OrganizationalUnits (whole tree)",
                          "Organizational units in the tree", engine::Comparator::ge, 2, count,
                          engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
        }
        evidence["roots"] = std::move(trees);
        return finish(info(), std::move(evals), std::move(evidence),
                      "the organization answered no root");
    }

  private:
    // Organizations nests OUs at most five levels below the root and holds at most 1,000.
    static constexpr int kMaxDepth = 5;
    static constexpr std::size_t kMaxUnits = 1000;

    struct Walk {
        json::array paths;  // "Root/Workloads/Prod"
        std::vector<Evaluation> errors;
        bool truncated = false;
    };

    static void walk_tree(inventory::Facts& facts, const std::string& region,
                          const std::string& parent, const std::string& path, int depth,
                          Walk& walk) {
        if (depth > kMaxDepth) return;
        auto ous = facts.aws_all_pages("organizations", "ListOrganizationalUnitsForParent",
                                       {{"ParentId", parent}}, region);
        if (!ous) {
            walk.errors.push_back(error_evaluation("Organizations", parent, "Organizational units",
                                                   ous.error(), region, ""));
            return;
        }
        for (const auto& ou : detection::array_at(*ous, "OrganizationalUnits")) {
            if (walk.paths.size() >= kMaxUnits) {
                walk.truncated = true;
                return;
            }
            const std::string child = path + "/" + string_at(ou, "Name");
            walk.paths.push_back(json::string(child));
            const std::string id = string_at(ou, "Id");
            if (!id.empty()) walk_tree(facts, region, id, child, depth + 1, walk);
        }
    }
};

}  // namespace

const Check& check_11_0_01_org_units() {
    static const OrgUnits check;
    return check;
}

}  // namespace dspm::checks
