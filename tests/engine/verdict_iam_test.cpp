// Issue 10: 1.0-01 judges every source of a permission set's rights: the AWS managed
// AdministratorAccess, the inline policy and this account's copy of each customer managed policy
// it references (IAM answers documents URL-encoded), NotAction statements, and a document that
// does not parse (ERROR, never "grants nothing"). Shapes from botocore's sso-admin and iam models.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "checks/check.hpp"
#include "checks/iam_policy.hpp"
#include "engine/check_fixture.hpp"
#include "engine/fake_aws.hpp"

namespace {

namespace json = boost::json;
using dspm::engine::MappingResult;
using dspm::engine::Status;
using dspm::test::FakeAwsClient;
using Result = FakeAwsClient::Result;
using Fixture = dspm::test::CheckFixture;

constexpr const char* kInstance = "arn:aws:sso:::instance/ssoins-1111111111111111";
constexpr const char* kSet =
    "arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222";

// One instance with one permission set "Engineers" and what the test gives it.
void one_set(FakeAwsClient& aws, const std::string& inline_policy,
             const std::string& references = "[]") {
    aws.on_json("sso-admin", "ListInstances",
                (std::string(R"({"Instances":[{"InstanceArn":")") + kInstance +
                 R"(","IdentityStoreId":"d-1234567890","Status":"ACTIVE"}]})")
                    .c_str());
    aws.on("sso-admin", "ListPermissionSets",
           json::value{{"PermissionSets", json::array{json::string(kSet)}}});
    aws.on("sso-admin", "DescribePermissionSet",
           json::value{
               {"PermissionSet",
                {{"Name", "Engineers"}, {"PermissionSetArn", kSet}, {"SessionDuration", "PT8H"}}}});
    aws.on_json("sso-admin", "ListManagedPoliciesInPermissionSet",
                R"({"AttachedManagedPolicies":[{"Name":"ReadOnlyAccess",
                    "Arn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}]})");
    aws.on("sso-admin", "GetInlinePolicyForPermissionSet",
           json::value{{"InlinePolicy", inline_policy}});
    aws.on("sso-admin", "ListCustomerManagedPolicyReferencesInPermissionSet",
           json::parse(R"({"CustomerManagedPolicyReferences":)" + references + "}"));
    // No permissions boundary: Identity Center answers ResourceNotFoundException.
    aws.fail("sso-admin", "GetPermissionsBoundaryForPermissionSet",
             FakeAwsClient::error(dspm::aws::ErrorKind::not_found, "sso-admin",
                                  "GetPermissionsBoundaryForPermissionSet",
                                  "ResourceNotFoundException"));
}

const dspm::engine::Evaluation* set_eval(const MappingResult& r) {
    for (const auto& e : r.evaluations)
        if (e.resource_id == "Engineers") return &e;
    return nullptr;
}

TEST(IamPolicy, UrlEncodedAndSingleStatementDocumentsParse) {
    auto doc = dspm::checks::iam::parse_policy(
        "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%"
        "2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%7D");
    ASSERT_TRUE(doc) << doc.error();
    auto grant = dspm::checks::iam::admin_grant(*doc);
    ASSERT_TRUE(grant);
    EXPECT_EQ(grant->statement, 0u);
    EXPECT_FALSE(dspm::checks::iam::parse_policy("{\"Version\":\"2012-10-17\"}"));
    EXPECT_FALSE(dspm::checks::iam::parse_policy("not json"));
    EXPECT_FALSE(dspm::checks::iam::parse_policy("%ZZ"));
}

TEST(IamPolicy, NotActionLeavingIamAllowedIsAdministrator) {
    auto power_user = dspm::checks::iam::parse_policy(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["IAM:*",
            "organizations:*","account:*"],"Resource":"*"}]})");
    ASSERT_TRUE(power_user);
    EXPECT_FALSE(dspm::checks::iam::admin_grant(*power_user));  // iam:* excluded (any case)
    auto wide = dspm::checks::iam::parse_policy(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"},
            {"Effect":"Allow","NotAction":"s3:DeleteBucket","Resource":["*"]}]})");
    ASSERT_TRUE(wide);
    auto grant = dspm::checks::iam::admin_grant(*wide);
    ASSERT_TRUE(grant);
    EXPECT_EQ(grant->statement, 1u);
}

TEST(VerdictSsoRights, InlineNotActionOnEverythingFails) {
    Fixture fx;
    one_set(*fx.aws, R"({"Version":"2012-10-17","Statement":[{"Sid":"AllButBilling",
        "Effect":"Allow","NotAction":["aws-portal:*"],"Resource":"*"}]})");
    auto r = fx.run("1.0-01");
    EXPECT_EQ(r.status, Status::non_compliant);
    const auto* e = set_eval(r);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->status, Status::non_compliant);
    EXPECT_EQ(e->evidence_path, "InlinePolicy.Statement[0]");
    EXPECT_NE(std::string(e->extra.at("administratorBy").as_string()).find("NotAction"),
              std::string::npos);
}

