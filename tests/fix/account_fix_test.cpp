// The account group's fixers, each in its check's file: 1.0-04 IAM password policy, 7.0-02
// GuardDuty, 1.0-05 IAM Access Analyzer, 7.0-01 Security Hub, 8.0-01 security groups open to the
// internet (the requests they build, the undo they read), end to end on moto where moto and the
// embedded models carry the calls; and the manual ones (8.0-04 Shield Advanced, 9.0-02 RDS
// Multi-AZ, 3.0-03 Config recorder), whose plan names why.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "checks/check.hpp"
#include "checks/fix.hpp"
#include "engine/fake_aws.hpp"
#include "fix/fix_case.hpp"

namespace {

namespace json = boost::json;
using dspm::aws::ErrorKind;
using dspm::test::FakeAwsClient;

const dspm::checks::Fixer& account_fixer(const char* code) {
    const auto* check = dspm::checks::find_check(code);
    EXPECT_NE(check, nullptr) << code;
    EXPECT_NE(check->fixer(), nullptr) << code;
    return *check->fixer();
}

dspm::engine::Evaluation account_failing(const std::string& resource, const std::string& region) {
    dspm::engine::Evaluation e;
    e.resource_id = resource;
    e.region = region;
    e.account = "123456789012";
    e.status = dspm::engine::Status::non_compliant;
    return e;
}

// Whether the embedded models (data/aws/models, from scripts/gen_aws_models.py) carry every
// operation a case makes: the CLI cannot make a call its model lacks.
std::string account_missing_models(
    std::initializer_list<std::pair<const char*, const char*>> operations) {
    std::string missing;
    for (const auto& [service, operation] : operations) {
        std::ifstream in(std::string(DSPM_SOURCE_DIR) + "/data/aws/models/" + service + ".json");
        std::stringstream text;
        text << in.rdbuf();
        boost::system::error_code ec;
        const auto doc = json::parse(text.str(), ec);
        const auto* ops =
            !ec && doc.is_object() ? doc.as_object().if_contains("operations") : nullptr;
        if (ops != nullptr && ops->is_object() && ops->as_object().contains(operation)) continue;
        missing += missing.empty() ? "" : ", ";
        missing += std::string(service) + " " + operation;
    }
    return missing;
}

#define ACCOUNT_SKIP_WITHOUT_MODELS(...)                                                       \
    if (const auto missing = account_missing_models({__VA_ARGS__}); !missing.empty())          \
    GTEST_SKIP() << "data/aws/models lacks " << missing                                        \
                 << ": add them to scripts/gen_aws_models.py's OPERATIONS (and the operation " \
                    "table of src/aws/iam_actions.cpp) and regenerate"

// moto's ids are random unless seeded: the same seed before the same calls gives the same ids, so
// a case can name the resource the seed creates.
const char* kSeedIds =
    "import urllib.request\n"
    "urllib.request.urlopen(urllib.request.Request(E + '/moto-api/seed?a=4242', method='POST'))\n";

std::string seeded_id(const std::string& seed, const std::string& print_id) {
    dspm::test::Moto::instance().reset();
    const auto& endpoint = dspm::test::Moto::instance().endpoint();
    dspm::test::run_python(endpoint, seed);
    std::string id = dspm::test::run_python(endpoint, print_id);
    while (!id.empty() && (id.back() == '\n' || id.back() == '\r'))
        id.pop_back();
    return id;
}

// ---- 1.0-04 IAM password policy ----

TEST(AccountFixPasswordPolicy, PlansAPolicyThatPassesEveryJudgedField) {
    const auto plan = account_fixer("1.0-04").plan(account_failing("123456789012", "us-east-1"));
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    const auto& c = plan->calls[0];
    EXPECT_EQ(c.service, "iam");
    EXPECT_EQ(c.operation, "UpdateAccountPasswordPolicy");
    EXPECT_GE(c.params.at("MinimumPasswordLength").as_int64(), 8);
    for (const char* flag : {"RequireSymbols", "RequireNumbers", "RequireUppercaseCharacters",
                             "RequireLowercaseCharacters"})
        EXPECT_TRUE(c.params.at(flag).as_bool()) << flag;
    const auto age = c.params.at("MaxPasswordAge").as_int64();
    EXPECT_GE(age, 1);
    EXPECT_LE(age, 90);
    EXPECT_EQ(c.params.at("PasswordReusePrevention").as_int64(), 24);
    EXPECT_TRUE(plan->reversible);
    EXPECT_FALSE(plan->high_risk);
}

TEST(AccountFixPasswordPolicy, UndoDeletesWhenThereWasNoPolicy) {
    FakeAwsClient aws;
    aws.fail("iam", "GetAccountPasswordPolicy",
             FakeAwsClient::error(ErrorKind::not_found, "iam", "GetAccountPasswordPolicy",
                                  "NoSuchEntity"));
    const auto undo =
        account_fixer("1.0-04").undo(aws, account_failing("123456789012", "us-east-1"));
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "DeleteAccountPasswordPolicy");
    EXPECT_TRUE((*undo)[0].params.empty());
}

