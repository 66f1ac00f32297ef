// 3.0-01 CloudTrail: every audited region is covered by a trail that is logging, validates its log
// files and records management events of ReadWriteType All.
// Judgement, per audited region (one evaluation each, resource_id = the region):
//  - A multi-region trail (IsMultiRegionTrail) covers every region; a single-region trail only its
//    home region. Each trail's GetTrailStatus and GetEventSelectors are read in its home region
//    (HomeRegion), so a multi-region trail homed outside the audited regions is still read.
//  - A trail qualifies when GetTrailStatus.IsLogging is true, DescribeTrails'
//    LogFileValidationEnabled is true (the catalog's field) and its selectors record every
//    management event: a classic EventSelectors[] entry with IncludeManagementEvents true and
//    ReadWriteType All, or AdvancedEventSelectors[] with eventCategory Equals Management and no
//    readOnly (or other) field selector narrowing it; a ReadOnly plus a WriteOnly selection make
//    All. Excluded event sources (KMS, RDS Data API) are listed, not judged.
//  - The region is COMPLIANT when one covering trail qualifies (extra.coveredBy names it); a
//    failed read that could hide the qualifying trail (its trail's status or selectors, the
//    region's DescribeTrails) is an ERROR naming the action; otherwise NON_COMPLIANT, on the
//    first covering trail, or with observed null when no trail covers the region (CloudTrail is
//    the control: no trail is a finding, never SKIPPED).
// Every covering trail and its verdict is in extra.candidates; evidence.trails lists all trails.
#include <boost/json.hpp>

#include "checks/cloudtrail_helpers.hpp"
#include "checks/fix.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "IsLogging, LogFileValidationEnabled, management events";

json::value member(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v != nullptr ? *v : json::value(nullptr);
}

cloudtrail::Recorder judge(const cloudtrail::TrailState& t) {
    auto r = cloudtrail::recorder_of(t);
    const json::value validation = member(t.trail.doc, "LogFileValidationEnabled");
    json::value management = nullptr;
    json::array paths;
    if (t.selectors) {
        management = json::string(t.selectors->management.read_write());
        paths = t.selectors->management.paths;
    }
    r.observed = json::object{{"IsLogging", t.is_logging},
                              {"LogFileValidationEnabled", validation},
                              {"ManagementEvents", management}};
    r.expected = json::object{
        {"IsLogging", true}, {"LogFileValidationEnabled", true}, {"ManagementEvents", "All"}};
    r.evidence_path = cloudtrail::join_paths(
        {indexed("trailList", t.trail.index, ".LogFileValidationEnabled"),
         "GetTrailStatus.IsLogging", cloudtrail::join_paths(paths, "GetEventSelectors")});
    const bool fails = validation != json::value(true) ||
                       (t.is_logging.is_bool() && !t.is_logging.get_bool()) ||
                       (!management.is_null() && management != json::value("All"));
    if (fails) cloudtrail::settle(r);
    r.qualifies = r.errors.empty() && r.observed == r.expected;
    return r;
}

// The trail a fix creates when no trail covers the region, and its tag (the undo deletes a trail
// of that name only after seeing it did not exist before the write).
constexpr const char* kTrailName = "dspm-audit-trail";
constexpr const char* kFixTag = "dspm-audit:fix";

// The first covering trail the check judged failing (extra.candidates), or null.
const json::object* failing_trail(const Evaluation& e) {
    const auto* c = e.extra.if_contains("candidates");
    if (c == nullptr || !c->is_array()) return nullptr;
    for (const auto& t : c->as_array())
        if (t.is_object() && string_at(t, "kind") == "trail" && string_at(t, "status") == "fails")
            return &t.as_object();
    return nullptr;
}

bool no_recorder(const Evaluation& e) {
    const auto* c = e.extra.if_contains("candidates");
    return c != nullptr && c->is_array() && c->as_array().empty();
}

