// 2.0-15 CloudFront viewer protocol (with the ETag), 3.0-07 ELB access logs and 14.0-02 S3 server
// access logging (a bucket the operator names) end to end on moto, and their plans.
#include <gtest/gtest.h>

#include "checks/check.hpp"
#include "checks/fix.hpp"
#include "engine/fake_aws.hpp"
#include "fix/fix_case.hpp"

namespace {

namespace json = boost::json;

TEST(CloudFrontHttpsFix, CompletesTheConfigurationWithTheETagAtApplyTime) {
    const auto* check = dspm::checks::find_check("2.0-15");
    ASSERT_NE(check->fixer(), nullptr);
    dspm::engine::Evaluation e;
    e.resource_id = "E123";
    const auto plan = check->fixer()->plan(e);
    ASSERT_TRUE(plan);
    EXPECT_EQ(plan->calls.at(0).operation, "UpdateDistribution");
    EXPECT_EQ(plan->calls.at(0).params.at("Id").as_string(), "E123");
}

// moto's distribution: a default behaviour that allows plain HTTP.
const char* kDistribution =
    "cf = c('cloudfront')\n"
    "cf.create_distribution(DistributionConfig={'CallerReference': 'fix', 'Comment': 'x',"
    " 'Enabled': True, 'Origins': {'Quantity': 1, 'Items': [{'Id': 'o', 'DomainName':"
    " 'example.s3.amazonaws.com', 'S3OriginConfig': {'OriginAccessIdentity': ''}}]},"
    " 'DefaultCacheBehavior': {'TargetOriginId': 'o', 'ViewerProtocolPolicy': 'allow-all',"
    " 'MinTTL': 0, 'ForwardedValues': {'QueryString': False, 'Cookies': {'Forward': 'none'}},"
    " 'TrustedSigners': {'Enabled': False, 'Quantity': 0}}})\n";

TEST(CloudFrontHttpsFix, EndToEndOnMoto) {
    dspm::test::check_fix_case(
        {"2.0-15", "", kDistribution,
         "cf = c('cloudfront')\n"
         "i = cf.list_distributions()['DistributionList']['Items'][0]['Id']\n"
         "d = cf.get_distribution_config(Id=i)['DistributionConfig']\n"
         "print(d['DefaultCacheBehavior']['ViewerProtocolPolicy'])\n"});
}

TEST(ElbAccessLogsFix, NeedsTheBucketAndThenSetsTheThreeAttributes) {
    const auto* check = dspm::checks::find_check("3.0-07");
    ASSERT_NE(check->fixer(), nullptr);
    dspm::engine::Evaluation e;
    e.resource_id = "web";
    e.extra["LoadBalancerArn"] = "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/web/1";
    const auto missing = check->fixer()->plan(e);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("log_bucket"), std::string::npos);
    const auto plan = check->fixer()->plan_with(e, {{"log_bucket", "elb-logs"}});
    ASSERT_TRUE(plan) << plan.error();
    const auto& attrs = plan->calls.at(0).params.at("Attributes").as_array();
    EXPECT_EQ(attrs.size(), 3u);
    EXPECT_EQ(attrs[1].at("Value").as_string(), "elb-logs");
}

TEST(ElbAccessLogsFix, EndToEndOnMoto) {
    dspm::test::check_fix_case(
        {"3.0-07",
         "fix-alb",
         "ec2 = c('ec2')\n"
         "vpc = ec2.create_vpc(CidrBlock='10.9.0.0/16')['Vpc']['VpcId']\n"
         "a = ec2.create_subnet(VpcId=vpc, CidrBlock='10.9.1.0/24', "
         "AvailabilityZone='us-east-1a')['Subnet']['SubnetId']\n"
         "b = ec2.create_subnet(VpcId=vpc, CidrBlock='10.9.2.0/24', "
         "AvailabilityZone='us-east-1b')['Subnet']['SubnetId']\n"
         "c('s3').create_bucket(Bucket='elb-logs')\n"
         "c('elbv2').create_load_balancer(Name='fix-alb', Subnets=[a, b], Type='application')\n",
         "e = c('elbv2')\n"
         "arn = e.describe_load_balancers(Names=['fix-alb'])['LoadBalancers'][0]"
         "['LoadBalancerArn']\n"
         "a = {x['Key']: x['Value'] for x in "
         "e.describe_load_balancer_attributes(LoadBalancerArn=arn)['Attributes'] "
         "if x['Key'].startswith('access_logs')}\n"
         // AWS always answers the attribute; moto leaves it out until it is first set.
         "a.setdefault('access_logs.s3.enabled', 'false')\n"
         "print(json.dumps(a, sort_keys=True))\n",
         "us-east-1",
         {"--param", "log_bucket=elb-logs"}});
}

// ---- 14.0-02 S3 server access logging ----

dspm::engine::Evaluation failing_bucket(const std::string& bucket) {
    dspm::engine::Evaluation e;
    e.resource_id = bucket;
    e.region = "eu-west-1";
    e.status = dspm::engine::Status::non_compliant;
    return e;
}

const dspm::checks::Fixer& access_logging_fixer() {
    const auto* check = dspm::checks::find_check("14.0-02");
    EXPECT_NE(check, nullptr);
    EXPECT_NE(check->fixer(), nullptr);
    return *check->fixer();
}

