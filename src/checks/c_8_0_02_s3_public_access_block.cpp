// 8.0-02 S3 Block Public Access: every bucket, read in its own region, has all four Block Public
// Access flags in effect. Each flag is its own evaluation (the catalog names BlockPublicAcls; the
// other three close the remaining paths to public exposure).
// A flag is in effect when the bucket (s3:GetPublicAccessBlock of the bucket) OR the account
// (s3control:GetPublicAccessBlock with AccountId = the audited account, read once per run in the
// global region; IAM action s3:GetAccountPublicAccessBlock) sets it true; the evidence says which
// level blocks (extra.blockedBy "bucket" / "account" / "bucket+account", with both values).
// - NoSuchPublicAccessBlockConfiguration from either level: that level sets nothing (its flags are
//   false). With neither level configured the bucket has one NON_COMPLIANT evaluation (observed
//   null, "not configured").
// - A level that could not be read (denied, throttled, ...) is never taken as false nor as true: a
//   flag the other level sets true is COMPLIANT (that level alone is enough); a flag it does not
//   set is ERROR naming the unread level's IAM action (s3:GetAccountPublicAccessBlock for the
//   account, s3:GetBucketPublicAccessBlock for the bucket, both when neither could be read).
#include <array>
#include <boost/json.hpp>
#include <optional>

#include "checks/fix.hpp"
#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr std::array<const char*, 4> kFlags = {"BlockPublicAcls", "IgnorePublicAcls",
                                               "BlockPublicPolicy", "RestrictPublicBuckets"};
constexpr const char* kNone = "NoSuchPublicAccessBlockConfiguration";

// One level's Block Public Access settings as read: a document, "none configured", or unread.
struct Level {
    std::optional<json::value> doc;  // the answer when read
    bool none = false;               // NoSuchPublicAccessBlockConfiguration
    std::optional<aws::AwsError> error;

    bool read() const { return doc.has_value() || none; }
    // The flag's value at this level: true / false when read (absent or none is false).
    bool sets(const char* flag) const {
        if (!doc) return false;
        const auto* v = at_path(*doc, std::string("PublicAccessBlockConfiguration.") + flag);
        return v != nullptr && v->is_bool() && v->get_bool();
    }
    json::value value(const char* flag) const {
        if (!read()) return nullptr;
        if (none) return nullptr;
        return storage::value_at(*doc, std::string("PublicAccessBlockConfiguration.") + flag);
    }
};

Level level_of(const inventory::AwsResult& r) {
    Level l;
    if (r)
        l.doc = *r;
    else if (is_error_code(r.error(), kNone))
        l.none = true;
    else
        l.error = r.error();
    return l;
}

std::string account_of(inventory::Facts& facts, const CheckScope& scope) {
    return scope.account.empty() ? facts.account() : scope.account;
}

inventory::AwsResult read_account(inventory::Facts& facts, const CheckScope& scope) {
    // Account-wide; the cache makes it one read for every bucket.
    return facts.aws("s3control", "GetPublicAccessBlock", {{"AccountId", account_of(facts, scope)}},
                     scope.global_region);
}

// The fix: all four flags on the bucket itself. The check passes on either level; the bucket level
// changes only the failing bucket, where the account level would change every bucket of the
// account at once (and what their users rely on) for one finding. High risk: a bucket that serves
// a public website or public downloads stops being public. Undo puts back the bucket's own
// configuration read just before, or deletes it when the bucket had none.
class S3PublicAccessBlockFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const Evaluation& failing) const override {
        json::object config;
        for (const char* flag : kFlags)
            config[flag] = true;
        FixPlan p;
        p.calls.push_back({"s3",
                           "PutPublicAccessBlock",
                           {{"Bucket", failing.resource_id},
                            {"PublicAccessBlockConfiguration", std::move(config)}}});
        // The undo's read, and DeletePublicAccessBlock's action when it deletes.
        p.iam_actions = {"s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"};
        p.high_risk = true;
        p.risk =
            "the bucket stops being public: public ACLs are ignored and refused, a public bucket "
            "policy stops granting access and can no longer be set; a public website or public "
            "download served from the bucket stops working";
        p.expected_after = true;
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(aws::AwsClient& aws,
                                                       const Evaluation& failing) const override {
        const json::object bucket{{"Bucket", failing.resource_id}};
        auto doc = aws.call("s3", "GetPublicAccessBlock", bucket, {fix_region(failing, aws)});
        if (!doc) {
            if (is_error_code(doc.error(), kNone))
                return std::vector<FixCall>{{"s3", "DeletePublicAccessBlock", bucket}};
            return unexpected(doc.error());
        }
        json::object params = bucket;
        json::object config;
        for (const char* flag : kFlags) {
            const auto* v = at_path(*doc, std::string("PublicAccessBlockConfiguration.") + flag);
            config[flag] = v != nullptr && v->is_bool() && v->get_bool();
        }
        params["PublicAccessBlockConfiguration"] = std::move(config);
        return std::vector<FixCall>{{"s3", "PutPublicAccessBlock", std::move(params)}};
    }
};

