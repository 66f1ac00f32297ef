// 2.0-01 S3 default encryption with KMS: every bucket, read in its own region. AES256 or no
// default-encryption configuration fails; a denied read is an ERROR naming the IAM action.
#include <boost/json.hpp>
#include <mutex>

#include "checks/all.hpp"
#include "checks/fix.hpp"
#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr std::string_view kAlgoPath =
    "ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm";

struct Bucket {
    std::string name;
    std::string region;          // empty: ask GetBucketLocation
    const json::value* row_sse;  // collector column when the row carries it
    bool from_collector = false;
};

// The fix: default encryption SSE-KMS with the account's AWS managed key (aws/s3), which needs no
// key policy; a customer managed key is the operator's choice afterwards. Bucket keys on, so the
// KMS request cost does not grow with the object count. Undo puts back the configuration read just
// before (or deletes it when there was none).
class S3SseKmsFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        FixPlan p;
        p.calls.push_back(
            {"s3",
             "PutBucketEncryption",
             {{"Bucket", failing.resource_id},
              {"ServerSideEncryptionConfiguration",
               {{"Rules", json::array{json::object{
                              {"ApplyServerSideEncryptionByDefault", {{"SSEAlgorithm", "aws:kms"}}},
                              {"BucketKeyEnabled", true}}}}}}}});
        p.iam_actions = {"s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration"};
        p.risk =
            "new objects are encrypted with the aws/s3 KMS key; readers need kms:Decrypt on it "
            "(granted to the account by default), existing objects keep their encryption";
        p.expected_after = "aws:kms";
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        const json::object bucket{{"Bucket", failing.resource_id}};
        auto doc = aws.call("s3", "GetBucketEncryption", bucket, {fix_region(failing, aws)});
        if (!doc) {
            if (is_error_code(doc.error(), "ServerSideEncryptionConfigurationNotFoundError"))
                return std::vector<FixCall>{{"s3", "DeleteBucketEncryption", bucket}};
            return unexpected(doc.error());
        }
        json::object params = bucket;
        if (const auto* c = at_path(*doc, "ServerSideEncryptionConfiguration"))
            params["ServerSideEncryptionConfiguration"] = *c;
        return std::vector<FixCall>{{"s3", "PutBucketEncryption", std::move(params)}};
    }
};

class S3SseKms final : public Check {
  public:
    const Fixer* fixer() const override {
        static const S3SseKmsFixer f;
        return &f;
    }

