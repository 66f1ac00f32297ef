// 1.0-06 Root account MFA: IAM GetAccountSummary SummaryMap.AccountMFAEnabled == 1.
#include <boost/json.hpp>

#include "checks/all.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

class RootMfa final : public Check {
  public:
    RootMfa(std::string code, std::string title)
        : info_{std::move(code), std::move(title),          "IAM",
                "critical",      {"iam:GetAccountSummary"}, Reach::global} {}
    const CheckInfo& info() const override { return info_; }

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

  private:
    CheckInfo info_;
};

}  // namespace

const Check& check_1_0_06_root_mfa() {
    static const RootMfa check("1.0-06", "Root MFA");
    return check;
}

const Check& check_10_0_05_root_mfa() {
    static const RootMfa check("10.0-05", "Root account MFA");
    return check;
}

}  // namespace dspm::checks
