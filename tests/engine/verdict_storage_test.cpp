// Verdicts of four storage checks on recorded documents (issue 10): 9.0-04 counts only enabled
// replication rules whose copy is in another region or account, 8.0-02 takes the account-level
// Block Public Access into account, 12.0-04 judges bucket policies statement by statement, and
// 4.0-06 leaves read replicas unjudged and judges cluster members by their cluster. Fixtures follow
// botocore's shapes (s3 GetBucketReplicationOutput, s3control GetPublicAccessBlockOutput, rds
// DBInstance / DBCluster) with the awkward cases: disabled rules, old-style Prefix rules, "EU"
// locations, unread facts, policies in every documented spelling.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "checks/check.hpp"
#include "engine/check_fixture.hpp"
#include "engine/fake_aws.hpp"
#include "inventory/facts.hpp"
#include "support/test_support.hpp"

namespace {

namespace json = boost::json;
using dspm::engine::Evaluation;
using dspm::engine::MappingResult;
using dspm::engine::Status;
using dspm::test::FakeAwsClient;
using Result = FakeAwsClient::Result;

constexpr const char* kAccount = "123456789012";

using Fixture = dspm::test::CheckFixture;

Result fail(dspm::aws::ErrorKind kind, const char* service, const char* op, const char* code,
            const char* iam_action = "") {
    return dspm::unexpected(FakeAwsClient::error(kind, service, op, code, iam_action));
}
Result denied(const char* service, const char* op, const char* iam_action) {
    return fail(dspm::aws::ErrorKind::permission_denied, service, op, "AccessDenied", iam_action);
}
Result not_found(const char* service, const char* op, const char* code) {
    return fail(dspm::aws::ErrorKind::not_found, service, op, code);
}

// Answers picked by the Bucket parameter.
void per_bucket(FakeAwsClient& aws, const std::string& op, std::function<Result(std::string)> f) {
    aws.on("s3", op, [f](const json::object& p, const std::string&) -> Result {
        return f(std::string(p.at("Bucket").as_string()));
    });
}

using dspm::test::missing_permissions;

std::size_t calls_with(const FakeAwsClient& aws, const std::string& op, const std::string& text) {
    std::size_t n = 0;
    for (const auto& c : aws.calls())
        n += c.op == op && c.params.find(text) != std::string::npos;
    return n;
}

const Evaluation* eval_of(const MappingResult& r, const std::string& resource,
                          const std::string& field = {}) {
    for (const auto& e : r.evaluations)
        if (e.resource_id == resource && (field.empty() || e.checked_field == field)) return &e;
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// 9.0-04 S3 replication
// ---------------------------------------------------------------------------------------------

// Buckets of the account with their regions from ListBuckets (BucketRegion), destinations' regions
// from GetBucketLocation.
void replication_world(FakeAwsClient& aws, const char* buckets,
                       std::map<std::string, Result> locations) {
    aws.on_json("s3", "ListBuckets", buckets);
    per_bucket(aws, "GetBucketLocation", [locations](const std::string& b) -> Result {
        auto it = locations.find(b);
        if (it != locations.end()) return it->second;
        return not_found("s3", "GetBucketLocation", "NoSuchBucket");
    });
}

Result replication(const char* rules) {
    return json::parse(std::string(R"({"ReplicationConfiguration":{"Role":"arn:aws:iam::)") +
                       kAccount + R"(:role/s3-replication","Rules":)" + rules + "}}");
}

TEST(StorageVerdictReplication, OnlyEnabledRulesToAnotherRegionCount) {
    Fixture f;
    replication_world(
        *f.aws,
        R"({"Buckets":[{"Name":"dr","BucketRegion":"us-east-1"},{"Name":"disabled","BucketRegion":"us-east-1"},{"Name":"same-region","BucketRegion":"us-east-1"},{"Name":"empty","BucketRegion":"us-east-1"}]})",
        {{"dr-copy", json::parse(R"({"LocationConstraint":"eu-west-1"})")},
         {"local-copy", json::parse(R"({"LocationConstraint":null})")}});
    per_bucket(*f.aws, "GetBucketReplication", [](const std::string& b) -> Result {
        if (b == "dr")
            return replication(
                R"([{"ID":"off","Priority":2,"Filter":{"Prefix":""},"Status":"Disabled","Destination":{"Bucket":"arn:aws:s3:::dr-copy"},"DeleteMarkerReplication":{"Status":"Disabled"}},
                    {"ID":"to-eu","Priority":1,"Filter":{"Prefix":"logs/"},"Status":"Enabled","Destination":{"Bucket":"arn:aws:s3:::dr-copy","StorageClass":"STANDARD_IA"},"DeleteMarkerReplication":{"Status":"Disabled"}}])");
        if (b == "disabled")
            // The old count said 1: a rule is a rule whatever its Status.
            return replication(
                R"([{"ID":"paused","Priority":1,"Filter":{},"Status":"Disabled","Destination":{"Bucket":"arn:aws:s3:::dr-copy"},"DeleteMarkerReplication":{"Status":"Disabled"}}])");
        if (b == "same-region")
            return replication(
                R"([{"ID":"local","Priority":1,"Filter":{},"Status":"Enabled","Destination":{"Bucket":"arn:aws:s3:::local-copy"},"DeleteMarkerReplication":{"Status":"Enabled"}}])");
        return replication("[]");
    });
    auto r = f.run("9.0-04");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 4u);

    const auto* dr = eval_of(r, "dr");
    ASSERT_NE(dr, nullptr);
    EXPECT_EQ(dr->status, Status::compliant);
    EXPECT_EQ(dr->observed_value, json::value(1));
    EXPECT_EQ(dr->extra.at("enabledRules"), json::value(1));
    const auto& rules = dr->extra.at("rules").as_array();
    ASSERT_EQ(rules.size(), 2u);
    EXPECT_EQ(rules[0].at("Status"), json::value("Disabled"));
    EXPECT_EQ(rules[0].at("counts"), json::value(false));
    EXPECT_EQ(rules[1].at("ID"), json::value("to-eu"));
    EXPECT_EQ(rules[1].at("crossRegion"), json::value(true));
    EXPECT_EQ(rules[1].at("destination").at("region"), json::value("eu-west-1"));
    EXPECT_EQ(dr->extra.at("destinations").as_array().size(), 1u);  // enabled rules only

    const auto* disabled = eval_of(r, "disabled");
    ASSERT_NE(disabled, nullptr);
    EXPECT_EQ(disabled->status, Status::non_compliant);
    EXPECT_EQ(disabled->observed_value, json::value(0));
    EXPECT_EQ(disabled->extra.at("note"), json::value("no replication rule is enabled"));

    const auto* same = eval_of(r, "same-region");
    ASSERT_NE(same, nullptr);
    EXPECT_EQ(same->status, Status::non_compliant);
    EXPECT_EQ(same->extra.at("rules").as_array()[0].at("crossRegion"), json::value(false));
    EXPECT_EQ(same->extra.at("rules").as_array()[0].at("destination").at("region"),
              json::value("us-east-1"));  // null LocationConstraint: the home region

    EXPECT_EQ(eval_of(r, "empty")->status, Status::non_compliant);
    EXPECT_EQ(r.evidence.at("replicated").as_uint64(), 1u);
    // A disabled rule's destination is not read: it copies nothing wherever it points.
    EXPECT_EQ(calls_with(*f.aws, "s3:GetBucketLocation", "dr-copy"), 1u);
}

