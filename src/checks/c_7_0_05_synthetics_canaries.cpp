// 7.0-05 CloudWatch Synthetics: per audited region, DescribeCanaries answers at least one canary.
// Region-level by nature: the feature is one optional way of meeting the control (Applicability::
// one_way), so what can be evidenced is whether it is used in the region; a region without it is
// "not evidenced" (no evaluation, listed in evidence.notEvidenced), never NON_COMPLIANT.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

class Check7005SyntheticsCanaries final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"7.0-05",
                                 "CloudWatch Synthetics",
                                 "Synthetics",
                                 "low",
                                 {"synthetics:DescribeCanaries"},
                                 Reach::regional,
                                 Applicability::one_way};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        static const detection::RegionalCount spec{
            "Synthetics", "synthetics", "DescribeCanaries", {}, "Canaries", "Canaries", true, {},
            nullptr,      "",           "regionsWithCanary"};
        return detection::regional_count(info(), facts, scope, spec);
    }
};

}  // namespace

const Check& check_7_0_05_synthetics_canaries() {
    static const Check7005SyntheticsCanaries check;
    return check;
}

}  // namespace dspm::checks
