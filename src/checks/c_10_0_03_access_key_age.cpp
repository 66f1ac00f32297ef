// 10.0-03 IAM access keys: every active access key was last used at most 90 days ago
// (GetAccessKeyLastUsed); a key never used is judged by its age. The reads are the ones 1.0-03
// makes with the same parameters, so a run planning both reads each key once.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

class AccessKeyAge final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "10.0-03",
            "IAM Access Key",
            "IAM",
            "high",
            {"iam:ListUsers", "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed"},
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
            per[i] = detection::access_key_evaluations(facts, scope, users[i], 90, inactive[i]);
        });
        std::vector<Evaluation> evals;
        std::size_t inactive_total = 0;
        for (std::size_t i = 0; i < users.size(); ++i) {
            inactive_total += inactive[i];
            for (auto& e : per[i])
                evals.push_back(std::move(e));
        }
        auto evidence = status_evidence(evals, "activeKeys", "usedWithin90Days");
        evidence["users"] = users.size();
        evidence["inactiveKeys"] = inactive_total;
        return finish(
            info(), std::move(evals), std::move(evidence),
            users.empty() ? "no IAM users in the account" : "no active access keys in the account");
    }
};

}  // namespace

const Check& check_10_0_03_access_key_age() {
    static const AccessKeyAge check;
    return check;
}

}  // namespace dspm::checks
