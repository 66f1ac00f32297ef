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
using dspm::test::eval_of;
using dspm::test::has_note;
using dspm::test::note_of;

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

// ---------------------------------------------------------------------------------------------
// 4.0-07 / 9.0-07 EBS volumes scheduled by DLM or protected by AWS Backup

std::string volume(const std::string& id, const std::string& tags, const std::string& instance = "",
                   const std::string& type = "gp3") {
    std::string att = "[]";
    if (!instance.empty())
        att = R"([{"AttachTime":"2024-01-02T03:04:05+00:00","Device":"/dev/xvdf","InstanceId":")" +
              instance + R"(","State":"attached","VolumeId":")" + id +
              R"(","DeleteOnTermination":false}])";
    return R"({"AvailabilityZone":"us-east-1a","CreateTime":"2024-01-02T03:04:05+00:00",)"
           R"("Encrypted":true,"Size":100,"State":")" +
           std::string(instance.empty() ? "available" : "in-use") + R"(","VolumeId":")" + id +
           R"(","VolumeType":")" + type + R"(","Attachments":)" + att + R"(,"Tags":)" + tags + "}";
}

std::string policy_doc(const std::string& id, const std::string& state,
                       const std::string& resource_type, const std::string& tag_key,
                       const std::string& tag_value) {
    return R"({"Policy":{"PolicyId":")" + id + R"(","Description":"daily","State":")" + state +
           R"(","ExecutionRoleArn":"arn:aws:iam::123456789012:role/AWSDataLifecycleManagerDefaultRole",)"
           R"("PolicyArn":"arn:aws:dlm:us-east-1:123456789012:policy/)" +
           id +
           R"(","DefaultPolicy":false,"PolicyDetails":{"PolicyType":"EBS_SNAPSHOT_MANAGEMENT",)"
           R"("ResourceTypes":[")" +
           resource_type + R"("],"TargetTags":[{"Key":")" + tag_key + R"(","Value":")" + tag_value +
           R"("}],"Schedules":[{"Name":"daily","CreateRule":{"Interval":24,"IntervalUnit":"HOURS"},)"
           R"("RetainRule":{"Count":7}}]}}})";
}

void script_dlm(FakeAwsClient& aws) {
    aws.on_json("dlm", "GetLifecyclePolicies", R"({"Policies":[
        {"PolicyId":"policy-0a1b2c3d4e5f60001","Description":"volumes","State":"ENABLED",
         "PolicyType":"EBS_SNAPSHOT_MANAGEMENT","DefaultPolicy":false},
        {"PolicyId":"policy-0a1b2c3d4e5f60002","Description":"instances","State":"ENABLED",
         "PolicyType":"EBS_SNAPSHOT_MANAGEMENT","DefaultPolicy":false},
        {"PolicyId":"policy-0a1b2c3d4e5f60003","Description":"off","State":"DISABLED",
         "PolicyType":"EBS_SNAPSHOT_MANAGEMENT","DefaultPolicy":false},
        {"PolicyId":"policy-0a1b2c3d4e5f60004","Description":"amis","State":"ENABLED",
         "PolicyType":"IMAGE_MANAGEMENT","DefaultPolicy":false}]})");
    aws.on("dlm", "GetLifecyclePolicy", [](const json::object& p, const std::string&) {
        const std::string id(p.at("PolicyId").as_string());
        if (id == "policy-0a1b2c3d4e5f60001")
            return Result(json::parse(policy_doc(id, "ENABLED", "VOLUME", "Backup", "daily")));
        if (id == "policy-0a1b2c3d4e5f60002")
            return Result(json::parse(policy_doc(id, "ENABLED", "INSTANCE", "Snap", "yes")));
        if (id == "policy-0a1b2c3d4e5f60003")
            return Result(json::parse(policy_doc(id, "DISABLED", "VOLUME", "Team", "web")));
        return Result(json::parse(policy_doc(id, "ENABLED", "INSTANCE", "Team", "web")));
    });
}

