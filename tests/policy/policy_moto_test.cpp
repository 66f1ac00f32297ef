// The generated policy, proven on an emulated account with IAM enforcement: a user holding exactly
// `dspm-audit policy FRAMEWORK` audits that framework without one permission error, and the same
// user without one action gets an ERROR naming exactly that action. This is what keeps every
// check's iam_actions honest: a check reading something its metadata does not declare fails here.
//
// moto (5.x) authorises a few reads under other names than AWS does (S3 sub-resources such as
// ?encryption or ?publicAccessBlock as s3:ListBucket; CloudWatch as monitoring:*; the account's
// S3 Control GetPublicAccessBlock, s3:GetAccountPublicAccessBlock at AWS, as
// s3:GetPublicAccessBlock); those names are granted in a separate policy beside the generated
// one (kMotoNames), never in it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "aws/iam_actions.hpp"
#include "aws/protocol.hpp"
#include "catalog/local_source.hpp"
#include "checks/check.hpp"
#include "engine/catalog_audit.hpp"
#include "policy/policy.hpp"
#include "support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// The action names moto checks for reads AWS authorises under the names our table holds.
constexpr const char* kMotoNames = R"({"Version":"2012-10-17","Statement":[{"Sid":"MotoNames",
  "Effect":"Allow","Action":["s3:ListBucket","s3:GetPublicAccessBlock","monitoring:*"],
  "Resource":"*"}]})";

struct Keys {
    std::string id, secret;
};