// Two repairs. No trail covers the region: a multi-region trail into the S3 bucket the operator
// names (--param trail_bucket; its policy must let cloudtrail.amazonaws.com write), validating its
// log files, recording all management events, logging; undo deletes it. A covering trail fails:
// StartLogging and/or UpdateTrail EnableLogFileValidation on it, in its home region (the only
// place its settings change), undone by StopLogging / validation off as read before. Management
// events that are not All stay manual: PutEventSelectors replaces every selector of the trail,
// its data event selectors too, and which ones it should keep is the operator's call.
class CloudTrailFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        return plan_with(failing, {});
    }
    Expected<FixPlan, std::string> plan_with(const Evaluation& failing,
                                             const FixParams& params) const override {
        if (const auto* trail = failing_trail(failing)) return repair(failing, *trail);
        if (!no_recorder(failing))
            return unexpected(std::string(
                "the region is covered by an event data store or a trail whose reads failed, "
                "not by a trail this fix can change: see extra.candidates"));
        const auto bucket = params.find("trail_bucket");
        if (bucket == params.end())
            return unexpected(std::string(
                "no trail covers the region: --param trail_bucket=NAME creates a multi-region "
                "trail into that bucket (its bucket policy must let cloudtrail.amazonaws.com "
                "GetBucketAcl and PutObject)"));
        if (auto problem = bucket_name_problem(bucket->second); !problem.empty())
            return unexpected("trail_bucket: " + problem);
        FixPlan p;
        p.calls.push_back(
            {"cloudtrail",
             "CreateTrail",
             {{"Name", kTrailName},
              {"S3BucketName", bucket->second},
              {"IsMultiRegionTrail", true},
              {"IncludeGlobalServiceEvents", true},
              {"EnableLogFileValidation", true},
              {"TagsList", json::array{json::object{{"Key", kFixTag}, {"Value", "3.0-01"}}}}}});
        // AWS's default for a new trail, written out: moto and older accounts start without it.
        p.calls.push_back(
            {"cloudtrail",
             "PutEventSelectors",
             {{"TrailName", kTrailName},
              {"EventSelectors", json::array{json::object{{"ReadWriteType", "All"},
                                                          {"IncludeManagementEvents", true}}}}}});
        p.calls.push_back({"cloudtrail", "StartLogging", {{"Name", kTrailName}}});
        p.iam_actions = {"cloudtrail:CreateTrail",       "cloudtrail:AddTags",
                         "cloudtrail:PutEventSelectors", "cloudtrail:StartLogging",
                         "cloudtrail:GetTrail",          "cloudtrail:DeleteTrail"};
        p.risk = "a multi-region trail " + std::string(kTrailName) + " delivers every region's " +
                 "management events to " + bucket->second +
                 " (the first copy of management events is free; S3 storage is billed)";
        p.expected_after = json::object{
            {"IsLogging", true}, {"LogFileValidationEnabled", true}, {"ManagementEvents", "All"}};
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        const std::string region = fix_region(failing, aws);
        if (const auto* trail = failing_trail(failing)) {
            const std::string name = string_at(json::value(*trail), "name");
            auto doc = aws.call("cloudtrail", "GetTrail", {{"Name", name}}, {region});
            if (!doc) return unexpected(doc.error());
            auto status = aws.call("cloudtrail", "GetTrailStatus", {{"Name", name}}, {region});
            if (!status) return unexpected(status.error());
            std::vector<FixCall> back;
            const auto* validation = at_path(*doc, "Trail.LogFileValidationEnabled");
            if (validation == nullptr || *validation != json::value(true))
                back.push_back({"cloudtrail",
                                "UpdateTrail",
                                {{"Name", name}, {"EnableLogFileValidation", false}}});
            const auto* logging = at_path(*status, "IsLogging");
            if (logging == nullptr || *logging != json::value(true))
                back.push_back({"cloudtrail", "StopLogging", {{"Name", name}}});
            return back;
        }
        // Before CreateTrail: a trail of that name already there is not ours to delete later.
        auto existing = aws.call("cloudtrail", "GetTrail", {{"Name", kTrailName}}, {region});
        if (existing) {
            return unexpected(fix_refusal(
                aws::ErrorKind::invalid_request, "cloudtrail", "GetTrail",
                "TrailAlreadyExistsException",
                std::string("a trail named ") + kTrailName + " exists in " + region +
                    " already: nothing written (its undo would delete a trail this fix did "
                    "not create)",
                region));
        }
        if (!is_error_code(existing.error(), "TrailNotFoundException"))
            return unexpected(existing.error());
        return std::vector<FixCall>{{"cloudtrail", "DeleteTrail", {{"Name", kTrailName}}}};
    }

  private:
    static Expected<FixPlan, std::string> repair(const Evaluation& failing,
                                                 const json::object& trail) {
        const json::value t(trail);
        // The trail's name, not its ARN, in the calls: both name a trail of this account in its
        // home region, and moto answers StartLogging by ARN with an internal error.
        const std::string name = string_at(t, "name");
        const std::string arn = string_at(t, "arn");
        const std::string home = string_at(t, "homeRegion");
        // arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME: an organization trail seen from a member
        // account belongs to the management account, which alone can change it.
        std::string owner;
        if (arn.rfind("arn:", 0) == 0) {
            std::size_t at = 0;
            int colons = 0;
            while (colons < 4 && (at = arn.find(':', at)) != std::string::npos) {
                ++at;
                ++colons;
            }
            if (colons == 4) owner = arn.substr(at, arn.find(':', at) - at);
        }
        if (!failing.account.empty() && !owner.empty() && owner != failing.account)
            return unexpected("the trail " + name + " belongs to account " + owner +
                              " (an organization trail): change it from that account");
        if (!home.empty() && home != failing.region)
            return unexpected("the trail " + string_at(t, "name") + " is homed in " + home +
                              ": its settings change only there; fix it with --region " + home);
        const auto* observed = at_path(t, "observed");
        const auto field = [&](const char* k) {
            const auto* v = observed != nullptr ? at_path(*observed, k) : nullptr;
            return v != nullptr ? *v : json::value(nullptr);
        };
        const json::value management = field("ManagementEvents");
        if (!management.is_null() && management != json::value("All"))
            return unexpected(
                "the trail " + string_at(t, "name") + " records " +
                (management.is_string() ? std::string(management.as_string()) : std::string("no")) +
                " management events: PutEventSelectors replaces all of its selectors (its data "
                "events too); set management events to All in the console or with "
                "put-event-selectors, keeping the data event selectors it has");
        FixPlan p;
        if (field("LogFileValidationEnabled") != json::value(true))
            p.calls.push_back(
                {"cloudtrail", "UpdateTrail", {{"Name", name}, {"EnableLogFileValidation", true}}});
        if (field("IsLogging") != json::value(true))
            p.calls.push_back({"cloudtrail", "StartLogging", {{"Name", name}}});
        if (p.calls.empty())
            return unexpected(std::string("nothing this fix can change fails on the trail"));
        p.iam_actions = {"cloudtrail:UpdateTrail", "cloudtrail:StartLogging",
                         "cloudtrail:StopLogging", "cloudtrail:GetTrail",
                         "cloudtrail:GetTrailStatus"};
        p.risk = "the trail " + string_at(t, "name") +
                 " delivers events (and digest files, with validation) to its bucket again; "
                 "nothing already logged changes";
        p.expected_after = json::object{
            {"IsLogging", true}, {"LogFileValidationEnabled", true}, {"ManagementEvents", "All"}};
        return p;
    }
};

