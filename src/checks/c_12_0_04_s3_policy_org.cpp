// 12.0-04 S3 bucket policy limited to the organization: every bucket, read in its own region, has
// a bucket policy (GetBucketPolicy) that restricts access to the organization. One evaluation per
// bucket; observed is the policy's condition keys (the catalog's "contains aws:PrincipalOrgID").
// The policy is judged statement by statement:
// - every "Allow" statement whose principal reaches outside the audited account must carry an
//   organization condition. Outside: "Principal": "*", {"AWS": "*"}, another account's id or ARN,
//   an AWS principal that is not an ARN of the account (a unique id left by a deleted role), a
//   Federated or CanonicalUser principal, and any "NotPrincipal" (it allows everyone but the
//   ones named). Inside: {"Service": ...} principals, the account's own id and ARNs, and CloudFront
//   origin access identities (arn:aws:iam::cloudfront:user/...). An organization condition is
//   aws:PrincipalOrgID or aws:PrincipalOrgPaths (keys case-insensitive) under an operator that
//   restricts: StringEquals, StringEqualsIgnoreCase, StringLike, optionally ForAnyValue:-prefixed.
//   Negated operators, ...IfExists (true when the key is absent), ForAllValues: (true on an empty
//   set) and Null do not restrict.
// - such a statement is covered (not offending) when the policy has a "Deny" statement for all
//   principals ("Principal": "*" or {"AWS": "*"}), with Action "*" or "s3:*" (string or list) and
//   a StringNotEquals / StringNotEqualsIfExists condition on aws:PrincipalOrgID and no other
//   condition key except aws:PrincipalIsAWSService (another key would narrow the deny). The Deny's
//   Resource is not compared.
// COMPLIANT: no offending statement, and either the policy carries an organization condition key
// (in an Allow or a covering Deny) or nothing reaches outside the account at all: no bucket policy
// (NoSuchBucketPolicy, observed null), or only Allows to the account's own and service principals;
// an organization condition restricts sharing, and a bucket shared with no one needs none (ACL
// grants are 8.0-02's). NON_COMPLIANT: an offending statement (extra.offendingStatements lists
// their Sid, else their index). ERROR: the read failed, or the policy is not a JSON object
// with a Statement that is an object or an array of objects (malformed data, never a verdict).
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
constexpr const char* kOrgPathsKey = "aws:PrincipalOrgPaths";

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Condition keys are case-insensitive in IAM; the organization keys are reported in their
// documented spelling.
std::string documented_key(std::string_view key) {
    const auto l = lower(key);
    if (l == "aws:principalorgid") return kOrgKey;
    if (l == "aws:principalorgpaths") return kOrgPathsKey;
    return std::string(key);
}

bool is_org_key(std::string_view key) {
    const auto k = documented_key(key);
    return k == kOrgKey || k == kOrgPathsKey;
}

std::vector<std::string> condition_keys(const json::value& statement) {
    std::vector<std::string> keys;
    const auto* cond = at_path(statement, "Condition");
    if (cond == nullptr || !cond->is_object()) return keys;
    for (const auto& op : cond->get_object()) {
        if (!op.value().is_object()) continue;
        for (const auto& kv : op.value().get_object())
            keys.push_back(documented_key(kv.key()));
    }
    return keys;
}

// Operators that restrict an Allow to the values listed (condition operators are case-sensitive).
bool restricting_operator(std::string_view op) {
    if (op.rfind("ForAnyValue:", 0) == 0) op.remove_prefix(std::string_view("ForAnyValue:").size());
    return op == "StringEquals" || op == "StringEqualsIgnoreCase" || op == "StringLike";
}

bool has_org_condition(const json::value& statement) {
    const auto* cond = at_path(statement, "Condition");
    if (cond == nullptr || !cond->is_object()) return false;
    for (const auto& op : cond->get_object()) {
        if (!restricting_operator(op.key()) || !op.value().is_object()) continue;
        for (const auto& kv : op.value().get_object())
            if (is_org_key(kv.key())) return true;
    }
    return false;
}