TEST(S3AccessLoggingFix, WithoutATargetBucketItStaysManualAndSaysWhatToPass) {
    const auto missing = access_logging_fixer().plan(failing_bucket("data"));
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("log_bucket"), std::string::npos) << missing.error();
    EXPECT_NE(missing.error().find("logging.s3.amazonaws.com"), std::string::npos);
}

TEST(S3AccessLoggingFix, PlansPutBucketLoggingIntoTheNamedBucketUnderThePrefix) {
    const auto plan =
        access_logging_fixer().plan_with(failing_bucket("data"), {{"log_bucket", "audit-logs"}});
    ASSERT_TRUE(plan) << plan.error();
    ASSERT_EQ(plan->calls.size(), 1u);
    EXPECT_EQ(plan->calls[0].service, "s3");
    EXPECT_EQ(plan->calls[0].operation, "PutBucketLogging");
    const json::object enabled{{"TargetBucket", "audit-logs"}, {"TargetPrefix", "data/"}};
    EXPECT_EQ(
        plan->calls[0].params,
        (json::object{{"Bucket", "data"}, {"BucketLoggingStatus", {{"LoggingEnabled", enabled}}}}));
    EXPECT_EQ(plan->expected_after, json::value(enabled));
    EXPECT_TRUE(plan->reversible);
    EXPECT_FALSE(plan->high_risk);
    EXPECT_NE(plan->risk.find("audit-logs"), std::string::npos) << plan->risk;

    const auto prefixed = access_logging_fixer().plan_with(
        failing_bucket("data"), {{"log_bucket", "audit-logs"}, {"log_prefix", "s3/data/"}});
    ASSERT_TRUE(prefixed) << prefixed.error();
    EXPECT_EQ(prefixed->calls[0]
                  .params.at("BucketLoggingStatus")
                  .at("LoggingEnabled")
                  .at("TargetPrefix")
                  .as_string(),
              "s3/data/");
}

TEST(S3AccessLoggingFix, RefusesTheBucketItselfAndNamesThatAreNotBuckets) {
    const auto self =
        access_logging_fixer().plan_with(failing_bucket("data"), {{"log_bucket", "data"}});
    ASSERT_FALSE(self);
    EXPECT_NE(self.error().find("itself"), std::string::npos) << self.error();
    for (const char* bad :
         {"Logs", "a", "-logs", "logs-", "lo..gs", "10.0.0.1", "logs/x", "logs bucket",
          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
        const auto refused =
            access_logging_fixer().plan_with(failing_bucket("data"), {{"log_bucket", bad}});
        ASSERT_FALSE(refused) << bad;
        EXPECT_NE(refused.error().find("not a bucket name"), std::string::npos) << refused.error();
    }
    EXPECT_TRUE(access_logging_fixer().plan_with(failing_bucket("data"),
                                                 {{"log_bucket", "logs.example-1"}}));
}

TEST(S3AccessLoggingFix, UndoTurnsLoggingOffWhenThereWasNone) {
    dspm::test::FakeAwsClient aws;
    aws.on_json("s3", "GetBucketLogging", "{}");  // AWS: <BucketLoggingStatus/> when off
    const auto undo = access_logging_fixer().undo(aws, failing_bucket("data"));
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].operation, "PutBucketLogging");
    EXPECT_EQ((*undo)[0].params,
              (json::object{{"Bucket", "data"}, {"BucketLoggingStatus", json::object{}}}));
}

TEST(S3AccessLoggingFix, UndoPutsBackThePreviousTarget) {
    dspm::test::FakeAwsClient aws;
    aws.on_json("s3", "GetBucketLogging",
                R"({"LoggingEnabled":{"TargetBucket":"old-logs","TargetPrefix":"x/"}})");
    const auto undo = access_logging_fixer().undo(aws, failing_bucket("data"));
    ASSERT_TRUE(undo);
    ASSERT_EQ(undo->size(), 1u);
    EXPECT_EQ((*undo)[0].params.at("BucketLoggingStatus").at("LoggingEnabled"),
              (json::object{{"TargetBucket", "old-logs"}, {"TargetPrefix", "x/"}}));
}

TEST(S3AccessLoggingFix, AFailedReadWritesNothing) {
    dspm::test::FakeAwsClient aws;
    aws.deny("s3", "GetBucketLogging", "s3:GetBucketLogging");
    EXPECT_FALSE(access_logging_fixer().undo(aws, failing_bucket("data")));
}

// moto checks what S3 checks: the target bucket exists in the same region and its policy lets
// logging.s3.amazonaws.com put objects (or its ACL grants the log-delivery group).
TEST(S3AccessLoggingFix, EndToEndOnMoto) {
    dspm::test::check_fix_case(
        {"14.0-02",
         "fix-logged-data",
         "s3 = c('s3')\n"
         "s3.create_bucket(Bucket='fix-logged-data')\n"
         "s3.create_bucket(Bucket='fix-access-logs')\n"
         "s3.put_bucket_policy(Bucket='fix-access-logs', Policy=json.dumps({'Version': "
         "'2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'Service': "
         "'logging.s3.amazonaws.com'}, 'Action': ['s3:PutObject'], 'Resource': "
         "'arn:aws:s3:::fix-access-logs/*'}]}))\n",
         "r = c('s3').get_bucket_logging(Bucket='fix-logged-data')\n"
         "print(json.dumps(r.get('LoggingEnabled'), sort_keys=True))\n",
         "us-east-1",
         {"--param", "log_bucket=fix-access-logs"}});
}

}  // namespace
