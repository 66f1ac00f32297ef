// 13.0-02 Lake Formation permissions: per region, no ListPermissions grant goes to
// IAM_ALLOWED_PRINCIPALS.
// Judgement: "separated per tenant" cannot be read from the API without knowing the tenants. What
// can be judged is the opposite of separation: a grant to IAM_ALLOWED_PRINCIPALS (the default that
// Lake Formation puts on new databases and tables for backward compatibility) lets every IAM
// principal with the matching IAM permissions in, whatever tenant it belongs to. So a region
// passes when no grant goes to that principal; the open resources are listed in
// extra.openResources (at most 25). A region without any Lake Formation permission gives no
// evaluation; none in any audited region -> SKIPPED. ListPermissions lists only what the caller may
// grant unless it is a data lake administrator (GetDataLakeSettings): a non-administrator's "no
// open grant" is a partial answer and an ERROR saying so, never COMPLIANT; an open grant it sees
// is NON_COMPLIANT all the same. Every page is read (botocore has no paginator for ListPermissions;
// the embedded model has one, see gen_aws_models.py's EXTRA_PAGINATORS).
#include <boost/json.hpp>
#include <cstdint>
#include <string>

#include "checks/lakeformation_helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

constexpr const char* kOpenPrincipal = "IAM_ALLOWED_PRINCIPALS";
constexpr std::size_t kMaxListed = 25;

// "Database:sales", "Table:sales.orders", "Catalog", ...: enough to find the grant.
std::string describe_resource(const json::value& resource) {
    if (!resource.is_object() || resource.get_object().empty()) return "?";
    const auto& [kind, v] = *resource.get_object().begin();
    std::string out(kind);
    const std::string db = string_at(v, "DatabaseName");
    std::string name = string_at(v, "Name");
    if (name.empty() && kind == "DataLocation") name = string_at(v, "ResourceArn");
    if (!db.empty() || !name.empty()) {
        out += ':';
        out += db;
        if (!db.empty() && !name.empty()) out += '.';
        out += name;
    }
    return out;
}

}  // namespace

const Check& check_13_0_02_lakeformation_permissions() {
    static const net::FnCheck check(
        {"13.0-02",
         "Lake Formation permissions",
         "LakeFormation",
         "medium",
         {"lakeformation:ListPermissions", "lakeformation:GetDataLakeSettings"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            constexpr const char* kField = "Grants to IAM_ALLOWED_PRINCIPALS";
            net::Evals evals;
            for (const auto& region : scope.regions) {
                auto grants = net::list_items(facts, scope, region, "LakeFormation",
                                              "lakeformation", "ListPermissions", {},
                                              "PrincipalResourcePermissions", kField, evals);
                if (!grants) continue;
                // A non-administrator sees only the grants it may pass on: an open grant it sees
                // is a finding, but "none seen" is not "none there".
                auto view = lakeformation::caller_view(facts, scope, region);
                const bool complete = view && view->admin;
                if (grants->empty() && complete) continue;
                std::int64_t open = 0;
                json::array resources;
                for (const auto& g : *grants) {
                    if (string_at(g, "Principal.DataLakePrincipalIdentifier") != kOpenPrincipal)
                        continue;
                    ++open;
                    if (resources.size() < kMaxListed) {
                        const auto* res = at_path(g, "Resource");
                        resources.push_back(
                            json::string(describe_resource(res ? *res : json::value())));
                    }
                }
                if (open == 0 && !complete) {
                    if (!view) {
                        evals.push_back(error_evaluation("LakeFormation", region, kField,
                                                         view.error(), region, scope.account));
                    } else {
                        aws::AwsError partial;
                        partial.kind = aws::ErrorKind::service;
                        partial.service = "lakeformation";
                        partial.operation = "ListPermissions";
                        partial.code = "PartialAnswer";
                        partial.message = "the caller " + view->caller +
                                          " is not a data lake administrator of the region: "
                                          "ListPermissions showed only the grants it may pass on";
                        partial.region = region;
                        auto e = error_evaluation("LakeFormation", region, kField, partial, region,
                                                  scope.account);
                        e.extra["note"] =
                            "partial answer: run as a data lake administrator (or read-only "
                            "administrator) to see every grant";
                        e.extra["grantsSeen"] = grants->size();
                        evals.push_back(std::move(e));
                    }
                    continue;
                }
                json::object extra{{"totalGrants", grants->size()},
                                   {"callerIsDataLakeAdmin", complete}};
                if (open > 0) {
                    extra["openResources"] = std::move(resources);
                    extra["note"] =
                        "IAM_ALLOWED_PRINCIPALS leaves access to IAM policies alone, across "
                        "tenants";
                }
                evals.push_back(evaluate(
                    {"LakeFormation", region,
                     "PrincipalResourcePermissions[?Principal.DataLakePrincipalIdentifier=='"
                     "IAM_ALLOWED_PRINCIPALS']",
                     kField, engine::Comparator::eq, 0, open, engine::Source::aws_sdk, region,
                     scope.account, std::move(extra)}));
            }
            return net::result(info, std::move(evals), "regionsJudged", "regionsSeparated",
                               "no Lake Formation permissions in the audited regions");
        });
    return check;
}

}  // namespace dspm::checks
