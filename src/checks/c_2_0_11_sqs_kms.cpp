// 2.0-11 SQS: per region, every queue has a KMS key (Attributes.KmsMasterKeyId present). SSE-SQS
// (SqsManagedSseEnabled) encrypts with a key the customer cannot control or audit, so it fails
// like no encryption, with a note; the catalog asks for KmsMasterKeyId.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_2_0_11_sqs_kms() {
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
        });
    return check;
}

}  // namespace dspm::checks
