// 11.0-04 RAM sharing limits: every resource share the account owns (GetResourceShares with
// resourceOwner=SELF, per region) is ACTIVE and does not allow principals outside the
// organization (allowExternalPrincipals false).
// Judgement: the catalog's value is status ACTIVE and its failure "public / unclear"; a share open
// to external principals is the "public" case of a sharing limit, so both fields are judged (two
// evaluations per share). allowExternalPrincipals missing means RAM's default (true): NON_COMPLIANT
// with a note. DELETING/DELETED shares share nothing any more and are noted, not judged. No owned
// shares -> SKIPPED.
#include <boost/json.hpp>
#include <optional>
#include <string>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_11_0_04_ram_sharing_limits() {
    static const net::FnCheck check(
        {"11.0-04", "RAM sharing limits", "RAM", "medium", {"ram:GetResourceShares"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::ItemRule rule{
                "RAM",
                "ram",
                "GetResourceShares",
                {{"resourceOwner", "SELF"}},
                "resourceShares",
                "name",
                "Resource share list",
                {{"status", "Resource share status", engine::Comparator::eq, "ACTIVE",
                  "no status in the answer"},
                 {"allowExternalPrincipals", "External principals allowed", engine::Comparator::eq,
                  false, "allowExternalPrincipals absent: RAM's default allows them"}},
                {"resourceShareArn", "statusMessage"},
                "ownedShares",
                "compliant",
                "no RAM resource shares owned by the account in the audited regions",
                [](const json::value& share) -> std::optional<std::string> {
                    const std::string s = string_at(share, "status");
                    if (s == "DELETING" || s == "DELETED") return "share " + s + ", not judged";
                    return std::nullopt;
                }};
            return net::run_item_rule(info, rule, facts, scope);
        });
    return check;
}

}  // namespace dspm::checks
