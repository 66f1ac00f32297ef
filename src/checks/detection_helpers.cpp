#include "checks/detection_helpers.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <string_view>

#include "checks/helpers.hpp"

namespace dspm::checks::detection {

namespace json = boost::json;
using engine::Evaluation;

const json::array& array_at(const json::value& doc, std::string_view path) {
    static const json::array empty;
    const auto* v = at_path(doc, path);
    return v != nullptr && v->is_array() ? v->get_array() : empty;
}

engine::MappingResult regional_count(const CheckInfo& info, inventory::Facts& facts,
                                     const CheckScope& scope, const RegionalCount& spec) {
    std::vector<Evaluation> evals;
    std::vector<std::string> absent;  // one_way checks: regions without the optional resource
    std::size_t passing = 0;
    for (const auto& region : scope.regions) {
        auto doc = spec.all_pages
                       ? facts.aws_all_pages(spec.aws_service, spec.operation, spec.params, region)
                       : facts.aws(spec.aws_service, spec.operation, spec.params, region);
        const std::string path = spec.list_path + spec.filter_suffix;
        if (!doc) {
            bool not_enabled = false;
            for (const auto& code : spec.not_enabled_codes)
                not_enabled = not_enabled || is_error_code(doc.error(), code);
            if (!not_enabled) {
                evals.push_back(error_evaluation(spec.service, region, spec.checked_field,
                                                 doc.error(), region, scope.account));
                continue;
            }
            evals.push_back(
                evaluate({spec.service, region, path, spec.checked_field, engine::Comparator::ge, 1,
                          nullptr, engine::Source::aws_sdk, region, scope.account,
                          json::object{{"note", spec.service + " is not enabled in this region (" +
                                                    doc.error().code + ")"}}}));
            continue;
        }
        std::int64_t n = 0;
        for (const auto& item : array_at(*doc, spec.list_path)) {
            if (spec.counts && !spec.counts(item)) continue;
            ++n;
        }
        if (n == 0 && info.applicability == Applicability::one_way) {
            absent.push_back(region);
            continue;
        }
        auto e = evaluate({spec.service, region, path, spec.checked_field, engine::Comparator::ge,
                           1, n, engine::Source::aws_sdk, region, scope.account});
        if (e.passed) ++passing;
        evals.push_back(std::move(e));
    }
    json::object evidence{{"regions", scope.regions.size()}, {spec.evidence_key, passing}};
    auto result = finish(info, std::move(evals), std::move(evidence), "no audited regions");
    finish_not_evidenced(result, info, absent, spec.checked_field);
    return result;
}

namespace {

template <typename T>
bool read_int(std::string_view& s, std::size_t digits, T& out) {
    if (s.size() < digits) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + digits, out);
    if (ec != std::errc{} || p != s.data() + digits) return false;
    s.remove_prefix(digits);
    return true;
}

bool expect(std::string_view& s, char c) {
    if (s.empty() || s.front() != c) return false;
    s.remove_prefix(1);
    return true;
}

std::optional<std::chrono::sys_seconds> parse_iso(std::string_view s) {
    using namespace std::chrono;
    int y = 0;
    unsigned mo = 0, d = 0;
    int h = 0, mi = 0, sec = 0;
    if (!read_int(s, 4, y) || !expect(s, '-') || !read_int(s, 2, mo) || !expect(s, '-') ||
        !read_int(s, 2, d))
        return std::nullopt;
    if (!s.empty() && (s.front() == 'T' || s.front() == ' ')) {
        s.remove_prefix(1);
        if (!read_int(s, 2, h) || !expect(s, ':') || !read_int(s, 2, mi) || !expect(s, ':') ||
            !read_int(s, 2, sec))
            return std::nullopt;
        if (!s.empty() && s.front() == '.') {
            s.remove_prefix(1);
            while (!s.empty() && s.front() >= '0' && s.front() <= '9')
                s.remove_prefix(1);
        }
    }
    int offset_min = 0;
    if (!s.empty() && (s.front() == 'Z' || s.front() == 'z')) {
        s.remove_prefix(1);
    } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        const int sign = s.front() == '-' ? -1 : 1;
        s.remove_prefix(1);
        int oh = 0, om = 0;
        if (!read_int(s, 2, oh)) return std::nullopt;
        if (!s.empty() && s.front() == ':') s.remove_prefix(1);
        if (!s.empty() && !read_int(s, 2, om)) return std::nullopt;
        offset_min = sign * (oh * 60 + om);
    }
    if (!s.empty()) return std::nullopt;
    const year_month_day ymd{year{y}, month{mo}, day{d}};
    if (!ymd.ok()) return std::nullopt;
    return sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} - minutes{offset_min};
}

}  // namespace

std::optional<std::chrono::sys_seconds> parse_time(const json::value* v) {
    if (v == nullptr) return std::nullopt;
    if (v->is_number())
        return std::chrono::sys_seconds{
            std::chrono::seconds{static_cast<long long>(v->to_number<double>())}};
    if (v->is_string()) return parse_iso(v->get_string());
    return std::nullopt;
}

long long days_between(std::chrono::sys_seconds then, std::chrono::sys_seconds now) {
    return std::chrono::floor<std::chrono::days>(now - then).count();
}

std::chrono::sys_seconds now_seconds() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string account_resource(const CheckScope& scope) {
    return scope.account.empty() ? std::string("account") : scope.account;
}

void add_notes(engine::MappingResult& r, std::vector<std::string> notes) {
    for (auto& n : notes)
        r.notes.push_back(std::move(n));
}

}  // namespace dspm::checks::detection

