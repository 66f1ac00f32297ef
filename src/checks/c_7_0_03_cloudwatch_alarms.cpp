// 7.0-03 CloudWatch alarms: per audited region, at least one alarm that would tell someone when its
// threshold is breached. One evaluation per region, because the alarms are the control: CloudWatch
// gives no resource a per-resource "is alarmed" setting, and which metrics deserve an alarm is the
// account's choice, so the auditor can only judge whether the region has working alarms at all.
// Absence is NON_COMPLIANT (Applicability::control).
// DescribeAlarms (every page, no parameters) answers MetricAlarms and CompositeAlarms. An alarm
// counts when:
// - ActionsEnabled is true: with actions disabled, a breach changes the state and notifies no one;
// - AlarmActions is non-empty: OKActions and InsufficientDataActions fire on recovery or missing
//   data, never on the breach itself, so they alone do not make an alarm;
// - it is not one Application Auto Scaling created for a target-tracking policy (AlarmName
//   "TargetTracking-..." or AlarmDescription "DO NOT EDIT OR DELETE. For TargetTrackingScaling
//   policy ..."): those only drive scaling and are deleted with the policy.
// A composite alarm with enabled alarm actions counts as well (it exists only over metric alarms,
// the pattern that keeps noisy metric alarms actionless). A region whose only alarms are disabled,
// actionless or auto-created is NON_COMPLIANT; the evidence lists the alarms that count and those
// that do not with the reason. A failed read is an ERROR naming cloudwatch:DescribeAlarms.
#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Alarms with enabled alarm actions (auto-scaling alarms excluded)";
constexpr const char* kPath =
    "MetricAlarms+CompositeAlarms[?ActionsEnabled && AlarmActions && !TargetTracking]";
constexpr std::string_view kTargetTrackingName = "TargetTracking-";
constexpr std::string_view kTargetTrackingDescription =
    "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy";
// Alarms listed by name in the evidence, per list; the counts are always whole.
constexpr std::size_t kListed = 100;

// Empty when the alarm counts, else why not.
std::string why_not_counted(const json::value& alarm) {
    const auto name = string_at(alarm, "AlarmName");
    const auto description = string_at(alarm, "AlarmDescription");
    if (name.rfind(kTargetTrackingName, 0) == 0 ||
        description.find(kTargetTrackingDescription) != std::string::npos)
        return "created by Application Auto Scaling for a target-tracking policy";
    const auto* enabled = at_path(alarm, "ActionsEnabled");
    if (enabled == nullptr || !enabled->is_bool() || !enabled->get_bool())
        return "ActionsEnabled is false";
    const auto* actions = at_path(alarm, "AlarmActions");
    if (actions == nullptr || !actions->is_array() || actions->get_array().empty()) {
        const bool other = !detection::array_at(alarm, "OKActions").empty() ||
                           !detection::array_at(alarm, "InsufficientDataActions").empty();
        return other ? "no AlarmActions (only OK or insufficient-data actions)" : "no AlarmActions";
    }
    return {};
}

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
        std::vector<Evaluation> evals;
        std::size_t passing = 0;
        for (const auto& region : scope.regions) {
            auto doc = facts.aws_all_pages("cloudwatch", "DescribeAlarms", {}, region);
            if (!doc) {
                evals.push_back(error_evaluation("CloudWatch", region, kField, doc.error(), region,
                                                 scope.account));
                continue;
            }
            json::array counted, not_counted;
            std::size_t n_counted = 0, n_not = 0;
            for (const char* list : {"MetricAlarms", "CompositeAlarms"}) {
                const auto& alarms = detection::array_at(*doc, list);
                for (std::size_t k = 0; k < alarms.size(); ++k) {
                    const auto why = why_not_counted(alarms[k]);
                    json::object row{{"AlarmName", string_at(alarms[k], "AlarmName")},
                                     {"path", indexed(list, k)}};
                    if (why.empty()) {
                        if (++n_counted <= kListed) counted.push_back(std::move(row));
                    } else {
                        row["reason"] = why;
                        if (++n_not <= kListed) not_counted.push_back(std::move(row));
                    }
                }
            }
            json::object extra{{"alarmsCounted", std::move(counted)},
                               {"alarmsNotCounted", std::move(not_counted)},
                               {"notCounted", n_not}};
            if (n_counted > kListed || n_not > kListed)
                extra["listLimit"] = kListed;  // the counts are whole, the lists are not
            if (n_counted == 0)
                extra["note"] = n_not == 0 ? "no alarm in the region"
                                           : "every alarm in the region is disabled, has no alarm "
                                             "action or was created by auto scaling";
            auto e =
                evaluate({"CloudWatch", region, kPath, kField, engine::Comparator::ge, 1, n_counted,
                          engine::Source::aws_sdk, region, scope.account, std::move(extra)});
            if (e.passed) ++passing;
            evals.push_back(std::move(e));
        }
        json::object evidence{{"regions", scope.regions.size()}, {"regionsWithAlarms", passing}};
        return finish(info(), std::move(evals), std::move(evidence), "no audited regions");
    }
};

}  // namespace

const Check& check_7_0_03_cloudwatch_alarms() {
    static const Check7003CloudwatchAlarms check;
    return check;
}

}  // namespace dspm::checks
