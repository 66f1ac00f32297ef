// The detection group's checks on recorded documents: COMPLIANT, NON_COMPLIANT, ERROR (denied read
// naming the IAM action) and SKIPPED where "no resources" applies.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "checks/check.hpp"
#include "checks/detection_helpers.hpp"
#include "engine/fake_aws.hpp"
#include "inventory/facts.hpp"

namespace {

namespace json = boost::json;
using dspm::engine::MappingResult;
using dspm::engine::Status;
using dspm::test::FakeAwsClient;

struct Fixture {
    std::shared_ptr<FakeAwsClient> aws = std::make_shared<FakeAwsClient>();
    dspm::checks::CheckScope scope;
    Fixture() {
        scope.account = "123456789012";
        scope.regions = {"us-east-1"};
    }
    MappingResult run(const std::string& code) {
        const auto* check = dspm::checks::find_check(code);
        EXPECT_NE(check, nullptr) << code;
        if (check == nullptr) return {};
        dspm::inventory::CachedFacts facts(aws, nullptr, scope.account);
        return check->run(facts, scope);
    }
    void not_found(const std::string& service, const std::string& op, const std::string& code) {
        aws->fail(service, op,
                  FakeAwsClient::error(dspm::aws::ErrorKind::not_found, service, op, code));
    }
};

std::string missing_permission(const MappingResult& r) {
    for (const auto& e : r.evaluations) {
        if (const auto* m = e.extra.if_contains("missingPermissions"))
            return std::string(m->as_array().at(0).as_string());
    }
    return {};
}

// An ISO timestamp `days` days ago, in the CLI form the AWS layer renders.
std::string days_ago(int days) {
    using namespace std::chrono;
    const auto t = floor<seconds>(system_clock::now()) - hours{24 * days};
    const auto d = floor<std::chrono::days>(t);
    const year_month_day ymd{d};
    const hh_mm_ss hms{t - d};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d+00:00", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                  int(hms.minutes().count()), int(hms.seconds().count()));
    return buf;
}

TEST(DetectionRegistry, EveryDetectionCodeIsRegisteredWithIamActions) {
    for (const char* code :
         {"1.0-03", "1.0-04", "1.0-05", "3.0-01", "3.0-02",  "3.0-03",  "3.0-04", "3.0-05",
          "3.0-09", "3.0-11", "6.0-04", "6.0-06", "7.0-01",  "7.0-02",  "7.0-03", "7.0-04",
          "7.0-05", "8.0-04", "8.0-05", "8.0-07", "10.0-03", "10.0-05", "11.0-01"}) {
        const auto* c = dspm::checks::find_check(code);
        ASSERT_NE(c, nullptr) << code;
        EXPECT_EQ(c->info().code, code);
        EXPECT_FALSE(c->info().iam_actions.empty()) << code;
        for (const auto& a : c->info().iam_actions)
            EXPECT_NE(a.find(':'), std::string::npos) << a;
    }
}

TEST(DetectionHelpers, ParsesCliAndZuluTimestamps) {
    using dspm::checks::detection::parse_time;
    json::value a = "2024-01-02T03:04:05+00:00", b = "2024-01-02T03:04:05Z",
                c = "2024-01-02T05:04:05.123+02:00", bad = "yesterday";
    ASSERT_TRUE(parse_time(&a));
    EXPECT_EQ(*parse_time(&a), *parse_time(&b));
    EXPECT_EQ(*parse_time(&a), *parse_time(&c));
    EXPECT_FALSE(parse_time(&bad));
    json::value epoch = 1704164645;
    EXPECT_EQ(*parse_time(&epoch), *parse_time(&a));
    EXPECT_EQ(dspm::checks::detection::mask_key_id("AKIAIOSFODNN7EXAMPLE"), "AKIA\u2026MPLE");
}

// ---- "at least one per region" presence checks, one table ----
struct Presence {
    const char* code;
    const char* service;
    const char* op;
    const char* iam_action;
    const char* present;  // a document that passes
    const char* absent;   // a document that fails
};

const Presence kPresence[] = {
    {"7.0-01", "securityhub", "GetEnabledStandards", "securityhub:GetEnabledStandards",
     R"({"StandardsSubscriptions":[{"StandardsSubscriptionArn":"arn:s","StandardsStatus":"READY"}]})",
     R"({"StandardsSubscriptions":[{"StandardsSubscriptionArn":"arn:s","StandardsStatus":"FAILED"}]})"},
    {"7.0-03", "cloudwatch", "DescribeAlarms", "cloudwatch:DescribeAlarms",
     // An alarm counts with enabled alarm actions (verdict_detection_test.cpp has the rest).
     R"({"MetricAlarms":[{"AlarmName":"cpu","ActionsEnabled":true,
         "AlarmActions":["arn:aws:sns:us-east-1:123456789012:ops"]}],"CompositeAlarms":[]})",
     R"({"MetricAlarms":[{"AlarmName":"cpu","ActionsEnabled":false,
         "AlarmActions":["arn:aws:sns:us-east-1:123456789012:ops"]}],
         "CompositeAlarms":[{"AlarmName":"c"}]})"},
    {"1.0-05", "accessanalyzer", "ListAnalyzers", "access-analyzer:ListAnalyzers",
     R"({"analyzers":[{"arn":"arn:aws:access-analyzer:us-east-1:123456789012:analyzer/a",
         "name":"a","type":"ACCOUNT","createdAt":"2024-01-02T03:04:05+00:00","status":"ACTIVE"}]})",
     R"({"analyzers":[{"arn":"arn:aws:access-analyzer:us-east-1:123456789012:analyzer/a",
         "name":"a","type":"ACCOUNT","createdAt":"2024-01-02T03:04:05+00:00","status":"DISABLED"}]})"},
    {"6.0-06", "signer", "ListSigningProfiles", "signer:ListSigningProfiles",
     R"({"profiles":[{"profileName":"release","status":"Active"}]})",
     R"({"profiles":[{"profileName":"old","status":"Canceled"}]})"},
    {"7.0-05", "synthetics", "DescribeCanaries", "synthetics:DescribeCanaries",
     R"({"Canaries":[{"Name":"url"}]})", R"({"Canaries":[]})"},
    // 3.0-09 and 8.0-05 judge each VPC's association now, not one per region:
    // tests/engine/verdict_network_test.cpp (NetworkVerdictQueryLogs, NetworkVerdictDnsFirewall).
    {"8.0-07", "network-firewall", "ListFirewalls", "network-firewall:ListFirewalls",
     R"({"Firewalls":[{"FirewallName":"fw"}]})", R"({"Firewalls":[]})"},
};

