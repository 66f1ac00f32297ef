// 3.0-03 AWS Config recorder: per audited region, DescribeConfigurationRecorderStatus answers a
// recorder with recording == true. No recorder at all is a finding (observed false, with a note).
// The read is the one 11.0-02 makes (same operation and parameters), so the run's cache shares it.
// Region-level by nature: the recorder is itself the control and is regional (one per region,
// seeing that region only), so each audited region is judged; none there is NON_COMPLIANT.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/fix.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

// Manual: a recorder needs parts only the operator can name.
class ConfigRecorderFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        (void)failing;
        return unexpected(std::string(
            "a Config recorder needs an IAM role Config assumes and a delivery channel to an "
            "S3 bucket (optionally an SNS topic) that the operator chooses, and recording "
            "costs per configuration item: create the role and bucket, then "
            "PutConfigurationRecorder, PutDeliveryChannel and StartConfigurationRecorder"));
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        (void)aws;
        (void)failing;
        return std::vector<FixCall>{};
    }
};

class ConfigRecorder final : public Check {
  public:
    const Fixer* fixer() const override {
        static const ConfigRecorderFixer f;
        return &f;
    }
    const CheckInfo& info() const override {
        static const CheckInfo i{"3.0-03",
                                 "AWS Config",
                                 "Config",
                                 "medium",
                                 {"config:DescribeConfigurationRecorderStatus"},
                                 Reach::regional,
                                 Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        std::size_t recording_regions = 0;
        for (const auto& region : scope.regions) {
            auto doc = facts.aws("config", "DescribeConfigurationRecorderStatus", {}, region);
            if (!doc) {
                evals.push_back(error_evaluation("Config", region, "Configuration recorder",
                                                 doc.error(), region, scope.account));
                continue;
            }
            const auto& recorders = detection::array_at(*doc, "ConfigurationRecordersStatus");
            std::string path = "ConfigurationRecordersStatus[*].recording";
            bool recording = false;
            json::array seen;
            for (std::size_t i = 0; i < recorders.size(); ++i) {
                const auto* v = at_path(recorders[i], "recording");
                const bool on = v != nullptr && v->is_bool() && v->get_bool();
                seen.push_back(json::object{{"name", string_at(recorders[i], "name")},
                                            {"recording", on},
                                            {"lastStatus", string_at(recorders[i], "lastStatus")}});
                if (on && !recording) {
                    recording = true;
                    path = indexed("ConfigurationRecordersStatus", i, ".recording");
                }
            }
            json::object extra{{"recorders", std::move(seen)}};
            json::value observed = recording;
            if (recorders.empty()) {
                extra["note"] = "no configuration recorder in this region";
                observed = nullptr;
            }
            evals.push_back(
                evaluate({"Config", region, path, "Configuration recorder recording",
                          engine::Comparator::eq, true, std::move(observed),
                          engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
            if (recording) ++recording_regions;
        }
        json::object evidence{{"regions", scope.regions.size()},
                              {"recordingRegions", recording_regions}};
        return finish(info(), std::move(evals), std::move(evidence), "no audited regions");
    }
};

}  // namespace

const Check& check_3_0_03_config_recorder() {
    static const ConfigRecorder check;
    return check;
}

}  // namespace dspm::checks
