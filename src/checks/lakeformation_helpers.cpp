#include "checks/lakeformation_helpers.hpp"

#include "checks/detection_helpers.hpp"
#include "checks/helpers.hpp"

namespace dspm::checks::lakeformation {

namespace {

// "arn:aws:sts::123456789012:assumed-role/Name/session" -> {"123456789012", "Name"}.
bool assumed_role(const std::string& arn, std::string& account, std::string& role) {
    const auto colon = arn.find(":assumed-role/");
    if (arn.rfind("arn:", 0) != 0 || colon == std::string::npos) return false;
    const auto acct_start = arn.rfind(':', colon - 1);
    if (acct_start == std::string::npos) return false;
    account = arn.substr(acct_start + 1, colon - acct_start - 1);
    const auto name_start = colon + 14;
    const auto slash = arn.find('/', name_start);
    role =
        arn.substr(name_start, slash == std::string::npos ? std::string::npos : slash - name_start);
    return !account.empty() && !role.empty();
}

}  // namespace

bool same_principal(const std::string& admin, const std::string& caller_arn) {
    if (admin.empty() || caller_arn.empty()) return false;
    if (admin == caller_arn) return true;
    std::string account, role;
    if (!assumed_role(caller_arn, account, role)) return false;
    // arn:aws:iam::123456789012:role[/path]/Name
    const auto marker = admin.find(":role/");
    if (admin.rfind("arn:", 0) != 0 || marker == std::string::npos) return false;
    const auto acct_start = admin.rfind(':', marker - 1);
    if (acct_start == std::string::npos ||
        admin.substr(acct_start + 1, marker - acct_start - 1) != account)
        return false;
    const auto last = admin.rfind('/');
    return admin.substr(last + 1) == role;
}

Expected<CallerView, aws::AwsError> caller_view(inventory::Facts& facts, const CheckScope& scope,
                                                const std::string& region) {
    auto who = facts.aws("sts", "GetCallerIdentity", {}, scope.global_region);
    if (!who) return unexpected(who.error());
    CallerView view;
    view.caller = string_at(*who, "Arn");
    auto settings = facts.aws("lakeformation", "GetDataLakeSettings", {}, region);
    if (!settings) return unexpected(settings.error());
    for (const char* list : {"DataLakeSettings.DataLakeAdmins", "DataLakeSettings.ReadOnlyAdmins"})
        for (const auto& p : detection::array_at(*settings, list))
            view.admin = view.admin ||
                         same_principal(string_at(p, "DataLakePrincipalIdentifier"), view.caller);
    return view;
}

}  // namespace dspm::checks::lakeformation