class CloudTrailTrail final : public Check {
  public:
    const Fixer* fixer() const override {
        static const CloudTrailFixer f;
        return &f;
    }

    const CheckInfo& info() const override {
        static const CheckInfo i{"3.0-01",
                                 "CloudTrail",
                                 "CloudTrail",
                                 "high",
                                 {"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus",
                                  "cloudtrail:GetEventSelectors"},
                                 Reach::regional,
                                 Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        auto states = cloudtrail::read_trails(facts, scope, kField);
        std::vector<cloudtrail::Recorder> recorders;
        for (const auto& t : states.trails)
            recorders.push_back(judge(t));
        const json::value expected = json::object{
            {"IsLogging", true}, {"LogFileValidationEnabled", true}, {"ManagementEvents", "All"}};
        auto evals =
            cloudtrail::judge_regions(recorders, states.list_errors, {}, scope.regions, scope,
                                      {kField, expected, "no CloudTrail trail covers this region"});
        std::size_t covered = 0;
        for (const auto& e : evals)
            covered += e.status == engine::Status::compliant;
        json::object evidence{{"totalTrails", states.trails.size()},
                              {"regions", scope.regions.size()},
                              {"regionsCovered", covered},
                              {"trails", cloudtrail::recorders_evidence(recorders)}};
        return finish(info(), std::move(evals), std::move(evidence), "no audited regions");
    }
};

}  // namespace

const Check& check_3_0_01_cloudtrail_trail() {
    static const CloudTrailTrail check;
    return check;
}

}  // namespace dspm::checks
