// 2.0-03 DynamoDB encryption with KMS: every table's SSEDescription.Status == ENABLED. A table
// without SSEDescription uses the AWS-owned key, which the customer cannot control or audit.
#include <boost/json.hpp>

#include "checks/all.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "SSE status (KMS)";

class DynamoDbSse final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{"2.0-03",
                                 "DynamoDB",
                                 "DynamoDB",
                                 "high",
                                 {"dynamodb:ListTables", "dynamodb:DescribeTable"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        std::vector<std::string> notes;
        auto rows = collector_rows(facts, "dynamodb-tables", notes);
        for (const auto& region : scope.regions) {
            std::vector<std::string> to_describe;
            if (rows) {
                for (const auto* row : rows_in_region(*rows, region, facts.default_region())) {
                    const std::string name = first_string(*row, {"name", "table_name"});
                    if (const auto* sse = row->if_contains("sse_description")) {
                        evals.push_back(judge(name, "sse_description.Status", sse,
                                              engine::Source::collector, region, scope));
                    } else {
                        to_describe.push_back(name);
                    }
                }
            } else {
                auto list = facts.aws_all_pages("dynamodb", "ListTables", {}, region);
                if (!list) {
                    evals.push_back(error_evaluation("DynamoDB", "*", "Table list", list.error(),
                                                     region, scope.account));
                    continue;
                }
                if (const auto* names = at_path(*list, "TableNames");
                    names != nullptr && names->is_array()) {
                    for (const auto& n : names->get_array())
                        if (n.is_string()) to_describe.emplace_back(n.get_string());
                }
            }
            std::vector<Evaluation> described(to_describe.size());
            parallel_for(to_describe.size(), scope.fanout, [&](std::size_t i) {
                auto doc =
                    facts.aws("dynamodb", "DescribeTable", {{"TableName", to_describe[i]}}, region);
                if (!doc) {
                    described[i] = error_evaluation("DynamoDB", to_describe[i], kField, doc.error(),
                                                    region, scope.account);
                    return;
                }
                described[i] = judge(to_describe[i], "Table.SSEDescription.Status",
                                     at_path(*doc, "Table.SSEDescription"), engine::Source::aws_sdk,
                                     region, scope);
            });
            for (auto& e : described)
                evals.push_back(std::move(e));
        }
        auto evidence = status_evidence(evals, "totalTables", "kmsEncrypted");
        auto r = finish(info(), std::move(evals), std::move(evidence),
                        "no DynamoDB tables in the audited regions");
        r.notes = std::move(notes);
        return r;
    }

  private:
    static Evaluation judge(const std::string& name, std::string path, const json::value* sse,
                            engine::Source source, const std::string& region,
                            const CheckScope& scope) {
        json::value observed = nullptr;
        json::object extra;
        if (sse != nullptr && sse->is_object()) {
            if (const auto* s = sse->get_object().if_contains("Status")) observed = *s;
            if (const auto* t = sse->get_object().if_contains("SSEType")) extra["SSEType"] = *t;
        } else {
            extra["note"] = "no SSEDescription: encrypted with the AWS-owned key";
        }
        return evaluate({"DynamoDB", name, std::move(path), kField, engine::Comparator::eq,
                         "ENABLED", std::move(observed), source, region, scope.account,
                         std::move(extra)});
    }
};

}  // namespace

const Check& check_2_0_03_dynamodb_sse() {
    static const DynamoDbSse check;
    return check;
}

}  // namespace dspm::checks
