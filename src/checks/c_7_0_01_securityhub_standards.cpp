// 7.0-01 Security Hub: per audited region, GetEnabledStandards answers at least one standards
// subscription. An account not subscribed to Security Hub answers InvalidAccessException: that is
// the finding ("Security Hub not enabled"), not an ERROR. Subscriptions being deleted or failed do
// not count.
// Region-level by nature: the Security Hub subscription is itself the control and is regional (one
// per region, seeing that region only), so each audited region is judged; none there is
// NON_COMPLIANT.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

class Check7001SecurityhubStandards final : public Check {
  public:
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
