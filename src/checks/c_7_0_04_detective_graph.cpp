// 7.0-04 Detective: per audited region, the account's activity feeds a behaviour graph. An
// administrator account owns one (ListGraphs answers it); in an organization the member accounts
// own none and feed the administrator's graph instead, which ListGraphs never shows them: their
// membership is ListInvitations' MemberDetail with Status ENABLED. So a region passes with a graph
// of its own or an ENABLED membership; INVITED, VERIFICATION_* and ACCEPTED_BUT_DISABLED
// memberships do not feed a graph and do not count.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

class Check7004DetectiveGraph final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"7.0-04",
                                 "Detective",
                                 "Detective",
                                 "low",
                                 {"detective:ListGraphs", "detective:ListInvitations"},
                                 Reach::regional,
                                 Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        std::size_t passing = 0;
        for (const auto& region : scope.regions) {
            evals.push_back(judge_region(facts, scope, region));
            if (evals.back().passed) ++passing;
        }
        json::object evidence{{"regions", scope.regions.size()}, {"regionsWithGraph", passing}};
        return finish(info(), std::move(evals), std::move(evidence), "no audited regions");
    }

  private:
    static Evaluation judge_region(inventory::Facts& facts, const CheckScope& scope,
                                   const std::string& region) {
        const char* field = "Behaviour graph (own or as an enabled member)";
        auto graphs = facts.aws_all_pages("detective", "ListGraphs", {}, region);
        if (!graphs)
            return error_evaluation("Detective", region, field, graphs.error(), region,
                                    scope.account);
        const auto& own = detection::array_at(*graphs, "GraphList");
        if (!own.empty()) {
            json::array arns;
            for (const auto& g : own)
                arns.push_back(json::string(string_at(g, "Arn")));
            return evaluate({"Detective", region, "GraphList", field, engine::Comparator::ge, 1,
                             static_cast<std::int64_t>(own.size()), engine::Source::aws_sdk, region,
                             scope.account, json::object{{"graphs", std::move(arns)}}});
        }
        auto invitations = facts.aws_all_pages("detective", "ListInvitations", {}, region);
        if (!invitations)
            return error_evaluation("Detective", region, field, invitations.error(), region,
                                    scope.account);
        std::int64_t enabled = 0;
        json::array memberships;
        for (const auto& m : detection::array_at(*invitations, "Invitations")) {
            const std::string status = string_at(m, "Status");
            memberships.push_back(json::object{{"graph", string_at(m, "GraphArn")},
                                               {"administrator", string_at(m, "AdministratorId")},
                                               {"status", status}});
            if (status == "ENABLED") ++enabled;
        }
        json::object extra{{"ownGraphs", 0}, {"memberships", std::move(memberships)}};
        return evaluate({"Detective", region, "Invitations[?Status=='ENABLED']", field,
                         engine::Comparator::ge, 1, enabled, engine::Source::aws_sdk, region,
                         scope.account, std::move(extra)});
    }
};

}  // namespace

const Check& check_7_0_04_detective_graph() {
    static const Check7004DetectiveGraph check;
    return check;
}

}  // namespace dspm::checks
