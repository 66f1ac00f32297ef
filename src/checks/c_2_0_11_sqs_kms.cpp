// 2.0-11 SQS: per region, every queue has a KMS key (Attributes.KmsMasterKeyId present). SSE-SQS
// (SqsManagedSseEnabled) encrypts with a key the customer cannot control or audit, so it fails
// like no encryption, with a note; the catalog asks for KmsMasterKeyId.
#include <boost/json.hpp>

#include "checks/fix.hpp"
#include "checks/helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

// The fix: SSE-KMS with the account's AWS managed key (alias/aws/sqs), whose key policy already
// lets every principal of the account use it through SQS, so producers and consumers need no new
// kms permission; a customer managed key is the operator's choice afterwards. SSE-SQS goes off in
// the same call because a queue takes one kind of encryption at a time (AWS refuses both).
// High risk: the AWS managed key's policy cannot grant AWS service principals, so SNS
// subscriptions, S3 event notifications and EventBridge rules that deliver to this queue stop
// delivering. Undo puts back the KmsMasterKeyId and SqsManagedSseEnabled read just before.
class SqsKmsFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        FixPlan p;
        p.calls.push_back(
            {"sqs",
             "SetQueueAttributes",
             {{"QueueUrl", failing.resource_id},
              {"Attributes",
               {{"KmsMasterKeyId", "alias/aws/sqs"}, {"SqsManagedSseEnabled", "false"}}}}});
        p.iam_actions = {"sqs:SetQueueAttributes", "sqs:GetQueueAttributes"};
        p.high_risk = true;
        p.risk =
            "messages are encrypted with the aws/sqs KMS key: principals of the account need no "
            "new permission, but AWS services (SNS subscriptions, S3 event notifications, "
            "EventBridge) can no longer send to the queue, that key's policy not granting them";
        p.expected_after = "alias/aws/sqs";
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        auto doc =
            aws.call("sqs", "GetQueueAttributes",
                     {{"QueueUrl", failing.resource_id},
                      {"AttributeNames", json::array{"KmsMasterKeyId", "SqsManagedSseEnabled"}}},
                     {fix_region(failing, aws)});
        if (!doc) return unexpected(doc.error());
        // "" removes the KMS key; an absent SqsManagedSseEnabled is SSE-SQS off.
        const std::string key = string_at(*doc, "Attributes.KmsMasterKeyId");
        const std::string managed = string_at(*doc, "Attributes.SqsManagedSseEnabled");
        json::object attributes{{"KmsMasterKeyId", key},
                                {"SqsManagedSseEnabled", managed.empty() ? "false" : managed}};
        return std::vector<FixCall>{
            {"sqs",
             "SetQueueAttributes",
             {{"QueueUrl", failing.resource_id}, {"Attributes", std::move(attributes)}}}};
    }
};

}  // namespace

const Check& check_2_0_11_sqs_kms() {
    static const SqsKmsFixer fixer;
    static const net::FnCheck check(
        {"2.0-11", "SQS", "SQS", "medium", {"sqs:ListQueues", "sqs:GetQueueAttributes"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::ListDescribe spec{
                "SQS",
                "sqs",
                "ListQueues",
                // Without MaxResults, ListQueues answers at most 1,000 queues and no NextToken:
                // a longer list would be cut silently. With it, the paginator sees every page.
                {{"MaxResults", 1000}},
                "QueueUrls",
                "",
                "Queue list",
                "GetQueueAttributes",
                "QueueUrl",
                {{"AttributeNames", json::array{"KmsMasterKeyId", "SqsManagedSseEnabled"}}},
                "KmsMasterKeyId"};
            auto evals = net::list_describe(
                spec, facts, scope,
                [&](const std::string& url, const json::value& doc, const std::string& region) {
                    json::object extra;
                    const std::string managed = string_at(doc, "Attributes.SqsManagedSseEnabled");
                    if (!managed.empty()) extra["SqsManagedSseEnabled"] = managed;
                    auto observed = net::present_or_null(at_path(doc, "Attributes.KmsMasterKeyId"));
                    if (observed.is_null())
                        extra["note"] = managed == "true"
                                            ? "SSE-SQS only (SQS-owned key), no KMS key"
                                            : "no server-side encryption";
                    return net::Evals{evaluate(
                        {"SQS", url, "Attributes.KmsMasterKeyId", "KmsMasterKeyId",
                         engine::Comparator::exists, nullptr, std::move(observed),
                         engine::Source::aws_sdk, region, scope.account, std::move(extra)})};
                });
            return net::result(info, std::move(evals), "totalQueues", "kmsEncrypted",
                               "no SQS queues in the audited regions");
        },
        &fixer);
    return check;
}

}  // namespace dspm::checks