TEST(DetectionPresence, EachRegionNeedsOneAndFailuresAreErrors) {
    for (const auto& p : kPresence) {
        SCOPED_TRACE(p.code);
        {
            Fixture f;
            f.scope.regions = {"us-east-1", "eu-west-1"};
            f.aws->on_json(p.service, p.op, p.present);
            auto r = f.run(p.code);
            EXPECT_EQ(r.status, Status::compliant);
            ASSERT_EQ(r.evaluations.size(), 2u);
            EXPECT_EQ(r.evaluations[1].region, "eu-west-1");
            EXPECT_EQ(r.evaluations[1].resource_id, "eu-west-1");
            EXPECT_EQ(f.aws->count(std::string(p.service) + ":" + p.op), 2u);
        }
        {
            Fixture f;
            f.scope.regions = {"us-east-1", "eu-west-1"};
            f.aws->on(
                p.service, p.op,
                [&p](const json::object&, const std::string& region) -> FakeAwsClient::Result {
                    return json::parse(region == "us-east-1" ? p.present : p.absent);
                });
            auto r = f.run(p.code);
            if (dspm::checks::find_check(p.code)->info().applicability ==
                dspm::checks::Applicability::one_way) {
                // One way of meeting the control: the empty region evidences nothing.
                EXPECT_EQ(r.status, Status::compliant);
                ASSERT_EQ(r.evaluations.size(), 1u);
                EXPECT_EQ(r.evidence.at("notEvidenced").as_array().at(0), "eu-west-1");
            } else {
                EXPECT_EQ(r.status, Status::non_compliant);
                ASSERT_EQ(r.evaluations.size(), 2u);
                EXPECT_EQ(r.evaluations[0].status, Status::compliant);
                EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
                EXPECT_EQ(r.evaluations[1].observed_value, json::value(0));
                EXPECT_EQ(r.evaluations[1].comparator, dspm::engine::Comparator::ge);
                EXPECT_NE(r.evaluations[1].decision.find("failed"), std::string::npos);
            }
        }
        {
            Fixture f;
            f.aws->deny(p.service, p.op, p.iam_action);
            auto r = f.run(p.code);
            EXPECT_EQ(r.status, Status::error);
            EXPECT_EQ(missing_permission(r), p.iam_action);
        }
    }
}

// ---- 7.0-04 Detective ----
// A member account of an organization feeds the administrator's graph and owns none: ListGraphs is
// empty there and the membership is ListInvitations' ENABLED MemberDetail (botocore shape).
TEST(DetectionDetective, OwnGraphOrEnabledMembership) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1", "ap-northeast-2"};
    f.aws->on(
        "detective", "ListGraphs",
        [](const json::object&, const std::string& region) -> FakeAwsClient::Result {
            if (region == "us-east-1")
                return json::parse(
                    R"({"GraphList":[{"Arn":"arn:aws:detective:us-east-1:123456789012:graph:027c7c4610ea4aacaf0b883093cab899","CreatedTime":"2019-02-11T16:00:00Z"}]})");
            return json::parse(R"({"GraphList":[]})");
        });
    f.aws->on("detective", "ListInvitations",
              [](const json::object&, const std::string& region) -> FakeAwsClient::Result {
                  const std::string status = region == "eu-west-1" ? "ENABLED" : "INVITED";
                  return json::value{
                      {"Invitations",
                       json::array{json::object{
                           {"AccountId", "123456789012"},
                           {"EmailAddress", "member@example.com"},
                           {"GraphArn", "arn:aws:detective:" + region +
                                            ":111111111111:graph:027c7c4610ea4aacaf0b883093cab899"},
                           {"AdministratorId", "111111111111"},
                           {"MasterId", "111111111111"},
                           {"Status", status},
                           {"InvitedTime", "2019-02-11T16:00:00Z"}}}}};
              });
    auto r = f.run("7.0-04");
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);      // its own graph
    EXPECT_EQ(r.evaluations[1].status, Status::compliant);      // an ENABLED member
    EXPECT_EQ(r.evaluations[2].status, Status::non_compliant);  // invited only
    EXPECT_EQ(r.evaluations[2].extra.at("memberships").as_array().at(0).at("status"), "INVITED");
    EXPECT_EQ(r.status, Status::non_compliant);
    EXPECT_EQ(f.aws->count("detective:ListInvitations"), 2u);  // not asked where a graph is owned
    Fixture g;
    g.aws->on_json("detective", "ListGraphs", R"({"GraphList":[]})");
    g.aws->deny("detective", "ListInvitations", "detective:ListInvitations");
    auto denied = g.run("7.0-04");
    EXPECT_EQ(denied.status, Status::error);
    EXPECT_EQ(missing_permission(denied), "detective:ListInvitations");
}

TEST(DetectionSecurityHub, NotSubscribedIsNonCompliantNotError) {
    Fixture f;
    f.aws->fail("securityhub", "GetEnabledStandards",
                FakeAwsClient::error(dspm::aws::ErrorKind::service, "securityhub",
                                     "GetEnabledStandards", "InvalidAccessException"));
    auto r = f.run("7.0-01");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_TRUE(r.evaluations[0].observed_value.is_null());
    EXPECT_NE(r.evaluations[0].extra.at("note").as_string().find("not enabled"), std::string::npos);
    EXPECT_EQ(r.evaluations[0].evidence_path,
              "StandardsSubscriptions[?StandardsStatus!='DELETING' && "
              "StandardsStatus!='FAILED']");
}