// Strings of a string-or-array value.
std::vector<std::string> strings_of(const json::value* v) {
    std::vector<std::string> out;
    if (v == nullptr) return out;
    if (v->is_string()) out.emplace_back(v->get_string());
    if (v->is_array())
        for (const auto& x : v->get_array())
            if (x.is_string()) out.emplace_back(x.get_string());
    return out;
}

// The account of an IAM/STS ARN (arn:partition:service:region:account:resource), else empty.
std::string arn_account(std::string_view arn) {
    if (arn.rfind("arn:", 0) != 0) return {};
    std::size_t pos = 0;
    for (int field = 0; field < 4; ++field) {
        pos = arn.find(':', pos);
        if (pos == std::string_view::npos) return {};
        ++pos;
    }
    const auto end = arn.find(':', pos);
    if (end == std::string_view::npos) return {};
    return std::string(arn.substr(pos, end - pos));
}

bool aws_principal_inside(const std::string& p, const std::string& account) {
    if (p == "*") return false;
    if (!account.empty() && p == account) return true;
    const auto owner = arn_account(p);
    if (owner == "cloudfront") return true;  // origin access identity
    return !account.empty() && owner == account;
}

// Whether the statement's principals reach outside the account.
bool reaches_outside(const json::value& statement, const std::string& account) {
    if (at_path(statement, "NotPrincipal") != nullptr) return true;
    const auto* p = at_path(statement, "Principal");
    if (p == nullptr) return false;
    if (p->is_string()) return !aws_principal_inside(std::string(p->get_string()), account);
    if (!p->is_object()) return true;  // not a documented shape: not provably inside
    for (const auto& kv : p->get_object()) {
        if (kv.key() == "Service") continue;
        if (kv.key() != "AWS") return true;  // Federated, CanonicalUser
        for (const auto& a : strings_of(&kv.value()))
            if (!aws_principal_inside(a, account)) return true;
        if (!kv.value().is_string() && !kv.value().is_array()) return true;
    }
    return false;
}

bool all_principals(const json::value& statement) {
    if (at_path(statement, "NotPrincipal") != nullptr) return false;
    const auto* p = at_path(statement, "Principal");
    if (p == nullptr) return false;
    if (p->is_string()) return p->get_string() == "*";
    const auto aws = strings_of(at_path(*p, "AWS"));
    return std::find(aws.begin(), aws.end(), "*") != aws.end();
}

// A Deny for all principals of every S3 action unless the principal is in the organization.
bool covering_deny(const json::value& statement) {
    if (string_at(statement, "Effect") != "Deny" || !all_principals(statement)) return false;
    if (at_path(statement, "NotAction") != nullptr) return false;
    const auto actions = strings_of(at_path(statement, "Action"));
    if (std::none_of(actions.begin(), actions.end(),
                     [](const std::string& a) { return a == "*" || lower(a) == "s3:*"; }))
        return false;
    const auto* cond = at_path(statement, "Condition");
    if (cond == nullptr || !cond->is_object()) return false;
    bool org = false;
    for (const auto& op : cond->get_object()) {
        if (!op.value().is_object()) return false;
        const bool not_equals =
            op.key() == "StringNotEquals" || op.key() == "StringNotEqualsIfExists";
        for (const auto& kv : op.value().get_object()) {
            const auto key = documented_key(kv.key());
            if (key == kOrgKey && not_equals) {
                org = true;
                continue;
            }
            if (lower(key) == "aws:principalisawsservice") continue;
            return false;  // another condition narrows the deny
        }
    }
    return org;
}

engine::Evaluation malformed(const std::string& bucket, const std::string& region,
                             const CheckScope& scope, const std::string& why) {
    aws::AwsError err;
    err.kind = aws::ErrorKind::malformed;
    err.service = "s3";
    err.operation = "GetBucketPolicy";
    err.message = why;
    err.iam_action = "s3:GetBucketPolicy";
    auto e = error_evaluation("S3", bucket, kField, err, region, scope.account);
    e.decision = "the bucket policy is malformed (" + why + ") \u2192 error";
    e.extra["note"] = "the bucket policy could not be judged: " + why;
    return e;
}