    const CheckInfo& info() const override {
        static const CheckInfo i{
            "2.0-01",
            "S3",
            "S3",
            "high",
            {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetEncryptionConfiguration"},
            Reach::global};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        std::vector<std::string> notes;
        std::vector<Bucket> buckets;
        bool listed = false;
        json::array rows_holder;  // keeps collector rows alive for row_sse pointers

        if (auto rows = facts.collector_rows("s3-buckets")) {
            if (*rows) {
                rows_holder = std::move(**rows);
                for (const auto& row : rows_holder) {
                    if (!row.is_object()) continue;
                    const auto& o = row.get_object();
                    Bucket b;
                    b.name = string_at(row, "name");
                    if (b.name.empty()) continue;
                    b.region = string_at(row, "region");
                    b.row_sse = o.if_contains("server_side_encryption_configuration");
                    b.from_collector = true;
                    buckets.push_back(std::move(b));
                }
                listed = true;
            } else {
                notes.push_back("collector unavailable (" + rows->error() +
                                "): AWS served the bucket list");
            }
        }
        if (!listed) {
            auto list = facts.aws_all_pages("s3", "ListBuckets", {{"MaxBuckets", 10000}},
                                            scope.global_region);
            if (!list) {
                evals.push_back(error_evaluation("S3", "*", "Bucket list", list.error(),
                                                 scope.global_region, scope.account));
                auto r = finish(info(), std::move(evals), {}, "");
                r.notes = std::move(notes);
                return r;
            }
            if (const auto* arr = at_path(*list, "Buckets"); arr != nullptr && arr->is_array()) {
                for (const auto& item : arr->get_array()) {
                    Bucket b;
                    b.name = string_at(item, "Name");
                    b.region = string_at(item, "BucketRegion");
                    b.row_sse = nullptr;
                    if (!b.name.empty()) buckets.push_back(std::move(b));
                }
            }
        }

        std::vector<Evaluation> per_bucket(buckets.size());
        parallel_for(buckets.size(), scope.fanout, [&](std::size_t i) {
            per_bucket[i] = evaluate_bucket(facts, scope, buckets[i]);
        });
        std::size_t compliant = 0, non_compliant = 0, errors = 0;
        for (auto& e : per_bucket) {
            if (e.status == engine::Status::compliant) ++compliant;
            if (e.status == engine::Status::non_compliant) ++non_compliant;
            if (e.status == engine::Status::error) ++errors;
            evals.push_back(std::move(e));
        }
        json::object evidence{{"totalBuckets", buckets.size()},
                              {"kmsCompliant", compliant},
                              {"nonCompliant", non_compliant},
                              {"errors", errors}};
        auto r =
            finish(info(), std::move(evals), std::move(evidence), "no S3 buckets in the account");
        r.notes = std::move(notes);
        return r;
    }

  private:
    Evaluation evaluate_bucket(inventory::Facts& facts, const CheckScope& scope,
                               const Bucket& b) const {
        const json::value expected = json::array{"aws:kms", "aws:kms:dsse"};
        if (b.from_collector && b.row_sse != nullptr) {
            // Steampipe's column holds the GetBucketEncryption document (null: no configuration).
            json::value doc = json::object{{"ServerSideEncryptionConfiguration", *b.row_sse}};
            const auto* algo = b.row_sse->is_null() ? nullptr : at_path(doc, kAlgoPath);
            json::object extra;
            if (algo == nullptr) extra["note"] = "no default encryption configuration";
            return evaluate({"S3", b.name, std::string(kAlgoPath), "Default SSE Algorithm",
                             engine::Comparator::in, expected,
                             algo != nullptr ? *algo : json::value(nullptr),
                             engine::Source::collector, b.region, scope.account, std::move(extra)});
        }
        const auto where = storage::locate_bucket(facts, scope, {b.name, b.region});
        const std::string& region = where.region;
        auto e = judge_from_aws(facts, scope, b, region, expected);
        if (!where.note.empty()) e.extra["regionNote"] = where.note;
        return e;
    }

    static Evaluation judge_from_aws(inventory::Facts& facts, const CheckScope& scope,
                                     const Bucket& b, const std::string& region,
                                     const json::value& expected) {
        auto enc = facts.aws("s3", "GetBucketEncryption", {{"Bucket", b.name}}, region);
        if (!enc) {
            if (is_error_code(enc.error(), "ServerSideEncryptionConfigurationNotFoundError")) {
                return evaluate({"S3", b.name, std::string(kAlgoPath), "Default SSE Algorithm",
                                 engine::Comparator::in, expected, nullptr, engine::Source::aws_sdk,
                                 region, scope.account,
                                 json::object{{"note", "no default encryption configuration"}}});
            }
            return error_evaluation("S3", b.name, "Default SSE Algorithm", enc.error(), region,
                                    scope.account);
        }
        const auto* algo = at_path(*enc, kAlgoPath);
        return evaluate({"S3", b.name, std::string(kAlgoPath), "Default SSE Algorithm",
                         engine::Comparator::in, expected,
                         algo != nullptr ? *algo : json::value(nullptr), engine::Source::aws_sdk,
                         region, scope.account});
    }
};

}  // namespace

const Check& check_2_0_01_s3_sse_kms() {
    static const S3SseKms check;
    return check;
}

}  // namespace dspm::checks
