// 12.0-04 S3 bucket policy limited to the organization: every bucket, read in its own region, has a
// policy with a condition on aws:PrincipalOrgID. A bucket without a policy fails, and so does a
// policy that also allows everyone ("Principal": "*") in a statement without the organization
// condition: that statement opens the bucket whatever the others say.
#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kPath = "Policy.Statement[].Condition";
constexpr const char* kField = "Bucket policy condition keys";
constexpr const char* kOrgKey = "aws:PrincipalOrgID";

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Condition keys are case-insensitive in IAM; the org key is reported in its documented spelling.
std::vector<std::string> condition_keys(const json::value& statement) {
    std::vector<std::string> keys;
    const auto* cond = at_path(statement, "Condition");
    if (cond == nullptr || !cond->is_object()) return keys;
    for (const auto& op : cond->get_object()) {
        if (!op.value().is_object()) continue;
        for (const auto& kv : op.value().get_object()) {
            std::string key(kv.key());
            if (lower(key) == "aws:principalorgid") key = kOrgKey;
            keys.push_back(std::move(key));
        }
    }
    return keys;
}

bool is_wildcard(const json::value& v) {
    if (v.is_string()) return v.get_string() == "*";
    if (v.is_array())
        return std::any_of(v.get_array().begin(), v.get_array().end(),
                           [](const json::value& x) { return is_wildcard(x); });
    return false;
}

bool public_principal(const json::value& statement) {
    const auto* p = at_path(statement, "Principal");
    if (p == nullptr) return false;
    if (p->is_string()) return is_wildcard(*p);
    if (const auto* aws = at_path(*p, "AWS")) return is_wildcard(*aws);
    return false;
}

class S3PolicyOrg final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "12.0-04",
            "S3 Bucket Policy",
            "S3",
            "high",
            {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketPolicy"}};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        return storage::run_per_bucket(info(), facts, scope, "orgRestricted", judge);
    }

  private:
    static Evaluation judge(inventory::Facts& facts, const CheckScope& scope,
                            const std::string& bucket, const std::string& region) {
        auto doc = facts.aws("s3", "GetBucketPolicy", {{"Bucket", bucket}}, region);
        if (!doc) {
            if (is_error_code(doc.error(), "NoSuchBucketPolicy")) {
                return storage::not_configured("S3", bucket, kPath, kField,
                                               engine::Comparator::contains, kOrgKey, region,
                                               scope.account, "no bucket policy");
            }
            return error_evaluation("S3", bucket, kField, doc.error(), region, scope.account);
        }
        const auto text = string_at(*doc, "Policy");
        json::value policy;
        boost::system::error_code ec;
        if (!text.empty()) policy = json::parse(text, ec);
        if (text.empty() || ec || !policy.is_object()) {
            return storage::not_configured("S3", bucket, kPath, kField,
                                           engine::Comparator::contains, kOrgKey, region,
                                           scope.account, "the policy is empty or not JSON");
        }
        json::array statements;
        if (const auto* s = at_path(policy, "Statement")) {
            if (s->is_array()) statements = s->get_array();
            if (s->is_object()) statements.push_back(*s);
        }
        json::array observed;
        json::array open_statements;
        for (std::size_t i = 0; i < statements.size(); ++i) {
            const auto keys = condition_keys(statements[i]);
            bool org = false;
            for (const auto& k : keys) {
                org = org || k == kOrgKey;
                if (std::find(observed.begin(), observed.end(), json::value(json::string(k))) ==
                    observed.end())
                    observed.push_back(json::string(k));
            }
            if (string_at(statements[i], "Effect") == "Allow" && public_principal(statements[i]) &&
                !org) {
                auto sid = string_at(statements[i], "Sid");
                open_statements.push_back(sid.empty() ? json::value(i) : json::value(sid));
            }
        }
        auto e = evaluate({"S3", bucket, kPath, kField, engine::Comparator::contains, kOrgKey,
                           std::move(observed), engine::Source::aws_sdk, region, scope.account});
        if (!open_statements.empty()) {
            e.extra["publicStatements"] = std::move(open_statements);
            e.extra["note"] =
                "a statement allows Principal \"*\" without the organization condition";
            if (e.passed) {
                e.passed = false;
                e.status = engine::Status::non_compliant;
                e.decision +=
                    " but a public statement has no aws:PrincipalOrgID condition \u2192 failed";
            }
        }
        return e;
    }
};

}  // namespace

const Check& check_12_0_04_s3_policy_org() {
    static const S3PolicyOrg check;
    return check;
}

}  // namespace dspm::checks