TEST(AccountFixPasswordPolicy, UndoPutsBackThePreviousPolicyAsAnInput) {
    FakeAwsClient aws;
    aws.on_json("iam", "GetAccountPasswordPolicy",
                R"({"PasswordPolicy":{"MinimumPasswordLength":6,"RequireSymbols":false,
                    "RequireNumbers":true,"RequireUppercaseCharacters":false,
                    "RequireLowercaseCharacters":true,"AllowUsersToChangePassword":false,
                    "ExpirePasswords":false,"HardExpiry":true}})");
    const auto undo =
        account_fixer("1.0-04").undo(aws, account_failing("123456789012", "us-east-1"));
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "UpdateAccountPasswordPolicy");
    const auto& p = (*undo)[0].params;
    EXPECT_EQ(p.at("MinimumPasswordLength").as_int64(), 6);
    EXPECT_FALSE(p.at("RequireSymbols").as_bool());
    EXPECT_FALSE(p.at("AllowUsersToChangePassword").as_bool());
    EXPECT_TRUE(p.at("HardExpiry").as_bool());
    EXPECT_FALSE(p.contains("ExpirePasswords"));  // an output only
    EXPECT_FALSE(p.contains("MaxPasswordAge"));   // absent: passwords never expired
}

TEST(AccountFixPasswordPolicy, PrepareKeepsStricterCurrentValuesAndLeavesTheUndoAlone) {
    const auto& fixer = account_fixer("1.0-04");
    const auto e = account_failing("123456789012", "us-east-1");
    FakeAwsClient aws;
    aws.on_json("iam", "GetAccountPasswordPolicy",
                R"({"PasswordPolicy":{"MinimumPasswordLength":20,"RequireSymbols":false,
                    "MaxPasswordAge":30,"PasswordReusePrevention":5,
                    "AllowUsersToChangePassword":false,"HardExpiry":true}})");
    const auto plan = fixer.plan(e);
    ASSERT_TRUE(plan);
    const auto made = fixer.prepare(aws, e, plan->calls);
    ASSERT_TRUE(made);
    const auto& p = made->at(0).params;
    EXPECT_EQ(p.at("MinimumPasswordLength").as_int64(), 20);
    EXPECT_EQ(p.at("MaxPasswordAge").as_int64(), 30);
    EXPECT_EQ(p.at("PasswordReusePrevention").as_int64(), 24);
    EXPECT_TRUE(p.at("RequireSymbols").as_bool());
    EXPECT_FALSE(p.at("AllowUsersToChangePassword").as_bool());
    EXPECT_TRUE(p.at("HardExpiry").as_bool());

    // An undo's call (the previous, weaker policy) is made as recorded, without a read.
    FakeAwsClient untouched;
    const std::vector<dspm::checks::FixCall> restore{
        {"iam", "UpdateAccountPasswordPolicy", {{"MinimumPasswordLength", 6}}}};
    const auto same = fixer.prepare(untouched, e, restore);
    ASSERT_TRUE(same);
    EXPECT_EQ(same->at(0).params, restore[0].params);
    EXPECT_TRUE(untouched.calls().empty());
}