void script_volumes(FakeAwsClient& aws) {
    aws.on("ec2", "DescribeVolumes", [](const json::object&, const std::string& region) {
        if (region != "us-east-1") return Result(json::parse(R"({"Volumes":[]})"));
        return Result(json::parse(
            R"({"Volumes":[)" + volume("vol-0a", R"([{"Key":"Backup","Value":"daily"}])") + "," +
            volume("vol-0b", "[]", "i-0b") + "," + volume("vol-0c", "[]") + "," +
            // Tagged for the disabled policy and the AMI policy only, attached to an
            // untagged instance: nothing schedules its snapshots.
            volume("vol-0d", R"([{"Key":"Team","Value":"web"}])", "i-0d") + "]}"));
    });
    aws.on_json("ec2", "DescribeInstances", R"({"Reservations":[
        {"ReservationId":"r-1","OwnerId":"123456789012","Instances":[
          {"InstanceId":"i-0b","RootDeviceName":"/dev/xvda","Tags":[{"Key":"Snap","Value":"yes"}]}]},
        {"ReservationId":"r-2","OwnerId":"123456789012","Instances":[
          {"InstanceId":"i-0d","RootDeviceName":"/dev/xvda","Tags":[{"Key":"Name","Value":"web"}]}]}]})");
}

constexpr const char* kProtected = R"({"Results":[
    {"ResourceArn":"arn:aws:ec2:us-east-1:123456789012:volume/vol-0c","ResourceType":"EBS",
     "LastBackupTime":"2024-01-02T03:04:05+00:00"},
    {"ResourceArn":"arn:aws:dynamodb:us-east-1:123456789012:table/orders","ResourceType":"DynamoDB",
     "LastBackupTime":"2024-01-02T03:04:05+00:00"}]})";

TEST(VerdictEbsSnapshots, EachVolumeByVolumeTagInstanceTagOrAwsBackupBothCodesOneRead) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    script_dlm(*f.aws);
    script_volumes(*f.aws);
    f.aws->on_json("backup", "ListProtectedResources", kProtected);
    dspm::inventory::CachedFacts facts(f.aws, nullptr, f.scope.account);
    for (const char* code : {"4.0-07", "9.0-07"}) {
        SCOPED_TRACE(code);
        auto r = dspm::checks::find_check(code)->run(facts, f.scope);
        EXPECT_EQ(r.status, Status::non_compliant);
        ASSERT_EQ(r.evaluations.size(), 4u);
        const auto covered_by = [&](const std::string& id) {
            const auto* e = eval_of(r, id);
            EXPECT_NE(e, nullptr) << id;
            return e == nullptr ? std::string() : json::serialize(e->extra.at("coveredBy"));
        };
        EXPECT_EQ(eval_of(r, "vol-0a")->status, Status::compliant);
        EXPECT_NE(covered_by("vol-0a").find("policy-0a1b2c3d4e5f60001 (volume tag Backup=daily)"),
                  std::string::npos);
        EXPECT_EQ(eval_of(r, "vol-0b")->status, Status::compliant);
        EXPECT_NE(covered_by("vol-0b").find("instance i-0b tag Snap=yes"), std::string::npos);
        EXPECT_EQ(eval_of(r, "vol-0c")->status, Status::compliant);
        EXPECT_NE(covered_by("vol-0c").find("AWS Backup"), std::string::npos);
        const auto* d = eval_of(r, "vol-0d");
        EXPECT_EQ(d->status, Status::non_compliant);
        EXPECT_EQ(d->region, "us-east-1");
        EXPECT_EQ(d->evidence_path, "Volumes[3]");
        EXPECT_EQ(d->observed_value, json::value(false));
        EXPECT_EQ(d->extra.at("VolumeArn"), "arn:aws:ec2:us-east-1:123456789012:volume/vol-0d");
        EXPECT_NE(note_of(*d).find("no enabled DLM policy"), std::string::npos);
        EXPECT_EQ(r.evidence.at("coveredVolumes"), json::value(3));
    }
    // Once per region with volumes, not per code; disabled and AMI policies are not
    // fetched.
    EXPECT_EQ(f.aws->count("dlm:GetLifecyclePolicies"), 1u);
    EXPECT_EQ(f.aws->count("dlm:GetLifecyclePolicy"), 2u);
    EXPECT_EQ(f.aws->count("ec2:DescribeVolumes"), 2u);
}