// ---- 7.0-02 GuardDuty ----
TEST(DetectionGuardDuty, EnabledSuspendedMissingAndDenied) {
    {
        Fixture f;
        f.scope.regions = {"us-east-1", "eu-west-1", "ap-northeast-2"};
        f.aws->on("guardduty", "ListDetectors",
                  [](const json::object&, const std::string& region) -> FakeAwsClient::Result {
                      if (region == "ap-northeast-2") return json::parse(R"({"DetectorIds":[]})");
                      return json::value{{"DetectorIds", json::array{"d-" + region}}};
                  });
        f.aws->on("guardduty", "GetDetector",
                  [](const json::object& p, const std::string&) -> FakeAwsClient::Result {
                      return json::value{
                          {"Status", p.at("DetectorId") == "d-us-east-1" ? "ENABLED" : "DISABLED"}};
                  });
        auto r = f.run("7.0-02");
        EXPECT_EQ(r.status, Status::non_compliant);
        ASSERT_EQ(r.evaluations.size(), 3u);
        EXPECT_EQ(r.evaluations[0].resource_id, "d-us-east-1");
        EXPECT_EQ(r.evaluations[0].status, Status::compliant);
        EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
        EXPECT_EQ(r.evaluations[1].observed_value, json::value("DISABLED"));
        EXPECT_EQ(r.evaluations[2].resource_id, "ap-northeast-2");
        EXPECT_EQ(r.evaluations[2].observed_value, json::value(0));
        EXPECT_EQ(r.evidence.at("regionsWithEnabledDetector").as_uint64(), 1u);
    }
    {
        Fixture f;
        f.aws->on_json("guardduty", "ListDetectors", R"({"DetectorIds":["d1"]})");
        f.aws->on_json("guardduty", "GetDetector", R"({"Status":"ENABLED"})");
        EXPECT_EQ(f.run("7.0-02").status, Status::compliant);
    }
    {
        Fixture f;
        f.aws->on_json("guardduty", "ListDetectors", R"({"DetectorIds":["d1"]})");
        f.aws->deny("guardduty", "GetDetector", "guardduty:GetDetector");
        auto r = f.run("7.0-02");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "guardduty:GetDetector");
    }
    {
        Fixture f;
        f.aws->deny("guardduty", "ListDetectors", "guardduty:ListDetectors");
        EXPECT_EQ(missing_permission(f.run("7.0-02")), "guardduty:ListDetectors");
    }
}

// ---- 8.0-04 Shield Advanced ----
TEST(DetectionShield, SubscribedNotSubscribedDenied) {
    {
        Fixture f;
        f.aws->on_json(
            "shield", "DescribeSubscription",
            R"({"Subscription":{"SubscriptionArn":"arn:aws:shield::1:subscription/x"}})");
        auto r = f.run("8.0-04");
        EXPECT_EQ(r.status, Status::compliant);
        EXPECT_EQ(r.evaluations[0].region, "us-east-1");
    }
    {
        Fixture f;
        f.not_found("shield", "DescribeSubscription", "ResourceNotFoundException");
        auto r = f.run("8.0-04");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_TRUE(r.evaluations[0].observed_value.is_null());
        EXPECT_TRUE(r.evaluations[0].extra.contains("note"));
    }
    {
        Fixture f;
        f.aws->deny("shield", "DescribeSubscription", "shield:DescribeSubscription");
        auto r = f.run("8.0-04");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "shield:DescribeSubscription");
    }
}

// ---- 3.0-03 Config recorder ----
TEST(DetectionConfigRecorder, RecordingStoppedMissingDenied) {
    {
        Fixture f;
        f.scope.regions = {"us-east-1", "eu-west-1", "ap-northeast-2"};
        f.aws->on("config", "DescribeConfigurationRecorderStatus",
                  [](const json::object&, const std::string& region) -> FakeAwsClient::Result {
                      if (region == "ap-northeast-2")
                          return json::parse(R"({"ConfigurationRecordersStatus":[]})");
                      return json::value{{"ConfigurationRecordersStatus",
                                          json::array{{{"name", "default"},
                                                       {"recording", region == "us-east-1"}}}}};
                  });
        auto r = f.run("3.0-03");
        EXPECT_EQ(r.status, Status::non_compliant);
        ASSERT_EQ(r.evaluations.size(), 3u);
        EXPECT_EQ(r.evaluations[0].status, Status::compliant);
        EXPECT_EQ(r.evaluations[0].evidence_path, "ConfigurationRecordersStatus[0].recording");
        EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
        EXPECT_EQ(r.evaluations[2].status, Status::non_compliant);
        EXPECT_TRUE(r.evaluations[2].observed_value.is_null());
        EXPECT_EQ(r.evidence.at("recordingRegions").as_uint64(), 1u);
    }
    {
        Fixture f;
        f.aws->deny("config", "DescribeConfigurationRecorderStatus",
                    "config:DescribeConfigurationRecorderStatus");
        auto r = f.run("3.0-03");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "config:DescribeConfigurationRecorderStatus");
    }
}

TEST(DetectionConfigRecorder, SharesTheRecorderReadWith11_0_02) {
    Fixture f;
    f.aws->on_json("config", "DescribeConfigurationRecorderStatus",
                   R"({"ConfigurationRecordersStatus":[{"name":"default","recording":true}]})");
    f.aws->on_json("config", "DescribeConformancePackStatus",
                   R"({"ConformancePackStatusDetails":[]})");
    dspm::inventory::CachedFacts facts(f.aws, nullptr, f.scope.account);
    EXPECT_EQ(dspm::checks::find_check("3.0-03")->run(facts, f.scope).status, Status::compliant);
    dspm::checks::find_check("11.0-02")->run(facts, f.scope);
    EXPECT_EQ(f.aws->count("config:DescribeConfigurationRecorderStatus"), 1u);
}

// ---- 10.0-05 Root MFA ----
TEST(DetectionRootMfa, SameEvaluationAs1_0_06AndOneRead) {
    Fixture f;
    f.aws->on_json("iam", "GetAccountSummary", R"({"SummaryMap":{"AccountMFAEnabled":0}})");
    dspm::inventory::CachedFacts facts(f.aws, nullptr, f.scope.account);
    auto a = dspm::checks::find_check("10.0-05")->run(facts, f.scope);
    auto b = dspm::checks::find_check("1.0-06")->run(facts, f.scope);
    EXPECT_EQ(a.status, Status::non_compliant);
    EXPECT_EQ(a.evaluations[0].decision, b.evaluations[0].decision);
    EXPECT_EQ(a.evaluations[0].evidence_path, "SummaryMap.AccountMFAEnabled");
    EXPECT_EQ(f.aws->count("iam:GetAccountSummary"), 1u);
    Fixture g;
    g.aws->on_json("iam", "GetAccountSummary", R"({"SummaryMap":{"AccountMFAEnabled":1}})");
    EXPECT_EQ(g.run("10.0-05").status, Status::compliant);
    Fixture h;
    h.aws->deny("iam", "GetAccountSummary", "iam:GetAccountSummary");
    EXPECT_EQ(missing_permission(h.run("10.0-05")), "iam:GetAccountSummary");
}

