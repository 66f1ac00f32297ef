// 2.0-10 Kinesis: per region, every stream (ListStreams StreamNames, DescribeStreamSummary) has
// StreamDescriptionSummary.EncryptionType == KMS.
#include <boost/json.hpp>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_2_0_10_kinesis_kms() {
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
        });
    return check;
}

}  // namespace dspm::checks