TEST(VerdictEbsSnapshots, DefaultPolicyCoversAllButExcludedVolumeTypes) {
    Fixture f;
    f.aws->on_json("ec2", "DescribeVolumes",
                   (R"({"Volumes":[)" + volume("vol-0a", "[]") + "," +
                    volume("vol-0s", "[]", "", "sc1") + "]}")
                       .c_str());
    f.aws->on_json("dlm", "GetLifecyclePolicies",
                   R"({"Policies":[{"PolicyId":"policy-def","State":"ENABLED",
                       "PolicyType":"EBS_SNAPSHOT_MANAGEMENT","DefaultPolicy":true}]})");
    f.aws->on_json("dlm", "GetLifecyclePolicy",
                   R"({"Policy":{"PolicyId":"policy-def","State":"ENABLED","DefaultPolicy":true,
                       "PolicyDetails":{"PolicyType":"EBS_SNAPSHOT_MANAGEMENT",
                       "PolicyLanguage":"SIMPLIFIED","ResourceType":"VOLUME","CreateInterval":1,
                       "RetainInterval":7,"Exclusions":{"ExcludeVolumeTypes":["sc1"]}}}})");
    f.aws->on_json("backup", "ListProtectedResources", R"({"Results":[]})");
    auto r = f.run("4.0-07");
    ASSERT_EQ(r.evaluations.size(), 2u);
    EXPECT_EQ(eval_of(r, "vol-0a")->status, Status::compliant);
    EXPECT_EQ(eval_of(r, "vol-0s")->status, Status::non_compliant);
}

TEST(VerdictEbsSnapshots, NoVolumeSkippedFailedReadsAreErrorsUnlessCovered) {
    {
        Fixture f;
        f.aws->on_json("ec2", "DescribeVolumes", R"({"Volumes":[]})");
        auto r = f.run("9.0-07");
        EXPECT_EQ(r.status, Status::skipped);
        EXPECT_EQ(f.aws->count("dlm:GetLifecyclePolicies"), 0u);
    }
    {
        Fixture f;
        f.aws->deny("ec2", "DescribeVolumes", "ec2:DescribeVolumes");
        auto r = f.run("4.0-07");
        EXPECT_EQ(r.status, Status::error);
        ASSERT_EQ(r.evaluations.size(), 1u);
        EXPECT_EQ(missing_permissions(r.evaluations[0]),
                  std::vector<std::string>{"ec2:DescribeVolumes"});
    }
    {
        // DLM policy bodies unreadable: the volume AWS Backup protects passes, the others
        // could be targeted by an unread policy and are ERROR naming the action.
        Fixture f;
        script_volumes(*f.aws);
        script_dlm(*f.aws);
        f.aws->deny("dlm", "GetLifecyclePolicy", "dlm:GetLifecyclePolicy");
        f.aws->on_json("backup", "ListProtectedResources", kProtected);
        auto r = f.run("4.0-07");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(eval_of(r, "vol-0c")->status, Status::compliant);
        for (const char* id : {"vol-0a", "vol-0b", "vol-0d"}) {
            EXPECT_EQ(eval_of(r, id)->status, Status::error) << id;
            EXPECT_EQ(missing_permissions(*eval_of(r, id)),
                      std::vector<std::string>{"dlm:GetLifecyclePolicy"});
        }
    }
    {
        // AWS Backup unreadable: DLM-covered volumes pass, the uncovered one is ERROR.
        Fixture f;
        script_volumes(*f.aws);
        script_dlm(*f.aws);
        f.aws->deny("backup", "ListProtectedResources", "backup:ListProtectedResources");
        auto r = f.run("9.0-07");
        EXPECT_EQ(r.status, Status::error);
        EXPECT_EQ(eval_of(r, "vol-0a")->status, Status::compliant);
        EXPECT_EQ(eval_of(r, "vol-0b")->status, Status::compliant);
        EXPECT_EQ(missing_permissions(*eval_of(r, "vol-0c")),
                  std::vector<std::string>{"backup:ListProtectedResources"});
        EXPECT_EQ(eval_of(r, "vol-0d")->status, Status::error);
    }
    {
        // Instances unreadable: the instance-tag policy cannot be judged for attached
        // volumes.
        Fixture f;
        script_volumes(*f.aws);
        script_dlm(*f.aws);
        f.aws->deny("ec2", "DescribeInstances", "ec2:DescribeInstances");
        f.aws->on_json("backup", "ListProtectedResources", kProtected);
        auto r = f.run("4.0-07");
        EXPECT_EQ(eval_of(r, "vol-0a")->status, Status::compliant);
        EXPECT_EQ(missing_permissions(*eval_of(r, "vol-0b")),
                  std::vector<std::string>{"ec2:DescribeInstances"});
        EXPECT_EQ(eval_of(r, "vol-0d")->status, Status::error);
    }
}