// The botocore example answer (root access keys present, no MFA) fails; a member account whose
// root credentials were removed by centrally managed root access (the three counts 0, MFA 0)
// passes with a note; without the password count the MFA flag alone decides.
TEST(DetectionRootMfa, RootWithoutCredentialsNeedsNoMfa) {
    const std::string example =
        R"({"SummaryMap":{"AccessKeysPerUserQuota":2,"AccountAccessKeysPresent":1,"AccountMFAEnabled":0,"AccountSigningCertificatesPresent":0,"Groups":15,"MFADevices":6,"MFADevicesInUse":3,"Users":27}})";
    Fixture f;
    f.aws->on_json("iam", "GetAccountSummary", example.c_str());
    EXPECT_EQ(f.run("1.0-06").status, Status::non_compliant);
    Fixture g;
    g.aws->on_json(
        "iam", "GetAccountSummary",
        R"({"SummaryMap":{"AccountAccessKeysPresent":0,"AccountMFAEnabled":0,"AccountPasswordPresent":0,"AccountSigningCertificatesPresent":0,"Users":3}})");
    auto r = g.run("1.0-06");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 1u);
    EXPECT_EQ(r.evaluations[0].evidence_path, "SummaryMap.AccountPasswordPresent");
    EXPECT_NE(std::string(r.evaluations[0].extra.at("note").as_string()).find("centrally managed"),
              std::string::npos);
    Fixture h;
    h.aws->on_json(
        "iam", "GetAccountSummary",
        R"({"SummaryMap":{"AccountAccessKeysPresent":0,"AccountMFAEnabled":0,"AccountSigningCertificatesPresent":0}})");
    EXPECT_EQ(h.run("10.0-05").status, Status::non_compliant);
    Fixture k;
    k.aws->on_json(
        "iam", "GetAccountSummary",
        R"({"SummaryMap":{"AccountAccessKeysPresent":0,"AccountMFAEnabled":0,"AccountPasswordPresent":1,"AccountSigningCertificatesPresent":0}})");
    EXPECT_EQ(k.run("10.0-05").status, Status::non_compliant);
}

// ---- 1.0-04 Password policy ----
TEST(DetectionPasswordPolicy, StrongWeakMissingDenied) {
    {
        Fixture f;
        f.aws->on_json(
            "iam", "GetAccountPasswordPolicy",
            R"({"PasswordPolicy":{"MinimumPasswordLength":14,"RequireSymbols":true,"RequireNumbers":true,"RequireUppercaseCharacters":true,"RequireLowercaseCharacters":true,"AllowUsersToChangePassword":true,"ExpirePasswords":true,"MaxPasswordAge":90,"PasswordReusePrevention":24}})");
        auto r = f.run("1.0-04");
        EXPECT_EQ(r.status, Status::compliant);
        EXPECT_EQ(r.evaluations.size(), 6u);
        EXPECT_EQ(r.evaluations[0].region, "us-east-1");
    }
    {
        Fixture f;
        f.aws->on_json(
            "iam", "GetAccountPasswordPolicy",
            R"({"PasswordPolicy":{"MinimumPasswordLength":6,"RequireSymbols":false,"RequireNumbers":true,"RequireUppercaseCharacters":true}})");
        auto r = f.run("1.0-04");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_EQ(r.evaluations[0].evidence_path, "PasswordPolicy.MinimumPasswordLength");
        EXPECT_EQ(r.evaluations[0].status, Status::non_compliant);
        EXPECT_EQ(r.evaluations[1].evidence_path, "PasswordPolicy.RequireSymbols");
        EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
        EXPECT_EQ(r.evaluations[2].status, Status::compliant);
        // No lowercase requirement and no MaxPasswordAge (passwords never expire): both fail.
        EXPECT_EQ(r.evaluations[4].evidence_path, "PasswordPolicy.RequireLowercaseCharacters");
        EXPECT_EQ(r.evaluations[4].status, Status::non_compliant);
        EXPECT_EQ(r.evaluations[5].evidence_path, "PasswordPolicy.MaxPasswordAge");
        EXPECT_TRUE(r.evaluations[5].observed_value.is_null());
        EXPECT_EQ(r.evaluations[5].status, Status::non_compliant);
    }
    {
        // botocore's example answer: 90-day expiry passes, the missing upper/lowercase rules fail.
        Fixture f;
        f.aws->on_json(
            "iam", "GetAccountPasswordPolicy",
            R"({"PasswordPolicy":{"AllowUsersToChangePassword":false,"ExpirePasswords":false,"HardExpiry":false,"MaxPasswordAge":90,"MinimumPasswordLength":8,"PasswordReusePrevention":12,"RequireLowercaseCharacters":false,"RequireNumbers":true,"RequireSymbols":true,"RequireUppercaseCharacters":false}})");
        auto r = f.run("1.0-04");
        EXPECT_EQ(r.status, Status::non_compliant);
        ASSERT_EQ(r.evaluations.size(), 6u);
        EXPECT_EQ(r.evaluations[3].status, Status::non_compliant);  // uppercase
        EXPECT_EQ(r.evaluations[4].status, Status::non_compliant);  // lowercase
        EXPECT_EQ(r.evaluations[5].status, Status::compliant);      // MaxPasswordAge 90
        Fixture g;
        g.aws->on_json(
            "iam", "GetAccountPasswordPolicy",
            R"({"PasswordPolicy":{"ExpirePasswords":true,"MaxPasswordAge":365,"MinimumPasswordLength":8,"RequireLowercaseCharacters":true,"RequireNumbers":true,"RequireSymbols":true,"RequireUppercaseCharacters":true}})");
        EXPECT_EQ(g.run("1.0-04").status, Status::non_compliant);
    }
    {
        Fixture f;
        f.not_found("iam", "GetAccountPasswordPolicy", "NoSuchEntity");
        auto r = f.run("1.0-04");
        EXPECT_EQ(r.status, Status::non_compliant);
        ASSERT_EQ(r.evaluations.size(), 1u);
        EXPECT_TRUE(r.evaluations[0].observed_value.is_null());
        EXPECT_EQ(r.evidence.at("policy").as_bool(), false);
    }
    {
        Fixture f;
        f.aws->deny("iam", "GetAccountPasswordPolicy", "iam:GetAccountPasswordPolicy");
        auto r = f.run("1.0-04");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "iam:GetAccountPasswordPolicy");
    }
}

// ---- 11.0-01 Organizations OUs ----
// DescribeOrganization as the management account 123456789012 sees it (the Fixture's account).
constexpr const char* kOrgAsManagement = R"({"Organization":{"Id":"o-exampleorgid",
    "Arn":"arn:aws:organizations::123456789012:organization/o-exampleorgid","FeatureSet":"ALL",
    "MasterAccountArn":"arn:aws:organizations::123456789012:account/o-exampleorgid/123456789012",
    "MasterAccountId":"123456789012","MasterAccountEmail":"admin@example.com"}})";
constexpr const char* kOrgAsMember = R"({"Organization":{"Id":"o-exampleorgid",
    "Arn":"arn:aws:organizations::111111111111:organization/o-exampleorgid","FeatureSet":"ALL",
    "MasterAccountArn":"arn:aws:organizations::111111111111:account/o-exampleorgid/111111111111",
    "MasterAccountId":"111111111111","MasterAccountEmail":"admin@example.com"}})";

