#include "policy/policy.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <map>
#include <set>

#include "aws/iam_actions.hpp"
#include "checks/check.hpp"
#include "checks/fix.hpp"

namespace dspm::policy {
namespace json = boost::json;

namespace {

// Read by the run itself, whatever the checks: who the caller is (answered by AWS whatever the
// policy says, listed so the document reads whole) and which regions are enabled when none are
// named; the account alias, shown beside the id.
constexpr const char* kRunActions[] = {"sts:GetCallerIdentity", "ec2:DescribeRegions",
                                       "iam:ListAccountAliases"};

std::string prefix_of(const std::string& action) {
    return action.substr(0, action.find(':'));
}

// "access-analyzer" → "AccessAnalyzer": a statement id is alphanumeric.
std::string sid_for(const std::string& prefix, std::size_t part) {
    std::string sid = "DspmAuditRead";
    bool upper = true;
    for (const char c : prefix) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0) {
            upper = true;
            continue;
        }
        sid += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = false;
    }
    if (part > 0) sid += std::to_string(part + 1);
    return sid;
}

json::object statement(const std::string& sid, const std::vector<std::string>& actions) {
    json::array a;
    for (const auto& x : actions)
        a.emplace_back(x);
    return {{"Sid", sid}, {"Effect", "Allow"}, {"Action", std::move(a)}, {"Resource", "*"}};
}

json::object document(json::array statements) {
    return {{"Version", "2012-10-17"}, {"Statement", std::move(statements)}};
}

std::size_t chars(const json::value& v) {
    return json::serialize(v).size();  // compact: no white space, as IAM counts
}

}  // namespace

PolicySet read_policy(const std::vector<std::string>& codes, std::size_t limit, bool with_writes) {
    PolicySet set;
    std::set<std::string> actions(std::begin(kRunActions), std::end(kRunActions));
    std::set<std::string> seen;
    auto add = [&](const checks::Check& check) {
        if (!seen.insert(check.info().code).second) return;
        set.codes.push_back(check.info().code);
        for (const auto& a : check.info().iam_actions)
            actions.insert(a);
        if (!with_writes || check.fixer() == nullptr) return;
        // A fix's calls depend on the resource only in their parameters: planning one for a
        // placeholder resource names the operations, hence the actions.
        engine::Evaluation any;
        any.resource_id = "*";
        auto fix = check.fixer()->plan(any);
        if (!fix) return;  // manual: it writes nothing
        for (const auto& a : fix->iam_actions)
            actions.insert(a);
        for (const auto& c : fix->calls)
            actions.insert(aws::iam_action(c.service, c.operation));
    };
    if (codes.empty()) {
        for (const auto* check : checks::all_checks())
            add(*check);
    } else {
        for (const auto& code : codes) {
            if (const auto* check = checks::find_check(code))
                add(*check);
            else if (std::find(set.not_implemented.begin(), set.not_implemented.end(), code) ==
                     set.not_implemented.end())
                set.not_implemented.push_back(code);
        }
    }
    set.actions.assign(actions.begin(), actions.end());

    // One statement per service prefix; a prefix too long for one document is cut in parts.
    std::map<std::string, std::vector<std::string>> by_prefix;
    for (const auto& a : set.actions)
        by_prefix[prefix_of(a)].push_back(a);
    std::vector<json::object> statements;
    const std::size_t empty_doc = chars(document(json::array{})) + 1;
    for (const auto& [prefix, list] : by_prefix) {
        std::vector<std::string> part;
        std::size_t index = 0;
        for (const auto& a : list) {
            part.push_back(a);
            if (empty_doc + chars(statement(sid_for(prefix, index), part)) > limit &&
                part.size() > 1) {
                part.pop_back();
                statements.push_back(statement(sid_for(prefix, index++), part));
                part = {a};
            }
        }
        statements.push_back(statement(sid_for(prefix, index), part));
    }
    // Greedy: statements in service order, a new document when the next would not fit.
    json::array current;
    for (auto& s : statements) {
        json::array trial = current;
        trial.push_back(s);
        if (!current.empty() && chars(document(trial)) > limit) {
            set.documents.push_back(document(std::move(current)));
            current = json::array{};
        }
        current.push_back(std::move(s));
    }
    if (!current.empty()) set.documents.push_back(document(std::move(current)));
    return set;
}

Expected<std::vector<std::string>, catalog::CatalogError> codes_of(
    catalog::CatalogSource& source, const std::string& framework,
    const std::optional<std::string>& requirement) {
    std::vector<catalog::Requirement> rows;
    if (requirement) {
        auto detail = source.requirement(framework, *requirement);
        if (!detail) return unexpected(detail.error());
        rows.push_back(std::move(detail->requirement));
    } else {
        auto all = source.requirements(framework);
        if (!all) return unexpected(all.error());
        rows = std::move(*all);
    }
    std::vector<std::string> codes;
    std::set<std::string> seen;
    for (const auto& r : rows)
        if (r.auditable)
            for (const auto& c : r.mapping_codes)
                if (seen.insert(c).second) codes.push_back(c);
    return codes;
}

json::object to_json(const PolicySet& set) {
    json::array codes, missing, actions, documents, sizes;
    for (const auto& c : set.codes)
        codes.emplace_back(c);
    for (const auto& c : set.not_implemented)
        missing.emplace_back(c);
    for (const auto& a : set.actions)
        actions.emplace_back(a);
    for (const auto& d : set.documents) {
        documents.push_back(d);
        sizes.push_back(chars(d));
    }
    return {{"codes", std::move(codes)},          {"not_implemented", std::move(missing)},
            {"actions", std::move(actions)},      {"documents", std::move(documents)},
            {"document_chars", std::move(sizes)}, {"limit_chars", kManagedPolicyChars}};
}

}  // namespace dspm::policy
