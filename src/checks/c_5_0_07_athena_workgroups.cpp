// 5.0-07 Athena workgroups: per workgroup, in every audited region, two evaluations, as the
// catalog's return fields say (Configuration.EnforceWorkGroupConfiguration,
// ResultConfiguration.OutputLocation):
//  - WorkGroup.Configuration.EnforceWorkGroupConfiguration == true (clients cannot override the
//    workgroup's settings);
//  - query results are kept: ResultConfiguration.OutputLocation is set, OR
//    ManagedQueryResultsConfiguration.Enabled is true (Athena-managed query results, kept in
//    Athena's own storage: there is no S3 location to set, and that is not a finding).
// The result encryption option is kept in extra (not judged: the catalog does not ask for it).
// Reads: athena:ListWorkGroups (every page), athena:GetWorkGroup per workgroup.
//
// The `primary` workgroup exists in every region and cannot be deleted, so judging it everywhere
// would fail every region where Athena is not used. The rule: `primary` is judged when it is
// configured (any of the settings above set: enforcement on, an output location, managed results
// on) or used (athena:ListQueryExecutions for it lists a query; Athena keeps 45 days of query
// history). When that history cannot be read, the fallback is the simpler rule: `primary` is
// judged when it is the region's only ENABLED workgroup (any query there runs in it), with a note.
// Otherwise `primary` gets no evaluation and the notes say why. A DISABLED `primary` cannot run
// queries: it is judged only when configured. Other workgroups are always judged.
#include <boost/json.hpp>
#include <optional>
#include <vector>

#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

namespace {

constexpr const char* kListField = "Workgroup list";
constexpr const char* kDescribeField = "Workgroup configuration";
constexpr const char* kResultsField =
    "Query results kept (output location or Athena-managed results)";

bool is_true(const json::value& doc, std::string_view path) {
    const auto* v = at_path(doc, path);
    return v != nullptr && v->is_bool() && v->get_bool();
}

bool has_output_location(const json::value& wg) {
    return !net::present_or_null(at_path(wg, "Configuration.ResultConfiguration.OutputLocation"))
                .is_null();
}

bool managed_results(const json::value& wg) {
    return is_true(wg, "Configuration.ManagedQueryResultsConfiguration.Enabled");
}

net::Evals judge(const std::string& id, const json::value& wg, const std::string& region,
                 const CheckScope& scope, json::object extra) {
    if (const auto* o = at_path(
            wg, "Configuration.ResultConfiguration.EncryptionConfiguration.EncryptionOption"))
        extra["EncryptionOption"] = *o;
    if (const auto* s = at_path(wg, "State"); s != nullptr) extra["State"] = *s;
    net::Evals out =
        net::judge_fields("Athena", id, wg, "WorkGroup",
                          {{"Configuration.EnforceWorkGroupConfiguration",
                            "Workgroup configuration enforced", engine::Comparator::eq, true}},
                          region, scope, extra);
    if (managed_results(wg)) {
        extra["note"] = "Athena-managed query results: Athena keeps the results in its own storage";
        if (const auto* k = at_path(
                wg,
                "Configuration.ManagedQueryResultsConfiguration.EncryptionConfiguration.KmsKey"))
            extra["ManagedQueryResultsKmsKey"] = *k;
        out.push_back(evaluate({"Athena", id,
                                "WorkGroup.Configuration.ManagedQueryResultsConfiguration.Enabled",
                                kResultsField, engine::Comparator::eq, true, true,
                                engine::Source::aws_sdk, region, scope.account, std::move(extra)}));
        return out;
    }
    for (auto& e :
         net::judge_fields("Athena", id, wg, "WorkGroup",
                           {{"Configuration.ResultConfiguration.OutputLocation", kResultsField,
                             engine::Comparator::exists, nullptr,
                             "no output location and Athena-managed query results are off"}},
                           region, scope, extra))
        out.push_back(std::move(e));
    return out;
}

// Why `primary` is judged, or nullopt with the reason it is not (in `why_not`).
std::optional<std::string> primary_judged(inventory::Facts& facts, const json::value& wg,
                                          const std::string& region, std::size_t enabled,
                                          std::string& why_not) {
    if (is_true(wg, "Configuration.EnforceWorkGroupConfiguration") || has_output_location(wg) ||
        managed_results(wg))
        return "primary is configured";
    if (string_at(wg, "State") == "DISABLED") {
        why_not = "the default workgroup is DISABLED and not configured: not judged";
        return std::nullopt;
    }
    auto history = facts.aws("athena", "ListQueryExecutions",
                             {{"WorkGroup", "primary"}, {"MaxResults", 1}}, region);
    if (history) {
        const auto* ids = at_path(*history, "QueryExecutionIds");
        const bool any = ids != nullptr && ids->is_array() && !ids->get_array().empty();
        if (any) return "primary ran queries in the last 45 days";
        if (string_at(*history, "NextToken").empty()) {
            why_not =
                "the default workgroup is not configured and ran no query in the last 45 "
                "days: not judged";
            return std::nullopt;
        }
    }
    const std::string unread =
        history ? std::string("query history answered an empty page with a NextToken")
                : "query history not read (" + history.error().service + ":" +
                      history.error().operation + ": " + history.error().code + ")";
    if (enabled <= 1) return unread + "; primary is the region's only ENABLED workgroup";
    why_not = unread +
              "; the default workgroup is not configured and other workgroups are "
              "ENABLED: not judged";
    return std::nullopt;
}

engine::MappingResult run(const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
    net::Evals evals;
    std::vector<std::string> notes;
    for (const auto& region : scope.regions) {
        auto items = net::list_items(facts, scope, region, "Athena", "athena", "ListWorkGroups", {},
                                     "WorkGroups", kListField, evals);
        if (!items) continue;
        const auto names = net::ids_of(*items, "Name");
        std::size_t enabled = 0;
        for (const auto& w : *items) {
            const std::string state = string_at(w, "State");
            enabled += state.empty() || state == "ENABLED";
        }
        std::vector<std::string> why_not(names.size());
        auto judged =
            net::per_resource(names.size(), scope.fanout, [&](std::size_t i) -> net::Evals {
                auto doc = facts.aws("athena", "GetWorkGroup", {{"WorkGroup", names[i]}}, region);
                if (!doc) {
                    return {error_evaluation("Athena", names[i], kDescribeField, doc.error(),
                                             region, scope.account)};
                }
                static const json::value empty = json::object{};
                const auto* found = at_path(*doc, "WorkGroup");
                const auto& wg = found != nullptr ? *found : empty;
                json::object extra;
                if (names[i] == "primary") {
                    auto why = primary_judged(facts, wg, region, enabled, why_not[i]);
                    if (!why) return {};
                    extra["primaryJudged"] = *why;
                }
                return judge(names[i], wg, region, scope, std::move(extra));
            });
        for (auto& e : judged)
            evals.push_back(std::move(e));
        for (std::size_t i = 0; i < names.size(); ++i)
            if (!why_not[i].empty()) notes.push_back(names[i] + " (" + region + "): " + why_not[i]);
    }
    return net::result(info, std::move(evals), "workgroupChecks", "passed",
                       "no Athena workgroups in use in the audited regions", std::move(notes));
}

}  // namespace

const Check& check_5_0_07_athena_workgroups() {
    static const net::FnCheck check(
        {"5.0-07",
         "Athena Workgroup",
         "Athena",
         "low",
         {"athena:ListWorkGroups", "athena:GetWorkGroup", "athena:ListQueryExecutions"}},
        run);
    return check;
}

}  // namespace dspm::checks
