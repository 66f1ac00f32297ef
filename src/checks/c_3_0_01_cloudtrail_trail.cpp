// 3.0-01 CloudTrail: at least one trail that is multi-region, validates its log files and is
// logging (GetTrailStatus IsLogging, read in the trail's home region). Evaluated per trail; one
// qualifying trail is sufficient (single-region trails beside it are not findings). An account
// without any trail is a finding, not "nothing to check".
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "IsMultiRegionTrail, LogFileValidationEnabled, IsLogging";

json::value member(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v != nullptr ? *v : json::value(nullptr);
}

class CloudTrailTrail final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"3.0-01",
                                 "CloudTrail",
                                 "CloudTrail",
                                 "high",
                                 {"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        auto listed = detection::describe_trails(facts, scope, kField);
        std::vector<Evaluation> per(listed.trails.size());
        parallel_for(listed.trails.size(), scope.fanout,
                     [&](std::size_t i) { per[i] = judge(facts, scope, listed.trails[i]); });
        std::vector<Evaluation> evals = std::move(listed.errors);
        json::array trails;
        for (auto& e : per) {
            trails.push_back(json::object{{"trail", e.resource_id},
                                          {"observed", e.observed_value},
                                          {"status", engine::to_string(e.status)}});
            evals.push_back(std::move(e));
        }
        const std::string account = detection::account_resource(scope);
        auto none = evaluate({"CloudTrail", account, "trailList", "Trails", engine::Comparator::ge,
                              1, 0, engine::Source::aws_sdk, scope.regions.front(), scope.account,
                              json::object{{"note", "no CloudTrail trail in the account"}}});
        json::object evidence{{"totalTrails", listed.trails.size()}, {"trails", std::move(trails)}};
        return detection::at_least_one(info(), std::move(evals), std::move(none),
                                       std::move(evidence));
    }

  private:
    static Evaluation judge(inventory::Facts& facts, const CheckScope& scope,
                            const detection::Trail& t) {
        json::object observed{
            {"IsMultiRegionTrail", member(t.doc, "IsMultiRegionTrail")},
            {"LogFileValidationEnabled", member(t.doc, "LogFileValidationEnabled")},
            {"IsLogging", nullptr}};
        const json::object expected{
            {"IsMultiRegionTrail", true}, {"LogFileValidationEnabled", true}, {"IsLogging", true}};
        json::object extra{{"trailArn", t.arn}, {"homeRegion", t.region}};
        const bool configured = observed["IsMultiRegionTrail"] == json::value(true) &&
                                observed["LogFileValidationEnabled"] == json::value(true);
        if (configured) {
            auto status = facts.aws("cloudtrail", "GetTrailStatus", {{"Name", t.arn}}, t.region);
            if (!status)
                return error_evaluation("CloudTrail", t.name, kField, status.error(), t.region,
                                        scope.account);
            const auto* logging = at_path(*status, "IsLogging");
            observed["IsLogging"] = logging != nullptr ? *logging : json::value(nullptr);
        } else {
            extra["note"] = "IsLogging not read: the trail's configuration already fails";
        }
        return evaluate({"CloudTrail", t.name,
                         indexed("trailList", t.index,
                                 ".{IsMultiRegionTrail,LogFileValidationEnabled}"
                                 " + GetTrailStatus.IsLogging"),
                         kField, engine::Comparator::eq, expected, std::move(observed),
                         engine::Source::aws_sdk, t.region, scope.account, std::move(extra)});
    }
};

}  // namespace

const Check& check_3_0_01_cloudtrail_trail() {
    static const CloudTrailTrail check;
    return check;
}

}  // namespace dspm::checks