TEST(StorageVerdictReplication, CrossAccountByDestinationAccountCountsWithoutItsRegion) {
    Fixture f;
    replication_world(*f.aws, R"({"Buckets":[{"Name":"vault","BucketRegion":"us-east-1"}]})",
                      {{"their-copy", denied("s3", "GetBucketLocation", "s3:GetBucketLocation")}});
    f.aws->on("s3", "GetBucketReplication", [](const json::object&, const std::string&) {
        return replication(
            R"([{"ID":"other-account","Priority":1,"Filter":{"Prefix":""},"Status":"Enabled","Destination":{"Bucket":"arn:aws:s3:::their-copy","Account":"210987654321","AccessControlTranslation":{"Owner":"Destination"}},"DeleteMarkerReplication":{"Status":"Disabled"}}])");
    });
    auto r = f.run("9.0-04");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 1u);
    const auto& rule = r.evaluations[0].extra.at("rules").as_array()[0];
    EXPECT_EQ(rule.at("crossAccount"), json::value(true));
    EXPECT_EQ(rule.at("destination").at("account"), json::value("210987654321"));
    EXPECT_EQ(calls_with(*f.aws, "s3:GetBucketLocation", "their-copy"), 0u);
}

TEST(StorageVerdictReplication, UnreadDestinationRegionIsErrorNeverCompliant) {
    Fixture f;
    replication_world(*f.aws, R"({"Buckets":[{"Name":"src","BucketRegion":"us-east-1"}]})",
                      {{"elsewhere", denied("s3", "GetBucketLocation", "s3:GetBucketLocation")}});
    // No Destination.Account: another account's bucket may well refuse GetBucketLocation.
    f.aws->on("s3", "GetBucketReplication", [](const json::object&, const std::string&) {
        return replication(
            R"([{"ID":"maybe","Priority":1,"Filter":{},"Status":"Enabled","Destination":{"Bucket":"arn:aws:s3:::elsewhere"},"DeleteMarkerReplication":{"Status":"Disabled"}}])");
    });
    auto r = f.run("9.0-04");
    EXPECT_EQ(r.status, Status::error);
    ASSERT_EQ(r.evaluations.size(), 1u);
    const auto& e = r.evaluations[0];
    EXPECT_EQ(e.status, Status::error);
    EXPECT_EQ(missing_permissions(e), std::vector<std::string>{"s3:GetBucketLocation"});
    const auto& dest = e.extra.at("rules").as_array()[0].at("destination");
    EXPECT_TRUE(dest.at("region").is_null());
    EXPECT_EQ(dest.at("regionUnread"), json::value("AccessDenied"));
    EXPECT_EQ(r.evidence.at("errors").as_uint64(), 1u);
}

TEST(StorageVerdictReplication, UnreadRuleDoesNotHideAQualifyingOne) {
    Fixture f;
    replication_world(*f.aws, R"({"Buckets":[{"Name":"src","BucketRegion":"eu-west-1"}]})",
                      {{"gone", not_found("s3", "GetBucketLocation", "NoSuchBucket")},
                       {"us-copy", json::parse(R"({"LocationConstraint":"us-west-2"})")}});
    f.aws->on("s3", "GetBucketReplication", [](const json::object&, const std::string&) {
        return replication(
            R"([{"ID":"broken","Priority":1,"Filter":{},"Status":"Enabled","Destination":{"Bucket":"arn:aws:s3:::gone"},"DeleteMarkerReplication":{"Status":"Disabled"}},
                {"ID":"good","Priority":2,"Filter":{},"Status":"Enabled","Destination":{"Bucket":"arn:aws:s3:::us-copy"},"DeleteMarkerReplication":{"Status":"Disabled"}}])");
    });
    auto r = f.run("9.0-04");
    EXPECT_EQ(r.status, Status::compliant);
    const auto& rules = r.evaluations[0].extra.at("rules").as_array();
    EXPECT_EQ(rules[0].at("destination").at("regionUnread"), json::value("NoSuchBucket"));
    EXPECT_EQ(rules[1].at("counts"), json::value(true));
}

TEST(StorageVerdictReplication, OwnAccountNamedInDestinationAndOldPrefixRulesAreJudgedByRegion) {
    Fixture f;
    // "EU" is what GetBucketLocation answers for the oldest eu-west-1 buckets.
    replication_world(*f.aws, R"({"Buckets":[{"Name":"legacy","BucketRegion":"eu-west-1"}]})",
                      {{"legacy-copy", json::parse(R"({"LocationConstraint":"EU"})")}});
    f.aws->on("s3", "GetBucketReplication", [](const json::object&, const std::string&) {
        return replication(
            (std::string(
                 R"([{"ID":"v1","Prefix":"","Status":"Enabled","Destination":{"Bucket":"arn:aws:s3:::legacy-copy","Account":")") +
             kAccount + R"("}}])")
                .c_str());
    });
    auto r = f.run("9.0-04");
    EXPECT_EQ(r.status, Status::non_compliant);
    const auto& rule = r.evaluations[0].extra.at("rules").as_array()[0];
    EXPECT_EQ(rule.at("Prefix"), json::value(""));
    EXPECT_FALSE(rule.as_object().contains("Filter"));
    EXPECT_EQ(rule.at("destination").at("region"), json::value("eu-west-1"));
    EXPECT_EQ(rule.at("crossRegion"), json::value(false));
    EXPECT_EQ(r.evaluations[0].extra.at("note"),
              json::value("no enabled rule copies to another region or another account"));
}

