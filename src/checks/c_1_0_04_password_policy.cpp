// 1.0-04 IAM password policy: MinimumPasswordLength >= 8, all four character classes (symbols,
// numbers, uppercase as the catalog's fix command requires, and lowercase), and passwords that
// expire within 90 days (MaxPasswordAge 1-90: the periodic change ISMS-P 2.5.4 asks for; an absent
// MaxPasswordAge means passwords never expire and is observed null). No policy at all
// (NoSuchEntity) is a finding with observed null, not an ERROR.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

class PasswordPolicy final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "1.0-04",      "IAM Password Policy", "IAM", "medium", {"iam:GetAccountPasswordPolicy"},
            Reach::global, Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        const std::string resource = detection::account_resource(scope);
        auto doc = facts.aws("iam", "GetAccountPasswordPolicy", {}, scope.global_region);
        if (!doc) {
            if (is_error_code(doc.error(), "NoSuchEntity")) {
                evals.push_back(evaluate(
                    {"IAM", resource, "PasswordPolicy.MinimumPasswordLength",
                     "Minimum password length", engine::Comparator::ge, 8, nullptr,
                     engine::Source::aws_sdk, scope.global_region, scope.account,
                     json::object{{"note", "no account password policy (NoSuchEntity)"}}}));
                return finish(info(), std::move(evals), {{"policy", false}}, "");
            }
            evals.push_back(error_evaluation("IAM", resource, "Password policy", doc.error(),
                                             scope.global_region, scope.account));
            return finish(info(), std::move(evals), {}, "");
        }
        auto field = [&](const char* name) {
            const auto* v = at_path(*doc, std::string("PasswordPolicy.") + name);
            return v != nullptr ? *v : json::value(nullptr);
        };
        evals.push_back(evaluate({"IAM", resource, "PasswordPolicy.MinimumPasswordLength",
                                  "Minimum password length", engine::Comparator::ge, 8,
                                  field("MinimumPasswordLength"), engine::Source::aws_sdk,
                                  scope.global_region, scope.account}));
        for (const auto& [member, label] :
             {std::pair{"RequireSymbols", "Require symbols"},
              std::pair{"RequireNumbers", "Require numbers"},
              std::pair{"RequireUppercaseCharacters", "Require uppercase characters"},
              std::pair{"RequireLowercaseCharacters", "Require lowercase characters"}}) {
            evals.push_back(
                evaluate({"IAM", resource, std::string("PasswordPolicy.") + member, label,
                          engine::Comparator::eq, true, field(member), engine::Source::aws_sdk,
                          scope.global_region, scope.account}));
        }
        evals.push_back(
            evaluate({"IAM", resource, "PasswordPolicy.MaxPasswordAge", "Password expiry (days)",
                      engine::Comparator::le, 90, field("MaxPasswordAge"), engine::Source::aws_sdk,
                      scope.global_region, scope.account}));
        json::object evidence{{"policy", true},
                              {"MinimumPasswordLength", field("MinimumPasswordLength")},
                              {"RequireLowercaseCharacters", field("RequireLowercaseCharacters")},
                              {"MaxPasswordAge", field("MaxPasswordAge")},
                              {"PasswordReusePrevention", field("PasswordReusePrevention")}};
        return finish(info(), std::move(evals), std::move(evidence), "");
    }
};

}  // namespace

const Check& check_1_0_04_password_policy() {
    static const PasswordPolicy check;
    return check;
}

}  // namespace dspm::checks
