// 6.0-03 ECR image scanning: per repository, in every audited region, one evaluation: the
// repository's effective scan frequency is SCAN_ON_PUSH or CONTINUOUS_SCAN.
// The repository's own imageScanningConfiguration.scanOnPush (the catalog's return field) is
// deprecated: the registry's scanning configuration decides, so it is kept in extra only.
// Reads: ecr:DescribeRepositories (every page, shared with 6.0-07), then
// ecr:GetRegistryScanningConfiguration (scanType BASIC/ENHANCED and rules of scanFrequency with
// WILDCARD repositoryFilters) and ecr:BatchGetRepositoryScanningConfiguration in batches of 25
// names (its limit), whose scanningConfigurations[].scanFrequency is AWS's effective value for the
// repository (appliedScanFilters: the filters that applied). Evidence: the scan type, the
// frequency, the applied filters and the registry rule that matches.
// When the batch read fails, the frequency is derived from the registry rules by ECR's documented
// filter semantics (a filter without '*' matches names containing it; with '*', the whole name
// must match; for ENHANCED scanning a CONTINUOUS_SCAN rule wins over a SCAN_ON_PUSH one; a BASIC
// registry's unmatched repository is MANUAL, an ENHANCED one's is not scanned), with a note; where
// that cannot decide (BASIC, no rule matches, the deprecated repository flag is on) or the
// registry configuration was not read either, the repository is an ERROR naming the actions.
// A repository the batch answer lists under failures is an ERROR with its failureCode.
#include <boost/json.hpp>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "checks/fix.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

constexpr const char* kField = "Effective scan frequency of the repository";
constexpr const char* kBatchOp = "BatchGetRepositoryScanningConfiguration";
constexpr std::size_t kBatch = 25;