const char* kPolicyState =
    "try:\n"
    "    p = c('iam').get_account_password_policy()['PasswordPolicy']\n"
    "except c('iam').exceptions.NoSuchEntityException:\n"
    "    p = None\n"
    "print(json.dumps(p, sort_keys=True))\n";

TEST(AccountFixPasswordPolicy, EndToEndOnMotoFromAWeakPolicy) {
    ACCOUNT_SKIP_WITHOUT_MODELS({"iam", "UpdateAccountPasswordPolicy"});
    dspm::test::check_fix_case(
        {"1.0-04", "123456789012",
         "c('iam').update_account_password_policy(MinimumPasswordLength=8, RequireSymbols=False, "
         "RequireNumbers=True, RequireUppercaseCharacters=True, RequireLowercaseCharacters=True, "
         "AllowUsersToChangePassword=True, PasswordReusePrevention=3)\n",
         kPolicyState});
}

TEST(AccountFixPasswordPolicy, EndToEndOnMotoWithoutAPolicy) {
    ACCOUNT_SKIP_WITHOUT_MODELS({"iam", "UpdateAccountPasswordPolicy"},
                                {"iam", "DeleteAccountPasswordPolicy"});
    dspm::test::check_fix_case({"1.0-04", "123456789012", "pass\n", kPolicyState});
}

// ---- 7.0-02 GuardDuty ----

TEST(AccountFixGuardDuty, ARegionWithoutADetectorGetsATaggedEnabledOne) {
    const auto& fixer = account_fixer("7.0-02");
    auto e = account_failing("eu-west-1", "eu-west-1");
    e.evidence_path = "DetectorIds";
    e.observed_value = 0;
    const auto plan = fixer.plan(e);
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].service, "guardduty");
    EXPECT_EQ(plan->calls[0].operation, "CreateDetector");
    EXPECT_TRUE(plan->calls[0].params.at("Enable").as_bool());
    EXPECT_TRUE(plan->calls[0].params.at("Tags").as_object().contains("dspm-audit:fix"));
    EXPECT_TRUE(plan->reversible);

    // The undo is known before the detector exists; its id is read when the undo is made.
    FakeAwsClient none;
    const auto undo = fixer.undo(none, e);
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "DeleteDetector");

    FakeAwsClient aws;
    aws.on_json("guardduty", "ListDetectors", R"({"DetectorIds":["d0ff","d1ab"]})");
    aws.on("guardduty", "GetDetector",
           [](const json::object& p, const std::string&) -> FakeAwsClient::Result {
               if (p.at("DetectorId").as_string() == "d1ab")
                   return json::parse(R"({"Status":"ENABLED","Tags":{"dspm-audit:fix":"7.0-02"}})");
               return json::parse(R"({"Status":"ENABLED","Tags":{}})");
           });
    dspm::engine::Evaluation where;  // what the undo flow knows
    where.resource_id = "eu-west-1";
    where.region = "eu-west-1";
    const auto made = fixer.prepare(aws, where, *undo);
    ASSERT_TRUE(made) << made.error().code << " " << made.error().operation << " "
                      << made.error().message;
    EXPECT_EQ(made->at(0).params.at("DetectorId").as_string(), "d1ab");

    // Gone (or replaced by one this fix did not make): nothing is deleted.
    FakeAwsClient other;
    other.on_json("guardduty", "ListDetectors", R"({"DetectorIds":["d0ff"]})");
    other.on_json("guardduty", "GetDetector", R"({"Status":"ENABLED"})");
    EXPECT_FALSE(fixer.prepare(other, where, *undo));

    // The fix's own call passes through untouched.
    FakeAwsClient quiet;
    const auto create = fixer.prepare(quiet, e, plan->calls);
    ASSERT_TRUE(create);
    EXPECT_EQ(create->at(0).params, plan->calls[0].params);
    EXPECT_TRUE(quiet.calls().empty());
}

