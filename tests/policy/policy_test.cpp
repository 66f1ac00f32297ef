// The least-privilege policy from the checks' metadata: every declared action, nothing else but
// the run's own reads, grouped by service, each document within the managed-policy size.
#include "policy/policy.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "catalog/local_source.hpp"
#include "checks/check.hpp"

namespace {

namespace json = boost::json;

std::set<std::string> actions_in(const dspm::policy::PolicySet& set) {
    std::set<std::string> out;
    for (const auto& d : set.documents)
        for (const auto& s : d.at("Statement").as_array()) {
            EXPECT_EQ(s.at("Effect"), "Allow");
            EXPECT_EQ(s.at("Resource"), "*");
            for (const auto& a : s.at("Action").as_array())
                out.insert(std::string(a.as_string()));
        }
    return out;
}

TEST(Policy, EveryCheckActionOnceGroupedByServiceWithinTheSizeLimit) {
    const auto set = dspm::policy::read_policy({});
    std::set<std::string> declared{"sts:GetCallerIdentity", "ec2:DescribeRegions",
                                   "iam:ListAccountAliases"};
    for (const auto* c : dspm::checks::all_checks())
        for (const auto& a : c->info().iam_actions)
            declared.insert(a);
    EXPECT_EQ(actions_in(set), declared);
    EXPECT_EQ(std::set<std::string>(set.actions.begin(), set.actions.end()), declared);
    EXPECT_EQ(set.codes.size(), dspm::checks::all_checks().size());
    ASSERT_FALSE(set.documents.empty());
    std::set<std::string> sids;
    for (const auto& d : set.documents) {
        EXPECT_LE(json::serialize(d).size(), dspm::policy::kManagedPolicyChars);
        EXPECT_EQ(d.at("Version"), "2012-10-17");
        for (const auto& s : d.at("Statement").as_array()) {
            EXPECT_TRUE(sids.insert(std::string(s.at("Sid").as_string())).second);
            // One service per statement.
            std::set<std::string> prefixes;
            for (const auto& a : s.at("Action").as_array()) {
                const std::string action(a.as_string());
                prefixes.insert(action.substr(0, action.find(':')));
            }
            EXPECT_EQ(prefixes.size(), 1u) << json::serialize(s);
        }
    }
    // Every check of the catalog together does not fit one managed policy.
    EXPECT_GT(set.documents.size(), 1u);
}

TEST(Policy, ASmallLimitSplitsStatementsAndUnknownCodesAreNamed) {
    const auto set = dspm::policy::read_policy({"2.0-01", "9.9-99", "2.0-02"}, 400);
    EXPECT_EQ(set.codes, (std::vector<std::string>{"2.0-01", "2.0-02"}));
    EXPECT_EQ(set.not_implemented, (std::vector<std::string>{"9.9-99"}));
    EXPECT_GT(set.documents.size(), 1u);
    for (const auto& d : set.documents)
        EXPECT_LE(json::serialize(d).size(), 400u) << json::serialize(d);
    std::set<std::string> want{"sts:GetCallerIdentity", "ec2:DescribeRegions",
                               "iam:ListAccountAliases"};
    for (const char* code : {"2.0-01", "2.0-02"})
        for (const auto& a : dspm::checks::find_check(code)->info().iam_actions)
            want.insert(a);
    EXPECT_EQ(actions_in(set), want);
    const auto doc = dspm::policy::to_json(set);
    EXPECT_EQ(doc.at("document_chars").as_array().size(), set.documents.size());
}

TEST(Policy, AFrameworkReadsTheCodesOfItsAuditableRequirements) {
    auto source = *dspm::catalog::LocalSource::embedded();
    const auto isms = dspm::policy::codes_of(*source, "isms-p", std::nullopt);
    ASSERT_TRUE(isms);
    EXPECT_GT(isms->size(), 60u);
    const auto one = dspm::policy::codes_of(*source, "ISMS-P", std::string("2.7.1"));
    ASSERT_TRUE(one);
    EXPECT_NE(std::find(one->begin(), one->end(), "2.0-01"), one->end());
    EXPECT_FALSE(dspm::policy::codes_of(*source, "NOPE", std::nullopt));
    EXPECT_EQ(dspm::policy::codes_of(*source, "ISMS-P", std::string("9.9.9")).error().kind,
              dspm::catalog::CatalogErrorKind::not_found);
}

}  // namespace