TEST(VerdictSsoRights, AnInlinePolicyThatDoesNotParseIsAnError) {
    Fixture fx;
    one_set(*fx.aws, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)");
    auto r = fx.run("1.0-01");
    const auto* e = set_eval(r);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->status, Status::error);
    EXPECT_EQ(r.status, Status::error);
}

TEST(VerdictSsoRights, ACustomerManagedPolicyGrantingEverythingFails) {
    Fixture fx;
    one_set(*fx.aws, "",
            R"([{"Name":"ReadData","Path":"/"},{"Name":"PlatformAdmin","Path":"/platform/"}])");
    fx.aws->on("iam", "GetPolicy", [](const json::object& p, const std::string&) -> Result {
        const std::string arn(p.at("PolicyArn").as_string());
        return json::value{{"Policy",
                            {{"PolicyName", arn.substr(arn.rfind('/') + 1)},
                             {"Arn", arn},
                             {"DefaultVersionId", "v3"},
                             {"AttachmentCount", 0},
                             {"IsAttachable", true}}}};
    });
    fx.aws->on("iam", "GetPolicyVersion", [](const json::object& p, const std::string&) -> Result {
        const std::string arn(p.at("PolicyArn").as_string());
        EXPECT_EQ(p.at("VersionId").as_string(), "v3");
        // IAM's answer: the document URL-encoded.
        const std::string doc =
            arn == "arn:aws:iam::123456789012:policy/platform/PlatformAdmin"
                ? "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%"
                  "22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"
                : "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%"
                  "22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22%2A%22%"
                  "7D%5D%7D";
        return json::value{{"PolicyVersion",
                            {{"Document", doc}, {"VersionId", "v3"}, {"IsDefaultVersion", true}}}};
    });
    auto r = fx.run("1.0-01");
    const auto* e = set_eval(r);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->status, Status::non_compliant);
    EXPECT_EQ(e->evidence_path,
              "CustomerManagedPolicyReferences[1].PolicyVersion.Document.Statement[0]");
    EXPECT_EQ(fx.aws->count("iam:GetPolicyVersion"), 2u);
}

TEST(VerdictSsoRights, AReferencedPolicyMissingHereIsAnErrorNotCompliant) {
    Fixture fx;
    one_set(*fx.aws, "", R"([{"Name":"OnlyInProd"}])");
    fx.aws->fail(
        "iam", "GetPolicy",
        FakeAwsClient::error(dspm::aws::ErrorKind::not_found, "iam", "GetPolicy", "NoSuchEntity"));
    auto r = fx.run("1.0-01");
    const auto* e = set_eval(r);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->status, Status::error);
    EXPECT_EQ(e->extra.at("customerManagedPolicy").as_string(),
              "arn:aws:iam::123456789012:policy/OnlyInProd");
    EXPECT_TRUE(e->extra.contains("note"));
}

TEST(VerdictSsoRights, ReadOnlyRightsFromEverySourcePass) {
    Fixture fx;
    one_set(*fx.aws, R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]})");
    auto r = fx.run("1.0-01");
    const auto* e = set_eval(r);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->status, Status::compliant);
    EXPECT_EQ(r.status, Status::compliant);
}

// A permissions boundary caps what the set's policies grant. The answer shapes are botocore's
// GetPermissionsBoundaryForPermissionSet output: PermissionsBoundary with either ManagedPolicyArn
// or CustomerManagedPolicyReference {Name, Path}.
const char* kAdminInline =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";

void iam_documents(FakeAwsClient& aws) {
    aws.on("iam", "GetPolicy", [](const json::object& p, const std::string& region) -> Result {
        EXPECT_EQ(region, "us-east-1");  // IAM is read in the partition's global region
        const std::string arn(p.at("PolicyArn").as_string());
        return json::value{{"Policy",
                            {{"PolicyName", arn.substr(arn.rfind('/') + 1)},
                             {"Arn", arn},
                             {"DefaultVersionId", "v1"},
                             {"IsAttachable", true}}}};
    });
    aws.on("iam", "GetPolicyVersion", [](const json::object& p, const std::string&) -> Result {
        const std::string arn(p.at("PolicyArn").as_string());
        // PowerUserAccess as AWS publishes it (abridged): everything but IAM, Organizations and
        // Account; the customer managed boundary allows S3 reads only; "Wide" allows everything.
        std::string doc;
        if (arn == "arn:aws:iam::aws:policy/PowerUserAccess")
            doc =
                "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%"
                "22Allow%22%2C%22NotAction%22%3A%5B%22iam%3A%2A%22%2C%22organizations%3A%2A%22%"
                "2C%22account%3A%2A%22%5D%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
        else if (arn == "arn:aws:iam::123456789012:policy/boundaries/S3Read")
            doc =
                R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]})";
        else
            doc =
                R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
        return json::value{{"PolicyVersion",
                            {{"Document", doc}, {"VersionId", "v1"}, {"IsDefaultVersion", true}}}};
    });
}

