// 2.0-12 SNS: per region, every topic has a KMS key (Attributes.KmsMasterKeyId present).
#include <boost/json.hpp>

#include "checks/fix.hpp"
#include "checks/helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

// The fix: SSE with the account's AWS managed key (alias/aws/sns), usable by every principal of
// the account through SNS without a key policy change; a customer managed key is the operator's
// choice afterwards. High risk: that key's policy cannot grant AWS service principals, so
// CloudWatch alarms, EventBridge rules, S3 event notifications and the like stop publishing to the
// topic. Undo puts back the KmsMasterKeyId read just before ("" turns SSE off).
class SnsKmsFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        FixPlan p;
        p.calls.push_back({"sns", "SetTopicAttributes", attribute(failing, "alias/aws/sns")});
        p.iam_actions = {"sns:SetTopicAttributes", "sns:GetTopicAttributes"};
        p.high_risk = true;
        p.risk =
            "messages are encrypted with the aws/sns KMS key: principals of the account need no "
            "new permission, but AWS services (CloudWatch alarms, EventBridge, S3 events) can no "
            "longer publish to the topic, that key's policy not granting them";
        p.expected_after = "alias/aws/sns";
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        auto doc = aws.call("sns", "GetTopicAttributes", {{"TopicArn", failing.resource_id}},
                            {fix_region(failing, aws)});
        if (!doc) return unexpected(doc.error());
        return std::vector<FixCall>{
            {"sns", "SetTopicAttributes",
             attribute(failing, string_at(*doc, "Attributes.KmsMasterKeyId"))}};
    }

  private:
    static json::object attribute(const Evaluation& failing, const std::string& key) {
        return {{"TopicArn", failing.resource_id},
                {"AttributeName", "KmsMasterKeyId"},
                {"AttributeValue", key}};
    }
};

}  // namespace

const Check& check_2_0_12_sns_kms() {
    static const SnsKmsFixer fixer;
    static const net::FnCheck check(
        {"2.0-12", "SNS", "SNS", "medium", {"sns:ListTopics", "sns:GetTopicAttributes"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::ListDescribe spec{"SNS",      "sns",      "ListTopics",    {},
                                   "Topics",   "TopicArn", "Topic list",    "GetTopicAttributes",
                                   "TopicArn", {},         "KmsMasterKeyId"};
            auto evals = net::list_describe(
                spec, facts, scope,
                [&](const std::string& arn, const json::value& doc, const std::string& region) {
                    auto observed = net::present_or_null(at_path(doc, "Attributes.KmsMasterKeyId"));
                    json::object extra;
                    if (observed.is_null()) extra["note"] = "no server-side encryption";
                    return net::Evals{evaluate(
                        {"SNS", arn, "Attributes.KmsMasterKeyId", "KmsMasterKeyId",
                         engine::Comparator::exists, nullptr, std::move(observed),
                         engine::Source::aws_sdk, region, scope.account, std::move(extra)})};
                });
            return net::result(info, std::move(evals), "totalTopics", "kmsEncrypted",
                               "no SNS topics in the audited regions");
        },
        &fixer);
    return check;
}

}  // namespace dspm::checks