TEST(StorageVerdictReplication, AGuessedSourceRegionIsNotComparedWith) {
    Fixture f;
    // No BucketRegion in the list and the source's GetBucketLocation denied: its region is a
    // guess (the global region), so "eu-west-1 != guess" proves nothing.
    replication_world(*f.aws, R"({"Buckets":[{"Name":"src"}]})",
                      {{"src", denied("s3", "GetBucketLocation", "s3:GetBucketLocation")},
                       {"eu-copy", json::parse(R"({"LocationConstraint":"eu-west-1"})")}});
    f.aws->on("s3", "GetBucketReplication", [](const json::object&, const std::string&) {
        return replication(
            R"([{"ID":"r","Priority":1,"Filter":{},"Status":"Enabled","Destination":{"Bucket":"arn:aws:s3:::eu-copy"},"DeleteMarkerReplication":{"Status":"Disabled"}}])");
    });
    auto r = f.run("9.0-04");
    EXPECT_EQ(r.status, Status::error);
    const auto& e = r.evaluations[0];
    EXPECT_EQ(missing_permissions(e), std::vector<std::string>{"s3:GetBucketLocation"});
    EXPECT_TRUE(e.extra.at("rules").as_array()[0].at("crossRegion").is_null());
    EXPECT_TRUE(e.extra.contains("regionNote"));
}

TEST(StorageVerdictReplication, NoConfigurationStillFailsAndDeniedReadStillErrors) {
    Fixture f;
    replication_world(
        *f.aws,
        R"({"Buckets":[{"Name":"none","BucketRegion":"us-east-1"},{"Name":"secret","BucketRegion":"us-east-1"}]})",
        {});
    per_bucket(*f.aws, "GetBucketReplication", [](const std::string& b) -> Result {
        if (b == "none")
            return not_found("s3", "GetBucketReplication", "ReplicationConfigurationNotFoundError");
        return denied("s3", "GetBucketReplication", "s3:GetReplicationConfiguration");
    });
    auto r = f.run("9.0-04");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "none")->status, Status::non_compliant);
    EXPECT_TRUE(eval_of(r, "none")->observed_value.is_null());
    EXPECT_EQ(missing_permissions(*eval_of(r, "secret")),
              std::vector<std::string>{"s3:GetReplicationConfiguration"});
}

// ---------------------------------------------------------------------------------------------
// 8.0-02 S3 Block Public Access, bucket OR account
// ---------------------------------------------------------------------------------------------

constexpr const char* kFull =
    R"({"PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":true,"RestrictPublicBuckets":true}})";
constexpr const char* kPartial =
    R"({"PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":false,"RestrictPublicBuckets":true}})";
constexpr const char* kAclsOnly =
    R"({"PublicAccessBlockConfiguration":{"BlockPublicAcls":true,"IgnorePublicAcls":true,"BlockPublicPolicy":false,"RestrictPublicBuckets":false}})";

void pab_buckets(FakeAwsClient& aws) {
    aws.on_json(
        "s3", "ListBuckets",
        R"({"Buckets":[{"Name":"full","BucketRegion":"us-east-1"},{"Name":"partial","BucketRegion":"eu-west-1"},{"Name":"none","BucketRegion":"us-east-1"}]})");
    per_bucket(aws, "GetPublicAccessBlock", [](const std::string& b) -> Result {
        if (b == "full") return json::parse(kFull);
        if (b == "partial") return json::parse(kPartial);
        return not_found("s3", "GetPublicAccessBlock", "NoSuchPublicAccessBlockConfiguration");
    });
}

void account_pab(FakeAwsClient& aws, Result answer) {
    aws.on("s3control", "GetPublicAccessBlock",
           [answer](const json::object&, const std::string&) { return answer; });
}

std::vector<Status> statuses(const MappingResult& r, const std::string& bucket) {
    std::vector<Status> out;
    for (const auto& e : r.evaluations)
        if (e.resource_id == bucket) out.push_back(e.status);
    return out;
}

TEST(StorageVerdictPublicAccess, AccountLevelBlocksWhatTheBucketDoesNot) {
    Fixture f;
    pab_buckets(*f.aws);
    account_pab(*f.aws, json::parse(kFull));
    auto r = f.run("8.0-02");
    EXPECT_EQ(r.status, Status::compliant);
    EXPECT_EQ(r.evidence.at("fullyBlocked").as_uint64(), 3u);
    const auto* policy = eval_of(r, "partial", "BlockPublicPolicy");
    ASSERT_NE(policy, nullptr);
    EXPECT_EQ(policy->extra.at("blockedBy"), json::value("account"));
    EXPECT_EQ(policy->extra.at("bucketValue"), json::value(false));
    EXPECT_EQ(policy->extra.at("accountValue"), json::value(true));
    EXPECT_EQ(eval_of(r, "partial", "BlockPublicAcls")->extra.at("blockedBy"),
              json::value("bucket+account"));
    // The bucket without a configuration of its own is blocked flag by flag by the account.
    EXPECT_EQ(statuses(r, "none"), std::vector<Status>(4, Status::compliant));
    EXPECT_EQ(eval_of(r, "none", "RestrictPublicBuckets")->extra.at("bucketNote"),
              json::value("no configuration on the bucket"));
    // One account read for the run, for the audited account, in the global region.
    EXPECT_EQ(f.aws->count("s3control:GetPublicAccessBlock"), 1u);
    for (const auto& c : f.aws->calls())
        if (c.op == "s3control:GetPublicAccessBlock") {
            EXPECT_EQ(json::parse(c.params), json::parse(R"({"AccountId":"123456789012"})"));
            EXPECT_EQ(c.region, "us-east-1");
        }
    EXPECT_EQ(r.evidence.at("accountLevel").at("read"), json::value("ok"));
    EXPECT_EQ(r.evidence.at("accountLevel").at("BlockPublicPolicy"), json::value(true));
}