class EnforcedAccount {
  public:
    EnforcedAccount() : moto_(std::map<std::string, std::string>{}) {
        dir_ = fs::temp_directory_path() / ("dspm-policy-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        std::string out;
        const int rc = dspm::test::run_shell("python3 " DSPM_SOURCE_DIR "/scripts/seed_demo.py " +
                                                 moto_.endpoint() + " us-east-1 2>&1",
                                             &out);
        EXPECT_EQ(rc, 0) << out;
    }
    ~EnforcedAccount() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    // A user with these documents (and moto's own names) as managed policies; before enforce().
    Keys user(const std::string& name, const std::vector<json::object>& documents) {
        std::string cmd = "python3 " DSPM_SOURCE_DIR "/tests/policy/moto_iam_user.py " +
                          moto_.endpoint() + " " + name;
        std::vector<std::string> texts;
        for (const auto& d : documents)
            texts.push_back(json::serialize(d));
        texts.emplace_back(kMotoNames);
        for (std::size_t i = 0; i < texts.size(); ++i) {
            const auto file = dir_ / (name + "-" + std::to_string(i) + ".json");
            std::ofstream(file) << texts[i];
            cmd += " " + file.string();
        }
        std::string out;
        EXPECT_EQ(dspm::test::run_shell(cmd + " 2>&1", &out), 0) << out;
        boost::system::error_code ec;
        const auto v = json::parse(out, ec);
        if (ec || !v.is_object()) {
            ADD_FAILURE() << out;
            return {};
        }
        return {std::string(v.at("AccessKeyId").as_string()),
                std::string(v.at("SecretAccessKey").as_string())};
    }

    // From here on every call is authorised against the caller's policies.
    void enforce() {
        std::string out;
        EXPECT_EQ(dspm::test::run_shell("curl -s -X POST -H 'Content-Type: text/plain' --data 0 " +
                                            moto_.endpoint() + "/moto-api/reset-auth",
                                        &out),
                  0)
            << out;
    }

    std::map<std::string, std::string> env(const Keys& keys) const {
        auto env = dspm::test::moto_env(moto_.endpoint());
        env["AWS_ACCESS_KEY_ID"] = keys.id;
        env["AWS_SECRET_ACCESS_KEY"] = keys.secret;
        for (const char* k : {"MAPPING_BASE_URL", "COLLECTOR_BASE_URL", "AUDIT_API_TOKEN",
                              "CATALOG_DIR", "AWS_PROFILE", "AWS_SESSION_TOKEN"})
            env.emplace(k, "");
        env["LOG_LEVEL"] = "error";
        return env;
    }

    // `dspm-audit audit FRAMEWORK --all` as that user: the result document.
    json::object audit(const Keys& keys, const std::string& framework, std::string* err) {
        const auto out = dir_ / ("result-" + framework + ".json");
        dspm::test::Process p({DSPM_BINARY, "audit", framework, "--all", "--output", out.string()},
                              env(keys), dir_.string());
        p.wait(std::chrono::seconds(300));
        *err = p.stderr_text();
        std::ifstream in(out);
        std::stringstream ss;
        ss << in.rdbuf();
        boost::system::error_code ec;
        auto v = json::parse(ss.str(), ec);
        return !ec && v.is_object() ? v.as_object() : json::object{};
    }

    const fs::path& dir() const { return dir_; }

  private:
    dspm::test::Moto moto_;
    fs::path dir_;
};

// moto 5.x cannot check the signatures of rest-json requests, nor CloudFront's, once it enforces
// IAM in server mode: boto3's own requests get SignatureDoesNotMatch as ours do (seen for Lambda,
// API Gateway, OpenSearch, EFS, MSK, Glacier, Macie, Backup, GuardDuty, EKS and CloudFront). Those
// reads are no evidence either way here; every query, ec2, json and other rest-xml read is.
bool moto_cannot_verify(const std::string& service) {
    const auto* model = dspm::aws::find_service(service);
    return service == "cloudfront" ||
           (model != nullptr && dspm::aws::service_info(*model).protocol == "rest-json");
}

// "code: action (message)" for every evaluation refused for a permission or a credential.
std::set<std::string> permission_errors(const json::object& doc) {
    std::set<std::string> out;
    for (const auto& r : doc.at("results").as_array())
        for (const auto& m : r.at("results").as_array())
            for (const auto& e : m.at("evaluations").as_array()) {
                const auto& extra = e.at("extra").as_object();
                const auto* detail = extra.if_contains("error_detail");
                if (detail == nullptr) continue;
                const auto& kind = detail->at("kind");
                if (kind != "permission_denied" && kind != "invalid_credentials") continue;
                const std::string op(detail->at("operation").as_string());
                if (kind == "invalid_credentials" && moto_cannot_verify(op.substr(0, op.find(':'))))
                    continue;
                std::string missing;
                if (const auto* p = extra.if_contains("missingPermissions"))
                    for (const auto& a : p->as_array())
                        missing += std::string(a.as_string()) + " ";
                out.insert(std::string(m.at("mapping_code").as_string()) + ": " + missing + "(" +
                           std::string(detail->at("message").as_string()).substr(0, 160) + ")");
            }
    return out;
}

std::vector<json::object> documents_for(const std::string& framework) {
    auto source = *dspm::catalog::LocalSource::embedded();
    auto codes = dspm::policy::codes_of(*source, framework, std::nullopt);
    EXPECT_TRUE(codes);
    return dspm::policy::read_policy(codes ? *codes : std::vector<std::string>{}).documents;
}

TEST(PolicyMoto, TheGeneratedPolicyAuditsEachFrameworkWithoutAPermissionError) {
    EnforcedAccount account;
    const std::vector<std::string> frameworks{"ISMS-P", "iso-27001", "iso-27017", "GDPR"};
    std::map<std::string, Keys> users;
    for (const auto& fw : frameworks) {
        std::string name = "auditor-" + fw;
        for (auto& c : name)
            if (c == '.') c = '-';
        users[fw] = account.user(name, documents_for(fw));
    }
    account.enforce();
    for (const auto& fw : frameworks) {
        std::string err;
        const auto doc = account.audit(users[fw], fw, &err);
        ASSERT_TRUE(doc.contains("results")) << fw << "\n" << err;
        std::string list;
        for (const auto& e : permission_errors(doc))
            list += "  " + e + "\n";
        EXPECT_TRUE(list.empty()) << fw << " with exactly its generated policy:\n" << list;
    }
}

// Without one action, the checks declaring it report exactly that action as missing. A sample
// across protocols and services (each removal is one audit); actions moto authorises under its
// own names (kMotoNames) or of services whose signatures it cannot check (moto_cannot_verify)
// cannot be taken away there and are not sampled.
TEST(PolicyMoto, RemovingOneActionGivesAnErrorNamingExactlyIt) {
    std::vector<std::string> sample{
        "rds:DescribeDBInstances",   "dynamodb:ListTables", "kms:ListKeys",
        "redshift:DescribeClusters", "sns:ListTopics",      "iam:GetAccountSummary",
        "sso:ListInstances",         "s3:ListAllMyBuckets", "organizations:DescribeOrganization"};
    // DSPM_POLICY_SWEEP=1: every declared action moto can take away, not the sample (one audit
    // each: minutes, so not in CI).
    if (const char* sweep = std::getenv("DSPM_POLICY_SWEEP"); sweep && std::string(sweep) == "1") {
        std::set<std::string> all;
        for (const auto* c : dspm::checks::all_checks())
            for (const auto& a : c->info().iam_actions) {
                // moto's own names (kMotoNames) cannot be taken away; nor can the reads of the
                // services whose signatures it cannot check.
                bool verifiable = a.rfind("s3:", 0) != 0 && a.rfind("cloudwatch:", 0) != 0;
                for (const auto& entry : dspm::aws::iam_action_table())
                    if (entry.action == a && moto_cannot_verify(std::string(entry.service)))
                        verifiable = false;
                if (verifiable) all.insert(a);
            }
        sample.assign(all.begin(), all.end());
    }
    EnforcedAccount account;
    std::map<std::string, Keys> users;
    std::map<std::string, std::vector<std::string>> codes_of;
    for (const auto& action : sample) {
        std::vector<std::string> codes;
        for (const auto* c : dspm::checks::all_checks())
            for (const auto& a : c->info().iam_actions)
                if (a == action) codes.push_back(c->info().code);
        ASSERT_FALSE(codes.empty()) << action << " is declared by no check";
        codes_of[action] = codes;
        // The policy of those checks, minus the action.
        auto set = dspm::policy::read_policy(codes);
        std::vector<json::object> docs;
        for (auto doc : set.documents) {
            for (auto& s : doc.at("Statement").as_array()) {
                json::array kept;
                for (const auto& a : s.at("Action").as_array())
                    if (a.as_string() != action) kept.push_back(a);
                if (kept.empty()) kept.emplace_back("sts:GetCallerIdentity");
                s.as_object()["Action"] = std::move(kept);
            }
            docs.push_back(std::move(doc));
        }
        std::string name = "without-" + action;
        for (auto& c : name)
            if (c == ':') c = '-';
        users[action] = account.user(name, docs);
    }
    account.enforce();
    for (const auto& action : sample) {
        std::string folder = "catalog-" + action;
        for (auto& c : folder)
            if (c == ':') c = '-';
        const auto catalog =
            dspm::test::write_catalog(account.dir() / folder, "POLICY", codes_of[action]);
        std::string err;
        auto env = account.env(users[action]);
        const auto results = dspm::test::audit_catalog(env, catalog, "POLICY", &err);
        ASSERT_FALSE(results.empty()) << action << "\n" << err;
        bool named = false;
        std::set<std::string> others;
        for (const auto& [code, m] : results)
            for (const auto& e : m.at("evaluations").as_array()) {
                const auto* p = e.at("extra").as_object().if_contains("missingPermissions");
                if (p == nullptr) continue;
                for (const auto& a : p->as_array()) {
                    if (a.as_string() == action)
                        named = true;
                    else
                        others.insert(code + " " + std::string(a.as_string()));
                }
            }
        std::string seen;
        for (const auto& [code, m] : results) {
            seen += "\n  " + code + " " + std::string(m.at("status").as_string());
            for (const auto& e : m.at("evaluations").as_array())
                if (e.at("status") == "ERROR") {
                    seen += ": " + std::string(e.at("decision").as_string());
                    break;
                }
        }
        EXPECT_TRUE(named) << action << " removed, but no evaluation names it:" << seen;
        std::string list;
        for (const auto& o : others)
            list += " " + o;
        EXPECT_TRUE(others.empty()) << action << " removed; other actions reported:" << list;
    }
}

}  // namespace
