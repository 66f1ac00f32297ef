#include "checks/iam_policy.hpp"

#include <boost/json.hpp>
#include <boost/url/pct_string_view.hpp>
#include <cctype>
#include <system_error>
#include <vector>

namespace dspm::checks::iam {

namespace json = boost::json;

namespace {

std::vector<std::string> strings_of(const json::value* v) {
    std::vector<std::string> out;
    if (v == nullptr) return out;
    if (v->is_string()) out.emplace_back(v->get_string());
    if (v->is_array())
        for (const auto& x : v->get_array())
            if (x.is_string()) out.emplace_back(x.get_string());
    return out;
}

// Action names are case-insensitive in IAM ("IAM:*" is "iam:*").
bool has(const std::vector<std::string>& values, std::string_view wanted) {
    for (auto v : values) {
        for (auto& c : v)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (v == wanted) return true;
    }
    return false;
}

}  // namespace

Expected<json::value, std::string> parse_policy(std::string_view text) {
    std::string decoded(text);
    // IAM's answers are URL-encoded ("%7B%22Version%22..."); a plain document starts with '{'.
    if (!text.empty() && text.front() == '%') {
        auto pct = boost::urls::make_pct_string_view(text);
        if (!pct) return unexpected(std::string("the policy document is not valid URL encoding"));
        decoded = pct->decode();
    }
    std::error_code ec;
    json::value doc = json::parse(decoded, ec);
    if (ec) return unexpected("the policy document is not JSON (" + ec.message() + ")");
    if (!doc.is_object()) return unexpected(std::string("the policy document is not an object"));
    const auto* st = doc.as_object().if_contains("Statement");
    if (st == nullptr || !(st->is_array() || st->is_object()))
        return unexpected(std::string("the policy document has no Statement"));
    return doc;
}

std::optional<AdminGrant> admin_grant(const json::value& policy) {
    if (!policy.is_object()) return std::nullopt;
    const auto* st = policy.as_object().if_contains("Statement");
    if (st == nullptr) return std::nullopt;
    std::vector<const json::value*> statements;
    if (st->is_object()) statements.push_back(st);
    if (st->is_array())
        for (const auto& s : st->get_array())
            statements.push_back(&s);
    for (std::size_t i = 0; i < statements.size(); ++i) {
        const auto& s = *statements[i];
        if (!s.is_object()) continue;
        const auto& o = s.as_object();
        const auto* effect = o.if_contains("Effect");
        if (effect == nullptr || !effect->is_string() || effect->get_string() != "Allow") continue;
        if (!has(strings_of(o.if_contains("Resource")), "*")) continue;
        if (has(strings_of(o.if_contains("Action")), "*"))
            return AdminGrant{i, "Allow of Action \"*\" on Resource \"*\""};
        if (const auto* not_action = o.if_contains("NotAction")) {
            const auto excluded = strings_of(not_action);
            if (!has(excluded, "*") && !has(excluded, "iam:*"))
                return AdminGrant{i,
                                  "Allow of NotAction on Resource \"*\" that leaves iam:* allowed"};
        }
    }
    return std::nullopt;
}

}  // namespace dspm::checks::iam