// ListOrganizationalUnitsForParent answers per ParentId.
void ou_tree(FakeAwsClient& aws, std::map<std::string, std::string> children) {
    aws.on_json(
        "organizations", "ListRoots",
        R"({"Roots":[{"Id":"r-examplerootid111","Arn":"arn:aws:organizations::123456789012:root/o-exampleorgid/r-examplerootid111","Name":"Root","PolicyTypes":[]}]})");
    aws.on(
        "organizations", "ListOrganizationalUnitsForParent",
        [children](const json::object& p, const std::string&) -> FakeAwsClient::Result {
            auto it = children.find(std::string(p.at("ParentId").as_string()));
            return json::parse(it == children.end() ? R"({"OrganizationalUnits":[]})" : it->second);
        });
}

TEST(DetectionOrgUnits, TheWholeTreeIsWalked) {
    {
        // One OU under the root, two below it: three units, found only by walking down.
        Fixture f;
        f.aws->on_json("organizations", "DescribeOrganization", kOrgAsManagement);
        ou_tree(
            *f.aws,
            {{"r-examplerootid111",
              R"({"OrganizationalUnits":[{"Id":"ou-exam-11111111","Arn":"arn:aws:organizations::123456789012:ou/o-exampleorgid/ou-exam-11111111","Name":"Workloads"}]})"},
             {"ou-exam-11111111",
              R"({"OrganizationalUnits":[{"Id":"ou-exam-22222222","Name":"Prod"},{"Id":"ou-exam-33333333","Name":"Dev"}]})"}});
        auto r = f.run("11.0-01");
        EXPECT_EQ(r.status, Status::compliant);
        ASSERT_EQ(r.evaluations.size(), 1u);
        EXPECT_EQ(r.evaluations[0].resource_id, "r-examplerootid111");
        EXPECT_EQ(r.evaluations[0].observed_value, json::value(3));
        EXPECT_EQ(r.evaluations[0].extra.at("units").as_array().at(2), "Root/Workloads/Dev");
        EXPECT_EQ(r.evidence.at("accountPosition"), "management");
    }
    {
        Fixture f;
        f.aws->on_json("organizations", "DescribeOrganization", kOrgAsManagement);
        ou_tree(*f.aws, {{"r-examplerootid111",
                          R"({"OrganizationalUnits":[{"Id":"ou-exam-1","Name":"Everything"}]})"}});
        auto r = f.run("11.0-01");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_EQ(r.evaluations[0].observed_value, json::value(1));
    }
    {
        Fixture f;
        f.aws->fail(
            "organizations", "DescribeOrganization",
            FakeAwsClient::error(dspm::aws::ErrorKind::service, "organizations",
                                 "DescribeOrganization", "AWSOrganizationsNotInUseException"));
        auto r = f.run("11.0-01");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_NE(r.evaluations[0].extra.at("note").as_string().find("not in an organization"),
                  std::string::npos);
    }
    {
        // The management account without the grant: an ERROR naming it.
        Fixture f;
        f.aws->on_json("organizations", "DescribeOrganization", kOrgAsManagement);
        ou_tree(*f.aws, {});
        f.aws->deny("organizations", "ListOrganizationalUnitsForParent",
                    "organizations:ListOrganizationalUnitsForParent");
        auto r = f.run("11.0-01");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "organizations:ListOrganizationalUnitsForParent");
    }
}

// From a member account the tree is not visible whatever the IAM grants: SKIPPED saying where to
// run, not an ERROR asking for a permission.
TEST(DetectionOrgUnits, AMemberAccountIsSkippedWithWhereToRun) {
    Fixture f;
    f.aws->on_json("organizations", "DescribeOrganization", kOrgAsMember);
    f.aws->fail(
        "organizations", "ListRoots",
        FakeAwsClient::error(dspm::aws::ErrorKind::permission_denied, "organizations", "ListRoots",
                             "AccessDeniedException", "organizations:ListRoots"));
    auto r = f.run("11.0-01");
    EXPECT_EQ(r.status, Status::skipped);
    ASSERT_TRUE(r.reason.has_value());
    EXPECT_NE(r.reason->find("management account 111111111111"), std::string::npos) << *r.reason;
    EXPECT_TRUE(r.evaluations.empty());
    // 1.0-02 the same way.
    auto scp = f.run("1.0-02");
    EXPECT_EQ(scp.status, Status::skipped);
    ASSERT_TRUE(scp.reason.has_value());
    EXPECT_NE(scp.reason->find("member account"), std::string::npos);
}

// ---- CloudTrail ----
void trails(FakeAwsClient& aws, const char* list) {
    aws.on_json("cloudtrail", "DescribeTrails", list);
}

constexpr const char* kGoodAndLocal = R"({"trailList":[
    {"Name":"org","TrailARN":"arn:aws:cloudtrail:eu-west-1:1:trail/org","HomeRegion":"eu-west-1",
     "IsMultiRegionTrail":true,"LogFileValidationEnabled":true,"HasInsightSelectors":true},
    {"Name":"local","TrailARN":"arn:aws:cloudtrail:us-east-1:1:trail/local","HomeRegion":"us-east-1",
     "IsMultiRegionTrail":false,"LogFileValidationEnabled":true,"HasInsightSelectors":false}]})";

constexpr const char* kManagementAll =
    R"({"EventSelectors":[{"ReadWriteType":"All","IncludeManagementEvents":true,"DataResources":[],
        "ExcludeManagementEventSources":[]}]})";

// 3.0-01 is judged per region (the trail covering each one); the catalog-only version that this
// replaced passed on one trail for the whole account without reading its selectors.
TEST(DetectionCloudTrail, MultiRegionTrailCoversEveryRegionAndIsReadInItsHomeRegion) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};  // the shadow copy appears in both
    trails(*f.aws, kGoodAndLocal);
    f.aws->on_json("cloudtrail", "GetTrailStatus", R"({"IsLogging":true})");
    f.aws->on_json("cloudtrail", "GetEventSelectors", kManagementAll);
    auto r = f.run("3.0-01");
    EXPECT_EQ(r.status, Status::compliant);
    ASSERT_EQ(r.evaluations.size(), 2u);
    for (const auto& e : r.evaluations)
        EXPECT_EQ(e.extra.at("coveredBy").at("name"), json::value("org"));
    EXPECT_EQ(r.evidence.at("totalTrails").as_uint64(), 2u);   // deduplicated by ARN
    ASSERT_EQ(f.aws->count("cloudtrail:GetTrailStatus"), 2u);  // each trail once
    for (const auto& c : f.aws->calls()) {
        if (c.op == "cloudtrail:GetTrailStatus" &&
            c.params.find("trail/org") != std::string::npos) {
            EXPECT_EQ(c.region, "eu-west-1");
        }
    }
}

