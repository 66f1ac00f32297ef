// 4.0-07 EBS snapshot lifecycle and 9.0-07 EC2/EBS backup: per EBS volume (DescribeVolumes, every
// page, every audited region), one evaluation: the volume's snapshots are scheduled by
// - an ENABLED Data Lifecycle Manager policy of type EBS_SNAPSHOT_MANAGEMENT that targets it
//   (GetLifecyclePolicies, then GetLifecyclePolicy for PolicyDetails): a VOLUME policy whose
//   TargetTags include one of the volume's tags, an INSTANCE policy whose TargetTags include one of
//   the attached instance's tags (DescribeInstances, read only when such a policy exists), or a
//   default policy (DefaultPolicy, no target tags: every volume of its ResourceType in the region)
//   that does not exclude it (Exclusions: ExcludeTags, ExcludeVolumeTypes, ExcludeBootVolumes);
// - or AWS Backup, when ListProtectedResources (every page) lists the volume's ARN
//   (arn:<partition>:ec2:<region>:<account>:volume/vol-...) or that of the instance it is attached
//   to (an EC2 backup snapshots the instance's volumes). ListProtectedResources lists resources
//   AWS Backup has a recovery point of, so a volume newly assigned to a plan shows up after its
//   first backup.
// Disabled policies, AMI (IMAGE_MANAGEMENT) and event-based policies do not schedule EBS snapshots
// and never count. extra.coveredBy names each mechanism that covers the volume. The check judges a
// setting of each volume (Applicability::resource_setting): an account without volumes is SKIPPED.
// Two mapping codes, the same reads with the same parameters, so the run's cache answers the
// second. A failed volume list is an ERROR for its region; a volume no read fact covers while a
// DLM, instance or AWS Backup read failed is an ERROR naming that action (the coverage could hide
// behind the failure), never NON_COMPLIANT and never COMPLIANT.
#include <boost/json.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "aws/endpoints.hpp"
#include "checks/helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr const char* kField = "Snapshots scheduled by an enabled DLM policy or AWS Backup";

using Tags = std::map<std::string, std::string>;

Tags tags_of(const json::value& resource) {
    Tags out;
    const auto* tags = at_path(resource, "Tags");
    if (tags == nullptr || !tags->is_array()) return out;
    for (const auto& t : tags->get_array())
        out[string_at(t, "Key")] = string_at(t, "Value");
    return out;
}

// Any of the tag list's {Key, Value} pairs on the resource; "" when none, else "Key=Value".
std::string matching_tag(const json::value* list, const Tags& tags) {
    if (list == nullptr || !list->is_array()) return {};
    for (const auto& t : list->get_array()) {
        const auto key = string_at(t, "Key");
        auto it = tags.find(key);
        if (it != tags.end() && it->second == string_at(t, "Value")) return key + "=" + it->second;
    }
    return {};
}

struct Policy {
    std::string id;
    bool is_default = false;
    std::set<std::string> types;  // VOLUME, INSTANCE
    json::value details;          // PolicyDetails
};

struct Instance {
    Tags tags;
    std::string root_device;
};

struct RegionFacts {
    std::vector<Policy> policies;
    std::optional<aws::AwsError> dlm_error;
    std::optional<std::map<std::string, Instance>> instances;  // nullopt: not read or failed
    std::optional<aws::AwsError> instance_error;
    std::optional<std::set<std::string>> protected_arns;
    std::optional<aws::AwsError> backup_error;
};

bool schedules_ebs_snapshots(const json::value& policy) {
    const auto type = string_at(policy, "PolicyType");
    return string_at(policy, "State") == "ENABLED" &&
           (type.empty() || type == "EBS_SNAPSHOT_MANAGEMENT");
}

void read_policies(inventory::Facts& facts, const std::string& region, RegionFacts& rf) {
    // No parameters, as before this check was per volume: both codes share the read.
    auto list = facts.aws_all_pages("dlm", "GetLifecyclePolicies", {}, region);
    if (!list) {
        rf.dlm_error = list.error();
        return;
    }
    const auto* items = at_path(*list, "Policies");
    if (items == nullptr || !items->is_array()) return;
    for (const auto& summary : items->get_array()) {
        if (!schedules_ebs_snapshots(summary)) continue;
        const auto id = string_at(summary, "PolicyId");
        auto doc = facts.aws("dlm", "GetLifecyclePolicy", {{"PolicyId", id}}, region);
        if (!doc) {
            if (!rf.dlm_error) rf.dlm_error = doc.error();
            continue;
        }
        const auto* p = at_path(*doc, "Policy");
        // The summary may be stale: the policy itself says whether it still schedules snapshots.
        if (p == nullptr) continue;
        Policy out;
        out.id = id;
        const auto* details = at_path(*p, "PolicyDetails");
        out.details = details != nullptr ? *details : json::value(json::object{});
        if (string_at(*p, "State") != "ENABLED") continue;
        const auto type = string_at(out.details, "PolicyType");
        if (!type.empty() && type != "EBS_SNAPSHOT_MANAGEMENT") continue;
        const auto* def = at_path(*p, "DefaultPolicy");
        out.is_default = def != nullptr && def->is_bool() && def->get_bool();
        if (const auto* rt = at_path(out.details, "ResourceTypes"); rt && rt->is_array())
            for (const auto& t : rt->get_array())
                if (t.is_string()) out.types.insert(std::string(t.get_string()));
        if (auto t = string_at(out.details, "ResourceType"); !t.empty()) out.types.insert(t);
        if (out.types.empty()) out.types.insert("VOLUME");  // the API's default
        rf.policies.push_back(std::move(out));
    }
}

