// 11.0-03 S3 event notifications to Lambda: every bucket, read in its own region, triggers at least
// one Lambda function (the masking / normalising step on upload). SNS or SQS targets alone do not
// count: the catalog asks for LambdaFunctionConfigurations.
#include <boost/json.hpp>

#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Lambda notification configurations";

class S3EventLambda final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "11.0-03",
            "S3 Event Masking",
            "S3",
            "low",
            {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketNotification"},
            Reach::global};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        return storage::run_per_bucket(info(), facts, scope, "withLambdaNotification", judge);
    }

  private:
    static Evaluation judge(inventory::Facts& facts, const CheckScope& scope,
                            const std::string& bucket, const std::string& region) {
        auto doc =
            facts.aws("s3", "GetBucketNotificationConfiguration", {{"Bucket", bucket}}, region);
        if (!doc) return error_evaluation("S3", bucket, kField, doc.error(), region, scope.account);
        const auto lambdas = storage::array_size_at(*doc, "LambdaFunctionConfigurations");
        json::object extra;
        json::array arns;
        if (const auto* arr = at_path(*doc, "LambdaFunctionConfigurations");
            arr != nullptr && arr->is_array()) {
            for (const auto& c : arr->get_array())
                if (auto arn = string_at(c, "LambdaFunctionArn"); !arn.empty())
                    arns.push_back(json::string(arn));
        }
        if (!arns.empty()) extra["LambdaFunctionArns"] = std::move(arns);
        if (lambdas == 0) extra["note"] = "no Lambda function is notified by the bucket";
        return evaluate({"S3", bucket, "LambdaFunctionConfigurations", kField,
                         engine::Comparator::ge, 1, lambdas, engine::Source::aws_sdk, region,
                         scope.account, std::move(extra)});
    }
};

}  // namespace

const Check& check_11_0_03_s3_event_lambda() {
    static const S3EventLambda check;
    return check;
}

}  // namespace dspm::checks