class S3PublicAccessBlock final : public Check {
  public:
    const Fixer* fixer() const override {
        static const S3PublicAccessBlockFixer f;
        return &f;
    }

    const CheckInfo& info() const override {
        static const CheckInfo i{
            "8.0-02",
            "S3 Public Access",
            "S3",
            "critical",
            {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketPublicAccessBlock",
             "s3:GetAccountPublicAccessBlock"},
            Reach::global};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        auto r = storage::run_per_bucket_many(info(), facts, scope, "fullyBlocked", judge);
        const auto total = r.evidence.if_contains("totalBuckets");
        if (total != nullptr && total->to_number<std::size_t>() > 0) {
            // Read already (cached): the account level's state once in the mapping evidence.
            const auto account = level_of(read_account(facts, scope));
            json::object a;
            if (account.doc) {
                a["read"] = "ok";
                for (const char* flag : kFlags)
                    a[flag] = account.value(flag);
            } else if (account.none) {
                a["read"] = "not configured";
            } else {
                a["read"] = "error";
                a["error"] = account.error->code.empty()
                                 ? std::string(aws::to_string(account.error->kind))
                                 : account.error->code;
                if (!account.error->iam_action.empty())
                    a["missingPermission"] = account.error->iam_action;
            }
            r.evidence["accountLevel"] = std::move(a);
        }
        return r;
    }

  private:
    static std::vector<Evaluation> judge(inventory::Facts& facts, const CheckScope& scope,
                                         const std::string& bucket, const std::string& region) {
        std::vector<Evaluation> out;
        const auto b =
            level_of(facts.aws("s3", "GetPublicAccessBlock", {{"Bucket", bucket}}, region));
        // The bucket's own answer first: a denied bucket read names its action before the
        // account's.
        const auto a = level_of(read_account(facts, scope));
        if (b.none && a.none) {
            out.push_back(storage::not_configured(
                "S3", bucket, "PublicAccessBlockConfiguration", "Block Public Access",
                engine::Comparator::exists, nullptr, region, scope.account,
                "no Block Public Access configuration on the bucket nor on the account"));
            return out;
        }
        for (const char* flag : kFlags) {
            std::string path = "PublicAccessBlockConfiguration.";
            path += flag;
            json::object extra{{"bucketValue", b.value(flag)}, {"accountValue", a.value(flag)}};
            if (b.none) extra["bucketNote"] = "no configuration on the bucket";
            if (a.none) extra["accountNote"] = "no configuration on the account";
            const bool by_bucket = b.sets(flag), by_account = a.sets(flag);
            if (by_bucket || by_account) {
                extra["blockedBy"] = by_bucket && by_account ? "bucket+account"
                                     : by_bucket             ? "bucket"
                                                             : "account";
                out.push_back(
                    evaluate({"S3", bucket, path, flag, engine::Comparator::eq, true, true,
                              engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
                continue;
            }
            if (!b.read() || !a.read()) {
                out.push_back(unread(bucket, flag, region, scope, b, a, std::move(extra)));
                continue;
            }
            extra["blockedBy"] = "neither";
            out.push_back(
                evaluate({"S3", bucket, path, flag, engine::Comparator::eq, true, false,
                          engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
        }
        return out;
    }

    // Neither level sets the flag true and at least one level could not be read: ERROR naming
    // the unread levels' IAM actions.
    static Evaluation unread(const std::string& bucket, const char* flag, const std::string& region,
                             const CheckScope& scope, const Level& b, const Level& a,
                             json::object extra) {
        const auto& first = b.error ? *b.error : *a.error;
        auto e = error_evaluation("S3", bucket, flag, first, region, scope.account);
        json::array missing;
        for (const auto* l : {&b, &a}) {
            if (l->error && l->error->kind == aws::ErrorKind::permission_denied &&
                !l->error->iam_action.empty())
                missing.push_back(json::string(l->error->iam_action));
        }
        if (b.error && a.error) {
            const std::string what =
                a.error->code.empty() ? std::string(aws::to_string(a.error->kind)) : a.error->code;
            const auto arrow = e.decision.rfind(" \u2192");
            e.decision.insert(arrow == std::string::npos ? e.decision.size() : arrow,
                              "; and could not read " + a.error->service + ":" +
                                  a.error->operation + " (" + what + ")" +
                                  (a.error->kind == aws::ErrorKind::permission_denied
                                       ? ": missing permission " + a.error->iam_action
                                       : std::string()));
            e.extra["accountError"] = json::object{{"code", a.error->code},
                                                   {"kind", aws::to_string(a.error->kind)},
                                                   {"message", a.error->message}};
        }
        if (!missing.empty()) e.extra["missingPermissions"] = std::move(missing);
        e.extra["note"] = !b.read() ? "the bucket level could not be read and the account level "
                                      "does not set the flag"
                                    : "the bucket does not set the flag and the account level "
                                      "could not be read";
        for (auto& kv : extra)
            e.extra[kv.key()] = std::move(kv.value());
        return e;
    }
};

}  // namespace

const Check& check_8_0_02_s3_public_access_block() {
    static const S3PublicAccessBlock check;
    return check;
}

}  // namespace dspm::checks
