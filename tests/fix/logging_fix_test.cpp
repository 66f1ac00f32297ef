// The logging group's fixers, each in its check's file: 3.0-01 CloudTrail (a new multi-region
// trail, or the failing trail's logging and validation), 3.0-03 the Config recorder (started, or
// created with the operator's role and bucket), 3.0-05 VPC flow logs into the operator's bucket
// (the undo found by tag): the requests, the undo they read, end to end on moto.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>

#include "checks/check.hpp"
#include "checks/fix.hpp"
#include "engine/fake_aws.hpp"
#include "fix/fix_case.hpp"

namespace {

namespace json = boost::json;
using dspm::aws::ErrorKind;
using dspm::test::FakeAwsClient;

const dspm::checks::Fixer& fixer_of(const char* code) {
    const auto* check = dspm::checks::find_check(code);
    EXPECT_NE(check, nullptr) << code;
    EXPECT_NE(check->fixer(), nullptr) << code;
    return *check->fixer();
}

dspm::engine::Evaluation failing(const std::string& resource, const std::string& region) {
    dspm::engine::Evaluation e;
    e.resource_id = resource;
    e.region = region;
    e.account = "123456789012";
    e.status = dspm::engine::Status::non_compliant;
    return e;
}

// moto's ids are random unless seeded: the same seed before the same calls gives the same ids.
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

// ---- 3.0-05 VPC flow logs ----

TEST(FlowLogsFix, WithoutABucketItStaysManualAndSaysWhatToPass) {
    const auto plan = fixer_of("3.0-05").plan(failing("vpc-0a1b2c3d", "eu-west-1"));
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.error().find("log_bucket"), std::string::npos) << plan.error();
    EXPECT_NE(plan.error().find("delivery.logs.amazonaws.com"), std::string::npos);
}

TEST(FlowLogsFix, PlansAllTrafficOfTheVpcIntoTheBucketTagged) {
    const auto plan = fixer_of("3.0-05").plan_with(failing("vpc-0a1b2c3d", "eu-west-1"),
                                                   {{"log_bucket", "net-logs"}});
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    const auto& c = plan->calls[0];
    EXPECT_EQ(c.service, "ec2");
    EXPECT_EQ(c.operation, "CreateFlowLogs");
    EXPECT_EQ(c.params.at("ResourceIds"), (json::array{"vpc-0a1b2c3d"}));
    EXPECT_EQ(c.params.at("ResourceType").as_string(), "VPC");
    EXPECT_EQ(c.params.at("TrafficType").as_string(), "ALL");
    EXPECT_EQ(c.params.at("LogDestinationType").as_string(), "s3");
    EXPECT_EQ(c.params.at("LogDestination").as_string(), "arn:aws:s3:::net-logs");
    const auto& spec = c.params.at("TagSpecifications").at(0);
    EXPECT_EQ(spec.at("ResourceType").as_string(), "vpc-flow-log");
    EXPECT_EQ(spec.at("Tags").at(0).at("Key").as_string(), "dspm-audit:fix");
    EXPECT_TRUE(plan->reversible);
    EXPECT_FALSE(plan->high_risk);
    EXPECT_NE(plan->risk.find("net-logs"), std::string::npos) << plan->risk;
    const auto& actions = plan->iam_actions;
    for (const char* a : {"ec2:CreateFlowLogs", "logs:CreateLogDelivery", "ec2:DeleteFlowLogs"})
        EXPECT_NE(std::find(actions.begin(), actions.end(), a), actions.end()) << a;

    const auto prefixed = fixer_of("3.0-05").plan_with(
        failing("vpc-0a1b2c3d", "eu-west-1"), {{"log_bucket", "net-logs"}, {"log_prefix", "vpc"}});
    ASSERT_TRUE(prefixed) << prefixed.error();
    EXPECT_EQ(prefixed->calls[0].params.at("LogDestination").as_string(),
              "arn:aws:s3:::net-logs/vpc/");
}

TEST(FlowLogsFix, RefusesBucketsAndPrefixesAwsWouldRefuse) {
    const auto vpc = failing("vpc-0a1b2c3d", "eu-west-1");
    EXPECT_FALSE(fixer_of("3.0-05").plan_with(vpc, {{"log_bucket", "Net_Logs"}}));
    for (const char* prefix : {"/abs", "x/AWSLogs/y", ""}) {
        const auto refused =
            fixer_of("3.0-05").plan_with(vpc, {{"log_bucket", "net-logs"}, {"log_prefix", prefix}});
        ASSERT_FALSE(refused) << prefix;
        EXPECT_NE(refused.error().find("log_prefix"), std::string::npos) << refused.error();
    }
}

