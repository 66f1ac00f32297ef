// 3.0-03 AWS Config recorder: per audited region, DescribeConfigurationRecorderStatus answers a
// recorder with recording == true. No recorder at all is a finding (observed false, with a note).
// The read is the one 11.0-02 makes (same operation and parameters), so the run's cache shares it.
// Region-level by nature: the recorder is itself the control and is regional (one per region,
// seeing that region only), so each audited region is judged; none there is NON_COMPLIANT.
#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <string_view>

#include "checks/detection_helpers.hpp"
#include "checks/fix.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

// The recorder and delivery channel a fix creates when the region has none (Config's own
// default names, which the console uses too).
constexpr const char* kRecorderName = "default";
constexpr const char* kChannelName = "default";

// arn:PARTITION:iam::123456789012:role/NAME (a path allowed; aws, aws-cn, aws-us-gov): what
// Config assumes to read resources.
bool role_arn(const std::string& arn) {
    std::size_t start = 0;
    for (const char* prefix : {"arn:aws:iam::", "arn:aws-cn:iam::", "arn:aws-us-gov:iam::"})
        if (arn.rfind(prefix, 0) == 0) start = std::string_view(prefix).size();
    if (start == 0 || arn.size() > 2048) return false;
    const auto account_end = arn.find(':', start);
    if (account_end != start + 12) return false;
    for (std::size_t i = start; i < account_end; ++i)
        if (!std::isdigit(static_cast<unsigned char>(arn[i]))) return false;
    const std::string rest = arn.substr(account_end + 1);
    if (rest.rfind("role/", 0) != 0 || rest.size() == 5) return false;
    return std::all_of(rest.begin(), rest.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               std::string_view("+=,.@_/-").find(c) != std::string_view::npos;
    });
}

// The recorder the evaluation names as not recording, empty when the region has none.
std::string stopped_recorder(const Evaluation& e) {
    const auto* r = e.extra.if_contains("recorders");
    if (r == nullptr || !r->is_array() || r->as_array().empty()) return {};
    return string_at(r->as_array().front(), "name");
}

// A stopped recorder: StartConfigurationRecorder, undone by stopping it. No recorder: a recorder
// of all supported resource types with the role the operator names (--param config_role), a
// delivery channel to the bucket the operator names (--param config_bucket), then start; undone
// by stopping and deleting both, and refused before any write when a delivery channel exists
// already (the fix would take it over, and its undo delete it).
class ConfigRecorderFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        return plan_with(failing, {});
    }
    Expected<FixPlan, std::string> plan_with(const Evaluation& failing,
                                             const FixParams& params) const override {
        if (const auto name = stopped_recorder(failing); !name.empty()) {
            FixPlan p;
            p.calls.push_back(
                {"config", "StartConfigurationRecorder", {{"ConfigurationRecorderName", name}}});
            p.iam_actions = {"config:StartConfigurationRecorder",
                             "config:StopConfigurationRecorder"};
            p.risk = "the recorder " + name +
                     " records configuration changes again, billed per configuration item; it "
                     "needs a delivery channel, or the start fails";
            p.expected_after = true;
            return p;
        }
        const auto role = params.find("config_role");
        const auto bucket = params.find("config_bucket");
        if (role == params.end() || bucket == params.end())
            return unexpected(std::string(
                "no recorder in the region: a Config recorder needs an IAM role Config assumes "
                "(--param config_role=arn:aws:iam::ACCOUNT:role/NAME, with the AWS_ConfigRole "
                "policy) and a delivery channel bucket (--param config_bucket=NAME, whose policy "
                "lets config.amazonaws.com write); recording costs per configuration item"));
        if (!role_arn(role->second))
            return unexpected(
                std::string("config_role: not an IAM role ARN "
                            "(arn:aws:iam::123456789012:role/NAME)"));
        if (auto problem = bucket_name_problem(bucket->second); !problem.empty())
            return unexpected("config_bucket: " + problem);
        FixPlan p;
        p.calls.push_back(
            {"config",
             "PutConfigurationRecorder",
             {{"ConfigurationRecorder",
               {{"name", kRecorderName},
                {"roleARN", role->second},
                {"recordingGroup",
                 {{"allSupported", true}, {"includeGlobalResourceTypes", false}}}}}}});
        p.calls.push_back(
            {"config",
             "PutDeliveryChannel",
             {{"DeliveryChannel", {{"name", kChannelName}, {"s3BucketName", bucket->second}}}}});
        p.calls.push_back({"config",
                           "StartConfigurationRecorder",
                           {{"ConfigurationRecorderName", kRecorderName}}});
        p.iam_actions = {"config:PutConfigurationRecorder",    "config:PutDeliveryChannel",
                         "config:StartConfigurationRecorder",  "config:DescribeDeliveryChannels",
                         "config:StopConfigurationRecorder",   "config:DeleteDeliveryChannel",
                         "config:DeleteConfigurationRecorder", "iam:PassRole"};
        p.risk =
            "Config records every supported resource type of the region (global types such "
            "as IAM are left to one region: record them there), billed per configuration "
            "item; snapshots and history go to " +
            bucket->second;
        p.expected_after = true;
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        if (const auto name = stopped_recorder(failing); !name.empty())
            return std::vector<FixCall>{
                {"config", "StopConfigurationRecorder", {{"ConfigurationRecorderName", name}}}};
        const std::string region = fix_region(failing, aws);
        auto channels = aws.call("config", "DescribeDeliveryChannels", {}, {region});
        if (!channels) return unexpected(channels.error());
        if (const auto& list = detection::array_at(*channels, "DeliveryChannels"); !list.empty()) {
            return unexpected(fix_refusal(
                aws::ErrorKind::invalid_request, "config", "DescribeDeliveryChannels",
                "DeliveryChannelExists",
                "the delivery channel " + string_at(list.front(), "name") + " exists in " + region +
                    " already: nothing written (the fix would take it over and its undo "
                    "delete it); create the recorder by hand and keep that channel",
                region));
        }
        return std::vector<FixCall>{
            {"config", "StopConfigurationRecorder", {{"ConfigurationRecorderName", kRecorderName}}},
            {"config", "DeleteDeliveryChannel", {{"DeliveryChannelName", kChannelName}}},
            {"config",
             "DeleteConfigurationRecorder",
             {{"ConfigurationRecorderName", kRecorderName}}}};
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
