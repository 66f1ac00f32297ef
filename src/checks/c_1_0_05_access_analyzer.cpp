// 1.0-05 IAM Access Analyzer: per audited region, ListAnalyzers answers an analyzer whose status
// is ACTIVE (analyzers are regional: one region's analyzer does not see another's resources).
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

class Check1005AccessAnalyzer final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"1.0-05",
                                 "IAM Access Analyzer",
                                 "AccessAnalyzer",
                                 "medium",
                                 {"access-analyzer:ListAnalyzers"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        static const detection::RegionalCount spec{
            "AccessAnalyzer",
            "accessanalyzer",
            "ListAnalyzers",
            {},
            "analyzers",
            "Active analyzers",
            true,
            {},
            [](const json::value& a) { return string_at(a, "status") == "ACTIVE"; },
            "[?status=='ACTIVE']",
            "regionsWithActiveAnalyzer"};
        return detection::regional_count(info(), facts, scope, spec);
    }
};

}  // namespace

const Check& check_1_0_05_access_analyzer() {
    static const Check1005AccessAnalyzer check;
    return check;
}

}  // namespace dspm::checks
