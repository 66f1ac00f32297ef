// Issue 10 section 3, "per resource where AWS lets us": checks that only asked whether something of
// a kind existed in the region, on answers shaped as AWS documents them (botocore service-2.json
// shapes): 7.0-03 CloudWatch alarms that would notify (enabled alarm actions, not auto-scaling's),
// 9.0-03 backup plans copying to another region or account, 4.0-07 / 9.0-07 each EBS volume
// scheduled by a DLM policy or protected by AWS Backup, 6.0-04 each resource Inspector covers by
// its scan status.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "aws/iam_actions.hpp"
#include "checks/check.hpp"
#include "engine/check_fixture.hpp"
#include "engine/fake_aws.hpp"
#include "inventory/facts.hpp"

namespace {

namespace json = boost::json;
using dspm::engine::Evaluation;
using dspm::engine::MappingResult;
using dspm::engine::Status;
using dspm::test::FakeAwsClient;
using dspm::test::missing_permissions;
using Result = FakeAwsClient::Result;
using Fixture = dspm::test::CheckFixture;

const Evaluation* eval_of(const MappingResult& r, const std::string& id) {
    for (const auto& e : r.evaluations)
        if (e.resource_id == id) return &e;
    return nullptr;
}

std::string note_of(const Evaluation& e) {
    const auto* n = e.extra.if_contains("note");
    return n != nullptr && n->is_string() ? std::string(n->get_string()) : std::string();
}

// ---------------------------------------------------------------------------------------------
// 7.0-03 CloudWatch alarms

// A target-tracking alarm as Application Auto Scaling creates it (name, description, actions).
constexpr const char* kTargetTracking = R"({
  "AlarmName":"TargetTracking-table/orders-AlarmHigh-0b7a1c2e-1f0e-4c3b-9f57-8f2a5c1d2e3f",
  "AlarmArn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:TargetTracking-table/orders-AlarmHigh-0b7a1c2e-1f0e-4c3b-9f57-8f2a5c1d2e3f",
  "AlarmDescription":"DO NOT EDIT OR DELETE. For TargetTrackingScaling policy arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1a2b:resource/dynamodb/table/orders:policyName/p",
  "ActionsEnabled":true,
  "AlarmActions":["arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1a2b:resource/dynamodb/table/orders:policyName/p"],
  "OKActions":[],"InsufficientDataActions":[],"StateValue":"OK","MetricName":"ConsumedWriteCapacityUnits",
  "Namespace":"AWS/DynamoDB","Statistic":"Sum","Period":60,"EvaluationPeriods":2,"Threshold":42.0,
  "ComparisonOperator":"GreaterThanThreshold"})";

std::string alarm(const std::string& name, bool enabled, const std::string& alarm_actions,
                  const std::string& ok_actions = "[]") {
    return R"({"AlarmName":")" + name +
           R"(","AlarmArn":"arn:aws:cloudwatch:us-east-1:123456789012:alarm:)" + name +
           R"(","ActionsEnabled":)" + (enabled ? "true" : "false") + R"(,"AlarmActions":)" +
           alarm_actions + R"(,"OKActions":)" + ok_actions +
           R"(,"InsufficientDataActions":[],"StateValue":"OK","MetricName":"CPUUtilization",)"
           R"("Namespace":"AWS/EC2","Statistic":"Average","Period":300,"EvaluationPeriods":1,)"
           R"("Threshold":80.0,"ComparisonOperator":"GreaterThanOrEqualToThreshold"})";
}

constexpr const char* kSns = R"(["arn:aws:sns:us-east-1:123456789012:ops"])";

