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

bool has_note(const MappingResult& r, const std::string& part) {
    for (const auto& n : r.notes)
        if (n.find(part) != std::string::npos) return true;
    return false;
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

// ---------------------------------------------------------------------------------------------
// 9.0-03 AWS Backup copies to a DR destination

constexpr const char* kPlanA = "8a4b2c3d-0000-4000-8000-00000000000a";
constexpr const char* kPlanB = "8a4b2c3d-0000-4000-8000-00000000000b";
constexpr const char* kPlanC = "8a4b2c3d-0000-4000-8000-00000000000c";

std::string plan_arn(const std::string& id) {
    return "arn:aws:backup:us-east-1:123456789012:backup-plan:" + id;
}

std::string plan_summary(const std::string& id, const std::string& name) {
    return R"({"BackupPlanArn":")" + plan_arn(id) + R"(","BackupPlanId":")" + id +
           R"(","CreationDate":"2024-01-02T03:04:05+00:00","VersionId":"v1","BackupPlanName":")" +
           name + R"("})";
}

// GetBackupPlan: one daily rule; copy_to is the CopyActions array ("" for none).
std::string plan_doc(const std::string& id, const std::string& name, const std::string& copy_to) {
    std::string copies;
    if (!copy_to.empty())
        copies = R"(,"CopyActions":[{"Lifecycle":{"DeleteAfterDays":35},)"
                 R"("DestinationBackupVaultArn":")" +
                 copy_to + R"("}])";
    return R"({"BackupPlan":{"BackupPlanName":")" + name +
           R"(","Rules":[{"RuleName":"daily","TargetBackupVaultName":"Default",)"
           R"js("ScheduleExpression":"cron(0 5 ? * * *)","StartWindowMinutes":480,)js"
           R"("CompletionWindowMinutes":10080,"Lifecycle":{"DeleteAfterDays":35},)"
           R"("RuleId":"r-)" +
           name + R"(")" + copies + R"(}]},"BackupPlanId":")" + id + R"(","BackupPlanArn":")" +
           plan_arn(id) + R"(","VersionId":"v1"})";
}

void script_plans(FakeAwsClient& aws) {
    aws.on("backup", "ListBackupPlans", [](const json::object&, const std::string& region) {
        if (region != "us-east-1") return Result(json::parse(R"({"BackupPlansList":[]})"));
        return Result(json::parse(R"({"BackupPlansList":[)" + plan_summary(kPlanA, "dr-region") +
                                  "," + plan_summary(kPlanB, "same-region") + "," +
                                  plan_summary(kPlanC, "dr-account") + "]}"));
    });
    aws.on("backup", "GetBackupPlan", [](const json::object& p, const std::string&) {
        const std::string id(p.at("BackupPlanId").as_string());
        if (id == kPlanA)
            return Result(json::parse(plan_doc(
                id, "dr-region", "arn:aws:backup:us-west-2:123456789012:backup-vault:dr")));
        if (id == kPlanB)
            return Result(json::parse(plan_doc(
                id, "same-region", "arn:aws:backup:us-east-1:123456789012:backup-vault:copy")));
        return Result(json::parse(plan_doc(
            id, "dr-account", "arn:aws:backup:us-east-1:210987654321:backup-vault:vault")));
    });
}

std::string copy_job(const std::string& id, const std::string& state, const std::string& plan) {
    return R"({"AccountId":"123456789012","CopyJobId":")" + id +
           R"(","SourceBackupVaultArn":"arn:aws:backup:us-east-1:123456789012:backup-vault:Default",)"
           R"("DestinationBackupVaultArn":"arn:aws:backup:us-west-2:123456789012:backup-vault:dr",)"
           R"("ResourceArn":"arn:aws:ec2:us-east-1:123456789012:volume/vol-0a","State":")" +
           state + R"(","ResourceType":"EBS","CreatedBy":{"BackupPlanId":")" + plan +
           R"(","BackupPlanArn":")" + plan_arn(plan) + R"(","BackupRuleId":"r"}})";
}

