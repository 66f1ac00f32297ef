#include "org/run.hpp"

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "aws/client.hpp"
#include "aws/credentials.hpp"
#include "common/log.hpp"
#include "engine/engine.hpp"
#include "engine/evaluation.hpp"
#include "engine/factory.hpp"
#include "org/unit.hpp"
#include "org/worker.hpp"
#include "queue/queue.hpp"
#include "store/store.hpp"

namespace dspm::org {

namespace json = boost::json;

namespace {

using Clock = std::chrono::system_clock;

std::string text_of(const json::object& o, const char* key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}

json::array strings(const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v)
        a.emplace_back(s);
    return a;
}

// One requirement across the accounts.
struct Across {
    json::object head;  // requirement_id, item_code, title, parent?
    bool in_summary = true;
    std::map<engine::Status, std::vector<std::string>> accounts;
};

json::object counts_json(const std::map<engine::Status, std::vector<std::string>>& by) {
    json::object o;
    for (auto s : {engine::Status::compliant, engine::Status::non_compliant,
                   engine::Status::skipped, engine::Status::error}) {
        auto it = by.find(s);
        o[engine::to_string(s)] = it == by.end() ? 0 : it->second.size();
    }
    return o;
}

// The accounts that never reached a result (stopped first): ERROR, said so.
std::string not_audited(const UnitSpec& unit, const std::string& why) {
    return json::serialize(json::object{{"account", unit.account},
                                        {"name", unit.account_name},
                                        {"status", "ERROR"},
                                        {"error", json::object{{"reason", why}}}});
}

}  // namespace

OrgAnswer aggregate(const Aggregate& meta, const std::vector<std::string>& results) {
    std::vector<std::string> order;
    std::map<std::string, Across> across;
    std::vector<std::string> unreached;  // accounts without an answer: ERROR for every requirement
    engine::StatusCounts by_account;
    json::array account_heads;
    for (const auto& text : results) {
        boost::system::error_code ec;
        auto v = json::parse(text, ec);
        if (ec || !v.is_object()) continue;
        const auto& o = v.as_object();
        const std::string account = text_of(o, "account");
        const auto status =
            engine::parse_status(text_of(o, "status")).value_or(engine::Status::error);
        by_account.add(status);
        const auto* answer = o.if_contains("answer");
        const json::array* reqs = nullptr;
        if (answer && answer->is_object())
            if (const auto* r = answer->as_object().if_contains("results"); r && r->is_array())
                reqs = &r->as_array();
        if (reqs == nullptr) {
            unreached.push_back(account);
            continue;
        }
        for (const auto& r : *reqs) {
            if (!r.is_object()) continue;
            const auto& ro = r.as_object();
            const auto* id = ro.if_contains("requirement_id");
            const std::string key = id ? json::serialize(*id) : text_of(ro, "item_code");
            auto [it, fresh] = across.try_emplace(key);
            if (fresh) {
                order.push_back(key);
                for (const char* k : {"requirement_id", "item_code", "title", "parent"})
                    if (const auto* f = ro.if_contains(k)) it->second.head[k] = *f;
                if (const auto* s = ro.if_contains("in_summary"); s && s->is_bool())
                    it->second.in_summary = s->as_bool();
            }
            const auto rs = engine::parse_status(text_of(ro, "requirement_status"))
                                .value_or(engine::Status::error);
            it->second.accounts[rs].push_back(account);
        }
    }
    engine::StatusCounts requirement_counts;
    json::array requirements;
    for (const auto& key : order) {
        auto& a = across[key];
        for (const auto& u : unreached)
            a.accounts[engine::Status::error].push_back(u);
        engine::StatusCounts c;
        for (const auto& [s, ids] : a.accounts)
            for (std::size_t i = 0; i < ids.size(); ++i)
                c.add(s);
        const auto status = c.rolled_up();
        if (a.in_summary) requirement_counts.add(status);
        json::object o = a.head;
        o["requirement_status"] = engine::to_string(status);
        o["status_counts"] = counts_json(a.accounts);
        json::object ids;
        for (const auto& [s, list] : a.accounts)
            ids[engine::to_string(s)] = strings(list);
        o["accounts"] = std::move(ids);
        if (!a.in_summary) o["in_summary"] = false;
        requirements.emplace_back(std::move(o));
    }
    // No account answered: nothing was judged, which is an ERROR of the run, not a SKIPPED one.
    const engine::Status status = results.empty() ? engine::Status::error : by_account.rolled_up();
    json::array not_active;
    for (const auto& m : meta.not_active)
        not_active.emplace_back(json::object{{"id", m.id}, {"name", m.name}, {"state", m.state}});
    json::object summary{{"status", engine::to_string(status)},
                         {"accounts", results.size()},
                         {"account_status_counts", by_account.to_json()},
                         {"requirements", requirement_counts.to_json()},
                         {"regions", meta.regions.empty() ? json::value("enabled")
                                                          : json::value(strings(meta.regions))},
                         {"caller_arn", meta.caller_arn},
                         {"started_at", meta.started_at},
                         {"finished_at", meta.finished_at},
                         {"duration_ms", meta.duration_ms},
                         {"cancelled", meta.cancelled},
                         {"execution", json::object{{"mode", meta.execution},
                                                    {"units", results.size()},
                                                    {"workers", strings(meta.workers)},
                                                    {"units_retaken", meta.retaken}}},
                         {"accounts_not_active", std::move(not_active)}};
    json::object head{{"framework", meta.framework},
                      {"scope", meta.scope},
                      {"summary", std::move(summary)},
                      {"organization", json::object{{"requirements", std::move(requirements)}}}};
    // Each account's result goes in as the text it is: a large answer is not parsed into a tree
    // and printed again.
    std::string out = json::serialize(head);
    out.pop_back();
    out += ",\"accounts\":[";
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (i) out += ',';
        out += results[i];
    }
    out += "]}";
    return OrgAnswer{std::move(out), std::string(engine::to_string(status)), meta.cancelled,
                     results.size(), meta.execution};
}

