// 13.0-04 KMS tenant keys: every customer-managed key (ListKeys, DescribeKey per region, the same
// reads with the same parameters as 2.0-16 so the run's cache serves both) carries a tag whose key
// contains "tenant" (ListResourceTags), i.e. it is attributable to one tenant.
// Judgement: the catalog asks for "tenant tag present" without naming the tag; any tag key
// containing "tenant", case-insensitively (Tenant, tenant-id, TenantName), counts. AWS-managed
// keys cannot be tagged by the customer and keys pending deletion protect nothing new: they are
// out of scope (evidence.keysOutOfScope). Disabled keys are still judged (they may be re-enabled).
// No customer-managed keys -> SKIPPED.
#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <cctype>
#include <string>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

bool names_tenant(std::string key) {
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return key.find("tenant") != std::string::npos;
}

}  // namespace

const Check& check_13_0_04_kms_tenant_keys() {
    static const net::FnCheck check(
        {"13.0-04",
         "KMS (tenant keys)",
         "KMS",
         "low",
         {"kms:ListKeys", "kms:DescribeKey", "kms:ListResourceTags"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            constexpr const char* kField = "Tenant tag";
            net::Evals evals;
            std::atomic<std::size_t> out_of_scope = 0;
            for (const auto& region : scope.regions) {
                auto keys = net::list_items(facts, scope, region, "KMS", "kms", "ListKeys", {},
                                            "Keys", "Key list", evals);
                if (!keys) continue;
                const auto ids = net::ids_of(*keys, "KeyId");
                auto judged =
                    net::per_resource(ids.size(), scope.fanout, [&](std::size_t i) -> net::Evals {
                        auto meta = facts.aws("kms", "DescribeKey", {{"KeyId", ids[i]}}, region);
                        if (!meta)
                            return {error_evaluation("KMS", ids[i], kField, meta.error(), region,
                                                     scope.account)};
                        const std::string state = string_at(*meta, "KeyMetadata.KeyState");
                        if (string_at(*meta, "KeyMetadata.KeyManager") != "CUSTOMER" ||
                            state == "PendingDeletion" || state == "PendingReplicaDeletion") {
                            ++out_of_scope;
                            return {};
                        }
                        auto tags = facts.aws_all_pages("kms", "ListResourceTags",
                                                        {{"KeyId", ids[i]}}, region);
                        if (!tags)
                            return {error_evaluation("KMS", ids[i], kField, tags.error(), region,
                                                     scope.account)};
                        json::array all_keys;
                        json::array tenant_keys;
                        if (const auto* t = at_path(*tags, "Tags"); t && t->is_array()) {
                            for (const auto& tag : t->get_array()) {
                                const std::string k = string_at(tag, "TagKey");
                                if (k.empty()) continue;
                                all_keys.emplace_back(k);
                                if (names_tenant(k)) tenant_keys.emplace_back(k);
                            }
                        }
                        json::object extra{{"TagKeys", std::move(all_keys)}, {"KeyState", state}};
                        if (tenant_keys.empty())
                            extra["note"] = "no tag key contains \"tenant\"";
                        else
                            extra["tenantTagKeys"] = tenant_keys;
                        return {evaluate({"KMS", ids[i], "Tags[?contains(TagKey,'tenant')]", kField,
                                          engine::Comparator::ge, 1, tenant_keys.size(),
                                          engine::Source::aws_sdk, region, scope.account,
                                          std::move(extra)})};
                    });
                for (auto& e : judged)
                    evals.push_back(std::move(e));
            }
            auto r = net::result(info, std::move(evals), "customerManagedKeys", "tenantTagged",
                                 "no customer-managed KMS keys in the audited regions");
            r.evidence["keysOutOfScope"] = out_of_scope.load();
            return r;
        });
    return check;
}

}  // namespace dspm::checks