TEST(AccountFixGuardDuty, ASuspendedDetectorIsEnabledAndUndoSuspendsIt) {
    const auto& fixer = account_fixer("7.0-02");
    auto e = account_failing("d1ab", "eu-west-1");
    e.evidence_path = "Status";
    e.observed_value = "DISABLED";
    const auto plan = fixer.plan(e);
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].operation, "UpdateDetector");
    EXPECT_EQ(plan->calls[0].params, (json::object{{"DetectorId", "d1ab"}, {"Enable", true}}));
    FakeAwsClient aws;
    aws.on_json("guardduty", "GetDetector", R"({"Status":"DISABLED"})");
    const auto undo = fixer.undo(aws, e);
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].params, (json::object{{"DetectorId", "d1ab"}, {"Enable", false}}));
    FakeAwsClient denied;
    denied.deny("guardduty", "GetDetector", "guardduty:GetDetector");
    EXPECT_FALSE(fixer.undo(denied, e));
}

const std::string kSuspendedDetector = std::string(kSeedIds) +
                                       "gd = c('guardduty')\n"
                                       "d = gd.create_detector(Enable=True)['DetectorId']\n"
                                       "gd.update_detector(DetectorId=d, Enable=False)\n";

const char* kDetectorState =
    "gd = c('guardduty')\n"
    "print(json.dumps([gd.get_detector(DetectorId=d)['Status'] for d in "
    "gd.list_detectors()['DetectorIds']]))\n";

TEST(AccountFixGuardDuty, EndToEndOnMotoFromASuspendedDetector) {
    ACCOUNT_SKIP_WITHOUT_MODELS({"guardduty", "UpdateDetector"});
    const std::string id =
        seeded_id(kSuspendedDetector, "print(c('guardduty').list_detectors()['DetectorIds'][0])\n");
    ASSERT_EQ(id.size(), 32u) << id;
    dspm::test::check_fix_case({"7.0-02", id, kSuspendedDetector, kDetectorState});
}

// A region without a detector: after CreateDetector the check names the new detector, not the
// region; the flow's re-read judges the region's evaluations then (Runner::verify).
TEST(AccountFixGuardDuty, EndToEndOnMotoFromNoDetector) {
    ACCOUNT_SKIP_WITHOUT_MODELS({"guardduty", "CreateDetector"}, {"guardduty", "DeleteDetector"});
    dspm::test::check_fix_case({"7.0-02", "us-east-1", "pass\n", kDetectorState});
}

// ---- 1.0-05 IAM Access Analyzer ----

TEST(AccountFixAccessAnalyzer, CreatesAnAccountAnalyzerOfAFixedName) {
    const auto& fixer = account_fixer("1.0-05");
    auto e = account_failing("eu-west-1", "eu-west-1");
    e.observed_value = 0;
    const auto plan = fixer.plan(e);
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].service, "accessanalyzer");
    EXPECT_EQ(plan->calls[0].operation, "CreateAnalyzer");
    EXPECT_EQ(plan->calls[0].params,
              (json::object{{"analyzerName", "dspm-audit-account"}, {"type", "ACCOUNT"}}));
    EXPECT_TRUE(plan->reversible);
    FakeAwsClient aws;
    const auto undo = fixer.undo(aws, e);
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "DeleteAnalyzer");
    EXPECT_EQ((*undo)[0].params, (json::object{{"analyzerName", "dspm-audit-account"}}));
}

// End to end: GapsFix.AccessAnalyzerEndToEnd (moto 5.2 has no Access Analyzer).

// ---- 7.0-01 Security Hub ----

TEST(AccountFixSecurityHub, EnablesTheHubWithDefaultStandardsWhenItIsOff) {
    const auto& fixer = account_fixer("7.0-01");
    auto e = account_failing("eu-west-1", "eu-west-1");
    e.observed_value = nullptr;
    const auto plan = fixer.plan(e);
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].operation, "EnableSecurityHub");
    EXPECT_EQ(plan->calls[0].params, (json::object{{"EnableDefaultStandards", true}}));
    FakeAwsClient off;
    off.fail("securityhub", "DescribeHub",
             FakeAwsClient::error(ErrorKind::service, "securityhub", "DescribeHub",
                                  "InvalidAccessException"));
    const auto undo = fixer.undo(off, e);
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "DisableSecurityHub");
    // Turned on since the audit: the enable will fail, and no undo disables it.
    FakeAwsClient on;
    on.on_json("securityhub", "DescribeHub",
               R"({"HubArn":"arn:aws:securityhub:eu-west-1:1:hub/default"})");
    const auto none = fixer.undo(on, e);
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
}

