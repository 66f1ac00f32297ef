// 9.0-01 DynamoDB point-in-time recovery: every table in each audited region has
// PointInTimeRecoveryStatus ENABLED.
#include <boost/json.hpp>

#include "checks/fix.hpp"
#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kPath =
    "ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus";
constexpr const char* kField = "Point-in-time recovery status";

// The fix: point-in-time recovery on, with AWS's default recovery window (35 days, the longest);
// a shorter window saves little and is the operator's choice. Nothing about the table's reads or
// writes changes; PITR is billed by the table's size. Undo turns it off again (which drops the
// restore points taken meanwhile) when it was off before.
class DynamoDbPitrFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        FixPlan p;
        p.calls.push_back(
            {"dynamodb",
             "UpdateContinuousBackups",
             {{"TableName", failing.resource_id},
              {"PointInTimeRecoverySpecification", {{"PointInTimeRecoveryEnabled", true}}}}});
        p.iam_actions = {"dynamodb:UpdateContinuousBackups", "dynamodb:DescribeContinuousBackups"};
        p.risk =
            "continuous backups are billed per GB-month of the table's size; the table's reads "
            "and writes are not affected; undo turns PITR off and drops its restore points";
        p.expected_after = "ENABLED";
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        auto doc = aws.call("dynamodb", "DescribeContinuousBackups",
                            {{"TableName", failing.resource_id}}, {fix_region(failing, aws)});
        if (!doc) return unexpected(doc.error());
        if (string_at(*doc, kPath) == "ENABLED") return std::vector<FixCall>{};
        return std::vector<FixCall>{
            {"dynamodb",
             "UpdateContinuousBackups",
             {{"TableName", failing.resource_id},
              {"PointInTimeRecoverySpecification", {{"PointInTimeRecoveryEnabled", false}}}}}};
    }
};

class DynamoDbPitr final : public Check {
  public:
    const Fixer* fixer() const override {
        static const DynamoDbPitrFixer f;
        return &f;
    }

    const CheckInfo& info() const override {
        static const CheckInfo i{"9.0-01",
                                 "DynamoDB PITR",
                                 "DynamoDB",
                                 "medium",
                                 {"dynamodb:ListTables", "dynamodb:DescribeContinuousBackups"}};
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
                    auto doc = facts.aws("dynamodb", "DescribeContinuousBackups",
                                         {{"TableName", table}}, region);
                    if (!doc)
                        return error_evaluation("DynamoDB", table, kField, doc.error(), region,
                                                scope.account);
                    json::object extra;
                    if (const auto* d =
                            at_path(*doc,
                                    "ContinuousBackupsDescription.PointInTimeRecoveryDescription."
                                    "RecoveryPeriodInDays"))
                        extra["RecoveryPeriodInDays"] = *d;
                    return evaluate({"DynamoDB", table, kPath, kField, engine::Comparator::eq,
                                     "ENABLED", storage::value_at(*doc, kPath),
                                     engine::Source::aws_sdk, region, scope.account,
                                     std::move(extra)});
                },
                evals);
        }
        auto evidence = status_evidence(evals, "totalTables", "pitrEnabled");
        auto r = finish(info(), std::move(evals), std::move(evidence),
                        "no DynamoDB tables in the audited regions");
        r.notes = std::move(notes);
        return r;
    }
};

}  // namespace

const Check& check_9_0_01_dynamodb_pitr() {
    static const DynamoDbPitr check;
    return check;
}

}  // namespace dspm::checks