TEST(DetectionCloudTrail, StoppedLoggingFailsAndNoTrailIsAFinding) {
    {
        Fixture f;
        trails(*f.aws, kGoodAndLocal);
        f.aws->on_json("cloudtrail", "GetTrailStatus", R"({"IsLogging":false})");
        f.aws->on_json("cloudtrail", "GetEventSelectors", kManagementAll);
        auto r = f.run("3.0-01");
        EXPECT_EQ(r.status, Status::non_compliant);
        ASSERT_EQ(r.evaluations.size(), 1u);  // one region, both trails as candidates
        EXPECT_EQ(r.evaluations[0].observed_value.at("IsLogging"), json::value(false));
        EXPECT_EQ(r.evaluations[0].extra.at("candidates").as_array().size(), 2u);
    }
    {
        Fixture f;
        trails(*f.aws, R"({"trailList":[]})");
        auto r = f.run("3.0-01");
        EXPECT_EQ(r.status, Status::non_compliant);  // not SKIPPED
        ASSERT_EQ(r.evaluations.size(), 1u);
        EXPECT_EQ(r.evaluations[0].resource_id, "us-east-1");
    }
}

TEST(DetectionCloudTrail, DeniedReadsAreErrors) {
    {
        Fixture f;
        f.aws->deny("cloudtrail", "DescribeTrails", "cloudtrail:DescribeTrails");
        auto r = f.run("3.0-01");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "cloudtrail:DescribeTrails");
    }
    {
        Fixture f;
        trails(*f.aws, kGoodAndLocal);
        f.aws->deny("cloudtrail", "GetTrailStatus", "cloudtrail:GetTrailStatus");
        f.aws->on_json("cloudtrail", "GetEventSelectors", kManagementAll);
        auto r = f.run("3.0-01");
        EXPECT_EQ(r.status, Status::error);  // no candidate could be read
        EXPECT_EQ(missing_permission(r), "cloudtrail:GetTrailStatus");
    }
}

TEST(DetectionCloudTrailDataEvents, ClassicAndAdvancedSelectors) {
    {
        Fixture f;
        trails(*f.aws, kGoodAndLocal);
        f.aws->on_json("cloudtrail", "GetTrailStatus", R"({"IsLogging":true})");
        f.aws->on_json("cloudtrail", "GetEventSelectors",
                       R"({"EventSelectors":[{"ReadWriteType":"All","DataResources":[
                           {"Type":"AWS::DynamoDB::Table","Values":["arn"]},
                           {"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}]})");
        auto r = f.run("3.0-02");
        EXPECT_EQ(r.status, Status::compliant);
        EXPECT_EQ(r.evaluations[0].observed_value.at("S3DataEventsAllBuckets"), json::value("All"));
        EXPECT_EQ(
            r.evaluations[0].evidence_path,
            "GetTrailStatus.IsLogging + GetEventSelectors.EventSelectors[0].DataResources[1]");
    }
    {
        Fixture f;  // Lambda data events only: S3, where the data is, is not recorded
        trails(*f.aws, kGoodAndLocal);
        f.aws->on_json("cloudtrail", "GetTrailStatus", R"({"IsLogging":true})");
        f.aws->on_json("cloudtrail", "GetEventSelectors",
                       R"({"AdvancedEventSelectors":[{"Name":"lambda","FieldSelectors":[
                           {"Field":"eventCategory","Equals":["Data"]},
                           {"Field":"resources.type","Equals":["AWS::Lambda::Function"]}]}]})");
        auto r = f.run("3.0-02");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_EQ(r.evaluations[0].extra.at("dataResourceTypes").as_array().at(0),
                  json::value("AWS::Lambda::Function"));
    }
    {
        Fixture f;
        trails(*f.aws, kGoodAndLocal);
        f.aws->on_json("cloudtrail", "GetTrailStatus", R"({"IsLogging":true})");
        f.aws->on_json(
            "cloudtrail", "GetEventSelectors",
            R"({"EventSelectors":[{"ReadWriteType":"All","IncludeManagementEvents":true,"DataResources":[]}]})");
        auto r = f.run("3.0-02");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_EQ(r.evaluations.size(), 1u);
        EXPECT_EQ(r.evaluations[0].observed_value.at("S3DataEventsAllBuckets"),
                  json::value("None"));
    }
    {
        Fixture f;
        trails(*f.aws, kGoodAndLocal);
        f.aws->on_json("cloudtrail", "GetTrailStatus", R"({"IsLogging":true})");
        f.aws->deny("cloudtrail", "GetEventSelectors", "cloudtrail:GetEventSelectors");
        auto r = f.run("3.0-02");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "cloudtrail:GetEventSelectors");
    }
}

