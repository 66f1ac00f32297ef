// The rooms of a run over many accounts without AWS: which accounts, the unit payloads read from a
// shared database, the Organization's account list on AWS's documented shapes, the roll-up.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "engine/fake_aws.hpp"
#include "org/accounts.hpp"
#include "org/run.hpp"
#include "org/unit.hpp"

namespace {

namespace json = boost::json;
using dspm::org::parse_accounts;

TEST(Accounts, OrgOrADistinctListOfAccountIds) {
    auto org = parse_accounts("ORG", 10);
    ASSERT_TRUE(org);
    EXPECT_TRUE(org->organization);
    auto list = parse_accounts("111111111111, 222222222222,111111111111", 10);
    ASSERT_TRUE(list) << list.error();
    EXPECT_FALSE(list->organization);
    EXPECT_EQ(list->ids, (std::vector<std::string>{"111111111111", "222222222222"}));
    for (const char* bad : {"", ",", "12345", "1111111111111", "11111111111a", "org,111111111111",
                            "arn:aws:iam::111111111111:root", "111111111111;DROP TABLE"}) {
        auto r = parse_accounts(bad, 10);
        EXPECT_FALSE(r) << bad;
        if (!r) {
            EXPECT_NE(r.error().find("accounts:"), std::string::npos);
        }
    }
    // The bound is AUDIT_MAX_ACCOUNTS.
    EXPECT_FALSE(parse_accounts("111111111111,222222222222,333333333333", 2));
}

TEST(Accounts, RoleArnKeepsThePartitionOfTheCaller) {
    EXPECT_EQ(dspm::org::partition_of("arn:aws-cn:sts::111111111111:assumed-role/x/y"), "aws-cn");
    EXPECT_EQ(dspm::org::partition_of("arn:aws-us-gov:iam::111111111111:user/u"), "aws-us-gov");
    EXPECT_EQ(dspm::org::partition_of("not an arn"), "aws");
    EXPECT_EQ(dspm::org::role_arn("aws", "222222222222", "DSPMAuditRole"),
              "arn:aws:iam::222222222222:role/DSPMAuditRole");
}

// botocore's example answer of ListAccounts (Status only, as answers were before State) beside
// one with State (Status retired in September 2026), over two pages, with accounts that are not
// ACTIVE: those are reported, never audited.
TEST(Accounts, ListsActiveAccountsByStateOrTheDeprecatedStatus) {
    dspm::test::FakeAwsClient aws;
    aws.on_json("organizations", "ListAccounts", R"({"Accounts":[
        {"Arn":"arn:aws:organizations::111111111111:account/o-exampleorgid/111111111111",
         "Email":"bill@example.com","Id":"111111111111","JoinedMethod":"INVITED",
         "JoinedTimestamp":"20161215T193015Z","Name":"Master Account","Status":"ACTIVE"},
        {"Arn":"arn:aws:organizations::111111111111:account/o-exampleorgid/222222222222",
         "Email":"alice@example.com","Id":"222222222222","Name":"Developer Account",
         "State":"ACTIVE"},
        {"Id":"333333333333","Name":"Closing","Email":"c@example.com","Status":"ACTIVE",
         "State":"PENDING_CLOSURE"},
        {"Id":"444444444444","Name":"Suspended","Email":"s@example.com","Status":"SUSPENDED"},
        {"Id":"555555555555","Name":"Created","Email":"n@example.com","State":"PENDING_ACTIVATION"}
    ]})");
    auto listed = dspm::org::list_organization_accounts(aws);
    ASSERT_TRUE(listed) << listed.error().message;
    ASSERT_EQ(listed->active.size(), 2u);
    EXPECT_EQ(listed->active[0].id, "111111111111");
    EXPECT_EQ(listed->active[0].name, "Master Account");
    EXPECT_EQ(listed->active[1].id, "222222222222");
    ASSERT_EQ(listed->not_active.size(), 3u);
    // State wins over Status when both are there.
    EXPECT_EQ(listed->not_active[0].state, "PENDING_CLOSURE");
    EXPECT_EQ(listed->not_active[1].state, "SUSPENDED");
    EXPECT_EQ(listed->not_active[2].state, "PENDING_ACTIVATION");
}

TEST(Accounts, AMemberAccountThatMayNotListSaysWhichActionItLacks) {
    dspm::test::FakeAwsClient aws;
    aws.deny("organizations", "ListAccounts", "organizations:ListAccounts");
    auto listed = dspm::org::list_organization_accounts(aws);
    ASSERT_FALSE(listed);
    EXPECT_EQ(listed.error().iam_action, "organizations:ListAccounts");
}