TEST(StorageVerdictPublicAccess, AccountWithoutConfigurationLeavesEachFlagToTheBucket) {
    Fixture f;
    pab_buckets(*f.aws);
    account_pab(*f.aws, not_found("s3control", "GetPublicAccessBlock",
                                  "NoSuchPublicAccessBlockConfiguration"));
    auto r = f.run("8.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(statuses(r, "full"), std::vector<Status>(4, Status::compliant));
    const auto* policy = eval_of(r, "partial", "BlockPublicPolicy");
    ASSERT_NE(policy, nullptr);
    EXPECT_EQ(policy->status, Status::non_compliant);
    EXPECT_EQ(policy->extra.at("blockedBy"), json::value("neither"));
    EXPECT_EQ(policy->extra.at("accountNote"), json::value("no configuration on the account"));
    // Neither level configured: one "not configured" evaluation, observed null.
    ASSERT_EQ(statuses(r, "none").size(), 1u);
    EXPECT_EQ(eval_of(r, "none")->status, Status::non_compliant);
    EXPECT_TRUE(eval_of(r, "none")->observed_value.is_null());
    EXPECT_EQ(r.evidence.at("accountLevel").at("read"), json::value("not configured"));
}

TEST(StorageVerdictPublicAccess, AccountFlagsPartlySetCombineWithTheBucketFlagByFlag) {
    Fixture f;
    pab_buckets(*f.aws);
    account_pab(*f.aws, json::parse(kAclsOnly));
    auto r = f.run("8.0-02");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(statuses(r, "none"),
              (std::vector<Status>{Status::compliant, Status::compliant, Status::non_compliant,
                                   Status::non_compliant}));
    EXPECT_EQ(eval_of(r, "partial", "BlockPublicPolicy")->status, Status::non_compliant);
    EXPECT_EQ(eval_of(r, "partial", "RestrictPublicBuckets")->extra.at("blockedBy"),
              json::value("bucket"));
}

TEST(StorageVerdictPublicAccess, DeniedAccountReadIsErrorOnlyWhereTheBucketDoesNotBlock) {
    Fixture f;
    pab_buckets(*f.aws);
    account_pab(*f.aws,
                denied("s3control", "GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock"));
    auto r = f.run("8.0-02");
    // Never NON_COMPLIANT on a flag the unread account level might set.
    EXPECT_EQ(r.status, Status::error);
    EXPECT_EQ(statuses(r, "full"), std::vector<Status>(4, Status::compliant));
    EXPECT_EQ(statuses(r, "partial"), (std::vector<Status>{Status::compliant, Status::compliant,
                                                           Status::error, Status::compliant}));
    const auto* policy = eval_of(r, "partial", "BlockPublicPolicy");
    EXPECT_EQ(missing_permissions(*policy),
              std::vector<std::string>{"s3:GetAccountPublicAccessBlock"});
    EXPECT_EQ(policy->extra.at("bucketValue"), json::value(false));
    EXPECT_EQ(statuses(r, "none"), std::vector<Status>(4, Status::error));
    EXPECT_EQ(r.evidence.at("accountLevel").at("read"), json::value("error"));
    EXPECT_EQ(r.evidence.at("accountLevel").at("missingPermission"),
              json::value("s3:GetAccountPublicAccessBlock"));
    EXPECT_EQ(r.evidence.at("fullyBlocked").as_uint64(), 1u);
    EXPECT_EQ(r.evidence.at("errors").as_uint64(), 2u);
}

TEST(StorageVerdictPublicAccess, UnreadBucketIsCoveredByTheAccountOrErrorNamingBoth) {
    {
        Fixture f;
        f.aws->on_json("s3", "ListBuckets",
                       R"({"Buckets":[{"Name":"locked","BucketRegion":"us-east-1"}]})");
        f.aws->fail("s3", "GetPublicAccessBlock",
                    FakeAwsClient::error(dspm::aws::ErrorKind::permission_denied, "s3",
                                         "GetPublicAccessBlock", "AccessDenied",
                                         "s3:GetBucketPublicAccessBlock"));
        account_pab(*f.aws, json::parse(kFull));
        auto r = f.run("8.0-02");
        EXPECT_EQ(r.status, Status::compliant);  // the account alone blocks every flag
        EXPECT_EQ(eval_of(r, "locked")->extra.at("blockedBy"), json::value("account"));
    }
    {
        Fixture f;
        f.aws->on_json("s3", "ListBuckets",
                       R"({"Buckets":[{"Name":"locked","BucketRegion":"us-east-1"}]})");
        f.aws->deny("s3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock");
        f.aws->deny("s3control", "GetPublicAccessBlock", "s3:GetAccountPublicAccessBlock");
        auto r = f.run("8.0-02");
        EXPECT_EQ(r.status, Status::error);
        ASSERT_EQ(r.evaluations.size(), 4u);
        EXPECT_EQ(missing_permissions(r.evaluations[0]),
                  (std::vector<std::string>{"s3:GetBucketPublicAccessBlock",
                                            "s3:GetAccountPublicAccessBlock"}));
        EXPECT_NE(r.evaluations[0].decision.find("s3:GetAccountPublicAccessBlock"),
                  std::string::npos);
    }
}

TEST(StorageVerdictPublicAccess, DeclaresTheAccountLevelAction) {
    const auto* check = dspm::checks::find_check("8.0-02");
    ASSERT_NE(check, nullptr);
    const auto& actions = check->info().iam_actions;
    EXPECT_NE(std::find(actions.begin(), actions.end(), "s3:GetAccountPublicAccessBlock"),
              actions.end());
}

// ---------------------------------------------------------------------------------------------
// 12.0-04 S3 bucket policy, statement by statement
// ---------------------------------------------------------------------------------------------

const Evaluation& policy_verdict(Fixture& f, const std::string& policy) {
    static thread_local MappingResult last;
    f.aws->on_json("s3", "ListBuckets", R"({"Buckets":[{"Name":"b","BucketRegion":"us-east-1"}]})");
    f.aws->on("s3", "GetBucketPolicy", [policy](const json::object&, const std::string&) -> Result {
        return json::value(json::object{{"Policy", policy}});
    });
    last = f.run("12.0-04");
    EXPECT_EQ(last.evaluations.size(), 1u);
    return last.evaluations.at(0);
}

Status policy_status(const std::string& policy) {
    Fixture f;
    return policy_verdict(f, policy).status;
}

constexpr const char* kOrgAllow =
    R"({"Sid":"OrgRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}})";

TEST(StorageVerdictPolicyOrg, ExternalAccountBesideAnOrgStatementFails) {
    // The issue: the org condition of one statement used to pass the whole policy.
    Fixture f;
    const auto& e = policy_verdict(
        f,
        std::string(R"({"Version":"2012-10-17","Statement":[)") + kOrgAllow +
            R"(,{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]})");
    EXPECT_EQ(e.status, Status::non_compliant);
    EXPECT_EQ(e.extra.at("offendingStatements"), json::parse(R"(["Partner"])"));
    EXPECT_NE(e.decision.find("failed"), std::string::npos);
}

