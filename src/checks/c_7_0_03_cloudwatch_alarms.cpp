// 7.0-03 CloudWatch alarms: per audited region, DescribeAlarms answers at least one metric alarm
// (composite alarms only combine metric alarms, so they do not count on their own).
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

class Check7003CloudwatchAlarms final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"7.0-03",
                                 "CloudWatch Alarms",
                                 "CloudWatch",
                                 "medium",
                                 {"cloudwatch:DescribeAlarms"},
                                 Reach::regional,
                                 Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        static const detection::RegionalCount spec{
            "CloudWatch", "cloudwatch", "DescribeAlarms", {}, "MetricAlarms",     "Metric alarms",
            true,         {},           nullptr,          "", "regionsWithAlarms"};
        return detection::regional_count(info(), facts, scope, spec);
    }
};

}  // namespace

const Check& check_7_0_03_cloudwatch_alarms() {
    static const Check7003CloudwatchAlarms check;
    return check;
}

}  // namespace dspm::checks
