// 1.0-01 IAM Identity Center permission sets: an instance must exist; each instance keeps at most
// SSO_PERMISSION_SET_MAX permission sets; a permission set granting administrator rights (the
// AWS-managed AdministratorAccess policy, or an Allow of Action "*" -- or of a NotAction that
// leaves iam:* allowed -- on Resource "*" in its inline policy or in this account's copy of a
// customer managed policy it references; a document that does not parse is an ERROR) fails unless
// its name is in SSO_ADMIN_ALLOWLIST. A permissions boundary
// (GetPermissionsBoundaryForPermissionSet) caps what the set's policies grant: a set whose boundary
// policy (AWS managed by ARN, or this account's copy of a customer managed one) does not itself
// grant administrator rights is not an administrator set; the boundary is named in extra. No
// boundary is AWS's ResourceNotFoundException; any other failure to read it is an ERROR, since an
// administrator grant must not be called bounded (or unbounded) unread. The instance may live in
// any region: when the audited regions have none, the account's other enabled regions are searched
// before "none" is said.
#include <algorithm>
#include <boost/json.hpp>
#include <system_error>

#include "aws/regions.hpp"
#include "checks/all.hpp"
#include "checks/helpers.hpp"
#include "checks/iam_policy.hpp"

namespace dspm::checks {

namespace json = boost::json;
using engine::Evaluation;

namespace {

constexpr std::string_view kAdminArn = "arn:aws:iam::aws:policy/AdministratorAccess";

// The partition of an ARN ("aws", "aws-cn", "aws-us-gov"); "aws" when it is not one.
std::string partition_of(const std::string& arn) {
    if (arn.rfind("arn:", 0) != 0) return "aws";
    const auto end = arn.find(':', 4);
    return end == std::string::npos || end == 4 ? "aws" : arn.substr(4, end - 4);
}

aws::AwsError not_a_policy(std::string operation, std::string why, const std::string& region) {
    aws::AwsError e;
    e.kind = aws::ErrorKind::malformed;
    e.service = "iam";
    e.operation = std::move(operation);
    e.message = std::move(why);
    e.region = region;
    return e;
}

// The default version of a managed policy (AWS managed or this account's), parsed; the error says
// which read failed or that the document is not a policy.
Expected<json::value, aws::AwsError> managed_policy(inventory::Facts& facts,
                                                    const CheckScope& scope, const std::string& arn,
                                                    const std::string& region) {
    auto pol = facts.aws("iam", "GetPolicy", {{"PolicyArn", arn}}, scope.global_region);
    if (!pol) return unexpected(pol.error());
    const std::string version = string_at(*pol, "Policy.DefaultVersionId");
    auto ver = facts.aws("iam", "GetPolicyVersion", {{"PolicyArn", arn}, {"VersionId", version}},
                         scope.global_region);
    if (!ver) return unexpected(ver.error());
    auto policy = iam::parse_policy(string_at(*ver, "PolicyVersion.Document"));
    if (!policy)
        return unexpected(not_a_policy("GetPolicyVersion", arn + ": " + policy.error(), region));
    return std::move(*policy);
}

class SsoPermissionSets final : public Check {
  public:
    const CheckInfo& info() const override {
        static const CheckInfo i{
            "1.0-01",
            "IAM Identity Center",
            "IAM Identity Center",
            "high",
            {"sso:ListInstances", "sso:ListPermissionSets", "sso:DescribePermissionSet",
             "sso:ListManagedPoliciesInPermissionSet", "sso:GetInlinePolicyForPermissionSet",
             "sso:ListCustomerManagedPolicyReferencesInPermissionSet",
             "sso:GetPermissionsBoundaryForPermissionSet", "iam:GetPolicy", "iam:GetPolicyVersion",
             "ec2:DescribeRegions"},
            Reach::regional,
            Applicability::control};
        return i;
    }