// ---------------------------------------------------------------------------------------------
// 6.0-04 Inspector: each covered resource by its scan status; not enabled fails the region

std::string account_status(const std::string& state) {
    return R"({"accounts":[{"accountId":"123456789012","state":{"status":")" + state +
           R"("},"resourceState":{"ec2":{"status":"ENABLED"},"ecr":{"status":"ENABLED"},)"
           R"("lambda":{"status":"DISABLED"},"lambdaCode":{"status":"DISABLED"}}}],)"
           R"("failedAccounts":[]})";
}

TEST(VerdictInspectorCoverage, ActiveResourcesPassInactiveFailNotEnabledRegionFails) {
    Fixture f;
    f.scope.regions = {"us-east-1", "eu-west-1"};
    f.aws->on("inspector2", "BatchGetAccountStatus",
              [](const json::object&, const std::string& region) {
                  return Result(
                      json::parse(account_status(region == "us-east-1" ? "ENABLED" : "DISABLED")));
              });
    f.aws->on_json("inspector2", "ListCoverage", R"({"coveredResources":[
        {"resourceType":"AWS_EC2_INSTANCE","resourceId":"i-0a1b2c3d4e5f60001",
         "accountId":"123456789012","scanType":"PACKAGE",
         "scanStatus":{"statusCode":"ACTIVE","reason":"SUCCESSFUL"},"scanMode":"EC2_SSM_AGENT_BASED"},
        {"resourceType":"AWS_EC2_INSTANCE","resourceId":"i-0a1b2c3d4e5f60002",
         "accountId":"123456789012","scanType":"PACKAGE",
         "scanStatus":{"statusCode":"INACTIVE","reason":"UNMANAGED_EC2_INSTANCE"}}]})");
    f.aws->on_json("lambda", "ListFunctions", R"({"Functions":[]})");  // Lambda scanning is off
    auto r = f.run("6.0-04");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    const auto* ok = eval_of(r, "i-0a1b2c3d4e5f60001");
    ASSERT_NE(ok, nullptr);
    EXPECT_EQ(ok->status, Status::compliant);
    EXPECT_EQ(ok->evidence_path, "coveredResources[0].scanStatus.statusCode");
    const auto* bad = eval_of(r, "i-0a1b2c3d4e5f60002");
    ASSERT_NE(bad, nullptr);
    EXPECT_EQ(bad->status, Status::non_compliant);
    EXPECT_EQ(bad->observed_value, "INACTIVE");
    EXPECT_EQ(bad->extra.at("reason"), "UNMANAGED_EC2_INSTANCE");
    const auto* eu = eval_of(r, "eu-west-1");
    ASSERT_NE(eu, nullptr);
    EXPECT_EQ(eu->status, Status::non_compliant);
    EXPECT_EQ(eu->observed_value, "DISABLED");
    EXPECT_EQ(f.aws->count("inspector2:ListCoverage"), 1u);  // not where Inspector is off
    EXPECT_TRUE(has_note(r, "us-east-1: lambdaCode scanning is DISABLED"));
    EXPECT_EQ(f.aws->count("lambda:ListFunctions"), 1u);  // only where Inspector is on
}

