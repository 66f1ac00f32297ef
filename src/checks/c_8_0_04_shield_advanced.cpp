// 8.0-04 Shield Advanced: DescribeSubscription (a global API, read in the global region) answers a
// subscription. ResourceNotFoundException means the account is not subscribed: a finding.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/fix.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

// Manual: subscribing is a purchase, not a setting.
class ShieldAdvancedFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        (void)failing;
        return unexpected(std::string(
            "Shield Advanced costs USD 3,000 a month per organization with a one-year "
            "commitment, and a subscription cannot be cancelled before that year ends: "
            "subscribing is a purchase the account owner decides (CreateSubscription), not a "
            "setting to apply and undo"));
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        (void)aws;
        (void)failing;
        return std::vector<FixCall>{};
    }
};

class ShieldAdvanced final : public Check {
  public:
    const Fixer* fixer() const override {
        static const ShieldAdvancedFixer f;
        return &f;
    }
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "8.0-04",      "Shield Advanced",     "Shield", "low", {"shield:DescribeSubscription"},
            Reach::global, Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        const std::string resource = detection::account_resource(scope);
        auto doc = facts.aws("shield", "DescribeSubscription", {}, scope.global_region);
        json::value observed = nullptr;
        json::object extra;
        if (!doc) {
            if (!is_error_code(doc.error(), "ResourceNotFoundException")) {
                evals.push_back(error_evaluation("Shield", resource, "Shield Advanced subscription",
                                                 doc.error(), scope.global_region, scope.account));
                return finish(info(), std::move(evals), {}, "");
            }
            extra["note"] = "no Shield Advanced subscription (ResourceNotFoundException)";
        } else if (const auto* sub = at_path(*doc, "Subscription");
                   sub != nullptr && sub->is_object()) {
            // The ARN names the subscription; older answers may omit it.
            const auto arn = string_at(*sub, "SubscriptionArn");
            observed = arn.empty() ? json::value("present") : json::value(arn);
            if (const auto* end = sub->get_object().if_contains("EndTime")) extra["EndTime"] = *end;
        }
        evals.push_back(evaluate({"Shield", resource, "Subscription.SubscriptionArn",
                                  "Shield Advanced subscription", engine::Comparator::exists,
                                  nullptr, std::move(observed), engine::Source::aws_sdk,
                                  scope.global_region, scope.account, std::move(extra)}));
        json::object evidence{{"subscribed", evals.back().passed}};
        return finish(info(), std::move(evals), std::move(evidence), "");
    }
};

}  // namespace

const Check& check_8_0_04_shield_advanced() {
    static const ShieldAdvanced check;
    return check;
}

}  // namespace dspm::checks