TEST(StorageVerdictPolicyOrg, OwnAccountAndServicePrincipalsAreInside) {
    const std::string own =
        std::string(R"({"Statement":[)") + kOrgAllow +
        R"(,{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:role/app","123456789012","arn:aws:sts::123456789012:assumed-role/ops/alice"]},"Action":"s3:*","Resource":"*"},
                               {"Effect":"Allow","Principal":{"Service":["logging.s3.amazonaws.com","cloudtrail.amazonaws.com"]},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"},
                               {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2EXAMPLE"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})";
    EXPECT_EQ(policy_status(own), Status::compliant);
    // The same policy audited from another account: those principals are outside.
    Fixture f;
    f.scope.account = "555555555555";
    const auto& e = policy_verdict(f, own);
    EXPECT_EQ(e.status, Status::non_compliant);
    EXPECT_EQ(e.extra.at("offendingStatements"), json::parse("[1]"));  // index: no Sid
}

TEST(StorageVerdictPolicyOrg, EveryPrincipalSpellingOutsideTheAccountNeedsTheCondition) {
    for (
        const char* statement : {
            R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"})",
            R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*"})",
            R"({"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","*"]},"Action":"s3:GetObject","Resource":"*"})",
            R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"s3:GetObject","Resource":"*"})",
            R"({"Effect":"Allow","Principal":{"AWS":"AROAEXAMPLEDELETEDROLE"},"Action":"s3:GetObject","Resource":"*"})",
            R"({"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"s3:GetObject","Resource":"*"})",
            R"({"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"s3:GetObject","Resource":"*"})",
            R"({"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"*"})",
        }) {
        const std::string policy =
            std::string(R"({"Statement":[)") + kOrgAllow + "," + statement + "]}";
        EXPECT_EQ(policy_status(policy), Status::non_compliant) << statement;
    }
}