TEST(VerdictInspectorCoverage, DeniedReadsAreErrorsNothingCoveredIsSkipped) {
    {
        Fixture f;
        f.aws->deny("inspector2", "BatchGetAccountStatus", "inspector2:BatchGetAccountStatus");
        auto r = f.run("6.0-04");
        EXPECT_EQ(r.status, Status::error);
        ASSERT_EQ(r.evaluations.size(), 1u);
        EXPECT_EQ(missing_permissions(r.evaluations[0]),
                  std::vector<std::string>{"inspector2:BatchGetAccountStatus"});
    }
    {
        Fixture f;
        f.aws->on_json("inspector2", "BatchGetAccountStatus", account_status("ENABLED").c_str());
        f.aws->deny("inspector2", "ListCoverage", "inspector2:ListCoverage");
        f.aws->on_json("lambda", "ListFunctions", R"({"Functions":[]})");
        auto r = f.run("6.0-04");
        EXPECT_EQ(r.status, Status::error);
        ASSERT_EQ(r.evaluations.size(), 1u);
        EXPECT_EQ(missing_permissions(r.evaluations[0]),
                  std::vector<std::string>{"inspector2:ListCoverage"});
    }
    {
        Fixture f;
        f.aws->on_json("inspector2", "BatchGetAccountStatus", account_status("ENABLED").c_str());
        f.aws->on_json("inspector2", "ListCoverage", R"({"coveredResources":[]})");
        f.aws->on_json("lambda", "ListFunctions", R"({"Functions":[]})");
        auto r = f.run("6.0-04");
        EXPECT_EQ(r.status, Status::skipped);
        EXPECT_TRUE(has_note(r, "covers no resource"));
    }
}