// An organization condition is needed only where something reaches outside the account.
void pass_with(Evaluation& e, std::string_view why) {
    e.passed = true;
    e.status = engine::Status::compliant;
    e.decision += " but ";
    e.decision += why;
    e.decision += " \u2192 passed";
}

class S3PolicyOrg final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "12.0-04",
            "S3 Bucket Policy",
            "S3",
            "high",
            {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketPolicy"},
            Reach::global};
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
                // Without a policy the bucket grants nothing outside the account by policy: there
                // is nothing for an organization condition to restrict.
                auto e = storage::not_configured(
                    "S3", bucket, kPath, kField, engine::Comparator::contains, kOrgKey, region,
                    scope.account,
                    "no bucket policy: nothing is granted outside the account by a policy");
                pass_with(e, "no bucket policy grants access outside the account");
                return e;
            }
            return error_evaluation("S3", bucket, kField, doc.error(), region, scope.account);
        }
        const auto text = string_at(*doc, "Policy");
        json::value policy;
        boost::system::error_code ec;
        if (!text.empty()) policy = json::parse(text, ec);
        if (text.empty() || ec || !policy.is_object())
            return malformed(bucket, region, scope, "the policy is empty or not a JSON object");
        json::array statements;
        if (const auto* s = at_path(policy, "Statement")) {
            if (s->is_array()) statements = s->get_array();
            if (s->is_object()) statements.push_back(*s);
        }
        if (statements.empty() || std::any_of(statements.begin(), statements.end(),
                                              [](const json::value& v) { return !v.is_object(); }))
            return malformed(bucket, region, scope,
                             "Statement is missing or is not an object or a list of objects");
        const std::string account = scope.account.empty() ? facts.account() : scope.account;

        json::array observed;
        bool org_key = false, covered = false;
        for (const auto& st : statements) {
            for (const auto& k : condition_keys(st)) {
                org_key = org_key || k == kOrgKey || k == kOrgPathsKey;
                if (std::find(observed.begin(), observed.end(), json::value(json::string(k))) ==
                    observed.end())
                    observed.push_back(json::string(k));
            }
            covered = covered || covering_deny(st);
        }
        json::array offending, covered_statements;
        for (std::size_t i = 0; i < statements.size(); ++i) {
            const auto& st = statements[i];
            if (string_at(st, "Effect") != "Allow" || !reaches_outside(st, account) ||
                has_org_condition(st))
                continue;
            auto sid = string_at(st, "Sid");
            (covered ? covered_statements : offending)
                .push_back(sid.empty() ? json::value(i) : json::value(sid));
        }
        json::object extra{{"statements", statements.size()}};
        if (!covered_statements.empty()) {
            extra["coveredStatements"] = std::move(covered_statements);
            extra["coveredBy"] =
                "a Deny for all principals of s3:* unless aws:PrincipalOrgID matches";
        }
        auto e = evaluate({"S3", bucket, kPath, kField, engine::Comparator::contains, kOrgKey,
                           std::move(observed), engine::Source::aws_sdk, region, scope.account,
                           std::move(extra)});
        if (!e.passed && org_key) {
            // aws:PrincipalOrgPaths is the organization condition too.
            e.passed = true;
            e.status = engine::Status::compliant;
            e.decision += " but aws:PrincipalOrgPaths restricts to the organization \u2192 passed";
        }
        if (!e.passed && offending.empty() && covered_statements.empty() &&
            !std::any_of(statements.begin(), statements.end(), [&](const json::value& st) {
                return string_at(st, "Effect") == "Allow" && reaches_outside(st, account);
            })) {
            e.extra["note"] = "no Allow statement reaches principals outside the account";
            pass_with(e, "no Allow statement reaches principals outside the account");
        }
        if (!offending.empty()) {
            e.extra["offendingStatements"] = std::move(offending);
            e.extra["note"] =
                "an Allow statement reaches principals outside the account without an "
                "organization condition (aws:PrincipalOrgID / aws:PrincipalOrgPaths)";
            if (e.passed) {
                e.passed = false;
                e.status = engine::Status::non_compliant;
                e.decision +=
                    " but an Allow statement for principals outside the account has no "
                    "organization condition \u2192 failed";
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
