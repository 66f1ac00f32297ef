// 2.0-10 Kinesis: per region, every stream (ListStreams StreamNames, DescribeStreamSummary) has
// StreamDescriptionSummary.EncryptionType == KMS.
#include <boost/json.hpp>

#include "checks/fix.hpp"
#include "checks/helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kManagedKey = "alias/aws/kinesis";

json::object encryption(const Evaluation& failing, const std::string& key) {
    return {{"StreamName", failing.resource_id}, {"EncryptionType", "KMS"}, {"KeyId", key}};
}

// The fix: server-side encryption with the account's AWS managed key (alias/aws/kinesis), whose
// policy lets the account's producers and consumers use it through Kinesis with no new kms
// permission; a customer managed key is the operator's choice afterwards. Only records written
// after the stream is back to ACTIVE (seconds) are encrypted; older ones stay as they were.
// Undo stops the encryption with the same key (StopStreamEncryption must name the key in use).
class KinesisKmsFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        FixPlan p;
        p.calls.push_back({"kinesis", "StartStreamEncryption", encryption(failing, kManagedKey)});
        p.iam_actions = {"kinesis:StartStreamEncryption", "kinesis:DescribeStreamSummary"};
        p.risk =
            "new records are encrypted with the aws/kinesis KMS key (no new permission for the "
            "account's producers and consumers); the stream is UPDATING for a few seconds, and "
            "each record adds KMS requests billed to the account";
        p.expected_after = "KMS";
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        auto doc = aws.call("kinesis", "DescribeStreamSummary",
                            {{"StreamName", failing.resource_id}}, {fix_region(failing, aws)});
        if (!doc) return unexpected(doc.error());
        const auto* s = at_path(*doc, "StreamDescriptionSummary");
        const std::string type = s != nullptr ? string_at(*s, "EncryptionType") : std::string();
        const std::string key = s != nullptr ? string_at(*s, "KeyId") : std::string();
        // Encrypted already with another key: the fix would switch keys, undo switches back.
        if (type == "KMS" && !key.empty())
            return std::vector<FixCall>{
                {"kinesis", "StartStreamEncryption", encryption(failing, key)}};
        return std::vector<FixCall>{
            {"kinesis", "StopStreamEncryption", encryption(failing, kManagedKey)}};
    }
};

}  // namespace

const Check& check_2_0_10_kinesis_kms() {
    static const KinesisKmsFixer fixer;
    static const net::FnCheck check(
        {"2.0-10",
         "Kinesis Data Streams",
         "Kinesis",
         "medium",
         {"kinesis:ListStreams", "kinesis:DescribeStreamSummary"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            const std::vector<net::Field> fields{
                {"EncryptionType", "Stream encryption type", engine::Comparator::eq, "KMS"}};
            net::ListDescribe spec{
                "Kinesis",     "kinesis", "ListStreams",           {},
                "StreamNames", "",        "Stream list",           "DescribeStreamSummary",
                "StreamName",  {},        "Stream encryption type"};
            auto evals = net::list_describe(
                spec, facts, scope,
                [&](const std::string& id, const json::value& doc, const std::string& region) {
                    static const json::value empty = json::object{};
                    const auto* s = at_path(doc, "StreamDescriptionSummary");
                    json::object extra;
                    if (s != nullptr) {
                        if (const auto* k = at_path(*s, "KeyId")) extra["KeyId"] = *k;
                    }
                    return net::judge_fields("Kinesis", id, s != nullptr ? *s : empty,
                                             "StreamDescriptionSummary", fields, region, scope,
                                             extra);
                });
            return net::result(info, std::move(evals), "totalStreams", "kmsEncrypted",
                               "no Kinesis streams in the audited regions");
        },
        &fixer);
    return check;
}

}  // namespace dspm::checks
