// 7.0-02 GuardDuty: per audited region, ListDetectors answers a detector and GetDetector says its
// Status is ENABLED. A region without a detector is a finding (observed 0 detectors); a suspended
// detector is a finding for that detector.
// Region-level by nature: the detector is itself the control and is regional (one per region,
// seeing that region only), so each audited region is judged; none there is NON_COMPLIANT.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/fix.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

// The tag on the detector a fix creates: the undo deletes that detector and no other.
constexpr const char* kFixTag = "dspm-audit:fix";
// The undo's DetectorId before prepare() reads it: the detector does not exist when undo() runs
// (right before the write), so its id is resolved when the undo is made. Not a valid detector id
// (32 hex digits): a call made without that step is refused by GuardDuty and deletes nothing.
constexpr const char* kCreatedDetector = "detector-created-by-this-fix";

// A region without a detector (the evaluation names the region): CreateDetector, enabled, tagged.
// A suspended detector (the evaluation names it): UpdateDetector Enable=true, undone with
// Enable=false. GuardDuty allows one detector per account and region, so a successful create
// means there was none, and deleting the tagged detector puts the region back as it was.
class GuardDutyFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        return creates(failing) ? create_plan() : resume_plan(failing.resource_id);
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        if (creates(failing))
            return std::vector<FixCall>{
                {"guardduty", "DeleteDetector", {{"DetectorId", kCreatedDetector}}}};
        auto d = aws.call("guardduty", "GetDetector", {{"DetectorId", failing.resource_id}},
                          {fix_region(failing, aws)});
        if (!d) return unexpected(d.error());
        return std::vector<FixCall>{{"guardduty",
                                     "UpdateDetector",
                                     {{"DetectorId", failing.resource_id},
                                      {"Enable", string_at(*d, "Status") == "ENABLED"}}}};
    }
    // At undo time: the detector this fix created is the region's detector carrying the tag.
    Expected<std::vector<FixCall>, aws::AwsError> prepare(
        aws::AwsClient& aws, const Evaluation& failing,
        std::vector<FixCall> planned) const override {
        for (auto& c : planned) {
            const auto* id = c.params.if_contains("DetectorId");
            if (c.operation != "DeleteDetector" || id == nullptr || !id->is_string() ||
                id->as_string() != kCreatedDetector)
                continue;
            const std::string region = fix_region(failing, aws);
            auto list = aws.call_all_pages("guardduty", "ListDetectors", {}, {region});
            if (!list) return unexpected(list.error());
            std::string found;
            for (const auto& d : detection::array_at(*list, "DetectorIds")) {
                if (!d.is_string()) continue;
                auto doc = aws.call("guardduty", "GetDetector", {{"DetectorId", d}}, {region});
                if (!doc) return unexpected(doc.error());
                const auto* tag = at_path(*doc, "Tags");
                if (tag != nullptr && tag->is_object() && tag->as_object().contains(kFixTag))
                    found = std::string(d.as_string());
            }
            if (found.empty()) {
                return unexpected(fix_refusal(
                    aws::ErrorKind::not_found, "guardduty", "ListDetectors", "DetectorNotFound",
                    std::string("no detector tagged ") + kFixTag + " in " + region +
                        ": the detector this fix created is gone, nothing to delete",
                    region, "guardduty:ListDetectors"));
            }
            c.params["DetectorId"] = found;
        }
        return planned;
    }

  private:
    static FixPlan create_plan() {
        FixPlan p;
        p.calls.push_back(
            {"guardduty", "CreateDetector", {{"Enable", true}, {"Tags", {{kFixTag, "7.0-02"}}}}});
        p.iam_actions = {"guardduty:CreateDetector", "guardduty:TagResource",
                         "guardduty:ListDetectors",  "guardduty:GetDetector",
                         "guardduty:DeleteDetector", "iam:CreateServiceLinkedRole"};
        p.risk = std::string(
            "GuardDuty starts analysing the region's CloudTrail, VPC flow and DNS logs and is "
            "billed by their volume after a 30-day trial; it creates the "
            "AWSServiceRoleForAmazonGuardDuty role on first use. Undo deletes the detector "
            "and its findings");
        p.expected_after = "ENABLED";
        return p;
    }
    static FixPlan resume_plan(const std::string& detector) {
        FixPlan p;
        p.calls.push_back(
            {"guardduty", "UpdateDetector", {{"DetectorId", detector}, {"Enable", true}}});
        p.iam_actions = {"guardduty:UpdateDetector", "guardduty:GetDetector"};
        p.risk = std::string(
            "the suspended detector resumes analysing the region's logs and is billed by their "
            "volume again; its settings and findings are unchanged");
        p.expected_after = "ENABLED";
        return p;
    }
    // The check names the region when it has no detector, the detector otherwise.
    static bool creates(const Evaluation& failing) {
        return failing.resource_id == failing.region || failing.evidence_path == "DetectorIds";
    }
};

class GuardDuty final : public Check {
  public:
    const Fixer* fixer() const override {
        static const GuardDutyFixer f;
        return &f;
    }

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