TEST(AccountFixSecurityHub, SubscribesToFoundationalBestPracticesWhenNoStandardIsOn) {
    const auto& fixer = account_fixer("7.0-01");
    auto e = account_failing("eu-west-1", "eu-west-1");
    e.observed_value = 0;
    const auto plan = fixer.plan(e);
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].operation, "BatchEnableStandards");
    EXPECT_EQ(plan->calls[0]
                  .params.at("StandardsSubscriptionRequests")
                  .at(0)
                  .at("StandardsArn")
                  .as_string(),
              "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/"
              "v/1.0.0");
    FakeAwsClient aws;
    const auto undo = fixer.undo(aws, e);
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "BatchDisableStandards");
    EXPECT_EQ((*undo)[0].params.at("StandardsSubscriptionArns").at(0).as_string(),
              "arn:aws:securityhub:eu-west-1:123456789012:subscription/"
              "aws-foundational-security-best-practices/v/1.0.0");
    e.account.clear();
    EXPECT_FALSE(fixer.plan(e));
}

// End to end: GapsFix.SecurityHub* (moto 5.2 has no GetEnabledStandards).

// ---- 8.0-01 security groups open to the internet ----

dspm::engine::Evaluation open_group() {
    auto e = account_failing("sg-0123", "eu-west-1");
    e.extra["offendingRules"] = json::parse(R"([
        {"rule":"tcp 22 from 0.0.0.0/0","IpProtocol":"tcp","FromPort":22,"ToPort":22,
         "cidr":"0.0.0.0/0","adminPort":true},
        {"rule":"tcp 22 from ::/0","IpProtocol":"tcp","FromPort":22,"ToPort":22,
         "cidr":"::/0","adminPort":true},
        {"rule":"all traffic from 0.0.0.0/0","IpProtocol":"-1","FromPort":null,"ToPort":null,
         "cidr":"0.0.0.0/0","adminPort":true}])");
    return e;
}