TEST(FlowLogsFix, UndoDeletesOnlyTheFlowLogsTheFixTagged) {
    FakeAwsClient aws;
    const auto vpc = failing("vpc-0a1b2c3d", "eu-west-1");
    const auto undo = fixer_of("3.0-05").undo(aws, vpc);
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "DeleteFlowLogs");
    EXPECT_TRUE(aws.calls().empty()) << "the flow log does not exist before the write";

    // At undo time the tagged flow log of that VPC is found (DescribeFlowLogs' documented shape).
    aws.on_json("ec2", "DescribeFlowLogs",
                R"({"FlowLogs":[{"FlowLogId":"fl-0123456789abcdef0","ResourceId":"vpc-0a1b2c3d",
                    "FlowLogStatus":"ACTIVE","LogDestinationType":"s3",
                    "Tags":[{"Key":"dspm-audit:fix","Value":"3.0-05"}]}]})");
    const auto prepared = fixer_of("3.0-05").prepare(aws, vpc, *undo);
    ASSERT_TRUE(prepared);
    EXPECT_EQ((*prepared)[0].params.at("FlowLogIds"), (json::array{"fl-0123456789abcdef0"}));
    const auto calls = aws.calls();
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].op, "ec2:DescribeFlowLogs");
    EXPECT_EQ(calls[0].region, "eu-west-1");
    const json::value asked = json::parse(calls[0].params);
    const json::array filters = asked.at("Filter").as_array();
    ASSERT_EQ(filters.size(), 2u);
    EXPECT_EQ(filters[0].at("Name").as_string(), "resource-id");
    EXPECT_EQ(filters[0].at("Values"), (json::array{"vpc-0a1b2c3d"}));
    EXPECT_EQ(filters[1].at("Name").as_string(), "tag-key");
}

TEST(FlowLogsFix, UndoFailsWhenTheCreatedFlowLogIsGone) {
    FakeAwsClient aws;
    aws.on_json("ec2", "DescribeFlowLogs", R"({"FlowLogs":[]})");
    const auto vpc = failing("vpc-0a1b2c3d", "eu-west-1");
    const auto prepared = fixer_of("3.0-05").prepare(aws, vpc, *fixer_of("3.0-05").undo(aws, vpc));
    ASSERT_FALSE(prepared);
    EXPECT_NE(prepared.error().message.find("gone"), std::string::npos);
}

const std::string kVpcSeed = std::string(kSeedIds) +
                             "c('ec2').create_vpc(CidrBlock='10.42.0.0/16', TagSpecifications=["
                             "{'ResourceType': 'vpc', 'Tags': [{'Key': 'Name', 'Value': "
                             "'fix-flow'}]}])\n"
                             "c('s3').create_bucket(Bucket='fix-flow-logs')\n";

TEST(FlowLogsFix, EndToEndOnMoto) {
    const std::string vpc = seeded_id(
        kVpcSeed,
        "print(c('ec2').describe_vpcs(Filters=[{'Name': 'tag:Name', 'Values': ['fix-flow']}])"
        "['Vpcs'][0]['VpcId'])\n");
    ASSERT_EQ(vpc.rfind("vpc-", 0), 0u) << vpc;
    dspm::test::check_fix_case(
        {"3.0-05",
         vpc,
         kVpcSeed,
         "r = c('ec2').describe_flow_logs(Filters=[{'Name': 'resource-id', 'Values': ['" + vpc +
             "']}])['FlowLogs']\n"
             "print(json.dumps(sorted([f['LogDestination'], f['TrafficType']] for f in r)))\n",
         "us-east-1",
         {"--param", "log_bucket=fix-flow-logs"}});
}

// ---- 3.0-01 CloudTrail ----

// The region's evaluation as the check makes it: extra.candidates lists the covering recorders.
dspm::engine::Evaluation trail_region(const std::string& region, json::array candidates) {
    auto e = failing(region, region);
    e.extra["candidates"] = std::move(candidates);
    return e;
}

