// 16.0-04 CloudFormation StackSets: each audited region has at least one ACTIVE stack set
// (ListStackSets with Status=ACTIVE; the count re-checks Status in case a server ignores the
// filter). StackSets are one way of rolling out baselines (Applicability::one_way): a region
// without one evidences nothing either way.
//
// Organization-level: service-managed stack sets, which deploy into member accounts, are
// administered from the management account or a delegated administrator, and ListStackSets
// answers only the caller's own (CallAs=SELF). So from a member account the region is also asked
// with CallAs=DELEGATED_ADMIN (answered only to a registered delegated administrator); a member
// that is neither gets "not evidenced" with the exact reason (run from the management account),
// never an ERROR asking for a permission no grant can give.
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"
#include "checks/network_helpers.hpp"
#include "checks/org_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Active stack sets";

std::int64_t active_count(const json::value& doc) {
    std::int64_t n = 0;
    for (const auto& s : detection::array_at(doc, "Summaries")) {
        const std::string status = string_at(s, "Status");
        n += status.empty() || status == "ACTIVE";
    }
    return n;
}

// The refusal a caller that is not a registered delegated administrator gets for
// CallAs=DELEGATED_ADMIN.
bool not_delegated_admin(const org::Membership& m, const aws::AwsError& e) {
    return is_error_code(e, "ValidationError") || org::member_cannot_see(m, e);
}

engine::MappingResult run(const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
    const auto m = org::membership(facts, scope);
    const bool member = m.position == org::Position::member;
    std::vector<Evaluation> evals;
    std::vector<std::string> absent;
    std::size_t passing = 0;
    bool delegated_refused = false;
    for (const auto& region : scope.regions) {
        auto self =
            facts.aws_all_pages("cloudformation", "ListStackSets", {{"Status", "ACTIVE"}}, region);
        if (!self) {
            evals.push_back(error_evaluation("CloudFormation", region, kField, self.error(), region,
                                             scope.account));
            continue;
        }
        std::int64_t n = active_count(*self);
        std::string call_as = "SELF";
        if (n == 0 && member) {
            auto delegated =
                facts.aws_all_pages("cloudformation", "ListStackSets",
                                    {{"Status", "ACTIVE"}, {"CallAs", "DELEGATED_ADMIN"}}, region);
            if (delegated) {
                n = active_count(*delegated);
                call_as = "DELEGATED_ADMIN";
            } else if (not_delegated_admin(m, delegated.error())) {
                delegated_refused = true;
            } else {
                evals.push_back(error_evaluation("CloudFormation", region, kField,
                                                 delegated.error(), region, scope.account));
                continue;
            }
        }
        if (n == 0) {
            absent.push_back(region);
            continue;
        }
        auto e = evaluate({"CloudFormation", region, "Summaries[?Status=='ACTIVE']", kField,
                           engine::Comparator::ge, 1, n, engine::Source::aws_sdk, region,
                           scope.account, json::object{{"callAs", call_as}}});
        passing += e.passed ? 1 : 0;
        evals.push_back(std::move(e));
    }
    json::object evidence{{"regions", scope.regions.size()},
                          {"regionsWithStackSets", passing},
                          {"organizationPosition", org::to_string(m.position)}};
    auto result = finish(info, std::move(evals), std::move(evidence), "no audited regions");
    finish_not_evidenced(result, info, absent, "active stack sets");
    if (member && delegated_refused && !absent.empty()) {
        auto why = org::member_reason(m, scope, "service-managed stack sets deploying into it");
        if (result.status == engine::Status::skipped && result.reason)
            *result.reason += "; " + why;
        else
            result.notes.push_back(std::move(why));
    }
    return result;
}

}  // namespace

const Check& check_16_0_04_cloudformation_stacksets() {
    static const net::FnCheck check(
        {"16.0-04",
         "CloudFormation StackSets",
         "CloudFormation",
         "low",
         {"cloudformation:ListStackSets", "organizations:DescribeOrganization"},
         Reach::regional,
         Applicability::one_way},
        run);
    return check;
}

}  // namespace dspm::checks
