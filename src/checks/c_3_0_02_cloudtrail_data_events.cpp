// 3.0-02 CloudTrail data events: some trail records S3 object or Lambda invoke data events, either
// through classic EventSelectors (DataResources[].Type) or AdvancedEventSelectors (a field selector
// on resources.type whose Equals names the type). One such trail is sufficient.
#include <boost/json.hpp>

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Data event resource types";

bool wanted(std::string_view type) {
    return type == "AWS::S3::Object" || type == "AWS::Lambda::Function";
}

class CloudTrailDataEvents final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"3.0-02",
                                 "CloudTrail Data events",
                                 "CloudTrail",
                                 "medium",
                                 {"cloudtrail:DescribeTrails", "cloudtrail:GetEventSelectors"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        auto listed = detection::describe_trails(facts, scope, kField);
        std::vector<Evaluation> per(listed.trails.size());
        parallel_for(listed.trails.size(), scope.fanout,
                     [&](std::size_t i) { per[i] = judge(facts, scope, listed.trails[i]); });
        std::vector<Evaluation> evals = std::move(listed.errors);
        for (auto& e : per)
            evals.push_back(std::move(e));
        auto none = evaluate({"CloudTrail", detection::account_resource(scope), "trailList", kField,
                              engine::Comparator::in,
                              json::array{"AWS::S3::Object", "AWS::Lambda::Function"}, nullptr,
                              engine::Source::aws_sdk, scope.regions.front(), scope.account,
                              json::object{{"note", "no CloudTrail trail in the account"}}});
        json::object evidence{{"totalTrails", listed.trails.size()}};
        return detection::at_least_one(info(), std::move(evals), std::move(none),
                                       std::move(evidence));
    }

  private:
    static Evaluation judge(inventory::Facts& facts, const CheckScope& scope,
                            const detection::Trail& t) {
        auto doc = facts.aws("cloudtrail", "GetEventSelectors", {{"TrailName", t.arn}}, t.region);
        if (!doc)
            return error_evaluation("CloudTrail", t.name, kField, doc.error(), t.region,
                                    scope.account);
        json::array types;
        std::string path;
        json::value observed = nullptr;
        auto note = [&](const json::value& type, std::string where) {
            if (!type.is_string()) return;
            types.push_back(type);
            // The evidence is the first wanted type, else the first type seen.
            if (wanted(type.get_string()) &&
                (observed.is_null() || !wanted(observed.as_string()))) {
                observed = type;
                path = std::move(where);
            } else if (observed.is_null()) {
                observed = type;
                path = std::move(where);
            }
        };
        const auto& selectors = detection::array_at(*doc, "EventSelectors");
        for (std::size_t i = 0; i < selectors.size(); ++i) {
            const auto& resources = detection::array_at(selectors[i], "DataResources");
            for (std::size_t j = 0; j < resources.size(); ++j) {
                if (const auto* type = at_path(resources[j], "Type"))
                    note(*type,
                         indexed(indexed("EventSelectors", i, ".DataResources"), j, ".Type"));
            }
        }
        const auto& advanced = detection::array_at(*doc, "AdvancedEventSelectors");
        for (std::size_t i = 0; i < advanced.size(); ++i) {
            const auto& fields = detection::array_at(advanced[i], "FieldSelectors");
            for (std::size_t j = 0; j < fields.size(); ++j) {
                if (string_at(fields[j], "Field") != "resources.type") continue;
                const auto& equals = detection::array_at(fields[j], "Equals");
                for (std::size_t k = 0; k < equals.size(); ++k)
                    note(equals[k],
                         indexed(indexed(indexed("AdvancedEventSelectors", i, ".FieldSelectors"), j,
                                         ".Equals"),
                                 k));
            }
        }
        json::object extra{{"trailArn", t.arn}, {"dataResourceTypes", std::move(types)}};
        if (observed.is_null()) {
            extra["note"] = "no data event selectors";
            path = "EventSelectors[*].DataResources[*].Type";
        }
        return evaluate({"CloudTrail", t.name, std::move(path), kField, engine::Comparator::in,
                         json::array{"AWS::S3::Object", "AWS::Lambda::Function"},
                         std::move(observed), engine::Source::aws_sdk, t.region, scope.account,
                         std::move(extra)});
    }
};

}  // namespace

const Check& check_3_0_02_cloudtrail_data_events() {
    static const CloudTrailDataEvents check;
    return check;
}

}  // namespace dspm::checks