json::object quiet_trail(const std::string& home) {
    return json::object{
        {"kind", "trail"},
        {"name", "org"},
        {"arn", "arn:aws:cloudtrail:" + home + ":123456789012:trail/org"},
        {"homeRegion", home},
        {"allRegions", true},
        {"status", "fails"},
        {"observed",
         {{"IsLogging", false}, {"LogFileValidationEnabled", false}, {"ManagementEvents", "All"}}}};
}

TEST(CloudTrailFix, NoTrailNeedsTheBucketThenCreatesAMultiRegionTrailThatLogs) {
    const auto region = trail_region("eu-west-1", json::array{});
    const auto missing = fixer_of("3.0-01").plan(region);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("trail_bucket"), std::string::npos) << missing.error();
    const auto plan = fixer_of("3.0-01").plan_with(region, {{"trail_bucket", "org-trail"}});
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 3u);
    const auto& create = plan->calls[0];
    EXPECT_EQ(create.operation, "CreateTrail");
    EXPECT_EQ(create.params.at("S3BucketName").as_string(), "org-trail");
    EXPECT_TRUE(create.params.at("IsMultiRegionTrail").as_bool());
    EXPECT_TRUE(create.params.at("EnableLogFileValidation").as_bool());
    EXPECT_EQ(plan->calls[1].operation, "PutEventSelectors");
    EXPECT_EQ(plan->calls[1].params.at("EventSelectors").at(0).at("ReadWriteType").as_string(),
              "All");
    EXPECT_EQ(plan->calls[2].operation, "StartLogging");
    EXPECT_EQ(plan->calls[2].params.at("Name"), create.params.at("Name"));
    EXPECT_TRUE(plan->reversible);
    EXPECT_FALSE(fixer_of("3.0-01").plan_with(region, {{"trail_bucket", "Org Trail"}}));
}

TEST(CloudTrailFix, AFailingTrailIsStartedAndValidatesItsFilesInItsHomeRegion) {
    const auto plan =
        fixer_of("3.0-01").plan(trail_region("eu-west-1", json::array{quiet_trail("eu-west-1")}));
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 2u);
    EXPECT_EQ(plan->calls[0].operation, "UpdateTrail");
    EXPECT_EQ(plan->calls[0].params,
              (json::object{{"Name", "org"}, {"EnableLogFileValidation", true}}));
    EXPECT_EQ(plan->calls[1].operation, "StartLogging");

    // An organization trail seen from a member account: only its owner can change it.
    auto org = quiet_trail("eu-west-1");
    org["arn"] = "arn:aws:cloudtrail:eu-west-1:999999999999:trail/org";
    const auto member = fixer_of("3.0-01").plan(trail_region("eu-west-1", json::array{org}));
    ASSERT_FALSE(member);
    EXPECT_NE(member.error().find("999999999999"), std::string::npos) << member.error();

    const auto elsewhere =
        fixer_of("3.0-01").plan(trail_region("eu-west-1", json::array{quiet_trail("us-east-1")}));
    ASSERT_FALSE(elsewhere);
    EXPECT_NE(elsewhere.error().find("--region us-east-1"), std::string::npos) << elsewhere.error();
}

TEST(CloudTrailFix, ManagementEventsThatAreNotAllStayManual) {
    auto trail = quiet_trail("eu-west-1");
    trail["observed"].as_object()["ManagementEvents"] = "WriteOnly";
    const auto plan = fixer_of("3.0-01").plan(trail_region("eu-west-1", json::array{trail}));
    ASSERT_FALSE(plan);
    EXPECT_NE(plan.error().find("WriteOnly"), std::string::npos) << plan.error();
    EXPECT_NE(plan.error().find("data event"), std::string::npos) << plan.error();
}

TEST(CloudTrailFix, UndoOfTheCreateDeletesOnlyATrailThatWasNotThere) {
    const auto region = trail_region("eu-west-1", json::array{});
    FakeAwsClient aws;
    aws.fail("cloudtrail", "GetTrail",
             FakeAwsClient::error(ErrorKind::not_found, "cloudtrail", "GetTrail",
                                  "TrailNotFoundException"));
    const auto undo = fixer_of("3.0-01").undo(aws, region);
    ASSERT_TRUE(undo) << undo.error().message;
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "DeleteTrail");

    FakeAwsClient taken;
    taken.on_json("cloudtrail", "GetTrail",
                  R"({"Trail":{"Name":"dspm-audit-trail","S3BucketName":"someone-elses"}})");
    const auto refused = fixer_of("3.0-01").undo(taken, region);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("exists"), std::string::npos);
}