TEST(Units, PayloadRoundTripsAndRefusesWhatAPlannerWouldNotWrite) {
    dspm::org::UnitSpec unit{"ISMS-P",
                             {"us-east-1", "eu-west-1"},
                             {{"2.0-01"}, {"s3"}, {}},
                             "222222222222",
                             "Developer Account"};
    auto back = dspm::org::parse_payload(dspm::org::to_payload(unit));
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(back->framework, "ISMS-P");
    EXPECT_EQ(back->regions, unit.regions);
    EXPECT_EQ(back->filter.checks, unit.filter.checks);
    EXPECT_EQ(back->filter.services, unit.filter.services);
    EXPECT_EQ(back->account, "222222222222");
    EXPECT_EQ(dspm::org::unit_key(unit), "account/222222222222");
    // A region becomes part of a host name, an account part of an ARN: a row of a shared
    // database is not trusted more than a request.
    for (const char* bad :
         {"", "[]", R"({"framework":"ISMS-P","account":"2222"})",
          R"({"framework":"ISMS-P","account":"222222222222","regions":["evil.example.com/"]})",
          R"({"framework":"ISMS-P","account":"222222222222","regions":"us-east-1"})",
          R"({"account":"222222222222"})"}) {
        EXPECT_FALSE(dspm::org::parse_payload(bad)) << bad;
    }
}

std::string account_result(const std::string& id, const char* status,
                           const std::vector<std::pair<int, const char*>>& requirements) {
    json::array results;
    for (const auto& [rid, s] : requirements)
        results.emplace_back(json::object{{"requirement_id", rid},
                                          {"item_code", "2." + std::to_string(rid)},
                                          {"title", "t"},
                                          {"requirement_status", s},
                                          {"results", json::array{}}});
    return json::serialize(json::object{
        {"account", id},
        {"name", ""},
        {"status", status},
        {"answer", json::object{{"framework", "ISMS-P"}, {"results", std::move(results)}}}});
}

TEST(Rollup, EachRequirementNamesItsAccountsAndAnUnreachedOneIsAnErrorOfEvery) {
    dspm::org::Aggregate meta;
    meta.framework = "ISMS-P";
    meta.scope = "organization";
    meta.execution = "in-process";
    const std::vector<std::string> results{
        account_result("111111111111", "COMPLIANT", {{1, "COMPLIANT"}, {2, "COMPLIANT"}}),
        account_result("222222222222", "NON_COMPLIANT", {{1, "COMPLIANT"}, {2, "NON_COMPLIANT"}}),
        R"({"account":"333333333333","name":"","status":"ERROR","error":{"reason":"role arn:aws:iam::333333333333:role/DSPMAuditRole cannot be assumed: AccessDenied","iam_action":"sts:AssumeRole"}})"};
    auto out = dspm::org::aggregate(meta, results);
    EXPECT_EQ(out.status, "NON_COMPLIANT");
    const auto doc = json::parse(out.text).as_object();
    const auto& reqs = doc.at("organization").at("requirements").as_array();
    ASSERT_EQ(reqs.size(), 2u);
    // Compliant in both accounts it was judged in, but not judged in the third: ERROR.
    EXPECT_EQ(reqs[0].at("requirement_status").as_string(), "ERROR");
    EXPECT_EQ(reqs[0].at("accounts").at("ERROR").as_array(),
              json::array{json::value("333333333333")});
    EXPECT_EQ(reqs[1].at("requirement_status").as_string(), "NON_COMPLIANT");
    EXPECT_EQ(reqs[1].at("accounts").at("NON_COMPLIANT").as_array(),
              json::array{json::value("222222222222")});
    EXPECT_EQ(reqs[1].at("status_counts").at("COMPLIANT").as_int64(), 1);
    const auto& summary = doc.at("summary").as_object();
    EXPECT_EQ(summary.at("accounts").as_int64(), 3);
    EXPECT_EQ(summary.at("account_status_counts").at("ERROR").as_int64(), 1);
    EXPECT_EQ(summary.at("requirements").at("NON_COMPLIANT").as_int64(), 1);
    EXPECT_EQ(summary.at("requirements").at("ERROR").as_int64(), 1);
    // Every account's result is in the answer as it came.
    ASSERT_EQ(doc.at("accounts").as_array().size(), 3u);
    EXPECT_EQ(doc.at("accounts").as_array()[2].at("error").at("iam_action").as_string(),
              "sts:AssumeRole");
}

TEST(Rollup, NoAccountAtAllIsAnErrorNotASkip) {
    dspm::org::Aggregate meta;
    meta.framework = "ISMS-P";
    auto out = dspm::org::aggregate(meta, {});
    EXPECT_EQ(out.status, "ERROR");
    EXPECT_TRUE(json::parse(out.text).at("accounts").as_array().empty());
}

}  // namespace
