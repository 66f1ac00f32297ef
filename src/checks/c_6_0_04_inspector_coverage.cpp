// 6.0-04 Inspector coverage: per audited region, ListCoverageStatistics totalCounts >= 1 (Inspector
// scans at least one resource). totalCounts is the whole count, so one page is enough.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

class InspectorCoverage final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"6.0-04",
                                 "Inspector2 Coverage",
                                 "Inspector2",
                                 "medium",
                                 {"inspector2:ListCoverageStatistics"},
                                 Reach::regional,
                                 Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        std::size_t covered = 0;
        for (const auto& region : scope.regions) {
            auto doc = facts.aws("inspector2", "ListCoverageStatistics", {}, region);
            if (!doc) {
                evals.push_back(error_evaluation("Inspector2", region, "Covered resources",
                                                 doc.error(), region, scope.account));
                continue;
            }
            const auto* total = at_path(*doc, "totalCounts");
            // An absent count means nothing is covered (Inspector not activated).
            auto e =
                evaluate({"Inspector2", region, "totalCounts", "Covered resources",
                          engine::Comparator::ge, 1, total != nullptr ? *total : json::value(0),
                          engine::Source::aws_sdk, region, scope.account});
            if (e.passed) ++covered;
            evals.push_back(std::move(e));
        }
        json::object evidence{{"regions", scope.regions.size()}, {"regionsWithCoverage", covered}};
        return finish(info(), std::move(evals), std::move(evidence), "no audited regions");
    }
};

}  // namespace

const Check& check_6_0_04_inspector_coverage() {
    static const InspectorCoverage check;
    return check;
}

}  // namespace dspm::checks