TEST(AccountFixOpenIngress, RevokesExactlyTheOffendingRangesAsHighRisk) {
    const auto plan = account_fixer("8.0-01").plan(open_group());
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    const auto& c = plan->calls[0];
    EXPECT_EQ(c.service, "ec2");
    EXPECT_EQ(c.operation, "RevokeSecurityGroupIngress");
    EXPECT_EQ(c.params.at("GroupId").as_string(), "sg-0123");
    EXPECT_EQ(c.params.at("IpPermissions"), json::parse(R"([
        {"IpProtocol":"tcp","IpRanges":[{"CidrIp":"0.0.0.0/0"}],"FromPort":22,"ToPort":22},
        {"IpProtocol":"tcp","Ipv6Ranges":[{"CidrIpv6":"::/0"}],"FromPort":22,"ToPort":22},
        {"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}])"));
    EXPECT_TRUE(plan->high_risk);
    EXPECT_TRUE(plan->reversible);
    EXPECT_NE(plan->risk.find("tcp 22 from 0.0.0.0/0"), std::string::npos);

    auto unnamed = open_group();
    unnamed.extra.erase("offendingRules");
    EXPECT_FALSE(account_fixer("8.0-01").plan(unnamed));
}

TEST(AccountFixOpenIngress, UndoAuthorizesWhatIsStillOpenWithItsDescription) {
    FakeAwsClient aws;
    // The ::/0 range went away since the audit: the undo must not open it.
    aws.on_json("ec2", "DescribeSecurityGroups", R"({"SecurityGroups":[{"GroupId":"sg-0123",
        "IpPermissions":[
          {"IpProtocol":"tcp","FromPort":22,"ToPort":22,
           "IpRanges":[{"CidrIp":"10.0.0.0/8"},{"CidrIp":"0.0.0.0/0","Description":"ssh"}]},
          {"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]}]})");
    const auto undo = account_fixer("8.0-01").undo(aws, open_group());
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "AuthorizeSecurityGroupIngress");
    EXPECT_EQ((*undo)[0].params.at("IpPermissions"), json::parse(R"([
        {"IpProtocol":"tcp","IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"ssh"}],
         "FromPort":22,"ToPort":22},
        {"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}])"));
    FakeAwsClient denied;
    denied.deny("ec2", "DescribeSecurityGroups", "ec2:DescribeSecurityGroups");
    EXPECT_FALSE(account_fixer("8.0-01").undo(denied, open_group()));
}

const std::string kOpenGroup =
    std::string(kSeedIds) +
    "ec2 = c('ec2')\n"
    "vpc = ec2.create_vpc(CidrBlock='10.7.0.0/16')['Vpc']['VpcId']\n"
    "g = ec2.create_security_group(GroupName='fix-open', Description='d', VpcId=vpc)['GroupId']\n"
    "ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[\n"
    "  {'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22, 'IpRanges': [{'CidrIp': '0.0.0.0/0', "
    "'Description': 'ssh'}, {'CidrIp': '10.0.0.0/8'}], 'Ipv6Ranges': [{'CidrIpv6': '::/0'}]},\n"
    "  {'IpProtocol': 'tcp', 'FromPort': 443, 'ToPort': 443, 'IpRanges': [{'CidrIp': "
    "'0.0.0.0/0'}]},\n"
    "  {'IpProtocol': 'tcp', 'FromPort': 3389, 'ToPort': 3389, 'IpRanges': [{'CidrIp': "
    "'0.0.0.0/0'}]}])\n";

// The group's inbound rules, order-free (EC2 lists re-added ranges last).
const char* kOpenGroupState =
    "ec2 = c('ec2')\n"
    "g = ec2.describe_security_groups(Filters=[{'Name': 'group-name', 'Values': "
    "['fix-open']}])['SecurityGroups'][0]\n"
    "rules = sorted(json.dumps([p['IpProtocol'], p.get('FromPort'), p.get('ToPort'), "
    "sorted(json.dumps(r, sort_keys=True) for r in p.get('IpRanges', []) + "
    "p.get('Ipv6Ranges', []))]) for p in g['IpPermissions'] if p.get('IpRanges') or "
    "p.get('Ipv6Ranges'))\n"
    "print(json.dumps(rules))\n";

TEST(AccountFixOpenIngress, EndToEndOnMoto) {
    ACCOUNT_SKIP_WITHOUT_MODELS({"ec2", "RevokeSecurityGroupIngress"},
                                {"ec2", "AuthorizeSecurityGroupIngress"});
    const std::string id = seeded_id(
        kOpenGroup,
        "print(c('ec2').describe_security_groups(Filters=[{'Name': 'group-name', 'Values': "
        "['fix-open']}])['SecurityGroups'][0]['GroupId'])\n");
    ASSERT_EQ(id.rfind("sg-", 0), 0u) << id;
    dspm::test::check_fix_case({"8.0-01", id, kOpenGroup, kOpenGroupState});
}

// ---- manual ----

TEST(AccountFixManual, ShieldAndMultiAzNameWhy) {
    for (const auto& [code, word] : {std::pair{"8.0-04", "3,000"}, std::pair{"9.0-02", "cost"}}) {
        const auto& fixer = account_fixer(code);
        const auto plan = fixer.plan(account_failing("thing", "eu-west-1"));
        ASSERT_FALSE(plan) << code << " must stay manual";
        EXPECT_NE(plan.error().find(word), std::string::npos) << code << ": " << plan.error();
        FakeAwsClient aws;
        const auto undo = fixer.undo(aws, account_failing("thing", "eu-west-1"));
        ASSERT_TRUE(undo);
        EXPECT_TRUE(undo->empty());
    }
}

}  // namespace