// Scanning EC2 off while ECR is on: the covered repository passes, and each running instance,
// which ListCoverage never lists, fails with the type's status (an ECR-only Inspector used to
// pass the account). Stopped instances are not scanned by Inspector and not judged.
TEST(VerdictInspectorCoverage, ResourcesOfATypeWhoseScanningIsOffFail) {
    Fixture f;
    f.aws->on_json("inspector2", "BatchGetAccountStatus", R"({"accounts":[{"accountId":
        "123456789012","state":{"status":"ENABLED"},"resourceState":{"ec2":{"status":"DISABLED"},
        "ecr":{"status":"ENABLED"},"lambda":{"status":"ENABLED"},
        "lambdaCode":{"status":"ENABLED"}}}],"failedAccounts":[]})");
    f.aws->on_json("inspector2", "ListCoverage", R"({"coveredResources":[
        {"resourceType":"AWS_ECR_REPOSITORY","resourceId":"app-api","accountId":"123456789012",
         "scanType":"PACKAGE","scanStatus":{"statusCode":"ACTIVE","reason":"SUCCESSFUL"}}]})");
    f.aws->on_json("ec2", "DescribeInstances", R"({"Reservations":[
        {"ReservationId":"r-0a","OwnerId":"123456789012","Instances":[
          {"InstanceId":"i-0run0000000000001","State":{"Code":16,"Name":"running"}},
          {"InstanceId":"i-0stop000000000002","State":{"Code":80,"Name":"stopped"}}]},
        {"ReservationId":"r-0b","OwnerId":"123456789012","Instances":[
          {"InstanceId":"i-0run0000000000003","State":{"Code":16,"Name":"running"}}]}]})");
    auto r = f.run("6.0-04");
    EXPECT_EQ(r.status, Status::non_compliant);
    ASSERT_EQ(r.evaluations.size(), 3u);
    EXPECT_EQ(eval_of(r, "app-api")->status, Status::compliant);
    for (const char* id : {"i-0run0000000000001", "i-0run0000000000003"}) {
        const auto* e = eval_of(r, id);
        ASSERT_NE(e, nullptr) << id;
        EXPECT_EQ(e->status, Status::non_compliant);
        EXPECT_EQ(e->observed_value, "DISABLED");
        EXPECT_EQ(e->evidence_path, "accounts[0].resourceState.ec2.status");
    }
    EXPECT_EQ(eval_of(r, "i-0stop000000000002"), nullptr);
    EXPECT_EQ(f.aws->count("ecr:DescribeRepositories"), 0u);  // ECR scanning is on

    Fixture g;  // the instance list is denied: an ERROR naming the action, never a pass
    g.aws->on_json("inspector2", "BatchGetAccountStatus", R"({"accounts":[{"accountId":
        "123456789012","state":{"status":"ENABLED"},"resourceState":{"ec2":{"status":"DISABLED"},
        "ecr":{"status":"ENABLED"},"lambda":{"status":"ENABLED"}}}],"failedAccounts":[]})");
    g.aws->on_json("inspector2", "ListCoverage", R"({"coveredResources":[
        {"resourceType":"AWS_ECR_REPOSITORY","resourceId":"app-api","accountId":"123456789012",
         "scanType":"PACKAGE","scanStatus":{"statusCode":"ACTIVE","reason":"SUCCESSFUL"}}]})");
    g.aws->deny("ec2", "DescribeInstances", "ec2:DescribeInstances");
    auto d = g.run("6.0-04");
    EXPECT_EQ(d.status, Status::error);
}

// ---------------------------------------------------------------------------------------------
// Every operation these checks call is declared in their CheckInfo (the IAM policy they
// need).

void expect_declared(const Fixture& f, const std::string& code) {
    const auto& declared = dspm::checks::find_check(code)->info().iam_actions;
    for (const auto& c : f.aws->calls()) {
        const auto colon = c.op.find(':');
        const auto action = dspm::aws::iam_action(c.op.substr(0, colon), c.op.substr(colon + 1));
        if (action == "sts:GetCallerIdentity") continue;
        EXPECT_NE(std::find(declared.begin(), declared.end(), action), declared.end())
            << code << " calls " << c.op << " without declaring " << action;
    }
}

TEST(VerdictDetectionActions, EveryOperationReadIsDeclared) {
    {
        Fixture f;
        f.aws->on_json("cloudwatch", "DescribeAlarms", R"({"MetricAlarms":[]})");
        f.run("7.0-03");
        expect_declared(f, "7.0-03");
    }
    {
        Fixture f;
        script_plans(*f.aws);
        f.aws->on_json("backup", "ListCopyJobs", R"({"CopyJobs":[]})");
        f.run("9.0-03");
        expect_declared(f, "9.0-03");
    }
    for (const char* code : {"4.0-07", "9.0-07"}) {
        Fixture f;
        script_dlm(*f.aws);
        script_volumes(*f.aws);
        f.aws->on_json("backup", "ListProtectedResources", kProtected);
        f.run(code);
        expect_declared(f, code);
    }
    {
        Fixture f;
        f.aws->on_json("inspector2", "BatchGetAccountStatus", account_status("ENABLED").c_str());
        f.aws->on_json("inspector2", "ListCoverage", R"({"coveredResources":[]})");
        f.run("6.0-04");
        expect_declared(f, "6.0-04");
    }
}

}  // namespace