TEST(CloudTrailFix, UndoOfARepairPutsBackWhatWasRead) {
    FakeAwsClient aws;
    aws.on_json(
        "cloudtrail", "GetTrail",
        R"({"Trail":{"Name":"org","LogFileValidationEnabled":false,"HomeRegion":"eu-west-1"}})");
    aws.on_json("cloudtrail", "GetTrailStatus", R"({"IsLogging":false})");
    const auto undo = fixer_of("3.0-01").undo(
        aws, trail_region("eu-west-1", json::array{quiet_trail("eu-west-1")}));
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 2u);
    EXPECT_EQ((*undo)[0].operation, "UpdateTrail");
    EXPECT_FALSE((*undo)[0].params.at("EnableLogFileValidation").as_bool());
    EXPECT_EQ((*undo)[1].operation, "StopLogging");
}

TEST(CloudTrailFix, EndToEndOnMotoFromNoTrail) {
    dspm::test::check_fix_case(
        {"3.0-01",
         "us-east-1",
         "c('s3').create_bucket(Bucket='fix-trail-logs')\n",
         "ct = c('cloudtrail')\n"
         "print(json.dumps([[t['Name'], t['IsMultiRegionTrail'], t['LogFileValidationEnabled'], "
         "ct.get_trail_status(Name=t['Name'])['IsLogging']] for t in "
         "ct.describe_trails()['trailList']]))\n",
         "us-east-1",
         {"--param", "trail_bucket=fix-trail-logs"}});
}

TEST(CloudTrailFix, EndToEndOnMotoFromAQuietTrail) {
    dspm::test::check_fix_case(
        {"3.0-01", "us-east-1",
         "c('s3').create_bucket(Bucket='fix-quiet-logs')\n"
         "ct = c('cloudtrail')\n"
         "ct.create_trail(Name='fix-quiet', S3BucketName='fix-quiet-logs', "
         "IsMultiRegionTrail=True)\n"
         "ct.put_event_selectors(TrailName='fix-quiet', EventSelectors=[{'ReadWriteType': 'All', "
         "'IncludeManagementEvents': True}])\n",
         "ct = c('cloudtrail')\n"
         "t = ct.get_trail(Name='fix-quiet')['Trail']\n"
         "print(json.dumps([t['LogFileValidationEnabled'], "
         "ct.get_trail_status(Name='fix-quiet')['IsLogging']]))\n"});
}

// ---- 3.0-03 Config recorder ----

dspm::engine::Evaluation config_region(json::array recorders) {
    auto e = failing("eu-west-1", "eu-west-1");
    e.extra["recorders"] = std::move(recorders);
    return e;
}

const char* kConfigRole = "arn:aws:iam::123456789012:role/service-role/config-recorder";

TEST(ConfigRecorderFix, AStoppedRecorderIsStartedAndTheUndoStopsIt) {
    const auto e = config_region(json::array{
        json::object{{"name", "default"}, {"recording", false}, {"lastStatus", "Success"}}});
    const auto plan = fixer_of("3.0-03").plan(e);
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].operation, "StartConfigurationRecorder");
    EXPECT_EQ(plan->calls[0].params, (json::object{{"ConfigurationRecorderName", "default"}}));
    FakeAwsClient aws;
    const auto undo = fixer_of("3.0-03").undo(aws, e);
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "StopConfigurationRecorder");
}

