// 8.0-02 S3 Block Public Access: every bucket, read in its own region, has all four Block Public
// Access flags true. Each flag is its own evaluation (the catalog names BlockPublicAcls; the other
// three close the remaining paths to public exposure). A bucket without a configuration fails.
// Only the bucket-level setting is judged: the account-level block (s3control) is another read and
// another scope.
#include <array>
#include <boost/json.hpp>

#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr std::array<const char*, 4> kFlags = {"BlockPublicAcls", "IgnorePublicAcls",
                                               "BlockPublicPolicy", "RestrictPublicBuckets"};

class S3PublicAccessBlock final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "8.0-02",
            "S3 Public Access",
            "S3",
            "critical",
            {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketPublicAccessBlock"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        return storage::run_per_bucket_many(info(), facts, scope, "fullyBlocked", judge);
    }

  private:
    static std::vector<Evaluation> judge(inventory::Facts& facts, const CheckScope& scope,
                                         const std::string& bucket, const std::string& region) {
        std::vector<Evaluation> out;
        auto doc = facts.aws("s3", "GetPublicAccessBlock", {{"Bucket", bucket}}, region);
        if (!doc) {
            if (is_error_code(doc.error(), "NoSuchPublicAccessBlockConfiguration")) {
                out.push_back(storage::not_configured(
                    "S3", bucket, "PublicAccessBlockConfiguration", "Block Public Access",
                    engine::Comparator::exists, nullptr, region, scope.account,
                    "no Block Public Access configuration on the bucket"));
            } else {
                out.push_back(error_evaluation("S3", bucket, "Block Public Access", doc.error(),
                                               region, scope.account));
            }
            return out;
        }
        for (const char* flag : kFlags) {
            std::string path = "PublicAccessBlockConfiguration.";
            path += flag;
            auto observed = storage::value_at(*doc, path);
            out.push_back(
                evaluate({"S3", bucket, path, flag, engine::Comparator::eq, true,
                          std::move(observed), engine::Source::aws_sdk, region, scope.account}));
        }
        return out;
    }
};

}  // namespace

const Check& check_8_0_02_s3_public_access_block() {
    static const S3PublicAccessBlock check;
    return check;
}

}  // namespace dspm::checks