// '*' stands for zero or more characters; the whole name must match.
bool glob_match(std::string_view pattern, std::string_view name) {
    std::size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
    while (n < name.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = n;
        } else if (p < pattern.size() && pattern[p] == name[n]) {
            ++p;
            ++n;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            n = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

bool filter_matches(std::string_view filter, std::string_view name) {
    if (filter.find('*') == std::string_view::npos) return name.find(filter) != std::string::npos;
    return glob_match(filter, name);
}

int rank(std::string_view frequency) {
    if (frequency == "CONTINUOUS_SCAN") return 3;
    if (frequency == "SCAN_ON_PUSH") return 2;
    if (frequency == "MANUAL") return 1;
    return 0;
}

struct RuleMatch {
    std::size_t rule = 0;
    std::string frequency;
    json::object filter;
};

// The registry rule that decides a repository: of the rules with a matching filter, the one
// with the strongest frequency.
std::optional<RuleMatch> registry_rule(const json::value& registry, const std::string& name) {
    const auto* rules = at_path(registry, "scanningConfiguration.rules");
    if (rules == nullptr || !rules->is_array()) return std::nullopt;
    std::optional<RuleMatch> best;
    for (std::size_t r = 0; r < rules->get_array().size(); ++r) {
        const auto& rule = rules->get_array()[r];
        const std::string frequency = string_at(rule, "scanFrequency");
        const auto* filters = at_path(rule, "repositoryFilters");
        if (filters == nullptr || !filters->is_array()) continue;
        for (const auto& f : filters->get_array()) {
            if (!f.is_object() || !filter_matches(string_at(f, "filter"), name)) continue;
            if (!best || rank(frequency) > rank(best->frequency))
                best = RuleMatch{r, frequency, f.get_object()};
            break;
        }
    }
    return best;
}

bool scans(std::string_view frequency) {
    return frequency == "SCAN_ON_PUSH" || frequency == "CONTINUOUS_SCAN";
}

void add_missing_permission(engine::Evaluation& e, const aws::AwsError& other) {
    if (other.kind != aws::ErrorKind::permission_denied || other.iam_action.empty()) return;
    auto& missing = e.extra["missingPermissions"];
    if (!missing.is_array()) missing = json::array{};
    missing.as_array().push_back(json::string(other.iam_action));
}

// One batch's answer: where each repository's configuration or failure sits.
struct BatchAnswer {
    std::optional<inventory::AwsResult> result;
    std::map<std::string, std::size_t> configs;   // name -> scanningConfigurations index
    std::map<std::string, std::size_t> failures;  // name -> failures index
};

net::Evals judge_region(inventory::Facts& facts, const CheckScope& scope,
                        const std::string& region) {
    net::Evals evals;
    auto repos = net::list_items(facts, scope, region, "ECR", "ecr", "DescribeRepositories", {},
                                 "repositories", "Repository list", evals);
    if (!repos || repos->empty()) return evals;
    auto registry = facts.aws("ecr", "GetRegistryScanningConfiguration", {}, region);
    const std::string scan_type =
        registry ? string_at(*registry, "scanningConfiguration.scanType") : std::string();

    std::vector<std::string> names;
    std::vector<const json::value*> items;
    for (const auto& r : *repos) {
        std::string name = string_at(r, "repositoryName");
        if (name.empty()) continue;
        names.push_back(std::move(name));
        items.push_back(&r);
    }
    const std::size_t n_batches = (names.size() + kBatch - 1) / kBatch;
    std::vector<BatchAnswer> batches(n_batches);
    parallel_for(n_batches, scope.fanout, [&](std::size_t b) {
        json::array batch;
        for (std::size_t i = b * kBatch; i < std::min(names.size(), (b + 1) * kBatch); ++i)
            batch.push_back(json::string(names[i]));
        auto& answer = batches[b];
        answer.result = facts.aws("ecr", kBatchOp, {{"repositoryNames", std::move(batch)}}, region);
        if (!*answer.result) return;
        if (const auto* c = at_path(**answer.result, "scanningConfigurations");
            c != nullptr && c->is_array())
            for (std::size_t j = 0; j < c->get_array().size(); ++j)
                answer.configs.emplace(string_at(c->get_array()[j], "repositoryName"), j);
        if (const auto* f = at_path(**answer.result, "failures"); f != nullptr && f->is_array())
            for (std::size_t j = 0; j < f->get_array().size(); ++j)
                answer.failures.emplace(string_at(f->get_array()[j], "repositoryName"), j);
    });

    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string& name = names[i];
        const json::value* repo = items[i];
        const auto& answer = batches[i / kBatch];
        json::object extra{
            {"scanType", scan_type.empty() ? json::value(nullptr) : json::value(scan_type)}};
        if (const auto* a = at_path(*repo, "repositoryArn"); a != nullptr)
            extra["repositoryArn"] = *a;
        const auto* legacy = at_path(*repo, "imageScanningConfiguration.scanOnPush");
        if (legacy != nullptr) extra["repositoryScanOnPush(deprecated)"] = *legacy;
        const bool legacy_on = legacy != nullptr && legacy->is_bool() && legacy->get_bool();
        std::optional<RuleMatch> rule;
        if (registry) {
            rule = registry_rule(*registry, name);
            if (rule) {
                extra["registryRule"] = json::object{{"index", rule->rule},
                                                     {"scanFrequency", rule->frequency},
                                                     {"filter", rule->filter}};
            }
        } else {
            extra["registryNote"] = "registry scanning configuration not read (" +
                                    registry.error().service + ":" + registry.error().operation +
                                    ": " + registry.error().code + ")";
        }
        if (n_batches > 1) extra["batch"] = i / kBatch + 1;

        const auto& result = *answer.result;
        if (result) {
            if (auto c = answer.configs.find(name); c != answer.configs.end()) {
                const auto& cfg =
                    at_path(*result, "scanningConfigurations")->get_array()[c->second];
                std::string path = indexed("scanningConfigurations", c->second, ".scanFrequency");
                json::value observed = nullptr;
                if (const auto* f = at_path(cfg, "scanFrequency"); f != nullptr && f->is_string()) {
                    observed = *f;
                } else if (const auto* p = at_path(cfg, "scanOnPush");
                           p != nullptr && p->is_bool()) {
                    observed = p->get_bool() ? "SCAN_ON_PUSH" : "MANUAL";
                    path = indexed("scanningConfigurations", c->second, ".scanOnPush");
                    extra["note"] = "scanFrequency absent from the answer; taken from scanOnPush";
                }
                if (const auto* f = at_path(cfg, "appliedScanFilters"); f != nullptr)
                    extra["appliedScanFilters"] = *f;
                if (!extra.contains("note") && legacy_on && observed.is_string() &&
                    !scans(observed.get_string()))
                    extra["note"] =
                        "the deprecated repository setting scanOnPush is true, but the "
                        "registry's scanning configuration does not scan this "
                        "repository";
                evals.push_back(
                    evaluate({"ECR", name, std::move(path), kField, engine::Comparator::in,
                              json::array{"SCAN_ON_PUSH", "CONTINUOUS_SCAN"}, std::move(observed),
                              engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
                continue;
            }
            aws::AwsError e;
            e.service = "ecr";
            e.operation = kBatchOp;
            e.region = region;
            if (auto f = answer.failures.find(name); f != answer.failures.end()) {
                const auto& failure = at_path(*result, "failures")->get_array()[f->second];
                e.code = string_at(failure, "failureCode");
                e.message = string_at(failure, "failureReason");
                e.kind = e.code == "REPOSITORY_NOT_FOUND" ? aws::ErrorKind::not_found
                                                          : aws::ErrorKind::service;
            } else {
                e.kind = aws::ErrorKind::malformed;
                e.message = "the repository is in neither scanningConfigurations nor failures";
            }
            evals.push_back(error_evaluation("ECR", name, kField, e, region, scope.account));
            continue;
        }

        // The batch read failed: derive from the registry rules where that decides.
        const auto& batch_error = result.error();
        const std::string why =
            "derived from the registry's scanning rules: " + batch_error.service + ":" +
            batch_error.operation + " failed (" + batch_error.code + ")";
        if (registry && rule) {
            extra["note"] = why;
            evals.push_back(evaluate(
                {"ECR", name, indexed("scanningConfiguration.rules", rule->rule, ".scanFrequency"),
                 kField, engine::Comparator::in, json::array{"SCAN_ON_PUSH", "CONTINUOUS_SCAN"},
                 json::value(rule->frequency), engine::Source::aws_sdk, region, scope.account,
                 std::move(extra)}));
            continue;
        }
        if (registry && (scan_type == "ENHANCED" || !legacy_on)) {
            const bool enhanced = scan_type == "ENHANCED";
            extra["note"] = why + (enhanced ? "; no enhanced scanning rule's filter matches the "
                                              "repository, so it is not scanned"
                                            : "; no scan-on-push rule's filter matches the "
                                              "repository, so it is scanned manually only");
            evals.push_back(
                evaluate({"ECR", name, "scanningConfiguration.rules", kField,
                          engine::Comparator::in, json::array{"SCAN_ON_PUSH", "CONTINUOUS_SCAN"},
                          enhanced ? json::value(nullptr) : json::value("MANUAL"),
                          engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
            continue;
        }
        auto e = error_evaluation("ECR", name, kField, batch_error, region, scope.account);
        if (!registry) add_missing_permission(e, registry.error());
        evals.push_back(std::move(e));
    }
    return evals;
}

json::object scan_on_push(const engine::Evaluation& failing, bool on) {
    return {{"repositoryName", failing.resource_id},
            {"imageScanningConfiguration", {{"scanOnPush", on}}}};
}

// The fix: the repository's own scan-on-push flag on (basic scanning, free of charge), which a
// BASIC registry without rules of its own applies to the repository. The registry's scanning
// configuration is the lasting place for it, but a registry-wide change (every repository, and
// Inspector's cost for ENHANCED) is the operator's to make, so an ENHANCED registry, which ignores
// the repository flag, stays manual; where BASIC registry rules override the flag, the re-read
// after the write says so. Undo puts back the flag read just before.
class EcrScanOnPushFixer final : public Fixer {
  public:
    Expected<FixPlan, std::string> plan(const engine::Evaluation& failing) const override {
        if (const auto* t = failing.extra.if_contains("scanType");
            t != nullptr && t->is_string() && t->get_string() == "ENHANCED")
            return unexpected(std::string(
                "the registry uses ENHANCED scanning, which ignores the repository's scan-on-push "
                "flag: a continuous or scan-on-push rule whose filter matches the repository "
                "must be added to the registry's scanning configuration "
                "(PutRegistryScanningConfiguration), a change for every repository of the region "
                "and billed by Amazon Inspector, so it is the operator's to make"));
        FixPlan p;
        p.calls.push_back({"ecr", "PutImageScanningConfiguration", scan_on_push(failing, true)});
        p.iam_actions = {"ecr:PutImageScanningConfiguration", "ecr:DescribeRepositories"};
        p.risk =
            "images pushed from now on are scanned for CVEs (basic scanning, no charge); pushes "
            "and pulls are not affected. Registry scanning rules, where there are any, override "
            "this repository setting";
        p.expected_after = "SCAN_ON_PUSH";
        return p;
    }
    Expected<std::vector<FixCall>, aws::AwsError> undo(
        aws::AwsClient& aws, const engine::Evaluation& failing) const override {
        auto doc = aws.call("ecr", "DescribeRepositories",
                            {{"repositoryNames", json::array{json::string(failing.resource_id)}}},
                            {fix_region(failing, aws)});
        if (!doc) return unexpected(doc.error());
        const auto* on = at_path(*doc, "repositories[0].imageScanningConfiguration.scanOnPush");
        return std::vector<FixCall>{
            {"ecr", "PutImageScanningConfiguration",
             scan_on_push(failing, on != nullptr && on->is_bool() && on->get_bool())}};
    }
};

}  // namespace

const Check& check_6_0_03_ecr_scan_on_push() {
    static const EcrScanOnPushFixer fixer;
    static const net::FnCheck check(
        {"6.0-03",
         "ECR Scan on push",
         "ECR",
         "medium",
         {"ecr:DescribeRepositories", "ecr:GetRegistryScanningConfiguration",
          "ecr:BatchGetRepositoryScanningConfiguration"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            net::Evals evals;
            for (const auto& region : scope.regions)
                for (auto& e : judge_region(facts, scope, region))
                    evals.push_back(std::move(e));
            return net::result(info, std::move(evals), "totalRepositories", "scanned",
                               "no ECR repositories in the audited regions");
        },
        &fixer);
    return check;
}

}  // namespace dspm::checks
