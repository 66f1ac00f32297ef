// 1.0-06 / 10.0-05 Root account MFA: IAM GetAccountSummary SummaryMap.AccountMFAEnabled == 1, or
// no root credentials at all (AccountPasswordPresent, AccountAccessKeysPresent and
// AccountSigningCertificatesPresent all 0: Organizations' centrally managed root access removed
// them, so the root user cannot sign in).
#include <boost/json.hpp>

#include "checks/all.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

class RootMfa final : public Check {
  public:
    RootMfa(std::string code, std::string title)
        : info_{
              std::move(code), std::move(title),      "IAM", "critical", {"iam:GetAccountSummary"},
              Reach::global,   Applicability::control} {}
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
            const json::value mfa = v != nullptr ? *v : json::value(nullptr);
            evidence["accountMfaEnabled"] = mfa;
            // With centrally managed root access, Organizations removes the member's root
            // password, access keys and signing certificates: there is no root sign-in left for
            // MFA to protect. Judged only when the answer carries all three counts.
            const auto* password = at_path(*doc, "SummaryMap.AccountPasswordPresent");
            const auto* keys = at_path(*doc, "SummaryMap.AccountAccessKeysPresent");
            const auto* certs = at_path(*doc, "SummaryMap.AccountSigningCertificatesPresent");
            const auto zero = [](const json::value* x) {
                return x != nullptr && x->is_number() && x->to_number<double>() == 0;
            };
            const bool no_root_credentials = zero(password) && zero(keys) && zero(certs);
            evidence["rootCredentialsPresent"] = !no_root_credentials;
            if (mfa != json::value(1) && no_root_credentials) {
                evals.push_back(evaluate(
                    {"IAM", resource, "SummaryMap.AccountPasswordPresent", "Root sign-in password",
                     engine::Comparator::eq, 0, *password, engine::Source::aws_sdk,
                     scope.global_region, scope.account,
                     json::object{{"note",
                                   "the root user has no password, access keys or signing "
                                   "certificates (centrally managed root access): nothing to "
                                   "sign in with, so no MFA is needed"},
                                  {"AccountMFAEnabled", mfa}}}));
            } else {
                evals.push_back(
                    evaluate({"IAM", resource, "SummaryMap.AccountMFAEnabled", "Root account MFA",
                              engine::Comparator::eq, 1, mfa, engine::Source::aws_sdk,
                              scope.global_region, scope.account}));
            }
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
