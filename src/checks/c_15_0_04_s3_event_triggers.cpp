// 15.0-04 S3 event triggers: every bucket's notification configuration
// (GetBucketNotificationConfiguration in the bucket's own region, the same read as 11.0-03) has no
// duplicated trigger and no excess of triggers.
// Judgement: the catalog's "no excess or cycles" / "circular / duplicated" cannot be fully judged
// from the bucket alone (a cycle runs through the target's code). It is simplified to two
// evaluations per bucket:
//  - Lambda + Queue + Topic configurations <= 10 ("excess": beyond that a bucket is usually
//    wired ad hoc and events fan out in ways nobody reviews);
//  - duplicated configurations == 0, a duplicate being two configurations with the same
//    destination ARN, the same filter rules and an overlapping event (equal, or one is the
//    wildcard of the other, s3:ObjectCreated:* vs s3:ObjectCreated:Put): each event would then be
//    delivered twice to the same consumer.
// A bucket without any configuration has nothing to repeat: both evaluations pass. No buckets ->
// SKIPPED (by the shared per-bucket runner).
#include <boost/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr std::int64_t kMaxConfigurations = 10;

struct Trigger {
    std::string destination;
    std::string filter;
    std::vector<std::string> events;
};

// "s3:ObjectCreated:*" covers every "s3:ObjectCreated:..." event.
bool events_overlap(const std::string& a, const std::string& b) {
    if (a == b) return true;
    auto covers = [](const std::string& wide, const std::string& narrow) {
        return wide.size() >= 2 && wide.ends_with(":*") &&
               narrow.starts_with(wide.substr(0, wide.size() - 1));
    };
    return covers(a, b) || covers(b, a);
}

std::vector<Trigger> triggers(const json::value& doc) {
    std::vector<Trigger> out;
    for (const auto& [list, arn] : {std::pair{"LambdaFunctionConfigurations", "LambdaFunctionArn"},
                                    std::pair{"QueueConfigurations", "QueueArn"},
                                    std::pair{"TopicConfigurations", "TopicArn"}}) {
        const auto* arr = at_path(doc, list);
        if (arr == nullptr || !arr->is_array()) continue;
        for (const auto& c : arr->get_array()) {
            Trigger t{string_at(c, arn), {}, {}};
            if (const auto* f = at_path(c, "Filter")) t.filter = inventory::canonical_json(*f);
            if (const auto* ev = at_path(c, "Events"); ev && ev->is_array())
                for (const auto& e : ev->get_array())
                    if (e.is_string()) t.events.emplace_back(e.get_string());
            out.push_back(std::move(t));
        }
    }
    return out;
}

std::vector<Evaluation> judge(inventory::Facts& facts, const CheckScope& scope,
                              const std::string& bucket, const std::string& region) {
    auto doc = facts.aws("s3", "GetBucketNotificationConfiguration", {{"Bucket", bucket}}, region);
    if (!doc)
        return {error_evaluation("S3", bucket, "Event notification configurations", doc.error(),
                                 region, scope.account)};
    const auto ts = triggers(*doc);
    json::array duplicates;
    for (std::size_t i = 0; i < ts.size(); ++i) {
        for (std::size_t j = i + 1; j < ts.size(); ++j) {
            if (ts[i].destination != ts[j].destination || ts[i].filter != ts[j].filter) continue;
            bool overlap = false;
            for (const auto& a : ts[i].events)
                for (const auto& b : ts[j].events)
                    overlap = overlap || events_overlap(a, b);
            if (overlap) duplicates.emplace_back(ts[i].destination);
        }
    }
    std::vector<Evaluation> out;
    out.push_back(evaluate(
        {"S3", bucket, "LambdaFunctionConfigurations+QueueConfigurations+TopicConfigurations",
         "Event notification configurations", engine::Comparator::le, kMaxConfigurations, ts.size(),
         engine::Source::aws_sdk, region, scope.account}));
    json::object extra;
    if (!duplicates.empty()) extra["duplicatedDestinations"] = duplicates;
    out.push_back(
        evaluate({"S3", bucket, "*Configurations[].{destination,Events,Filter}",
                  "Duplicated event triggers", engine::Comparator::eq, 0, duplicates.size(),
                  engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
    return out;
}

class S3EventTriggers final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "15.0-04",
            "S3 event triggers",
            "S3",
            "low",
            {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketNotification"},
            Reach::global};
        return i;
    }
    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        return storage::run_per_bucket_many(info(), facts, scope, "withoutExcessOrDuplicates",
                                            judge);
    }
};

}  // namespace

const Check& check_15_0_04_s3_event_triggers() {
    static const S3EventTriggers check;
    return check;
}

}  // namespace dspm::checks
