// 4.0-07 EBS snapshot lifecycle and 9.0-07 EC2/EBS backup: each audited region has an ENABLED Data
// Lifecycle Manager policy that manages EBS snapshots. Two mapping codes, one read
// (GetLifecyclePolicies with the same parameters, so the run cache answers the second). Disabled
// policies and AMI / event-based policies do not schedule EBS snapshots, so they do not count.
#include <boost/json.hpp>

#include "checks/helpers.hpp"
#include "checks/storage_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

bool schedules_ebs_snapshots(const json::value& policy) {
    const auto type = string_at(policy, "PolicyType");
    return string_at(policy, "State") == "ENABLED" &&
           (type.empty() || type == "EBS_SNAPSHOT_MANAGEMENT");
}

class DlmPolicies final : public Check {
  public:
    DlmPolicies(const char* code, const char* title, const char* severity)
        : info_{code,
                title,
                "DLM",
                severity,
                {"dlm:GetLifecyclePolicies"},
                Reach::regional,
                Applicability::one_way} {}

    const CheckInfo& info() const override { return info_; }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        static const storage::PresenceSpec spec{
            "DLM",
            "dlm",
            "GetLifecyclePolicies",
            "Policies",
            "Enabled EBS snapshot lifecycle policies",
            "regionsWithPolicy",
            "no enabled Data Lifecycle Manager policy for EBS snapshots in the region",
            false,
            schedules_ebs_snapshots};
        return storage::presence_per_region(info(), facts, scope, spec);
    }

  private:
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