TEST(VerdictCloudWatchAlarms, OnlyEnabledAlarmActionsCountAutoScalingAlarmsDoNot) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1", "ap-south-1"};
    f.aws->on("cloudwatch", "DescribeAlarms", [](const json::object&, const std::string& region) {
        std::string metric;
        if (region == "us-east-1")
            metric = std::string(kTargetTracking) + "," + alarm("cpu-disabled", false, kSns) + "," +
                     alarm("cpu-ok-only", true, "[]", kSns) + "," + alarm("cpu-high", true, kSns);
        else if (region == "eu-west-1")
            // Only alarms that notify no one on a breach.
            metric = std::string(kTargetTracking) + "," + alarm("cpu-disabled", false, kSns) + "," +
                     alarm("cpu-silent", true, "[]");
        return Result(json::parse(R"({"MetricAlarms":[)" + metric + R"(],"CompositeAlarms":[]})"));
    });
    auto r = f.run("7.0-03");
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(r.status, Status::non_compliant);

    const auto* us = eval_of(r, "us-east-1");
    ASSERT_NE(us, nullptr);
    EXPECT_EQ(us->status, Status::compliant);
    EXPECT_EQ(us->observed_value, json::value(1));
    const auto& counted = us->extra.at("alarmsCounted").as_array();
    ASSERT_EQ(counted.size(), 1u);
    EXPECT_EQ(counted[0].at("AlarmName"), "cpu-high");
    const auto& not_counted = us->extra.at("alarmsNotCounted").as_array();
    ASSERT_EQ(not_counted.size(), 3u);
    std::map<std::string, std::string> why;
    for (const auto& a : not_counted)
        why[std::string(a.at("AlarmName").as_string())] = std::string(a.at("reason").as_string());
    EXPECT_NE(why.begin()->second.find("target-tracking"), std::string::npos);
    EXPECT_EQ(why.at("cpu-disabled"), "ActionsEnabled is false");
    EXPECT_NE(why.at("cpu-ok-only").find("only OK"), std::string::npos);

    const auto* eu = eval_of(r, "eu-west-1");
    ASSERT_NE(eu, nullptr);
    EXPECT_EQ(eu->status, Status::non_compliant);
    EXPECT_EQ(eu->observed_value, json::value(0));
    EXPECT_EQ(eu->extra.at("notCounted"), json::value(3));
    EXPECT_NE(note_of(*eu).find("every alarm"), std::string::npos);

    // No alarm at all: alarms are the control, the region fails.
    const auto* ap = eval_of(r, "ap-south-1");
    ASSERT_NE(ap, nullptr);
    EXPECT_EQ(ap->status, Status::non_compliant);
    EXPECT_EQ(note_of(*ap), "no alarm in the region");
    EXPECT_EQ(r.evidence.at("regionsWithAlarms"), json::value(1));
}

TEST(VerdictCloudWatchAlarms, CompositeAlarmWithActionsCountsDenialIsError) {
    {
        Fixture f;
        f.aws->on_json("cloudwatch", "DescribeAlarms",
                       (R"({"MetricAlarms":[)" + alarm("cpu-a", true, "[]") + "," +
                        alarm("cpu-b", true, "[]") +
                        R"js(],"CompositeAlarms":[{"AlarmName":"host-down","ActionsEnabled":true,
                        "AlarmActions":["arn:aws:sns:us-east-1:123456789012:ops"],
                        "AlarmRule":"ALARM(cpu-a) AND ALARM(cpu-b)","StateValue":"OK"}]})js")
                           .c_str());
        auto r = f.run("7.0-03");
        EXPECT_EQ(r.status, Status::compliant);
        ASSERT_EQ(r.evaluations.size(), 1u);
        EXPECT_EQ(r.evaluations[0].extra.at("alarmsCounted").as_array().at(0).at("path"),
                  "CompositeAlarms[0]");
    }
    {
        Fixture f;
        f.aws->deny("cloudwatch", "DescribeAlarms", "cloudwatch:DescribeAlarms");
        auto r = f.run("7.0-03");
        EXPECT_EQ(r.status, Status::error);
        ASSERT_EQ(r.evaluations.size(), 1u);
        EXPECT_EQ(missing_permissions(r.evaluations[0]),
                  std::vector<std::string>{"cloudwatch:DescribeAlarms"});
    }
}

}  // namespace