TEST(VerdictSsoBoundary, ABoundaryThatDoesNotAllowAdministratorRightsCapsTheSet) {
    for (
        const char* boundary :
        {R"({"PermissionsBoundary":{"ManagedPolicyArn":"arn:aws:iam::aws:policy/PowerUserAccess"}})",
         R"({"PermissionsBoundary":{"CustomerManagedPolicyReference":{"Name":"S3Read","Path":"/boundaries/"}}})"}) {
        Fixture fx;
        one_set(*fx.aws, kAdminInline);
        fx.aws->on_json("sso-admin", "GetPermissionsBoundaryForPermissionSet", boundary);
        iam_documents(*fx.aws);
        auto r = fx.run("1.0-01");
        const auto* e = set_eval(r);
        ASSERT_NE(e, nullptr) << boundary;
        EXPECT_EQ(e->status, Status::compliant) << boundary;
        EXPECT_TRUE(e->extra.contains("permissionsBoundary")) << boundary;
        EXPECT_FALSE(e->extra.contains("administrator")) << boundary;
        EXPECT_EQ(r.evidence.at("adminPermissionSets").as_uint64(), 0u);
    }
}

TEST(VerdictSsoBoundary, AnAdministratorBoundaryOrNoneLeavesTheSetAdministrator) {
    for (
        const char* boundary :
        {R"({"PermissionsBoundary":{"ManagedPolicyArn":"arn:aws:iam::aws:policy/AdministratorAccess"}})",
         R"({"PermissionsBoundary":{"CustomerManagedPolicyReference":{"Name":"Wide"}}})"}) {
        Fixture fx;
        one_set(*fx.aws, kAdminInline);
        fx.aws->on_json("sso-admin", "GetPermissionsBoundaryForPermissionSet", boundary);
        iam_documents(*fx.aws);
        auto r = fx.run("1.0-01");
        const auto* e = set_eval(r);
        ASSERT_NE(e, nullptr);
        EXPECT_EQ(e->status, Status::non_compliant) << boundary;
        EXPECT_EQ(e->extra.at("permissionsBoundary").as_string().empty(), false);
    }
    Fixture fx;  // no boundary (ResourceNotFoundException): the grant stands
    one_set(*fx.aws, kAdminInline);
    auto r = fx.run("1.0-01");
    const auto* e = set_eval(r);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->status, Status::non_compliant);
    EXPECT_FALSE(e->extra.contains("permissionsBoundary"));
    EXPECT_EQ(fx.aws->count("sso-admin:GetPermissionsBoundaryForPermissionSet"), 1u);
}

TEST(VerdictSsoBoundary, AnUnreadBoundaryIsAnErrorNamingTheAction) {
    {
        Fixture fx;
        one_set(*fx.aws, kAdminInline);
        fx.aws->deny("sso-admin", "GetPermissionsBoundaryForPermissionSet",
                     "sso:GetPermissionsBoundaryForPermissionSet");
        auto r = fx.run("1.0-01");
        const auto* e = set_eval(r);
        ASSERT_NE(e, nullptr);
        EXPECT_EQ(e->status, Status::error);
        EXPECT_EQ(dspm::test::missing_permissions(*e),
                  std::vector<std::string>{"sso:GetPermissionsBoundaryForPermissionSet"});
    }
    {
        Fixture fx;  // the boundary's document cannot be read
        one_set(*fx.aws, kAdminInline);
        fx.aws->on_json(
            "sso-admin", "GetPermissionsBoundaryForPermissionSet",
            R"({"PermissionsBoundary":{"CustomerManagedPolicyReference":{"Name":"S3Read","Path":"/boundaries/"}}})");
        fx.aws->fail("iam", "GetPolicy",
                     FakeAwsClient::error(dspm::aws::ErrorKind::permission_denied, "iam",
                                          "GetPolicy", "AccessDenied"));
        auto r = fx.run("1.0-01");
        const auto* e = set_eval(r);
        ASSERT_NE(e, nullptr);
        EXPECT_EQ(e->status, Status::error);
        EXPECT_EQ(e->extra.at("permissionsBoundary").as_string(),
                  "arn:aws:iam::123456789012:policy/boundaries/S3Read");
    }
    {
        Fixture fx;  // a set without administrator rights never reads the boundary
        one_set(*fx.aws, "");
        auto r = fx.run("1.0-01");
        EXPECT_EQ(r.status, Status::compliant);
        EXPECT_EQ(fx.aws->count("sso-admin:GetPermissionsBoundaryForPermissionSet"), 0u);
    }
}

}  // namespace
