// 1.0-02 Organizations SCP: the account must be in an organization whose root has the SCP policy
// type enabled, and an SCP other than the AWS-managed FullAWSAccess must be attached somewhere
// (FullAWSAccess alone allows everything and so controls nothing). Judged from the management
// account (or a delegated administrator); from a member account the organization's policies are
// not visible, and the result is SKIPPED saying where to run it (checks/org_helpers.hpp).
#include <boost/json.hpp>

#include "checks/all.hpp"
#include "checks/helpers.hpp"
#include "checks/org_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

class OrgScp final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "1.0-02",
            "Organizations SCP",
            "Organizations",
            "high",
            {"organizations:DescribeOrganization", "organizations:ListRoots",
             "organizations:ListPolicies", "organizations:ListTargetsForPolicy"},
            Reach::global,
            Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        const std::string& region = scope.global_region;
        json::object evidence;
        const auto m = org::membership(facts, scope);
        if (m.position == org::Position::standalone) {
            evals.push_back(
                evaluate({"Organizations", scope.account, "Organization.Id",
                          "Organization membership", engine::Comparator::exists, nullptr, nullptr,
                          engine::Source::aws_sdk, region, scope.account,
                          json::object{{"note",
                                        "the account is not in an "
                                        "AWS Organization"}}}));
            evidence["inOrganization"] = false;
            return finish(info(), std::move(evals), std::move(evidence), "");
        }
        if (m.error) {
            evals.push_back(error_evaluation("Organizations", scope.account, "Organization",
                                             *m.error, region, scope.account));
            return finish(info(), std::move(evals), std::move(evidence), "");
        }
        const std::string& org_id = m.organization_id;
        evidence["inOrganization"] = true;
        evidence["organizationId"] = org_id;
        evidence["accountPosition"] = json::string(org::to_string(m.position));

        auto roots = facts.aws_all_pages("organizations", "ListRoots", {}, region);
        if (!roots) {
            if (org::member_cannot_see(m, roots.error()))
                return finish(info(), {}, std::move(evidence),
                              org::member_reason(m, scope, "the SCP policy type of the root"));
            evals.push_back(error_evaluation("Organizations", org_id, "SCP policy type on root",
                                             roots.error(), region, scope.account));
            return finish(info(), std::move(evals), std::move(evidence), "");
        }
        bool enabled_somewhere = false;
        if (const auto* arr = at_path(*roots, "Roots"); arr != nullptr && arr->is_array()) {
            for (std::size_t i = 0; i < arr->get_array().size(); ++i) {
                const auto& root = arr->get_array()[i];
                json::value status = nullptr;
                std::string path = indexed("Roots", i, ".PolicyTypes");
                if (const auto* types = at_path(root, "PolicyTypes");
                    types != nullptr && types->is_array()) {
                    for (std::size_t j = 0; j < types->get_array().size(); ++j) {
                        const auto& t = types->get_array()[j];
                        if (string_at(t, "Type") == "SERVICE_CONTROL_POLICY") {
                            status = json::string(string_at(t, "Status"));
                            path = indexed(path, j, ".Status");
                        }
                    }
                }
                auto e =
                    evaluate({"Organizations", string_at(root, "Id"), path,
                              "SERVICE_CONTROL_POLICY policy type status", engine::Comparator::eq,
                              "ENABLED", status, engine::Source::aws_sdk, region, scope.account});
                enabled_somewhere = enabled_somewhere || e.passed;
                evals.push_back(std::move(e));
            }
        }
        evidence["scpEnabled"] = enabled_somewhere;
        if (!enabled_somewhere) return finish(info(), std::move(evals), std::move(evidence), "");

        auto policies = facts.aws_all_pages("organizations", "ListPolicies",
                                            {{"Filter", "SERVICE_CONTROL_POLICY"}}, region);
        if (!policies) {
            if (org::member_cannot_see(m, policies.error()))
                return finish(info(), {}, std::move(evidence),
                              org::member_reason(m, scope, "the attached SCPs"));
            evals.push_back(error_evaluation("Organizations", org_id, "Attached custom SCPs",
                                             policies.error(), region, scope.account));
            return finish(info(), std::move(evals), std::move(evidence), "");
        }
        json::array attached;
        std::int64_t custom = 0;
        bool target_error = false;
        if (const auto* arr = at_path(*policies, "Policies"); arr != nullptr && arr->is_array()) {
            for (const auto& p : arr->get_array()) {
                const auto* managed = at_path(p, "AwsManaged");
                const std::string name = string_at(p, "Name");
                if ((managed != nullptr && managed->is_bool() && managed->get_bool()) ||
                    name == "FullAWSAccess")
                    continue;
                ++custom;
                const std::string id = string_at(p, "Id");
                auto targets = facts.aws_all_pages("organizations", "ListTargetsForPolicy",
                                                   {{"PolicyId", id}}, region);
                if (!targets) {
                    evals.push_back(error_evaluation("Organizations", id, "SCP targets",
                                                     targets.error(), region, scope.account));
                    target_error = true;
                    continue;
                }
                json::array names;
                if (const auto* t = at_path(*targets, "Targets"); t != nullptr && t->is_array()) {
                    for (const auto& target : t->get_array())
                        names.push_back(json::string(string_at(target, "TargetId")));
                }
                if (!names.empty())
                    attached.push_back(
                        json::object{{"id", id}, {"name", name}, {"targets", names}});
            }
        }
        evidence["customScps"] = custom;
        evidence["attachedCustomScps"] = attached.size();
        // When a target read failed and nothing attached was seen, the answer is unknown: the ERROR
        // evaluation above already says so; no NON_COMPLIANT guess is added.
        if (!(target_error && attached.empty())) {
            evals.push_back(
                evaluate({"Organizations", org_id, "Policies[?AwsManaged==`false`] with Targets",
                          "Custom SCPs attached to a root, OU or account", engine::Comparator::ge,
                          1, static_cast<std::int64_t>(attached.size()), engine::Source::aws_sdk,
                          region, scope.account, json::object{{"attachedPolicies", attached}}}));
        }
        return finish(info(), std::move(evals), std::move(evidence), "");
    }
};

}  // namespace

const Check& check_1_0_02_org_scp() {
    static const OrgScp check;
    return check;
}

}  // namespace dspm::checks