bool needs_instances(const std::vector<Policy>& policies) {
    for (const auto& p : policies) {
        if (p.types.count("INSTANCE") != 0) return true;
        const auto* boot = at_path(p.details, "Exclusions.ExcludeBootVolumes");
        if (p.is_default && boot != nullptr && boot->is_bool() && boot->get_bool()) return true;
    }
    return false;
}

void read_instances(inventory::Facts& facts, const std::string& region, RegionFacts& rf) {
    auto doc = facts.aws_all_pages("ec2", "DescribeInstances", {}, region);
    if (!doc) {
        rf.instance_error = doc.error();
        return;
    }
    std::map<std::string, Instance> out;
    if (const auto* res = at_path(*doc, "Reservations"); res && res->is_array())
        for (const auto& r : res->get_array())
            if (const auto* inst = at_path(r, "Instances"); inst && inst->is_array())
                for (const auto& i : inst->get_array())
                    out[string_at(i, "InstanceId")] = {tags_of(i), string_at(i, "RootDeviceName")};
    rf.instances = std::move(out);
}

void read_protected(inventory::Facts& facts, const std::string& region, RegionFacts& rf) {
    auto doc = facts.aws_all_pages("backup", "ListProtectedResources", {}, region);
    if (!doc) {
        rf.backup_error = doc.error();
        return;
    }
    std::set<std::string> arns;
    if (const auto* res = at_path(*doc, "Results"); res && res->is_array())
        for (const auto& r : res->get_array())
            arns.insert(string_at(r, "ResourceArn"));
    rf.protected_arns = std::move(arns);
}

struct Attachment {
    std::string instance;
    std::string device;
};

// The DLM policies covering the volume ("policy p1: VOLUME tag Backup=true"); unknown set when an
// instance fact the decision needed could not be read.
std::vector<std::string> dlm_coverage(const RegionFacts& rf, const json::value& volume,
                                      const Tags& vtags, const std::vector<Attachment>& attached,
                                      bool& unknown) {
    std::vector<std::string> by;
    const auto instance_of = [&](const std::string& id) -> const Instance* {
        if (!rf.instances) {
            unknown = true;
            return nullptr;
        }
        auto it = rf.instances->find(id);
        return it == rf.instances->end() ? nullptr : &it->second;
    };
    for (const auto& p : rf.policies) {
        if (p.is_default) {
            const auto* ex = at_path(p.details, "Exclusions");
            if (p.types.count("VOLUME") != 0) {
                if (ex != nullptr) {
                    if (!matching_tag(at_path(*ex, "ExcludeTags"), vtags).empty()) continue;
                    bool type_excluded = false;
                    if (const auto* vt = at_path(*ex, "ExcludeVolumeTypes"); vt && vt->is_array())
                        for (const auto& t : vt->get_array())
                            type_excluded |=
                                t.is_string() && t.get_string() == string_at(volume, "VolumeType");
                    if (type_excluded) continue;
                    const auto* boot = at_path(*ex, "ExcludeBootVolumes");
                    if (boot != nullptr && boot->is_bool() && boot->get_bool()) {
                        bool is_boot = false;
                        for (const auto& a : attached)
                            if (const auto* i = instance_of(a.instance))
                                is_boot |= !i->root_device.empty() && i->root_device == a.device;
                        if (unknown || is_boot) continue;
                    }
                }
                by.push_back("DLM default policy " + p.id + " (every volume of the region)");
            } else if (p.types.count("INSTANCE") != 0) {
                for (const auto& a : attached)
                    if (const auto* i = instance_of(a.instance))
                        if (ex == nullptr ||
                            matching_tag(at_path(*ex, "ExcludeTags"), i->tags).empty()) {
                            by.push_back("DLM default policy " + p.id + " (instance " + a.instance +
                                         ")");
                            break;
                        }
            }
            continue;
        }
        const auto* targets = at_path(p.details, "TargetTags");
        if (p.types.count("VOLUME") != 0)
            if (auto tag = matching_tag(targets, vtags); !tag.empty())
                by.push_back("DLM policy " + p.id + " (volume tag " + tag + ")");
        if (p.types.count("INSTANCE") != 0)
            for (const auto& a : attached)
                if (const auto* i = instance_of(a.instance))
                    if (auto tag = matching_tag(targets, i->tags); !tag.empty()) {
                        by.push_back("DLM policy " + p.id + " (instance " + a.instance + " tag " +
                                     tag + ")");
                        break;
                    }
    }
    return by;
}