TEST(ConfigRecorderFix, NoRecorderNeedsTheRoleAndTheBucket) {
    const auto e = config_region(json::array{});
    const auto missing = fixer_of("3.0-03").plan(e);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("IAM role"), std::string::npos) << missing.error();
    EXPECT_NE(missing.error().find("config_bucket"), std::string::npos) << missing.error();
    EXPECT_FALSE(fixer_of("3.0-03").plan_with(e, {{"config_role", kConfigRole}}));
    for (const char* bad :
         {"config-recorder", "arn:aws:iam::1234:role/x", "arn:aws:iam::123456789012:user/x",
          "arn:aws:iam::123456789012:role/", "arn:aws:iam::123456789012:role/a b"}) {
        const auto refused = fixer_of("3.0-03").plan_with(
            e, {{"config_role", bad}, {"config_bucket", "config-logs"}});
        ASSERT_FALSE(refused) << bad;
        EXPECT_NE(refused.error().find("config_role"), std::string::npos) << refused.error();
    }
    // Roles of the other partitions are roles too; a made-up partition is not.
    EXPECT_TRUE(fixer_of("3.0-03").plan_with(
        e, {{"config_role", "arn:aws-cn:iam::123456789012:role/config"},
            {"config_bucket", "config-logs"}}));
    EXPECT_FALSE(fixer_of("3.0-03").plan_with(
        e, {{"config_role", "arn:aws-moon:iam::123456789012:role/config"},
            {"config_bucket", "config-logs"}}));
}

TEST(ConfigRecorderFix, NoRecorderCreatesRecorderAndChannelThenStarts) {
    const auto plan = fixer_of("3.0-03").plan_with(
        config_region(json::array{}), {{"config_role", kConfigRole}, {"config_bucket", "cfg"}});
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 3u);
    EXPECT_EQ(plan->calls[0].operation, "PutConfigurationRecorder");
    const auto& recorder = plan->calls[0].params.at("ConfigurationRecorder");
    EXPECT_EQ(recorder.at("roleARN").as_string(), kConfigRole);
    EXPECT_TRUE(recorder.at("recordingGroup").at("allSupported").as_bool());
    EXPECT_EQ(plan->calls[1].operation, "PutDeliveryChannel");
    EXPECT_EQ(plan->calls[1].params.at("DeliveryChannel").at("s3BucketName").as_string(), "cfg");
    EXPECT_EQ(plan->calls[2].operation, "StartConfigurationRecorder");
    const auto& actions = plan->iam_actions;
    EXPECT_NE(std::find(actions.begin(), actions.end(), "iam:PassRole"), actions.end());
}

TEST(ConfigRecorderFix, UndoOfTheCreateRemovesBothAndRefusesToTakeOverAChannel) {
    FakeAwsClient aws;
    aws.on_json("config", "DescribeDeliveryChannels", R"({"DeliveryChannels":[]})");
    const auto undo = fixer_of("3.0-03").undo(aws, config_region(json::array{}));
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 3u);
    EXPECT_EQ((*undo)[0].operation, "StopConfigurationRecorder");
    EXPECT_EQ((*undo)[1].operation, "DeleteDeliveryChannel");
    EXPECT_EQ((*undo)[2].operation, "DeleteConfigurationRecorder");

    FakeAwsClient taken;
    taken.on_json("config", "DescribeDeliveryChannels",
                  R"({"DeliveryChannels":[{"name":"audit","s3BucketName":"central-config"}]})");
    const auto refused = fixer_of("3.0-03").undo(taken, config_region(json::array{}));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("audit"), std::string::npos);
}

TEST(ConfigRecorderFix, EndToEndOnMotoFromNoRecorder) {
    dspm::test::check_fix_case(
        {"3.0-03",
         "us-east-1",
         "c('s3').create_bucket(Bucket='fix-config-logs')\n",
         "cf = c('config')\n"
         "print(json.dumps([[r['name'], r['recording']] for r in "
         "cf.describe_configuration_recorder_status()['ConfigurationRecordersStatus']] + "
         "[d['s3BucketName'] for d in cf.describe_delivery_channels()['DeliveryChannels']]))\n",
         "us-east-1",
         {"--param", std::string("config_role=") + kConfigRole, "--param",
          "config_bucket=fix-config-logs"}});
}

TEST(ConfigRecorderFix, EndToEndOnMotoFromAStoppedRecorder) {
    dspm::test::check_fix_case(
        {"3.0-03", "us-east-1",
         "c('s3').create_bucket(Bucket='fix-config-stopped')\n"
         "cf = c('config')\n"
         "cf.put_configuration_recorder(ConfigurationRecorder={'name': 'default', 'roleARN': '" +
             std::string(kConfigRole) +
             "'})\n"
             "cf.put_delivery_channel(DeliveryChannel={'name': 'default', 's3BucketName': "
             "'fix-config-stopped'})\n",
         "print(json.dumps([r['recording'] for r in c('config')."
         "describe_configuration_recorder_status()['ConfigurationRecordersStatus']]))\n"});
}

}  // namespace