TEST(DetectionCloudTrailLake, EventDataStoreOrInsightsOrNeither) {
    {
        Fixture f;  // Lake alone
        // ListEventDataStores no longer returns Status: GetEventDataStore does.
        f.aws->on_json("cloudtrail", "ListEventDataStores", R"({"EventDataStores":[
            {"EventDataStoreArn":"arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/lake-1",
             "Name":"lake"},
            {"EventDataStoreArn":"arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/old-2",
             "Name":"old"}]})");
        f.aws->on("cloudtrail", "GetEventDataStore",
                  [](const json::object& p, const std::string&) -> FakeAwsClient::Result {
                      const std::string arn(p.at("EventDataStore").as_string());
                      const bool lake = arn.ends_with("lake-1");
                      return json::value{{"EventDataStoreArn", arn},
                                         {"Name", lake ? "lake" : "old"},
                                         {"Status", lake ? "ENABLED" : "STOPPED_INGESTION"},
                                         {"MultiRegionEnabled", false}};
                  });
        trails(*f.aws, R"({"trailList":[]})");
        auto r = f.run("3.0-11");
        EXPECT_EQ(r.status, Status::compliant);
        EXPECT_EQ(r.evaluations[0].resource_id, "us-east-1");
        EXPECT_EQ(r.evaluations[0].observed_value, json::value(1));  // the stopped one not
    }
    {
        Fixture f;  // Insights on the org trail; HasInsightSelectors false is not read again
        f.aws->on_json("cloudtrail", "ListEventDataStores", R"({"EventDataStores":[]})");
        trails(*f.aws, kGoodAndLocal);
        f.aws->on_json("cloudtrail", "GetInsightSelectors",
                       R"({"InsightSelectors":[{"InsightType":"ApiCallRateInsight"}]})");
        auto r = f.run("3.0-11");
        EXPECT_EQ(r.status, Status::compliant);
        EXPECT_EQ(r.evaluations[0].resource_id, "org");
        EXPECT_EQ(f.aws->count("cloudtrail:GetInsightSelectors"), 1u);
    }
    {
        Fixture f;  // neither: InsightNotEnabledException is an answer, not an error
        f.aws->on_json("cloudtrail", "ListEventDataStores", R"({"EventDataStores":[
            {"EventDataStoreArn":"arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/old-2",
             "Name":"old"}]})");
        f.aws->on_json("cloudtrail", "GetEventDataStore",
                       R"({"Name":"old","Status":"PENDING_DELETION","MultiRegionEnabled":false})");
        trails(*f.aws, kGoodAndLocal);
        f.not_found("cloudtrail", "GetInsightSelectors", "InsightNotEnabledException");
        auto r = f.run("3.0-11");
        EXPECT_EQ(r.status, Status::non_compliant);
        EXPECT_EQ(r.evaluations.size(), 3u);
    }
    {
        Fixture f;
        f.aws->deny("cloudtrail", "ListEventDataStores", "cloudtrail:ListEventDataStores");
        trails(*f.aws, R"({"trailList":[]})");
        auto r = f.run("3.0-11");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "cloudtrail:ListEventDataStores");
    }
    {
        Fixture f;  // a store whose status cannot be read is an ERROR, not a store
        f.aws->on_json("cloudtrail", "ListEventDataStores", R"({"EventDataStores":[
            {"EventDataStoreArn":"arn:aws:cloudtrail:us-east-1:123456789012:eventdatastore/l-1",
             "Name":"lake"}]})");
        f.aws->deny("cloudtrail", "GetEventDataStore", "cloudtrail:GetEventDataStore");
        trails(*f.aws, R"({"trailList":[]})");
        auto r = f.run("3.0-11");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "cloudtrail:GetEventDataStore");
    }
}

// ---- 3.0-04 CloudWatch Logs retention ----
TEST(DetectionLogRetention, ShortRetentionFailsNeverExpirePassesWithNote) {
    Fixture f;
    f.aws->on_json("logs", "DescribeLogGroups", R"({"logGroups":[
        {"logGroupName":"/app/long","retentionInDays":365},
        {"logGroupName":"/app/short","retentionInDays":7},
        {"logGroupName":"/app/forever"}]})");
    auto r = f.run("3.0-04");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[1].evidence_path, "logGroups[1].retentionInDays");
    EXPECT_EQ(r.evaluations[2].status, Status::compliant);
    EXPECT_TRUE(r.evaluations[2].observed_value.is_null());
    EXPECT_TRUE(r.evaluations[2].extra.contains("note"));
    EXPECT_EQ(r.evidence.at("neverExpire").as_uint64(), 1u);
    EXPECT_EQ(r.evidence.at("totalLogGroups").as_uint64(), 3u);
}

TEST(DetectionLogRetention, CompliantSkippedError) {
    {
        Fixture f;
        f.aws->on_json("logs", "DescribeLogGroups",
                       R"({"logGroups":[{"logGroupName":"a","retentionInDays":30}]})");
        EXPECT_EQ(f.run("3.0-04").status, Status::compliant);
    }
    {
        Fixture f;
        f.aws->on_json("logs", "DescribeLogGroups", R"({"logGroups":[]})");
        auto r = f.run("3.0-04");
        EXPECT_EQ(r.status, Status::skipped);
        ASSERT_TRUE(r.reason);
        EXPECT_NE(r.reason->find("no CloudWatch Logs"), std::string::npos);
    }
    {
        Fixture f;
        f.aws->deny("logs", "DescribeLogGroups", "logs:DescribeLogGroups");
        auto r = f.run("3.0-04");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "logs:DescribeLogGroups");
    }
}

// ---- 3.0-05 VPC flow logs ----
TEST(DetectionFlowLogs, EveryVpcNeedsAnActiveFlowLog) {
    Fixture f;
    f.aws->on_json(
        "ec2", "DescribeVpcs",
        R"({"Vpcs":[{"VpcId":"vpc-1","IsDefault":true},{"VpcId":"vpc-2"},{"VpcId":"vpc-3"}]})");
    f.aws->on_json("ec2", "DescribeFlowLogs", R"({"FlowLogs":[
        {"FlowLogId":"fl-1","ResourceId":"vpc-1","FlowLogStatus":"ACTIVE"},
        {"FlowLogId":"fl-3","ResourceId":"vpc-3","FlowLogStatus":"FAILED"},
        {"FlowLogId":"fl-9","ResourceId":"subnet-9","FlowLogStatus":"ACTIVE"}]})");
    auto r = f.run("3.0-05");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.evaluations[0].observed_value, json::value("fl-1"));
    EXPECT_EQ(r.evaluations[1].resource_id, "vpc-2");
    EXPECT_EQ(r.evaluations[1].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[2].status, Status::non_compliant);
    EXPECT_EQ(r.evidence.at("totalVpcs").as_uint64(), 3u);
    EXPECT_EQ(r.evidence.at("withFlowLogs").as_uint64(), 1u);
}

TEST(DetectionFlowLogs, CompliantSkippedError) {
    {
        Fixture f;
        f.aws->on_json("ec2", "DescribeVpcs", R"({"Vpcs":[{"VpcId":"vpc-1"}]})");
        f.aws->on_json("ec2", "DescribeFlowLogs",
                       R"({"FlowLogs":[{"FlowLogId":"fl-1","ResourceId":"vpc-1"}]})");
        EXPECT_EQ(f.run("3.0-05").status, Status::compliant);
    }
    {
        Fixture f;
        f.aws->on_json("ec2", "DescribeVpcs", R"({"Vpcs":[]})");
        EXPECT_EQ(f.run("3.0-05").status, Status::skipped);
        EXPECT_EQ(f.aws->count("ec2:DescribeFlowLogs"), 0u);
    }
    {
        Fixture f;
        f.aws->on_json("ec2", "DescribeVpcs", R"({"Vpcs":[{"VpcId":"vpc-1"}]})");
        f.aws->deny("ec2", "DescribeFlowLogs", "ec2:DescribeFlowLogs");
        auto r = f.run("3.0-05");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "ec2:DescribeFlowLogs");
    }
}

