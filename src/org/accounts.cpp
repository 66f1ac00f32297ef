#include "org/accounts.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "aws/client.hpp"

namespace dspm::org {

namespace json = boost::json;

bool valid_account_id(std::string_view id) {
    return id.size() == 12 &&
           std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

Expected<AccountSelection, std::string> parse_accounts(std::string_view text,
                                                       std::size_t max_accounts) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "org" || lower == "organization") return AccountSelection{true, {}};
    AccountSelection out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto comma = text.find(',', start);
        if (comma == std::string_view::npos) comma = text.size();
        std::string_view item = text.substr(start, comma - start);
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ')
            item.remove_suffix(1);
        if (!item.empty()) {
            if (!valid_account_id(item))
                return unexpected(
                    std::string("accounts: expected org or a comma list of 12-digit account ids") +
                    (item.size() <= 40 ? " ('" + std::string(item) + "' is not one)" : ""));
            if (std::find(out.ids.begin(), out.ids.end(), item) == out.ids.end())
                out.ids.emplace_back(item);
            if (out.ids.size() > max_accounts)
                return unexpected("accounts: more than " + std::to_string(max_accounts) +
                                  " accounts (AUDIT_MAX_ACCOUNTS)");
        }
        start = comma + 1;
    }
    if (out.ids.empty())
        return unexpected(
            std::string("accounts: expected org or a comma list of 12-digit account ids"));
    return out;
}

Expected<OrganizationAccounts, aws::AwsError> list_organization_accounts(aws::AwsClient& caller) {
    auto doc = caller.call_all_pages("organizations", "ListAccounts", {});
    if (!doc) return unexpected(doc.error());
    OrganizationAccounts out;
    const auto* list = doc->is_object() ? doc->as_object().if_contains("Accounts") : nullptr;
    if (list == nullptr || !list->is_array()) return out;
    const auto text = [](const json::object& o, const char* key) {
        const auto* v = o.if_contains(key);
        return v && v->is_string() ? std::string(v->as_string()) : std::string{};
    };
    for (const auto& a : list->as_array()) {
        if (!a.is_object()) continue;
        const auto& o = a.as_object();
        MemberAccount m{text(o, "Id"), text(o, "Name"), text(o, "Email"), text(o, "State")};
        // Status is retired in favour of State (September 2026); an older answer has only it.
        if (m.state.empty()) m.state = text(o, "Status");
        if (!valid_account_id(m.id)) continue;
        (m.state == "ACTIVE" ? out.active : out.not_active).push_back(std::move(m));
    }
    return out;
}

std::string role_arn(std::string_view partition, std::string_view account, std::string_view name) {
    return "arn:" + std::string(partition) + ":iam::" + std::string(account) + ":role/" +
           std::string(name);
}

std::string partition_of(std::string_view arn) {
    if (!arn.starts_with("arn:")) return "aws";
    const auto end = arn.find(':', 4);
    if (end == std::string_view::npos || end == 4) return "aws";
    return std::string(arn.substr(4, end - 4));
}

}  // namespace dspm::org