    engine::MappingResult run(inventory::Facts& facts, const CheckScope& scope) const override {
        std::vector<Evaluation> evals;
        std::size_t instances = 0, sets = 0, admin = 0, allowlisted = 0;
        bool list_failed = false;
        auto search = [&](const std::string& region) {
            auto list = facts.aws_all_pages("sso-admin", "ListInstances", {}, region);
            if (!list) {
                list_failed = true;
                evals.push_back(error_evaluation("IAM Identity Center", "*", "Instances",
                                                 list.error(), region, scope.account));
                return;
            }
            const auto* arr = at_path(*list, "Instances");
            if (arr == nullptr || !arr->is_array()) return;
            for (const auto& inst : arr->get_array()) {
                ++instances;
                const std::string arn = string_at(inst, "InstanceArn");
                auto ps = facts.aws_all_pages("sso-admin", "ListPermissionSets",
                                              {{"InstanceArn", arn}}, region);
                if (!ps) {
                    evals.push_back(error_evaluation("IAM Identity Center", arn, "Permission sets",
                                                     ps.error(), region, scope.account));
                    continue;
                }
                std::vector<std::string> set_arns;
                if (const auto* p = at_path(*ps, "PermissionSets"); p && p->is_array()) {
                    for (const auto& s : p->get_array())
                        if (s.is_string()) set_arns.emplace_back(s.get_string());
                }
                sets += set_arns.size();
                evals.push_back(evaluate({"IAM Identity Center", arn, "PermissionSets.length",
                                          "Permission set count", engine::Comparator::le,
                                          scope.sso_permission_set_max,
                                          static_cast<std::int64_t>(set_arns.size()),
                                          engine::Source::aws_sdk, region, scope.account}));
                std::vector<Evaluation> per_set(set_arns.size());
                parallel_for(set_arns.size(), scope.fanout, [&](std::size_t i) {
                    per_set[i] = evaluate_set(facts, scope, region, arn, set_arns[i]);
                });
                for (auto& e : per_set) {
                    if (e.extra.contains("administrator")) {
                        ++admin;
                        if (e.passed) ++allowlisted;
                    }
                    evals.push_back(std::move(e));
                }
            }
        };
        for (const auto& region : scope.regions)
            search(region);
        // The account's one instance lives in whichever region it was enabled in, audited or not:
        // before saying there is none, look in the account's other enabled regions.
        std::size_t searched = scope.regions.size();
        bool others_unlisted = false;
        if (instances == 0 && !list_failed && !scope.regions.empty()) {
            auto enabled = facts.aws("ec2", "DescribeRegions", {}, scope.regions.front());
            if (!enabled) {
                others_unlisted = true;
                auto e = error_evaluation("IAM Identity Center", scope.account, "Instances",
                                          enabled.error(), scope.regions.front(), scope.account);
                e.extra["note"] =
                    "no instance in the audited regions, and the account's other regions could "
                    "not be listed to look for it there";
                evals.push_back(std::move(e));
            } else {
                std::vector<std::string> invalid;  // never searched; the engine warns of them
                for (const auto& name : aws::enabled_regions(*enabled, invalid)) {
                    if (std::find(scope.regions.begin(), scope.regions.end(), name) !=
                        scope.regions.end())
                        continue;
                    if (searched >= aws::max_regions_per_run) break;  // as the engine bounds a run
                    ++searched;
                    search(name);
                }
            }
        }
        if (instances == 0 && !list_failed && !others_unlisted) {
            evals.push_back(evaluate(
                {"IAM Identity Center", scope.account, "Instances.length",
                 "Identity Center instance count", engine::Comparator::ge, 1, 0,
                 engine::Source::aws_sdk, scope.regions.empty() ? "" : scope.regions.front(),
                 scope.account,
                 json::object{{"note", "no IAM Identity Center instance in any of the " +
                                           std::to_string(searched) + " enabled regions"}}}));
        }
        json::object evidence{{"instances", instances},
                              {"permissionSets", sets},
                              {"adminPermissionSets", admin},
                              {"allowlistedAdmin", allowlisted},
                              {"permissionSetMax", scope.sso_permission_set_max}};
        return finish(info(), std::move(evals), std::move(evidence), "");
    }