TEST(VerdictBackupCopy, PerPlanCopyToAnotherRegionOrAccountSameRegionFailsNoPlanFails) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    script_plans(*f.aws);
    f.aws->on_json(
        "backup", "ListCopyJobs",
        (R"({"CopyJobs":[)" + copy_job("c1", "COMPLETED", kPlanA) + "," +
         copy_job("c2", "FAILED", kPlanA) + "," + copy_job("c3", "COMPLETED", kPlanB) + "]}")
            .c_str());
    auto r = f.run("9.0-03");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 4u);

    const auto* a = eval_of(r, plan_arn(kPlanA));
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->status, Status::compliant);
    EXPECT_EQ(a->region, "us-east-1");
    EXPECT_EQ(a->observed_value, json::value(1));
    const auto& action = a->extra.at("copyActions").as_array().at(0);
    EXPECT_EQ(action.at("destinationRegion"), "us-west-2");
    EXPECT_EQ(action.at("crossRegion"), json::value(true));
    EXPECT_EQ(a->extra.at("copyJobs").at("completed"), json::value(1));
    EXPECT_EQ(a->extra.at("copyJobs").at("failed"), json::value(1));

    // A copy inside the plan's region and account survives neither loss.
    const auto* b = eval_of(r, plan_arn(kPlanB));
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->status, Status::non_compliant);
    EXPECT_EQ(b->observed_value, json::value(0));
    EXPECT_EQ(b->extra.at("copyActions").as_array().at(0).at("counts"), json::value(false));
    EXPECT_EQ(b->extra.at("copyJobs").at("completed"), json::value(1));

    const auto* c = eval_of(r, plan_arn(kPlanC));
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->status, Status::compliant);
    EXPECT_EQ(c->extra.at("copyActions").as_array().at(0).at("crossAccount"), json::value(true));
    EXPECT_EQ(c->extra.at("copyJobs").at("completed"), json::value(0));

    // Backup plans are the control: a region without one fails.
    const auto* eu = eval_of(r, "eu-west-1");
    ASSERT_NE(eu, nullptr);
    EXPECT_EQ(eu->status, Status::non_compliant);
    EXPECT_EQ(eu->evidence_path, "BackupPlansList");
    EXPECT_EQ(r.evidence.at("regionsWithoutPlan"), json::value(1));
    EXPECT_EQ(f.aws->count("backup:ListCopyJobs"), 1u);  // only where plans exist
}

TEST(VerdictBackupCopy, DeniedReadsAreErrorsOrNotesNamingTheAction) {
    {
        Fixture f;
        f.aws->deny("backup", "ListBackupPlans", "backup:ListBackupPlans");
        auto r = f.run("9.0-03");
        EXPECT_EQ(r.status, Status::error);
        ASSERT_EQ(r.evaluations.size(), 1u);
        EXPECT_EQ(missing_permissions(r.evaluations[0]),
                  std::vector<std::string>{"backup:ListBackupPlans"});
    }
    {
        Fixture f;
        script_plans(*f.aws);
        f.aws->deny("backup", "GetBackupPlan", "backup:GetBackupPlan");
        f.aws->on_json("backup", "ListCopyJobs", R"({"CopyJobs":[]})");
        auto r = f.run("9.0-03");
        EXPECT_EQ(r.status, Status::error);
        ASSERT_EQ(r.evaluations.size(), 3u);
        for (const auto& e : r.evaluations) {
            EXPECT_EQ(e.status, Status::error);
            EXPECT_EQ(missing_permissions(e), std::vector<std::string>{"backup:GetBackupPlan"});
        }
    }
    {
        // The copy job history is evidence only: its denial is a note, the plans stay
        // judged.
        Fixture f;
        script_plans(*f.aws);
        f.aws->deny("backup", "ListCopyJobs", "backup:ListCopyJobs");
        auto r = f.run("9.0-03");
        EXPECT_EQ(r.status, Status::non_compliant);
        const auto* a = eval_of(r, plan_arn(kPlanA));
        ASSERT_NE(a, nullptr);
        EXPECT_EQ(a->status, Status::compliant);
        EXPECT_EQ(a->extra.at("copyJobs").at("read"), json::value(false));
        EXPECT_TRUE(has_note(r, "backup:ListCopyJobs"));
    }
}

}  // namespace
