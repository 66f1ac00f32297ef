// 7.0-04 Detective: per audited region, ListGraphs answers at least one behaviour graph.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

class Check7004DetectiveGraph final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "7.0-04", "Detective", "Detective", "low", {"detective:ListGraphs"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        static const detection::RegionalCount spec{
            "Detective", "detective", "ListGraphs", {}, "GraphList",       "Behaviour graphs",
            false,       {},          nullptr,      "", "regionsWithGraph"};
        return detection::regional_count(info(), facts, scope, spec);
    }
};

}  // namespace

const Check& check_7_0_04_detective_graph() {
    static const Check7004DetectiveGraph check;
    return check;
}

}  // namespace dspm::checks