Expected<OrgAnswer, OrgError> run_org_audit(const Settings& settings,
                                            std::shared_ptr<net::HttpClient> http,
                                            std::shared_ptr<catalog::CatalogSource> catalog,
                                            const OrgRequest& request, const OrgRunOptions& options,
                                            std::shared_ptr<store::RunStore> runs) {
    const auto started = Clock::now();
    const auto steady = std::chrono::steady_clock::now();
    UnitRunner runner(settings, http, catalog, request.store ? std::move(runs) : nullptr);
    // The framework first: a typo is a 404 before any account is listed.
    auto planner = engine::make_engine(settings, http, catalog, runner.caller_client());
    auto plan = planner->plan(request.framework, std::nullopt);
    if (!plan)
        return unexpected(
            OrgError{plan.error().kind == catalog::CatalogErrorKind::not_found ? 404 : 502,
                     plan.error().detail});
    const auto me = runner.caller();
    if (!me.error.empty())
        return unexpected(OrgError{502, "the caller's credentials: " + me.error});

    Aggregate meta;
    meta.framework = plan->framework;
    meta.scope = request.accounts.organization ? "organization" : "accounts";
    meta.caller_arn = me.arn;
    meta.regions = request.regions;
    std::vector<UnitSpec> units;
    const auto unit_for = [&](std::string id, std::string name) {
        return UnitSpec{plan->framework, request.regions, request.filter,
                        std::move(id),   std::move(name), request.store};
    };
    if (request.accounts.organization) {
        auto listed = list_organization_accounts(*runner.caller_client());
        if (!listed)
            return unexpected(OrgError{
                502, "the Organization's accounts cannot be listed (" +
                         (listed.error().iam_action.empty() ? "organizations:ListAccounts"
                                                            : listed.error().iam_action) +
                         "; run from the management account or a delegated administrator): " +
                         listed.error().message});
        if (listed->active.size() > settings.audit_max_accounts)
            return unexpected(OrgError{400, "the Organization has " +
                                                std::to_string(listed->active.size()) +
                                                " active accounts, more than AUDIT_MAX_ACCOUNTS (" +
                                                std::to_string(settings.audit_max_accounts) + ")"});
        for (auto& m : listed->active)
            units.push_back(unit_for(m.id, m.name));
        meta.not_active = std::move(listed->not_active);
    } else {
        for (const auto& id : request.accounts.ids)
            units.push_back(unit_for(id, ""));
    }

    std::vector<std::string> results(units.size());
    std::mutex progress_mutex;
    std::size_t finished = 0;
    const auto report = [&](const std::string& account, const std::string& status) {
        std::lock_guard lock(progress_mutex);
        ++finished;
        if (options.progress) options.progress(account, status, finished, units.size());
    };
    const auto stopped = [&] { return options.stop != nullptr && options.stop->load(); };

    if (settings.database_url.empty()) {
        meta.execution = "in-process";
        meta.workers = {"in-process"};
        // AUDIT_ACCOUNTS_PARALLEL accounts at once, each with its own engine and AUDIT_CONCURRENCY
        // calls in flight.
        std::atomic<std::size_t> next{0};
        const auto loop = [&] {
            for (std::size_t i = next++; i < units.size(); i = next++) {
                if (stopped()) {
                    results[i] = not_audited(units[i], "not audited: the run was stopped");
                    continue;
                }
                auto outcome = runner.run(units[i], options.stop);
                results[i] = std::move(outcome.result);
                report(units[i].account, outcome.status);
            }
        };
        std::vector<std::jthread> threads;
        const auto width = std::min(settings.audit_accounts_parallel, units.size());
        for (std::size_t t = 1; t < width; ++t)
            threads.emplace_back(loop);
        loop();
    } else {
        meta.execution = "queue";
        auto queue = queue::open_postgres_queue(settings.database_url);
        const auto run_id = store::new_run_id(started);
        std::vector<std::pair<std::string, std::string>> rows;
        std::map<std::string, std::size_t> slot;
        for (std::size_t i = 0; i < units.size(); ++i) {
            rows.emplace_back(unit_key(units[i]), to_payload(units[i]));
            slot[rows.back().first] = i;
        }
        if (auto q = queue->enqueue(run_id, rows); !q)
            return unexpected(OrgError{502, "the work queue cannot be reached: " + q.error()});
        log::info("units queued", {{"run_id", run_id}, {"units", std::to_string(units.size())}});
        std::atomic<bool> local_stop{false};
        // This process works on its own run too (AUDIT_QUEUE_LOCAL loops), so a run completes
        // without any worker; workers only add capacity.
        const auto is_done = [&] {
            auto p = queue->progress(run_id);
            return p && p->done >= p->total;
        };
        std::vector<std::jthread> locals;
        const std::string owner = queue::new_owner_id();
        for (std::size_t t = 0; t < settings.audit_queue_local; ++t)
            locals.emplace_back([&, t] {
                WorkerOptions w;
                w.owner = owner + "/" + std::to_string(t);
                w.lease = std::chrono::seconds(settings.worker_lease_s);
                w.only_run = run_id;
                w.stop = &local_stop;
                w.finished = is_done;
                w.idle_wait = std::chrono::milliseconds(200);
                w.on_error = [](const std::string& e) { log::warn("queue", {{"error", e}}); };
                work(*queue, runner, w);
            });
        // Progress from the database: units done by any process count.
        std::size_t reported = 0;
        while (true) {
            auto p = queue->progress(run_id);
            if (p) {
                for (; reported < p->done && reported < units.size(); ++reported)
                    if (options.progress) options.progress("", "", reported + 1, units.size());
                meta.retaken = p->retaken;
                if (p->done >= p->total) break;
            }
            if (stopped()) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        local_stop = stopped();
        for (auto& t : locals)
            t.join();
        auto stored = queue->results(run_id);
        if (!stored)
            return unexpected(
                OrgError{502, "the units' results cannot be read: " + stored.error()});
        std::map<std::string, bool> seen_workers;
        for (auto& r : *stored) {
            auto it = slot.find(r.key);
            if (it == slot.end()) continue;
            results[it->second] = std::move(r.result);
            seen_workers[r.worker] = true;
        }
        for (const auto& [w, _] : seen_workers)
            meta.workers.push_back(w);
        for (std::size_t i = 0; i < units.size(); ++i)
            if (results[i].empty())
                results[i] = not_audited(units[i], "not audited: the run was stopped");
        if (auto f = queue->forget(run_id); !f)
            log::warn("queue rows of a finished run kept",
                      {{"run_id", run_id}, {"error", f.error()}});
    }
    meta.cancelled = stopped();
    meta.started_at = aws::format_iso8601(started);
    meta.finished_at = aws::format_iso8601(Clock::now());
    meta.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - steady)
                           .count();
    return aggregate(meta, results);
}

}  // namespace dspm::org
