// 6.0-07 ECR immutable image tags: per region, every repository's imageTagMutability is IMMUTABLE
// (IMMUTABLE_WITH_EXCLUSION, immutable but for listed tag filters, passes too).
#include <boost/json.hpp>

#include "checks/fix.hpp"
#include "checks/helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

// The fix: every tag of the repository immutable. Images already pushed stay, and pulls are not
// affected. High risk: a pipeline that pushes the same tag again (latest, a branch name) fails
// from now on; exempting such tags (IMMUTABLE_WITH_EXCLUSION) needs filters only the operator
// knows. Undo puts back the mutability read just before, with its exclusion filters.
class EcrImmutableTagsFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        FixPlan p;
        p.calls.push_back(
            {"ecr",
             "PutImageTagMutability",
             {{"repositoryName", failing.resource_id}, {"imageTagMutability", "IMMUTABLE"}}});
        p.iam_actions = {"ecr:PutImageTagMutability", "ecr:DescribeRepositories"};
        p.high_risk = true;
        p.risk =
            "a push of a tag the repository holds already (latest, a branch tag) is refused, so "
            "pipelines that re-push a tag fail; images and pulls are not affected";
        p.expected_after = "IMMUTABLE";
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        auto doc = aws.call("ecr", "DescribeRepositories",
                            {{"repositoryNames", json::array{json::string(failing.resource_id)}}},
                            {fix_region(failing, aws)});
        if (!doc) return unexpected(doc.error());
        const auto* repo = at_path(*doc, "repositories[0]");
        std::string before = repo != nullptr ? string_at(*repo, "imageTagMutability") : "";
        json::object params{{"repositoryName", failing.resource_id},
                            {"imageTagMutability", before.empty() ? "MUTABLE" : before}};
        if (repo != nullptr)
            if (const auto* f = at_path(*repo, "imageTagMutabilityExclusionFilters");
                f != nullptr && f->is_array() && !f->get_array().empty())
                params["imageTagMutabilityExclusionFilters"] = *f;
        return std::vector<FixCall>{{"ecr", "PutImageTagMutability", std::move(params)}};
    }
};

}  // namespace

const Check& check_6_0_07_ecr_immutable_tags() {
    static const EcrImmutableTagsFixer fixer;
    static const net::FnCheck check(
        {"6.0-07", "ECR immutable image tags", "ECR", "low", {"ecr:DescribeRepositories"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::ItemRule rule{
                "ECR",
                "ecr",
                "DescribeRepositories",
                {},
                "repositories",
                "repositoryName",
                "Repository list",
                {{"imageTagMutability", "Image tag mutability", engine::Comparator::in,
                  json::array{"IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"}}},
                {"repositoryArn"},
                "totalRepositories",
                "immutableTags",
                "no ECR repositories in the audited regions"};
            return net::run_item_rule(info, rule, facts, scope);
        },
        &fixer);
    return check;
}

}  // namespace dspm::checks