namespace dspm::checks::detection {

TrailList describe_trails(inventory::Facts& facts, const CheckScope& scope,
                          const std::string& checked_field) {
    TrailList out;
    for (const auto& region : scope.regions) {
        auto doc = facts.aws("cloudtrail", "DescribeTrails", {}, region);
        if (!doc) {
            out.errors.push_back(error_evaluation("CloudTrail", "*", checked_field, doc.error(),
                                                  region, scope.account));
            continue;
        }
        const auto& list = array_at(*doc, "trailList");
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (!list[i].is_object()) continue;
            Trail t;
            t.name = string_at(list[i], "Name");
            t.arn = string_at(list[i], "TrailARN");
            if (t.arn.empty()) t.arn = t.name;
            if (t.arn.empty()) continue;
            bool seen = false;
            for (const auto& o : out.trails)
                seen = seen || o.arn == t.arn;
            if (seen) continue;
            t.region = string_at(list[i], "HomeRegion");
            if (t.region.empty()) t.region = region;
            t.index = i;
            t.doc = list[i].get_object();
            out.trails.push_back(std::move(t));
        }
    }
    return out;
}

engine::MappingResult at_least_one(const CheckInfo& info, std::vector<Evaluation> evals,
                                   Evaluation none_found, json::object evidence) {
    bool any_pass = false, any_error = false;
    for (const auto& e : evals) {
        any_pass = any_pass || e.status == engine::Status::compliant;
        any_error = any_error || e.status == engine::Status::error;
    }
    auto brief = [](const Evaluation& e) {
        return json::object{{"resource_id", e.resource_id},
                            {"region", e.region},
                            {"status", engine::to_string(e.status)},
                            {"decision", e.decision}};
    };
    std::vector<Evaluation> kept;
    json::array others;
    if (any_pass || any_error) {
        const auto keep = any_pass ? engine::Status::compliant : engine::Status::error;
        for (auto& e : evals) {
            if (e.status == keep)
                kept.push_back(std::move(e));
            else
                others.push_back(brief(e));
        }
    } else if (evals.empty()) {
        kept.push_back(std::move(none_found));
    } else {
        kept = std::move(evals);
    }
    const bool has_others = !others.empty();
    evidence["otherCandidates"] = std::move(others);
    auto r = finish(info, std::move(kept), std::move(evidence), "");
    if (any_pass && has_others)
        r.notes.emplace_back(
            "one qualifying resource is sufficient; the others are listed in "
            "evidence.otherCandidates");
    return r;
}

std::optional<Evaluation> list_users(inventory::Facts& facts, const CheckScope& scope,
                                     std::vector<IamUser>& out) {
    auto doc = facts.aws_all_pages("iam", "ListUsers", {}, scope.global_region);
    if (!doc)
        return error_evaluation("IAM", "*", "IAM users", doc.error(), scope.global_region,
                                scope.account);
    for (const auto& u : array_at(*doc, "Users")) {
        IamUser user{string_at(u, "UserName"), string_at(u, "Arn")};
        if (!user.name.empty()) out.push_back(std::move(user));
    }
    return std::nullopt;
}

std::string mask_key_id(std::string_view id) {
    if (id.size() <= 8) return std::string(id);
    return std::string(id.substr(0, 4)) + "\u2026" + std::string(id.substr(id.size() - 4));
}

std::vector<Evaluation> access_key_evaluations(inventory::Facts& facts, const CheckScope& scope,
                                               const IamUser& user, long long max_days,
                                               std::size_t& inactive) {
    std::vector<Evaluation> out;
    const std::string& region = scope.global_region;
    auto keys = facts.aws_all_pages("iam", "ListAccessKeys", {{"UserName", user.name}}, region);
    if (!keys) {
        out.push_back(
            error_evaluation("IAM", user.name, "Access keys", keys.error(), region, scope.account));
        return out;
    }
    const auto now = now_seconds();
    for (const auto& k : array_at(*keys, "AccessKeyMetadata")) {
        const std::string id = string_at(k, "AccessKeyId");
        if (id.empty()) continue;
        if (string_at(k, "Status") != "Active") {
            ++inactive;
            continue;
        }
        const std::string resource = user.name + "/" + mask_key_id(id);
        auto used = facts.aws("iam", "GetAccessKeyLastUsed", {{"AccessKeyId", id}}, region);
        if (!used) {
            out.push_back(error_evaluation("IAM", resource, "Access key last used", used.error(),
                                           region, scope.account));
            continue;
        }
        json::object extra{{"user", user.name}, {"accessKey", mask_key_id(id)}};
        const auto* last = at_path(*used, "AccessKeyLastUsed.LastUsedDate");
        const auto* created = at_path(k, "CreateDate");
        std::string path = "AccessKeyLastUsed.LastUsedDate";
        std::optional<std::chrono::sys_seconds> when = parse_time(last);
        if (when) {
            extra["lastUsedDate"] = *last;
        } else {
            // Never used: a key is judged by its age, so a new key is not a finding yet.
            when = parse_time(created);
            path = "AccessKeyMetadata[?AccessKeyId].CreateDate";
            extra["note"] = "never used: days since creation";
            if (created != nullptr) extra["createDate"] = *created;
        }
        json::value observed = nullptr;
        if (when) observed = days_between(*when, now);
        out.push_back(evaluate({"IAM", resource, path, "Days since access key last used",
                                engine::Comparator::le, max_days, std::move(observed),
                                engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
    }
    return out;
}

}  // namespace dspm::checks::detection
