// 11.0-02 AWS Config: per audited region, the configuration recorder is recording and at least one
// conformance pack is in CREATE_COMPLETE.
// Region-level by nature: the recorder with its conformance packs is itself the control and is
// regional (one per region, seeing that region only), so each audited region is judged; none there
// is NON_COMPLIANT.
#include <boost/json.hpp>

#include "checks/all.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

class ConfigConformance final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "11.0-02",
            "AWS Config",
            "Config",
            "medium",
            {"config:DescribeConfigurationRecorderStatus", "config:DescribeConformancePackStatus"},
            Reach::regional,
            Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        std::size_t recording_regions = 0, pack_regions = 0;
        for (const auto& region : scope.regions) {
            auto rec = facts.aws("config", "DescribeConfigurationRecorderStatus", {}, region);
            if (!rec) {
                evals.push_back(error_evaluation("Config", region, "Configuration recorder",
                                                 rec.error(), region, scope.account));
            } else {
                bool recording = false;
                std::string path = "ConfigurationRecordersStatus";
                json::array names;
                if (const auto* arr = at_path(*rec, "ConfigurationRecordersStatus");
                    arr != nullptr && arr->is_array()) {
                    for (std::size_t i = 0; i < arr->get_array().size(); ++i) {
                        const auto& r = arr->get_array()[i];
                        names.push_back(json::string(string_at(r, "name")));
                        const auto* v = at_path(r, "recording");
                        if (v != nullptr && v->is_bool() && v->get_bool() && !recording) {
                            recording = true;
                            path = indexed(path, i, ".recording");
                        }
                    }
                }
                if (!recording) path += "[*].recording";
                json::object extra{{"recorders", names}};
                if (names.empty()) extra["note"] = "no configuration recorder";
                evals.push_back(
                    evaluate({"Config", region, path, "Configuration recorder recording",
                              engine::Comparator::eq, true, recording, engine::Source::aws_sdk,
                              region, scope.account, std::move(extra)}));
                if (recording) ++recording_regions;
            }
            auto packs = facts.aws_all_pages("config", "DescribeConformancePackStatus", {}, region);
            if (!packs) {
                evals.push_back(error_evaluation("Config", region, "Conformance packs",
                                                 packs.error(), region, scope.account));
                continue;
            }
            std::int64_t complete = 0;
            json::array states;
            if (const auto* arr = at_path(*packs, "ConformancePackStatusDetails");
                arr != nullptr && arr->is_array()) {
                for (const auto& p : arr->get_array()) {
                    const std::string state = string_at(p, "ConformancePackState");
                    states.push_back(json::object{{"name", string_at(p, "ConformancePackName")},
                                                  {"state", state}});
                    if (state == "CREATE_COMPLETE") ++complete;
                }
            }
            evals.push_back(
                evaluate({"Config", region,
                          "ConformancePackStatusDetails[?ConformancePackState=="
                          "'CREATE_COMPLETE']",
                          "Conformance packs in CREATE_COMPLETE", engine::Comparator::ge, 1,
                          complete, engine::Source::aws_sdk, region, scope.account,
                          json::object{{"conformancePacks", std::move(states)}}}));
            if (complete > 0) ++pack_regions;
        }
        json::object evidence{{"regions", scope.regions.size()},
                              {"recordingRegions", recording_regions},
                              {"regionsWithCompletePack", pack_regions}};
        return finish(info(), std::move(evals), std::move(evidence), "no regions audited");
    }
};

}  // namespace

const Check& check_11_0_02_config_conformance() {
    static const ConfigConformance check;
    return check;
}

}  // namespace dspm::checks
