#include "store/record.hpp"

#include <boost/json.hpp>
#include <map>
#include <set>
#include <tuple>

#include "aws/credentials.hpp"  // format_iso8601

namespace dspm::store {

namespace json = boost::json;

namespace {

std::string splice(std::string_view answer, std::string_view members) {
    // Only an object gains members; anything else is returned as it was.
    const auto open = answer.find('{');
    if (open == std::string_view::npos || members.empty()) return std::string(answer);
    std::string out;
    out.reserve(answer.size() + members.size() + 1);
    out += answer.substr(0, open + 1);
    out += members;
    const auto rest = answer.substr(open + 1);
    const auto first = rest.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && rest[first] != '}') out += ',';
    out += rest;
    return out;
}

}  // namespace

std::string run_id_member(const std::string& run_id) {
    return "\"run_id\":" + json::serialize(json::string(run_id));
}

std::string store_failure_members(const std::string& error) {
    return "\"run_stored\":false,\"store_error\":" + json::serialize(json::string(error));
}

std::string with_members(std::string_view answer, std::string_view members) {
    return splice(answer, members);
}

std::string with_run_id(std::string_view answer, const std::string& run_id) {
    return splice(answer, run_id_member(run_id));
}

std::string with_store_failure(std::string_view answer, const std::string& error) {
    return splice(answer, store_failure_members(error));
}

RunRecord make_record(const engine::AuditRun& run, const std::string& run_id, std::string answer) {
    RunRecord rec;
    auto& h = rec.head;
    const auto& s = run.summary;
    h.run_id = run_id;
    h.framework = run.plan.framework;
    h.requirement = run.plan.all || run.plan.requirements.empty()
                        ? std::string("_all")
                        : run.plan.requirements.front().item_code;
    h.account = s.account;
    h.regions = s.regions;
    h.started_at = aws::format_iso8601(s.started_at);
    h.finished_at = aws::format_iso8601(s.finished_at);
    // The run's status as its answer states it: the framework roll-up, or the one requirement's.
    h.status = std::string(engine::to_string(
        run.plan.all
            ? s.status
            : (run.results.empty() ? engine::Status::skipped : run.results.front().status)));
    h.complete = !s.cancelled;
    h.catalog_version = s.catalog_version;
    h.tool_version = DSPM_VERSION;

    engine::StatusCounts evaluations;
    std::set<const engine::MappingResult*> seen;
    std::map<std::tuple<std::string, std::string, std::string, std::string>, int> ordinals;
    for (const auto& r : run.results) {
        for (const auto& m : r.results) {
            if (!seen.insert(m.get()).second) continue;
            for (const auto& e : m->evaluations) {
                StoredEvaluation row;
                row.account = e.account.empty() ? s.account : e.account;
                row.region = e.region;
                row.mapping_code = m->mapping_code;
                row.resource_id = e.resource_id;
                row.ordinal =
                    ordinals[{row.account, row.region, row.mapping_code, row.resource_id}]++;
                row.status = std::string(engine::to_string(e.status));
                row.muted = e.muted;
                row.evidence = json::serialize(e.to_json());
                evaluations.add(e.status);
                rec.evaluations.push_back(std::move(row));
            }
        }
    }
    h.counts = json::serialize(json::object{{"requirements", s.requirements.to_json()},
                                            {"mappings", s.mappings.to_json()},
                                            {"evaluations", evaluations.to_json()}});
    rec.answer = std::move(answer);
    return rec;
}

}  // namespace dspm::store