  private:
    static Evaluation evaluate_set(inventory::Facts& facts, const CheckScope& scope,
                                   const std::string& region, const std::string& instance,
                                   const std::string& set_arn) {
        const json::object key{{"InstanceArn", instance}, {"PermissionSetArn", set_arn}};
        const char* field = "Administrator rights";
        auto desc = facts.aws("sso-admin", "DescribePermissionSet", key, region);
        if (!desc) {
            return error_evaluation("IAM Identity Center", set_arn, field, desc.error(), region,
                                    scope.account);
        }
        const std::string name = string_at(*desc, "PermissionSet.Name");
        const std::string resource = name.empty() ? set_arn : name;
        auto managed =
            facts.aws_all_pages("sso-admin", "ListManagedPoliciesInPermissionSet", key, region);
        if (!managed) {
            return error_evaluation("IAM Identity Center", resource, field, managed.error(), region,
                                    scope.account);
        }
        std::string admin_path;
        if (const auto* arr = at_path(*managed, "AttachedManagedPolicies");
            arr && arr->is_array()) {
            for (std::size_t i = 0; i < arr->get_array().size() && admin_path.empty(); ++i) {
                if (string_at(arr->get_array()[i], "Arn") == kAdminArn)
                    admin_path = indexed("AttachedManagedPolicies", i, ".Arn");
            }
        }
        std::string admin_why = admin_path.empty() ? "" : "AWS managed AdministratorAccess";
        if (admin_path.empty()) {
            auto inline_doc =
                facts.aws("sso-admin", "GetInlinePolicyForPermissionSet", key, region);
            if (!inline_doc) {
                return error_evaluation("IAM Identity Center", resource, field, inline_doc.error(),
                                        region, scope.account);
            }
            const std::string text = string_at(*inline_doc, "InlinePolicy");
            if (!text.empty()) {
                auto policy = iam::parse_policy(text);
                if (!policy) {
                    return error_evaluation(
                        "IAM Identity Center", resource, field,
                        not_a_policy("GetInlinePolicyForPermissionSet",
                                     "inline policy of the permission set: " + policy.error(),
                                     region),
                        region, scope.account);
                }
                if (auto grant = iam::admin_grant(*policy)) {
                    admin_path = indexed("InlinePolicy.Statement", grant->statement);
                    admin_why = grant->why;
                }
            }
        }
        json::array referenced;
        if (admin_path.empty()) {
            // Customer managed policies are referenced by name and path: the set grants, in each
            // account it is provisioned to, whatever that account's policy of that name says.
            // This account's copy is read; another account's is judged from there.
            auto refs = facts.aws_all_pages(
                "sso-admin", "ListCustomerManagedPolicyReferencesInPermissionSet", key, region);
            if (!refs) {
                return error_evaluation("IAM Identity Center", resource, field, refs.error(),
                                        region, scope.account);
            }
            const auto* list = at_path(*refs, "CustomerManagedPolicyReferences");
            const std::size_t n = list != nullptr && list->is_array() ? list->as_array().size() : 0;
            for (std::size_t i = 0; i < n && admin_path.empty(); ++i) {
                const auto& ref = list->as_array()[i];
                std::string path = string_at(ref, "Path");
                if (path.empty()) path = "/";
                const std::string arn = "arn:" + partition_of(instance) + ":iam::" + scope.account +
                                        ":policy" + path + string_at(ref, "Name");
                referenced.emplace_back(arn);
                auto policy = managed_policy(facts, scope, arn, region);
                if (!policy) {
                    auto e = error_evaluation("IAM Identity Center", resource, field,
                                              policy.error(), region, scope.account);
                    e.extra["customerManagedPolicy"] = arn;
                    if (policy.error().kind == aws::ErrorKind::not_found)
                        e.extra["note"] =
                            "the referenced customer managed policy is not in this account: the "
                            "set's rights here cannot be judged (provisioning fails without it)";
                    return e;
                }
                if (auto grant = iam::admin_grant(*policy)) {
                    admin_path = indexed("CustomerManagedPolicyReferences", i,
                                         ".PolicyVersion.Document.Statement") +
                                 "[" + std::to_string(grant->statement) + "]";
                    admin_why = grant->why + " in " + arn;
                }
            }
        }
        json::object extra{{"permissionSetArn", set_arn}, {"instanceArn", instance}};
        if (!referenced.empty()) extra["customerManagedPolicies"] = std::move(referenced);
        if (admin_path.empty()) {
            return evaluate({"IAM Identity Center", resource,
                             "AttachedManagedPolicies[*].Arn, InlinePolicy.Statement, "
                             "CustomerManagedPolicyReferences[*]",
                             field, engine::Comparator::eq, false, false, engine::Source::aws_sdk,
                             region, scope.account, std::move(extra)});
        }
        // The boundary is read only for a set whose policies grant administrator rights: it
        // can only take rights away.
        auto boundary =
            facts.aws("sso-admin", "GetPermissionsBoundaryForPermissionSet", key, region);
        if (!boundary && boundary.error().kind != aws::ErrorKind::not_found) {
            auto e = error_evaluation("IAM Identity Center", resource, field, boundary.error(),
                                      region, scope.account);
            e.extra["note"] = "the set's policies grant administrator rights (" + admin_why +
                              "); whether a permissions boundary caps them could not be read";
            return e;
        }
        if (boundary) {
            std::string arn = string_at(*boundary, "PermissionsBoundary.ManagedPolicyArn");
            if (arn.empty()) {
                if (const auto* ref =
                        at_path(*boundary, "PermissionsBoundary.CustomerManagedPolicyReference");
                    ref != nullptr && ref->is_object()) {
                    std::string path = string_at(*ref, "Path");
                    if (path.empty()) path = "/";
                    arn = "arn:" + partition_of(instance) + ":iam::" + scope.account + ":policy" +
                          path + string_at(*ref, "Name");
                }
            }
            if (!arn.empty()) {
                extra["permissionsBoundary"] = arn;
                bool boundary_admin = arn == kAdminArn;
                if (!boundary_admin) {
                    auto doc = managed_policy(facts, scope, arn, region);
                    if (!doc) {
                        auto e = error_evaluation("IAM Identity Center", resource, field,
                                                  doc.error(), region, scope.account);
                        e.extra["permissionsBoundary"] = arn;
                        e.extra["note"] = "the set's policies grant administrator rights (" +
                                          admin_why + "); its permissions boundary " + arn +
                                          " could not be read";
                        return e;
                    }
                    boundary_admin = iam::admin_grant(*doc).has_value();
                }
                if (!boundary_admin) {
                    extra["administratorGrantedBy"] = admin_why;
                    extra["note"] =
                        "the set's policies grant administrator rights, but its "
                        "permissions boundary " +
                        arn + " does not allow them";
                    return evaluate({"IAM Identity Center", resource,
                                     "PermissionsBoundary (" + admin_path + ")", field,
                                     engine::Comparator::eq, false, false, engine::Source::aws_sdk,
                                     region, scope.account, std::move(extra)});
                }
            }
        }
        extra["administrator"] = true;
        extra["administratorBy"] = admin_why;
        const auto& allow = scope.sso_admin_allowlist;
        if (std::find(allow.begin(), allow.end(), name) != allow.end()) {
            json::array list;
            for (const auto& a : allow)
                list.push_back(json::string(a));
            extra["adminEvidencePath"] = admin_path;
            return evaluate({"IAM Identity Center", resource, "PermissionSet.Name",
                             "Administrator permission set in SSO_ADMIN_ALLOWLIST",
                             engine::Comparator::in, std::move(list), json::string(name),
                             engine::Source::aws_sdk, region, scope.account, std::move(extra)});
        }
        return evaluate({"IAM Identity Center", resource, admin_path, field, engine::Comparator::eq,
                         false, true, engine::Source::aws_sdk, region, scope.account,
                         std::move(extra)});
    }
};

}  // namespace

const Check& check_1_0_01_sso_permission_sets() {
    static const SsoPermissionSets check;
    return check;
}

}  // namespace dspm::checks
