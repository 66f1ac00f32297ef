// 7.0-02 GuardDuty: per audited region, ListDetectors answers a detector and GetDetector says its
// Status is ENABLED. A region without a detector is a finding (observed 0 detectors); a suspended
// detector is a finding for that detector.
// Region-level by nature: the detector is itself the control and is regional (one per region,
// seeing that region only), so each audited region is judged; none there is NON_COMPLIANT.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

class GuardDuty final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"7.0-02",
                                 "GuardDuty",
                                 "GuardDuty",
                                 "high",
                                 {"guardduty:ListDetectors", "guardduty:GetDetector"},
                                 Reach::regional,
                                 Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        std::size_t enabled_regions = 0;
        for (const auto& region : scope.regions) {
            auto list = facts.aws_all_pages("guardduty", "ListDetectors", {}, region);
            if (!list) {
                evals.push_back(error_evaluation("GuardDuty", region, "Detectors", list.error(),
                                                 region, scope.account));
                continue;
            }
            std::vector<std::string> ids;
            for (const auto& id : detection::array_at(*list, "DetectorIds"))
                if (id.is_string()) ids.emplace_back(id.get_string());
            if (ids.empty()) {
                evals.push_back(
                    evaluate({"GuardDuty", region, "DetectorIds", "Detectors",
                              engine::Comparator::ge, 1, 0, engine::Source::aws_sdk, region,
                              scope.account, json::object{{"note", "no GuardDuty detector"}}}));
                continue;
            }
            std::vector<Evaluation> per(ids.size());
            parallel_for(ids.size(), scope.fanout, [&](std::size_t i) {
                auto d = facts.aws("guardduty", "GetDetector", {{"DetectorId", ids[i]}}, region);
                if (!d) {
                    per[i] = error_evaluation("GuardDuty", ids[i], "Detector status", d.error(),
                                              region, scope.account);
                    return;
                }
                const auto* st = at_path(*d, "Status");
                per[i] = evaluate({"GuardDuty", ids[i], "Status", "Detector status",
                                   engine::Comparator::eq, "ENABLED",
                                   st != nullptr ? *st : json::value(nullptr),
                                   engine::Source::aws_sdk, region, scope.account});
            });
            bool any = false;
            for (auto& e : per) {
                any = any || e.passed;
                evals.push_back(std::move(e));
            }
            if (any) ++enabled_regions;
        }
        json::object evidence{{"regions", scope.regions.size()},
                              {"regionsWithEnabledDetector", enabled_regions}};
        return finish(info(), std::move(evals), std::move(evidence), "no audited regions");
    }
};

}  // namespace

const Check& check_7_0_02_guardduty() {
    static const GuardDuty check;
    return check;
}

}  // namespace dspm::checks