Evaluation judge_volume(const RegionFacts& rf, const json::value& volume, std::size_t index,
                        const std::string& region, const std::string& account,
                        const CheckScope& scope) {
    const auto id = string_at(volume, "VolumeId");
    const std::string partition = aws::partition_of(region);
    const auto arn_of = [&](const std::string& kind, const std::string& rid) {
        return "arn:" + partition + ":ec2:" + region + ":" + account + ":" + kind + "/" + rid;
    };
    const auto vtags = tags_of(volume);
    std::vector<Attachment> attached;
    if (const auto* at = at_path(volume, "Attachments"); at && at->is_array())
        for (const auto& a : at->get_array())
            if (auto i = string_at(a, "InstanceId"); !i.empty())
                attached.push_back({i, string_at(a, "Device")});

    bool unknown = false;
    auto by = dlm_coverage(rf, volume, vtags, attached, unknown);
    json::array covered_by;
    for (auto& b : by)
        covered_by.push_back(json::string(b));
    if (rf.protected_arns) {
        if (rf.protected_arns->count(arn_of("volume", id)) != 0)
            covered_by.push_back(json::string("AWS Backup (volume recovery point)"));
        for (const auto& a : attached)
            if (rf.protected_arns->count(arn_of("instance", a.instance)) != 0) {
                covered_by.push_back(
                    json::string("AWS Backup (instance " + a.instance + " recovery point)"));
                break;
            }
    }
    json::object extra{{"VolumeArn", arn_of("volume", id)}, {"coveredBy", covered_by}};
    if (!attached.empty()) {
        json::array ids;
        for (const auto& a : attached)
            ids.push_back(json::string(a.instance));
        extra["attachedInstances"] = std::move(ids);
    }
    extra["enabledDlmPolicies"] = rf.policies.size();
    const std::string path = indexed("Volumes", index);
    if (covered_by.empty()) {
        // Not covered by what was read: a failed read could hide the coverage.
        const aws::AwsError* unread = rf.dlm_error                   ? &*rf.dlm_error
                                      : rf.backup_error              ? &*rf.backup_error
                                      : unknown && rf.instance_error ? &*rf.instance_error
                                                                     : nullptr;
        if (unread != nullptr) {
            auto e = error_evaluation("EBS", id, kField, *unread, region, scope.account);
            e.decision = "no read fact covers the volume, and " + e.decision;
            for (auto& kv : extra)
                e.extra[kv.key()] = std::move(kv.value());
            return e;
        }
        extra["note"] =
            "no enabled DLM policy targets the volume and AWS Backup has no "
            "recovery point of it or of its instance";
    }
    return evaluate({"EBS", id, path, kField, engine::Comparator::eq, true, !covered_by.empty(),
                     engine::Source::aws_sdk, region, scope.account, std::move(extra)});
}

class DlmPolicies final : public Check {
  public:
    DlmPolicies(const char* code, const char* title, const char* severity)
        : info_{code,
                title,
                "DLM",
                severity,
                {"ec2:DescribeVolumes", "dlm:GetLifecyclePolicies", "dlm:GetLifecyclePolicy",
                 "ec2:DescribeInstances", "backup:ListProtectedResources"},
                Reach::regional,
                Applicability::resource_setting} {}

    const CheckInfo& info() const override { return info_; }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        net::Evals evals;
        const std::string account = scope.account.empty() ? facts.account() : scope.account;
        for (const auto& region : scope.regions) {
            auto volumes = net::list_items(facts, scope, region, "EBS", "ec2", "DescribeVolumes",
                                           {}, "Volumes", "EBS volumes", evals);
            if (!volumes || volumes->empty()) continue;
            RegionFacts rf;
            read_policies(facts, region, rf);
            bool any_attached = false;
            for (const auto& v : *volumes)
                any_attached |= has_attachments(v);
            if (any_attached && needs_instances(rf.policies)) read_instances(facts, region, rf);
            read_protected(facts, region, rf);
            for (std::size_t i = 0; i < volumes->size(); ++i)
                evals.push_back(judge_volume(rf, (*volumes)[i], i, region, account, scope));
        }
        return net::result(info(), std::move(evals), "totalVolumes", "coveredVolumes",
                           "no EBS volumes in the audited regions");
    }

  private:
    static bool has_attachments(const json::value& v) {
        const auto* a = at_path(v, "Attachments");
        return a != nullptr && a->is_array() && !a->get_array().empty();
    }
    CheckInfo info_;
};

}  // namespace

const Check& check_4_0_07_ebs_snapshot_lifecycle() {
    static const DlmPolicies check("4.0-07", "EBS snapshot lifecycle", "low");
    return check;
}

const Check& check_9_0_07_ebs_backup() {
    static const DlmPolicies check("9.0-07", "EC2/EBS backup", "medium");
    return check;
}

}  // namespace dspm::checks
