// 4.0-03 DynamoDB TTL: every table in each audited region has Time to Live ENABLED, so that
// expired items are deleted (retention bound). ENABLING counts as not yet enabled.
#include <boost/json.hpp>

#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kPath = "TimeToLiveDescription.TimeToLiveStatus";
constexpr const char* kField = "TTL status";

class DynamoDbTtl final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"4.0-03",
                                 "DynamoDB TTL",
                                 "DynamoDB",
                                 "low",
                                 {"dynamodb:ListTables", "dynamodb:DescribeTimeToLive"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        std::vector<std::string> notes;
        auto rows = collector_rows(facts, "dynamodb-tables", notes);
        for (const auto& region : scope.regions) {
            auto tables = storage::dynamodb_tables(facts, scope, region, rows, evals);
            if (!tables) continue;
            storage::judge_each(
                *tables, scope.fanout,
                [&](const std::string& table) {
                    auto doc =
                        facts.aws("dynamodb", "DescribeTimeToLive", {{"TableName", table}}, region);
                    if (!doc)
                        return error_evaluation("DynamoDB", table, kField, doc.error(), region,
                                                scope.account);
                    json::object extra;
                    if (const auto* a = at_path(*doc, "TimeToLiveDescription.AttributeName"))
                        extra["AttributeName"] = *a;
                    return evaluate({"DynamoDB", table, kPath, kField, engine::Comparator::eq,
                                     "ENABLED", storage::value_at(*doc, kPath),
                                     engine::Source::aws_sdk, region, scope.account,
                                     std::move(extra)});
                },
                evals);
        }
        auto evidence = status_evidence(evals, "totalTables", "ttlEnabled");
        auto r = finish(info(), std::move(evals), std::move(evidence),
                        "no DynamoDB tables in the audited regions");
        r.notes = std::move(notes);
        return r;
    }
};

}  // namespace

const Check& check_4_0_03_dynamodb_ttl() {
    static const DynamoDbTtl check;
    return check;
}

}  // namespace dspm::checks
