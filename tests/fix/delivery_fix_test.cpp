// 2.0-15 CloudFront viewer protocol (with the ETag) and 3.0-07 ELB access logs (a parameter the
// operator names) end to end on moto, and their plans.
#include <gtest/gtest.h>

#include "checks/check.hpp"
#include "checks/fix.hpp"
#include "fix/fix_case.hpp"

namespace {

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

}  // namespace