// ---- 1.0-03 IAM users, 10.0-03 access keys ----
void iam_users(FakeAwsClient& aws) {
    aws.on_json(
        "iam", "ListUsers",
        R"({"Users":[{"UserName":"alice","Arn":"arn:a"},{"UserName":"bob","Arn":"arn:b"}]})");
    aws.on("iam", "ListMFADevices",
           [](const json::object& p, const std::string&) -> FakeAwsClient::Result {
               if (p.at("UserName") == "alice")
                   return json::parse(R"({"MFADevices":[{"SerialNumber":"arn:mfa/alice"}]})");
               return json::parse(R"({"MFADevices":[]})");
           });
    const std::string old = days_ago(200), recent = days_ago(10);
    aws.on("iam", "ListAccessKeys",
           [old, recent](const json::object& p, const std::string&) -> FakeAwsClient::Result {
               if (p.at("UserName") == "alice")
                   return json::value{
                       {"AccessKeyMetadata", json::array{{{"AccessKeyId", "AKIAALICEUSED0000001"},
                                                          {"Status", "Active"},
                                                          {"CreateDate", old}},
                                                         {{"AccessKeyId", "AKIAALICEOFF00000002"},
                                                          {"Status", "Inactive"},
                                                          {"CreateDate", old}}}}};
               return json::value{
                   {"AccessKeyMetadata", json::array{{{"AccessKeyId", "AKIABOBSTALE00000003"},
                                                      {"Status", "Active"},
                                                      {"CreateDate", old}},
                                                     {{"AccessKeyId", "AKIABOBNEW0000000004"},
                                                      {"Status", "Active"},
                                                      {"CreateDate", recent}}}}};
           });
    aws.on("iam", "GetAccessKeyLastUsed",
           [recent](const json::object& p, const std::string&) -> FakeAwsClient::Result {
               if (p.at("AccessKeyId") == "AKIAALICEUSED0000001")
                   return json::value{
                       {"AccessKeyLastUsed", {{"LastUsedDate", recent}, {"ServiceName", "s3"}}}};
               // Never used: no LastUsedDate.
               return json::parse(R"({"AccessKeyLastUsed":{"ServiceName":"N/A","Region":"N/A"}})");
           });
}

TEST(DetectionIamUsers, MfaAndKeyUsagePerUser) {
    Fixture f;
    iam_users(*f.aws);
    auto r = f.run("1.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    // alice: MFA ok + used key ok; bob: no MFA, stale never-used key, new never-used key (ok).
    ASSERT_EQ(r.evaluations.size(), 5u);
    EXPECT_EQ(r.evaluations[0].resource_id, "alice");
    EXPECT_EQ(r.evaluations[0].status, Status::compliant);
    EXPECT_EQ(r.evaluations[1].status, Status::compliant);
    EXPECT_EQ(r.evaluations[1].observed_value, json::value(10));
    EXPECT_EQ(r.evaluations[2].resource_id, "bob");
    EXPECT_EQ(r.evaluations[2].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[3].resource_id, "bob/AKIA\u20260003");
    EXPECT_EQ(r.evaluations[3].status, Status::non_compliant);
    EXPECT_EQ(r.evaluations[3].observed_value, json::value(200));
    EXPECT_EQ(r.evaluations[4].status, Status::compliant);
    EXPECT_EQ(r.evidence.at("usersWithMfa").as_uint64(), 1u);
    EXPECT_EQ(r.evidence.at("staleKeys").as_uint64(), 1u);
    // The full key id never appears in the result.
    EXPECT_EQ(json::serialize(r.to_json()).find("AKIABOBSTALE00000003"), std::string::npos);
    // Inactive keys are not looked up.
    EXPECT_EQ(f.aws->count("iam:GetAccessKeyLastUsed"), 3u);
}

TEST(DetectionIamUsers, SkippedAndDenied) {
    {
        Fixture f;
        f.aws->on_json("iam", "ListUsers", R"({"Users":[]})");
        EXPECT_EQ(f.run("1.0-03").status, Status::skipped);
        EXPECT_EQ(f.run("10.0-03").status, Status::skipped);
    }
    {
        Fixture f;
        f.aws->deny("iam", "ListUsers", "iam:ListUsers");
        EXPECT_EQ(missing_permission(f.run("1.0-03")), "iam:ListUsers");
    }
    {
        Fixture f;
        iam_users(*f.aws);
        f.aws->deny("iam", "ListMFADevices", "iam:ListMFADevices");
        auto r = f.run("1.0-03");
        EXPECT_EQ(missing_permission(r), "iam:ListMFADevices");
        EXPECT_EQ(r.evidence.at("errors").as_uint64(), 2u);
    }
}

TEST(DetectionAccessKeys, SharesReadsWith1_0_03) {
    Fixture f;
    iam_users(*f.aws);
    dspm::inventory::CachedFacts facts(f.aws, nullptr, f.scope.account);
    auto keys = dspm::checks::find_check("10.0-03")->run(facts, f.scope);
    EXPECT_EQ(keys.status, Status::non_compliant);
    ASSERT_EQ(keys.evaluations.size(), 3u);
    EXPECT_EQ(keys.evidence.at("inactiveKeys").as_uint64(), 1u);
    EXPECT_EQ(keys.evidence.at("usedWithin90Days").as_uint64(), 2u);
    dspm::checks::find_check("1.0-03")->run(facts, f.scope);
    EXPECT_EQ(f.aws->count("iam:ListUsers"), 1u);
    EXPECT_EQ(f.aws->count("iam:ListAccessKeys"), 2u);
    EXPECT_EQ(f.aws->count("iam:GetAccessKeyLastUsed"), 3u);
}

TEST(DetectionAccessKeys, RecentKeysCompliantAndDeniedLastUsed) {
    {
        Fixture f;
        f.aws->on_json("iam", "ListUsers", R"({"Users":[{"UserName":"ci"}]})");
        f.aws->on("iam", "ListAccessKeys",
                  json::value{{"AccessKeyMetadata", json::array{{{"AccessKeyId", "AKIA0000CI"},
                                                                 {"Status", "Active"},
                                                                 {"CreateDate", days_ago(400)}}}}});
        f.aws->on("iam", "GetAccessKeyLastUsed",
                  json::value{{"AccessKeyLastUsed", {{"LastUsedDate", days_ago(1)}}}});
        EXPECT_EQ(f.run("10.0-03").status, Status::compliant);
    }
    {
        Fixture f;
        f.aws->on_json("iam", "ListUsers", R"({"Users":[{"UserName":"ci"}]})");
        f.aws->on_json("iam", "ListAccessKeys",
                       R"({"AccessKeyMetadata":[{"AccessKeyId":"AKIA0000CI","Status":"Active"}]})");
        f.aws->deny("iam", "GetAccessKeyLastUsed", "iam:GetAccessKeyLastUsed");
        auto r = f.run("10.0-03");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(missing_permission(r), "iam:GetAccessKeyLastUsed");
    }
}

}  // namespace