TEST(StorageVerdictPolicyOrg, OnlyRestrictingOperatorsCarryTheOrganization) {
    auto with = [](const char* condition) {
        return std::string(
                   R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*","Condition":)") +
               condition + "}}";
    };
    EXPECT_EQ(policy_status(with(R"({"StringLike":{"aws:PrincipalOrgID":["o-a1b2c3d4e5"]}})")),
              Status::compliant);
    EXPECT_EQ(
        policy_status(with(R"({"StringEqualsIgnoreCase":{"AWS:PRINCIPALORGID":"o-a1b2c3d4e5"}})")),
        Status::compliant);
    // aws:PrincipalOrgPaths alone is the organization condition too.
    EXPECT_EQ(
        policy_status(with(
            R"({"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"]}})")),
        Status::compliant);
    // Negated, IfExists (true for principals outside any organization), ForAllValues (true on an
    // empty set), Null: none restricts an Allow.
    for (const char* c :
         {R"({"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}})",
          R"({"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}})",
          R"({"ForAllValues:StringLike":{"aws:PrincipalOrgPaths":["o-a1b2c3d4e5/*"]}})",
          R"({"Null":{"aws:PrincipalOrgID":"false"}})"})
        EXPECT_EQ(policy_status(with(c)), Status::non_compliant) << c;
}

TEST(StorageVerdictPolicyOrg, AnOrganizationDenyForEverythingCoversExternalAllows) {
    constexpr const char* kPartner =
        R"({"Sid":"Partner","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::999988887777:root"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})";
    auto with_deny = [&](const char* deny) {
        return std::string(R"({"Statement":[)") + kPartner + "," + deny + "]}";
    };
    {
        Fixture f;
        const auto& e = policy_verdict(
            f,
            with_deny(
                R"({"Sid":"OrgOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}})"));
        EXPECT_EQ(e.status, Status::compliant);
        EXPECT_EQ(e.extra.at("coveredStatements"), json::parse(R"(["Partner"])"));
        EXPECT_FALSE(e.extra.contains("offendingStatements"));
    }
    EXPECT_EQ(
        policy_status(with_deny(
            R"({"Effect":"Deny","Principal":{"AWS":["*"]},"Action":["*"],"Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}})")),
        Status::compliant);
    // Narrower denies do not cover: one action, one principal, another condition that narrows it.
    for (
        const char* deny : {
            R"({"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}})",
            R"({"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}})",
            R"({"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5","aws:SourceVpce":"vpce-1a2b3c4d"}}})",
            R"({"Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}})",
        })
        EXPECT_EQ(policy_status(with_deny(deny)), Status::non_compliant) << deny;
}

TEST(StorageVerdictPolicyOrg, NothingReachingOutsideNeedsNoOrganizationKey) {
    // Nothing opens the bucket outside the account, so there is nothing for an organization
    // condition to restrict: the control (no provision beyond the organization) holds. The
    // catalog's "contains aws:PrincipalOrgID" is the means where something is shared.
    Fixture f;
    const auto& e = policy_verdict(
        f,
        R"({"Statement":[{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},
            {"Sid":"Own","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/etl"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})");
    EXPECT_EQ(e.status, Status::compliant);
    EXPECT_EQ(e.observed_value, json::parse(R"(["aws:SecureTransport"])"));
    EXPECT_FALSE(e.extra.contains("offendingStatements"));
    EXPECT_NE(e.decision.find("no Allow statement reaches principals outside"), std::string::npos);
}

TEST(StorageVerdictPolicyOrg, MalformedPolicyIsErrorAndNoPolicyIsCompliant) {
    for (const char* policy :
         {"not json", "", "[1,2]", R"({"Version":"2012-10-17"})", R"({"Statement":"Allow"})",
          R"({"Statement":[{"Effect":"Allow"},3]})"}) {
        Fixture f;
        const auto& e = policy_verdict(f, policy);
        EXPECT_EQ(e.status, Status::error) << policy;
        EXPECT_EQ(e.extra.at("error_detail").at("kind"), json::value("malformed")) << policy;
    }
    Fixture f;
    f.aws->on_json("s3", "ListBuckets",
                   R"({"Buckets":[{"Name":"open","BucketRegion":"us-east-1"}]})");
    f.aws->on("s3", "GetBucketPolicy", [](const json::object&, const std::string&) {
        return not_found("s3", "GetBucketPolicy", "NoSuchBucketPolicy");
    });
    auto r = f.run("12.0-04");
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);  // no policy shares nothing
    EXPECT_TRUE(r.evaluations[0].observed_value.is_null());
    EXPECT_EQ(r.evaluations[0].extra.at("note"),
              json::value("no bucket policy: nothing is granted outside the account by a policy"));
}

// ---------------------------------------------------------------------------------------------
// 4.0-06 RDS backup retention: replicas not judged, cluster members by their cluster
// ---------------------------------------------------------------------------------------------

TEST(StorageVerdictRdsBackup, ReadReplicasAreSkippedNotJudged) {
    Fixture f;
    f.aws->on_json("rds", "DescribeDBInstances", R"({"DBInstances":[
        {"DBInstanceIdentifier":"primary","Engine":"mysql","BackupRetentionPeriod":7,"MultiAZ":false,"ReadReplicaDBInstanceIdentifiers":["primary-replica"],"ReadReplicaDBClusterIdentifiers":[]},
        {"DBInstanceIdentifier":"primary-replica","Engine":"mysql","BackupRetentionPeriod":0,"MultiAZ":false,"ReadReplicaSourceDBInstanceIdentifier":"primary","ReadReplicaDBInstanceIdentifiers":[]},
        {"DBInstanceIdentifier":"from-aurora","Engine":"mysql","BackupRetentionPeriod":0,"ReadReplicaSourceDBClusterIdentifier":"arn:aws:rds:us-east-1:123456789012:cluster:aur","ReadReplicaDBInstanceIdentifiers":[]}]})");
    auto r = f.run("4.0-06");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    const auto& replica = r.evaluations[1];
    EXPECT_EQ(replica.resource_id, "primary-replica");
    EXPECT_EQ(replica.status, Status::skipped);
    EXPECT_EQ(replica.evidence_path, "DBInstances[1].ReadReplicaSourceDBInstanceIdentifier");
    EXPECT_EQ(replica.extra.at("readReplicaSource"), json::value("primary"));
    EXPECT_TRUE(replica.extra.contains("reason"));
    EXPECT_EQ(r.evaluations[2].status, Status::skipped);
    EXPECT_EQ(r.evaluations[2].evidence_path,
              "DBInstances[2].ReadReplicaSourceDBClusterIdentifier");
    EXPECT_EQ(r.evidence.at("replicasNotJudged").as_uint64(), 2u);
    EXPECT_EQ(r.evidence.at("retentionCompliant").as_uint64(), 1u);
    EXPECT_EQ(r.evidence.at("nonCompliant").as_uint64(), 0u);
    EXPECT_EQ(r.evidence.at("totalInstances").as_uint64(), 3u);
    EXPECT_EQ(f.aws->count("rds:DescribeDBClusters"), 0u);
}

TEST(StorageVerdictRdsBackup, OnlyReplicasIsSkippedWithAReason) {
    Fixture f;
    f.aws->on_json(
        "rds", "DescribeDBInstances",
        R"({"DBInstances":[{"DBInstanceIdentifier":"r1","Engine":"postgres","BackupRetentionPeriod":0,"ReadReplicaSourceDBInstanceIdentifier":"arn:aws:rds:eu-west-1:123456789012:db:src"}]})");
    auto r = f.run("4.0-06");
    EXPECT_EQ(r.status, Status::skipped);
    ASSERT_TRUE(r.reason.has_value());
    EXPECT_NE(r.reason->find("read replicas"), std::string::npos);
}

TEST(StorageVerdictRdsBackup, ClusterMembersAreJudgedOnceByTheirCluster) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    f.aws->on("rds", "DescribeDBInstances", [](const json::object&, const std::string& region) {
        if (region == "eu-west-1") return Result(json::parse(R"({"DBInstances":[]})"));
        return Result(json::parse(R"({"DBInstances":[
            {"DBInstanceIdentifier":"aur-1","Engine":"aurora-mysql","BackupRetentionPeriod":1,"DBClusterIdentifier":"aur"},
            {"DBInstanceIdentifier":"aur-2","Engine":"aurora-mysql","BackupRetentionPeriod":1,"DBClusterIdentifier":"aur"},
            {"DBInstanceIdentifier":"pg-1","Engine":"aurora-postgresql","BackupRetentionPeriod":14,"DBClusterIdentifier":"pg"},
            {"DBInstanceIdentifier":"solo","Engine":"postgres","BackupRetentionPeriod":3}]})"));
    });
    f.aws->on_json("rds", "DescribeDBClusters", R"({"DBClusters":[
        {"DBClusterIdentifier":"pg","Engine":"aurora-postgresql","BackupRetentionPeriod":14,"DBClusterMembers":[{"DBInstanceIdentifier":"pg-1","IsClusterWriter":true}]},
        {"DBClusterIdentifier":"aur","Engine":"aurora-mysql","BackupRetentionPeriod":1,"DBClusterMembers":[{"DBInstanceIdentifier":"aur-1","IsClusterWriter":true},{"DBInstanceIdentifier":"aur-2","IsClusterWriter":false}]}]})");
    auto r = f.run("4.0-06");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);  // solo, then the clusters aur and pg
    EXPECT_EQ(r.evaluations[0].resource_id, "solo");
    EXPECT_EQ(r.evaluations[0].status, Status::non_compliant);
    const auto* aur = eval_of(r, "aur");
    ASSERT_NE(aur, nullptr);
    EXPECT_EQ(aur->status, Status::non_compliant);
    EXPECT_EQ(aur->evidence_path, "DBClusters[1].BackupRetentionPeriod");
    EXPECT_EQ(aur->extra.at("members"), json::parse(R"(["aur-1","aur-2"])"));
    const auto* pg = eval_of(r, "pg");
    ASSERT_NE(pg, nullptr);
    EXPECT_EQ(pg->status, Status::compliant);
    EXPECT_EQ(pg->evidence_path, "DBClusters[0].BackupRetentionPeriod");
    EXPECT_EQ(r.evidence.at("clustersJudged").as_uint64(), 2u);
    EXPECT_EQ(r.evidence.at("totalInstances").as_uint64(), 4u);
    // Read only in the region with members.
    EXPECT_EQ(f.aws->count("rds:DescribeDBClusters"), 1u);
    const auto* check = dspm::checks::find_check("4.0-06");
    const auto& actions = check->info().iam_actions;
    EXPECT_NE(std::find(actions.begin(), actions.end(), "rds:DescribeDBClusters"), actions.end());
}

TEST(StorageVerdictRdsBackup, ClusterReadFailureAndMissingCluster) {
    {
        Fixture f;
        f.aws->on_json(
            "rds", "DescribeDBInstances",
            R"({"DBInstances":[{"DBInstanceIdentifier":"aur-1","Engine":"aurora-mysql","BackupRetentionPeriod":7,"DBClusterIdentifier":"aur"}]})");
        f.aws->deny("rds", "DescribeDBClusters", "rds:DescribeDBClusters");
        auto r = f.run("4.0-06");
        EXPECT_EQ(r.status, Status::error);
        ASSERT_EQ(r.evaluations.size(), 1u);
        EXPECT_EQ(r.evaluations[0].resource_id, "aur");
        EXPECT_EQ(missing_permissions(r.evaluations[0]),
                  std::vector<std::string>{"rds:DescribeDBClusters"});
    }
    {
        // Deleted between the two reads: the member's own value, with a note.
        Fixture f;
        f.aws->on_json(
            "rds", "DescribeDBInstances",
            R"({"DBInstances":[{"DBInstanceIdentifier":"aur-1","Engine":"aurora-mysql","BackupRetentionPeriod":7,"DBClusterIdentifier":"aur"}]})");
        f.aws->on_json("rds", "DescribeDBClusters", R"({"DBClusters":[]})");
        auto r = f.run("4.0-06");
        EXPECT_EQ(r.status, Status::compliant);
        ASSERT_EQ(r.evaluations.size(), 1u);
        EXPECT_EQ(r.evaluations[0].resource_id, "aur-1");
        EXPECT_EQ(r.evaluations[0].evidence_path, "DBInstances[0].BackupRetentionPeriod");
        EXPECT_TRUE(r.evaluations[0].extra.contains("note"));
    }
}

struct RdsRows : dspm::inventory::CollectorSource {
    const char* text;
    explicit RdsRows(const char* t) : text(t) {}
    dspm::inventory::CollectorResult rows(std::string_view kind) override {
        if (kind != "rds-instances") return dspm::unexpected(std::string("no such kind"));
        return json::parse(text).as_array();
    }
};

TEST(StorageVerdictRdsBackup, CollectorRowsSayWhetherAnInstanceIsAReplica) {
    Fixture f;
    // "full" carries Steampipe's columns (null: not a replica, not a member); "replica" names its
    // source; "narrow" (an old collector) does not say, so AWS is asked about that instance.
    f.aws->on("rds", "DescribeDBInstances", [](const json::object& p, const std::string&) {
        EXPECT_EQ(p.at("DBInstanceIdentifier"), json::value("narrow"));
        return Result(json::parse(
            R"({"DBInstances":[{"DBInstanceIdentifier":"narrow","Engine":"mysql","BackupRetentionPeriod":0,"ReadReplicaSourceDBInstanceIdentifier":"full"}]})"));
    });
    auto rows = std::make_shared<RdsRows>(R"([
        {"db_instance_identifier":"full","region":"us-east-1","backup_retention_period":14,"db_cluster_identifier":null,"read_replica_source_db_instance_identifier":null},
        {"db_instance_identifier":"replica","region":"us-east-1","backup_retention_period":0,"db_cluster_identifier":null,"read_replica_source_db_instance_identifier":"full"},
        {"db_instance_identifier":"narrow","region":"us-east-1","backup_retention_period":0}])");
    auto r = f.run("4.0-06", rows);
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[0].source, dspm::engine::Source::collector);
    EXPECT_EQ(r.evaluations[1].status, Status::skipped);
    EXPECT_EQ(r.evaluations[1].evidence_path, "read_replica_source_db_instance_identifier");
    EXPECT_EQ(r.evaluations[2].status, Status::skipped);
    EXPECT_EQ(r.evaluations[2].evidence_path,
              "DBInstances[0].ReadReplicaSourceDBInstanceIdentifier");
    EXPECT_EQ(f.aws->count("rds:DescribeDBInstances"), 1u);

    // When AWS cannot say either, the instance is an ERROR, not a guess.
    Fixture g;
    g.aws->deny("rds", "DescribeDBInstances", "rds:DescribeDBInstances");
    auto e = g.run(
        "4.0-06",
        std::make_shared<RdsRows>(
            R"([{"db_instance_identifier":"narrow","region":"us-east-1","backup_retention_period":14}])"));
    EXPECT_EQ(e.status, Status::error);
    ASSERT_EQ(e.evaluations.size(), 1u);
    EXPECT_EQ(missing_permissions(e.evaluations[0]),
              std::vector<std::string>{"rds:DescribeDBInstances"});
}

// ---------------------------------------------------------------------------------------------
// The four verdicts through the dspm-audit binary on moto_server: real rest-xml answers
// (GetBucketReplication's flattened Rule list, s3control's GetPublicAccessBlock with the account
// id header, GetBucketLocation) and RDS query answers (read replicas, Aurora clusters).
// ---------------------------------------------------------------------------------------------

namespace fs = std::filesystem;

constexpr const char* kMotoSeed = R"PY(
import boto3, json, sys
ep = sys.argv[1]
kw = dict(endpoint_url=ep, aws_access_key_id="testing", aws_secret_access_key="testing")
s3 = boto3.client("s3", region_name="us-east-1", **kw)
s3eu = boto3.client("s3", region_name="eu-west-1", **kw)
for b in ("src-dr", "src-local", "local-copy"):
    s3.create_bucket(Bucket=b)
s3eu.create_bucket(Bucket="eu-copy", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
for b in ("src-dr", "src-local", "local-copy", "eu-copy"):
    s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
role = "arn:aws:iam::123456789012:role/replication"
def rule(rid, prio, status, dest):
    return {"ID": rid, "Priority": prio, "Filter": {"Prefix": ""}, "Status": status,
            "Destination": {"Bucket": "arn:aws:s3:::" + dest},
            "DeleteMarkerReplication": {"Status": "Disabled"}}
s3.put_bucket_replication(Bucket="src-dr", ReplicationConfiguration={"Role": role, "Rules": [
    rule("off", 2, "Disabled", "local-copy"), rule("to-eu", 1, "Enabled", "eu-copy")]})
s3.put_bucket_replication(Bucket="src-local", ReplicationConfiguration={"Role": role, "Rules": [
    rule("local", 1, "Enabled", "local-copy")]})
s3.put_public_access_block(Bucket="src-dr", PublicAccessBlockConfiguration={
    "BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
    "RestrictPublicBuckets": True})
s3c = boto3.client("s3control", region_name="us-east-1", **kw)
host = ep.split("//")[1]
def one_host(request, **_):  # botocore puts the AccountId in the host; moto is one host
    request.url = request.url.replace("123456789012." + host, host)
s3c.meta.events.register_first("before-sign.s3-control.*", one_host)
s3c.put_public_access_block(AccountId="123456789012", PublicAccessBlockConfiguration={
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
    "RestrictPublicBuckets": False})
s3.put_bucket_policy(Bucket="src-local", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "Org", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
     "Resource": "arn:aws:s3:::src-local/*",
     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}},
    {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::src-local/*"}]}))
rds = boto3.client("rds", region_name="us-east-1", **kw)
rds.create_db_instance(DBInstanceIdentifier="primary", Engine="mysql", DBInstanceClass="db.t3.micro",
    AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="password123",
    BackupRetentionPeriod=7)
rds.create_db_instance_read_replica(DBInstanceIdentifier="primary-replica",
                                    SourceDBInstanceIdentifier="primary")
rds.modify_db_instance(DBInstanceIdentifier="primary-replica", BackupRetentionPeriod=0,
                       ApplyImmediately=True)
rds.create_db_cluster(DBClusterIdentifier="aur", Engine="aurora-mysql", MasterUsername="admin",
    MasterUserPassword="password123", BackupRetentionPeriod=1)
rds.create_db_instance(DBInstanceIdentifier="aur-1", Engine="aurora-mysql",
    DBInstanceClass="db.r5.large", DBClusterIdentifier="aur")
)PY";

std::map<std::string, json::object> audit_codes(const std::string& requirement,
                                                const std::string& endpoint, std::string& err) {
    const fs::path dir = fs::temp_directory_path() / ("dspm-verdict-" + std::to_string(::getpid()) +
                                                      "-" + std::to_string(std::rand()));
    fs::create_directories(dir);
    const std::string out = (dir / "result.json").string();
    auto env = dspm::test::moto_env(endpoint);
    for (const char* k : {"MAPPING_BASE_URL", "COLLECTOR_BASE_URL", "AUDIT_API_TOKEN",
                          "CATALOG_DIR", "AWS_PROFILE", "AWS_SESSION_TOKEN"})
        env.emplace(k, "");
    env["AUDIT_REGIONS"] = "us-east-1,eu-west-1";
    env["LOG_LEVEL"] = "error";
    dspm::test::Process p({DSPM_BINARY, "audit", "ISMS-P", requirement, "--output", out}, env,
                          dir.string());
    p.wait(std::chrono::seconds(90));
    err = p.stderr_text();
    std::ifstream in(out);
    std::stringstream ss;
    ss << in.rdbuf();
    fs::remove_all(dir);
    std::map<std::string, json::object> m;
    std::error_code ec;
    auto v = json::parse(ss.str(), ec);
    if (ec || !v.is_object() || !v.as_object().contains("results")) return m;
    for (const auto& r : v.at("results").as_array())
        m.emplace(std::string(r.at("mapping_code").as_string()), r.as_object());
    return m;
}

// status of each evaluation, by resource (and checked field when given).
std::string status_of(const json::object& mapping, const std::string& resource,
                      const std::string& field = {}) {
    for (const auto& e : mapping.at("evaluations").as_array())
        if (e.at("resource_id") == json::value(resource) &&
            (field.empty() || e.at("checked_field") == json::value(field)))
            return std::string(e.at("status").as_string());
    return "absent";
}

TEST(StorageVerdictMoto, FourVerdictsOnMoto) {
    if (dspm::test::run_shell("command -v moto_server >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "moto_server not installed";
    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    const fs::path py =
        fs::temp_directory_path() / ("dspm-verdict-seed-" + std::to_string(::getpid()) + ".py");
    std::ofstream(py) << kMotoSeed;
    std::string seed_out;
    ASSERT_EQ(dspm::test::run_shell("python3 " + py.string() + " " + moto.endpoint() + " 2>&1",
                                    &seed_out),
              0)
        << seed_out;
    fs::remove(py);
    std::string err;

    // ISMS-P 2.9.2 maps to 9.0-04.
    auto dr = audit_codes("2.9.2", moto.endpoint(), err);
    ASSERT_TRUE(dr.count("9.0-04")) << err;
    EXPECT_EQ(status_of(dr["9.0-04"], "src-dr"), "COMPLIANT");
    EXPECT_EQ(status_of(dr["9.0-04"], "src-local"), "NON_COMPLIANT");  // same region
    EXPECT_EQ(status_of(dr["9.0-04"], "eu-copy"), "NON_COMPLIANT");    // no configuration

    // ISMS-P 2.6.2 maps to 8.0-02 and 12.0-04.
    auto pub = audit_codes("2.6.2", moto.endpoint(), err);
    ASSERT_TRUE(pub.count("8.0-02") && pub.count("12.0-04")) << err;
    const auto& pab = pub["8.0-02"];
    // The account blocks three flags; src-dr adds RestrictPublicBuckets itself.
    for (const char* flag :
         {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"})
        EXPECT_EQ(status_of(pab, "src-dr", flag), "COMPLIANT") << flag;
    EXPECT_EQ(status_of(pab, "local-copy", "BlockPublicPolicy"), "COMPLIANT");
    EXPECT_EQ(status_of(pab, "local-copy", "RestrictPublicBuckets"), "NON_COMPLIANT");
    EXPECT_EQ(pab.at("evidence").at("accountLevel").at("read"), json::value("ok"));
    EXPECT_EQ(status_of(pub["12.0-04"], "src-local"), "NON_COMPLIANT");
    for (const auto& e : pub["12.0-04"].at("evaluations").as_array())
        if (e.at("resource_id") == json::value("src-local")) {
            EXPECT_EQ(e.at("extra").at("offendingStatements"), json::parse(R"(["Partner"])"));
        }

    // ISMS-P 2.9.3 maps to 4.0-06.
    auto bk = audit_codes("2.9.3", moto.endpoint(), err);
    ASSERT_TRUE(bk.count("4.0-06")) << err;
    EXPECT_EQ(status_of(bk["4.0-06"], "primary"), "COMPLIANT");
    EXPECT_EQ(status_of(bk["4.0-06"], "primary-replica"), "SKIPPED");
    EXPECT_EQ(status_of(bk["4.0-06"], "aur"), "NON_COMPLIANT");  // the cluster keeps 1 day
    EXPECT_EQ(status_of(bk["4.0-06"], "aur-1"), "absent");       // judged through its cluster
}

}  // namespace
