// 10.0-05 Root account MFA (credentials view of 1.0-06): IAM GetAccountSummary
// SummaryMap.AccountMFAEnabled == 1. Same operation and parameters as 1.0-06, so a run that plans
// both reads the summary once (the facts cache dedupes it).
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

class RootMfaCredentials final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "10.0-05", "Root account MFA", "IAM", "critical", {"iam:GetAccountSummary"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<engine::Evaluation> evals;
        const std::string resource = scope.account.empty() ? "root" : scope.account + ":root";
        auto doc = facts.aws("iam", "GetAccountSummary", {}, scope.global_region);
        json::object evidence;
        if (!doc) {
            evals.push_back(error_evaluation("IAM", resource, "Root account MFA", doc.error(),
                                             scope.global_region, scope.account));
        } else {
            const auto* v = at_path(*doc, "SummaryMap.AccountMFAEnabled");
            evals.push_back(
                evaluate({"IAM", resource, "SummaryMap.AccountMFAEnabled", "Root account MFA",
                          engine::Comparator::eq, 1, v != nullptr ? *v : json::value(nullptr),
                          engine::Source::aws_sdk, scope.global_region, scope.account}));
            evidence["accountMfaEnabled"] = v != nullptr ? *v : json::value(nullptr);
        }
        return finish(info(), std::move(evals), std::move(evidence), "");
    }
};

}  // namespace

const Check& check_10_0_05_root_mfa() {
    static const RootMfaCredentials check;
    return check;
}

}  // namespace dspm::checks
