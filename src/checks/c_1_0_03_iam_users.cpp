// 1.0-03 IAM users: every user has an MFA device (ListMFADevices) and every active access key was
// used within 90 days (a never-used key older than 90 days fails).
// Judgement: the catalog reads the credential report; here the same facts come from per-user reads
// that the facts cache shares with 10.0-03. GetLoginProfile is not in the embedded models, so
// console users cannot be told apart and MFA is evaluated for every user, as the credential
// report's mfa_active column is.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

class IamUsers final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"1.0-03",
                                 "IAM Credential Report",
                                 "IAM",
                                 "high",
                                 {"iam:ListUsers", "iam:ListMFADevices", "iam:ListAccessKeys",
                                  "iam:GetAccessKeyLastUsed"},
                                 Reach::global};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<detection::IamUser> users;
        if (auto failed = detection::list_users(facts, scope, users)) {
            std::vector<Evaluation> evals;
            evals.push_back(std::move(*failed));
            return finish(info(), std::move(evals), {}, "");
        }
        std::vector<std::vector<Evaluation>> per(users.size());
        std::vector<std::size_t> inactive(users.size(), 0);
        parallel_for(users.size(), scope.fanout, [&](std::size_t i) {
            per[i].push_back(mfa(facts, scope, users[i]));
            for (auto& e :
                 detection::access_key_evaluations(facts, scope, users[i], 90, inactive[i]))
                per[i].push_back(std::move(e));
        });
        std::vector<Evaluation> evals;
        std::size_t with_mfa = 0, keys = 0, stale = 0;
        for (auto& list : per) {
            for (auto& e : list) {
                if (e.checked_field == "MFA devices") {
                    with_mfa += e.passed;
                } else {
                    ++keys;
                    stale += e.status == engine::Status::non_compliant;
                }
                evals.push_back(std::move(e));
            }
        }
        json::object evidence{{"totalUsers", users.size()},
                              {"usersWithMfa", with_mfa},
                              {"activeKeys", keys},
                              {"staleKeys", stale}};
        auto counts = status_evidence(evals, "evaluations", "compliant");
        evidence["nonCompliant"] = counts["nonCompliant"];
        evidence["errors"] = counts["errors"];
        return finish(info(), std::move(evals), std::move(evidence), "no IAM users in the account");
    }

  private:
    static Evaluation mfa(inventory::Facts& facts, const CheckScope& scope,
                          const detection::IamUser& user) {
        auto doc = facts.aws_all_pages("iam", "ListMFADevices", {{"UserName", user.name}},
                                       scope.global_region);
        if (!doc)
            return error_evaluation("IAM", user.name, "MFA devices", doc.error(),
                                    scope.global_region, scope.account);
        const auto n = static_cast<std::int64_t>(detection::array_at(*doc, "MFADevices").size());
        json::object extra;
        if (n == 0) extra["note"] = "no MFA device";
        return evaluate({"IAM", user.name, "MFADevices", "MFA devices", engine::Comparator::ge, 1,
                         n, engine::Source::aws_sdk, scope.global_region, scope.account,
                         std::move(extra)});
    }
};

}  // namespace

const Check& check_1_0_03_iam_users() {
    static const IamUsers check;
    return check;
}

}  // namespace dspm::checks
