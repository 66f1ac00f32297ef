// 1.0-05 IAM Access Analyzer: per audited region, ListAnalyzers (every page) answers an analyzer
// for external sharing whose status is ACTIVE. Analyzers are regional: one region's analyzer does
// not see another region's resources.
// Judgement: the catalog's control is "an Access Analyzer for external sharing". Only analyzers of
// type ACCOUNT or ORGANIZATION find resources shared outside the zone of trust; the other types
// (ACCOUNT_UNUSED_ACCESS / ORGANIZATION_UNUSED_ACCESS find unused roles, keys and permissions,
// ACCOUNT_INTERNAL_ACCESS / ORGANIZATION_INTERNAL_ACCESS find access from inside the
// organization) are listed in extra.otherAnalyzers and not counted, nor are external-access
// analyzers that are CREATING, DISABLED or FAILED. A region passes with at least one; a region
// without any is NON_COMPLIANT (the analyzer is the control), a failed list an ERROR.
// An ORGANIZATION analyzer lives in the management or delegated administrator account and covers
// every member, but a member account's own ListAnalyzers does not show it. So in a member account
// (DescribeOrganization, read only when a region has no analyzer of its own) a region without
// one is not evidenced, never NON_COMPLIANT: it is listed in evidence.regionsNotEvidenced with
// the exact reason (run from the management account or the delegated administrator), and the
// result is SKIPPED when no region has an analyzer of its own. A standalone or management account,
// or one whose membership cannot be read (noted), fails such a region.
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checks/detection_helpers.hpp"
#include "checks/fix.hpp"
#include "checks/helpers.hpp"
#include "checks/org_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Active external access analyzers";

bool external_access(std::string_view type) {
    return type == "ACCOUNT" || type == "ORGANIZATION";
}

// A fixed name makes the undo known before the write: CreateAnalyzer either makes a new analyzer
// of that name (so there was none, and deleting it restores the region) or fails and writes
// nothing. ACCOUNT, not ORGANIZATION: it needs no management or delegated-administrator account
// and covers exactly what this account's audit judges. Analyzers of external access are free.
constexpr const char* kAnalyzerName = "dspm-audit-account";

class AccessAnalyzerFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        (void)failing;
        FixPlan p;
        p.calls.push_back({"accessanalyzer",
                           "CreateAnalyzer",
                           {{"analyzerName", kAnalyzerName}, {"type", "ACCOUNT"}}});
        p.iam_actions = {"access-analyzer:CreateAnalyzer", "access-analyzer:DeleteAnalyzer",
                         "iam:CreateServiceLinkedRole"};
        p.risk =
            "an ACCOUNT analyzer starts listing the region's resources shared outside the "
            "account as findings; nothing is blocked or changed for their users. It creates the "
            "AWSServiceRoleForAccessAnalyzer role on first use";
        p.expected_after = 1;
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        (void)aws;
        (void)failing;
        return std::vector<FixCall>{
            {"accessanalyzer", "DeleteAnalyzer", {{"analyzerName", kAnalyzerName}}}};
    }
};

class Check1005AccessAnalyzer final : public Check {
  public:
    const Fixer* fixer() const override {
        static const AccessAnalyzerFixer f;
        return &f;
    }

    const CheckInfo& info() const override {
        static const CheckInfo i{
            "1.0-05",
            "IAM Access Analyzer",
            "AccessAnalyzer",
            "medium",
            {"access-analyzer:ListAnalyzers", "organizations:DescribeOrganization"},
            Reach::regional,
            Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        std::size_t passing = 0;
        std::optional<org::Membership> membership;  // read once, when a region has no analyzer
        std::vector<std::string> unseen;
        for (const auto& region : scope.regions) {
            auto doc = facts.aws_all_pages("accessanalyzer", "ListAnalyzers", {}, region);
            if (!doc) {
                evals.push_back(error_evaluation("AccessAnalyzer", region, kField, doc.error(),
                                                 region, scope.account));
                continue;
            }
            std::int64_t n = 0;
            json::array counted, others;
            for (const auto& a : detection::array_at(*doc, "analyzers")) {
                const std::string type = string_at(a, "type");
                const std::string status = string_at(a, "status");
                json::object item{
                    {"name", string_at(a, "name")}, {"type", type}, {"status", status}};
                if (external_access(type) && status == "ACTIVE") {
                    ++n;
                    counted.push_back(std::move(item));
                } else {
                    others.push_back(std::move(item));
                }
            }
            if (n == 0) {
                if (!membership) membership = org::membership(facts, scope);
                if (membership->position == org::Position::member) {
                    unseen.push_back(region);
                    continue;
                }
            }
            json::object extra{{"analyzers", std::move(counted)},
                               {"otherAnalyzers", std::move(others)}};
            if (n == 0 && membership && membership->position == org::Position::unknown)
                extra["organizationPosition"] =
                    "unknown: DescribeOrganization failed, so an ORGANIZATION analyzer of a "
                    "management account cannot be ruled out";
            if (n == 0)
                extra["note"] =
                    "no ACTIVE analyzer of type ACCOUNT or ORGANIZATION (external access) in this "
                    "region";
            auto e = evaluate({"AccessAnalyzer", region,
                               "analyzers[?type in ['ACCOUNT','ORGANIZATION'] && status=='ACTIVE']",
                               kField, engine::Comparator::ge, 1, n, engine::Source::aws_sdk,
                               region, scope.account, std::move(extra)});
            if (e.passed) ++passing;
            evals.push_back(std::move(e));
        }
        json::object evidence{{"regions", scope.regions.size()},
                              {"regionsWithActiveAnalyzer", passing}};
        auto result = finish(info(), std::move(evals), std::move(evidence), "no audited regions");
        if (!unseen.empty()) {
            json::array listed;
            std::string joined;
            for (const auto& r : unseen) {
                listed.emplace_back(r);
                joined += (joined.empty() ? "" : ", ") + r;
            }
            result.evidence["regionsNotEvidenced"] = std::move(listed);
            result.evidence["organizationPosition"] = org::to_string(membership->position);
            std::string why = "not evidenced in " + joined +
                              ": no analyzer of this account's own there, and " +
                              org::member_reason(*membership, scope,
                                                 "an ORGANIZATION analyzer covering this account");
            if (result.evaluations.empty()) {
                result.status = engine::Status::skipped;
                result.reason = std::move(why);
            } else {
                result.notes.push_back(std::move(why));
            }
        }
        return result;
    }
};

}  // namespace

const Check& check_1_0_05_access_analyzer() {
    static const Check1005AccessAnalyzer check;
    return check;
}

}  // namespace dspm::checks
