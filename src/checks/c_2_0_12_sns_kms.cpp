// 2.0-12 SNS: per region, every topic has a KMS key (Attributes.KmsMasterKeyId present).
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_2_0_12_sns_kms() {
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
        });
    return check;
}

}  // namespace dspm::checks
