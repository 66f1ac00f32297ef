// 7.0-01 Security Hub: per audited region, GetEnabledStandards answers at least one standards
// subscription. An account not subscribed to Security Hub answers InvalidAccessException: that is
// the finding ("Security Hub not enabled"), not an ERROR. Subscriptions being deleted or failed do
// not count.
// Region-level by nature: the Security Hub subscription is itself the control and is regional (one
// per region, seeing that region only), so each audited region is judged; none there is
// NON_COMPLIANT.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/fix.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

// AWS Foundational Security Best Practices: the standard AWS maintains for every service, the one
// EnableDefaultStandards turns on with CIS 1.2; a region ARN, no account.
std::string partition_of(const std::string& region) {
    if (region.starts_with("cn-")) return "aws-cn";
    if (region.starts_with("us-gov-")) return "aws-us-gov";
    return "aws";
}

std::string fsbp_standard(const std::string& partition, const std::string& region) {
    std::string arn = "arn:";
    arn += partition;
    arn += ":securityhub:";
    arn += region;
    arn += "::standards/aws-foundational-security-best-practices/v/1.0.0";
    return arn;
}

// The subscription BatchEnableStandards makes for it, named by region and account.
std::string fsbp_subscription(const std::string& partition, const std::string& region,
                              const std::string& account) {
    std::string arn = "arn:";
    arn += partition;
    arn += ":securityhub:";
    arn += region;
    arn += ':';
    arn += account;
    arn += ":subscription/aws-foundational-security-best-practices/v/1.0.0";
    return arn;
}

// Security Hub off in the region (the check observed no subscription list): EnableSecurityHub
// with the default standards, undone by DisableSecurityHub. On but with no standard (observed 0):
// BatchEnableStandards for FSBP, undone by BatchDisableStandards of that subscription.
class SecurityHubFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        if (hub_off(failing)) return enable_hub();
        if (failing.account.empty())
            return unexpected(std::string(
                "the evaluation names no account, so the standard's subscription (the undo's "
                "BatchDisableStandards) cannot be named: audit again with the account known"));
        return subscribe(failing.region);
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        const std::string region = fix_region(failing, aws);
        if (hub_off(failing)) {
            // Read so that a hub turned on since the audit is not disabled by a later undo: the
            // enable will then fail and nothing is written.
            auto hub = aws.call("securityhub", "DescribeHub", {}, {region});
            if (hub) return std::vector<FixCall>{};
            if (!is_error_code(hub.error(), "InvalidAccessException") &&
                !is_error_code(hub.error(), "ResourceNotFoundException"))
                return unexpected(hub.error());
            return std::vector<FixCall>{{"securityhub", "DisableSecurityHub", {}}};
        }
        return std::vector<FixCall>{
            {"securityhub",
             "BatchDisableStandards",
             {{"StandardsSubscriptionArns",
               json::array{fsbp_subscription(partition_of(region), region, failing.account)}}}}};
    }

  private:
    static FixPlan enable_hub() {
        FixPlan p;
        p.calls.push_back({"securityhub", "EnableSecurityHub", {{"EnableDefaultStandards", true}}});
        p.iam_actions = {"securityhub:EnableSecurityHub", "securityhub:DescribeHub",
                         "securityhub:DisableSecurityHub", "iam:CreateServiceLinkedRole"};
        p.risk = std::string(
            "Security Hub starts in the region with the AWS Foundational Security Best "
            "Practices and CIS 1.2 standards, billed per control check and finding after a "
            "30-day trial; their controls need AWS Config recording to evaluate. Undo disables "
            "Security Hub and drops its findings");
        p.expected_after = 1;  // at least one standard, as the check counts
        return p;
    }
    static FixPlan subscribe(const std::string& region) {
        FixPlan p;
        p.calls.push_back(
            {"securityhub",
             "BatchEnableStandards",
             {{"StandardsSubscriptionRequests",
               json::array{
                   json::object{{"StandardsArn", fsbp_standard(partition_of(region), region)}}}}}});
        p.iam_actions = {"securityhub:BatchEnableStandards", "securityhub:BatchDisableStandards"};
        p.risk = std::string(
            "the AWS Foundational Security Best Practices standard's controls start running, "
            "billed per control check; they need AWS Config recording to evaluate");
        p.expected_after = 1;
        return p;
    }
    // The check observes null when GetEnabledStandards answers "not subscribed", a count otherwise.
    static bool hub_off(const Evaluation& failing) { return failing.observed_value.is_null(); }
};

class Check7001SecurityhubStandards final : public Check {
  public:
    const Fixer* fixer() const override {
        static const SecurityHubFixer f;
        return &f;
    }

    const CheckInfo& info() const override {
        static const CheckInfo i{"7.0-01",
                                 "Security Hub",
                                 "SecurityHub",
                                 "high",
                                 {"securityhub:GetEnabledStandards"},
                                 Reach::regional,
                                 Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        static const detection::RegionalCount spec{
            "SecurityHub",
            "securityhub",
            "GetEnabledStandards",
            {},
            "StandardsSubscriptions",
            "Enabled security standards",
            true,
            {"InvalidAccessException", "ResourceNotFoundException"},
            [](const json::value& s) {
                const auto st = string_at(s, "StandardsStatus");
                return st != "DELETING" && st != "FAILED";
            },
            "[?StandardsStatus!='DELETING' && StandardsStatus!='FAILED']",
            "regionsWithStandards"};
        return detection::regional_count(info(), facts, scope, spec);
    }
};

}  // namespace

const Check& check_7_0_01_securityhub_standards() {
    static const Check7001SecurityhubStandards check;
    return check;
}

}  // namespace dspm::checks
