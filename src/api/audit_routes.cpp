// POST /audit/{framework}/{req_id} and POST /audit/{framework}/_all (optionally streamed as NDJSON:
// a meta line, one line per requirement as it finishes, a summary line).
#include <atomic>
#include <boost/json.hpp>
#include <cctype>
#include <exception>
#include <functional>
#include <memory>

#include "api/routes.hpp"
#include "api/sessions.hpp"
#include "aws/regions.hpp"
#include "catalog/local_source.hpp"  // to_lower
#include "common/log.hpp"
#include "engine/engine.hpp"
#include "engine/factory.hpp"
#include "net/http_client.hpp"
#include "notify/slack.hpp"
#include "org/run.hpp"
#include "report/report.hpp"
#include "store/record.hpp"
#include "store/store.hpp"

namespace dspm::api {

namespace json = boost::json;

namespace {

json::object path_param(const char* name, const char* description) {
    return {{"name", name},
            {"in", "path"},
            {"required", true},
            {"description", description},
            {"schema", json::object{{"type", "string"}}}};
}

json::object query_param(const char* name, const char* type, const char* description) {
    return {{"name", name},
            {"in", "query"},
            {"required", false},
            {"description", description},
            {"schema", json::object{{"type", type}}}};
}

// The regions of ?region=a,b or ?region=a&region=b. Each becomes part of an AWS host name, so a
// value outside the partitions' grammar (or a list longer than any partition) is refused here,
// before any plan or AWS call exists.
Expected<std::vector<std::string>, std::string> regions_of(const net::ServerRequest& request) {
    std::vector<std::string> regions;
    for (const auto& [k, v] : request.query) {
        if (k != "region") continue;
        std::size_t start = 0;
        while (start <= v.size()) {
            auto comma = v.find(',', start);
            if (comma == std::string::npos) comma = v.size();
            if (comma > start) regions.push_back(v.substr(start, comma - start));
            start = comma + 1;
        }
    }
    return aws::validate_regions(regions);
}

net::ServerResponse plan_error(const catalog::CatalogError& e) {
    return error_response(e.kind == catalog::CatalogErrorKind::not_found ? 404 : 502, e.detail);
}

// A run that blew up still answers JSON that says ERROR, never an empty 500.
net::ServerResponse failed_run(const std::string& framework, const std::exception& e) {
    log::error("audit failed", {{"framework", framework}, {"error", e.what()}});
    return json_response(500, json::object{{"framework", framework},
                                           {"requirement_status", "ERROR"},
                                           {"detail", "audit failed: internal error"},
                                           {"results", json::array{}}});
}

// Audits run on the server's bounded audit pool; the server answers this when it is full.
json::object busy_response_doc() {
    return {{"description",
             "every audit slot is taken (audits run at most a fixed number at once); retry "
             "after the Retry-After seconds"}};
}

std::string line(const json::value& v) {
    std::string s = json::serialize(v);
    s += '\n';
    return s;
}

// The client's session_id (?session_id=), when it named one.
struct SessionRef {
    std::optional<std::string> id;
    bool refresh = false;  // ?refresh=1: audit again even when the session remembers an answer
};

Expected<SessionRef, std::string> session_of(const net::ServerRequest& request,
                                             const SessionStore& sessions) {
    SessionRef ref;
    if (auto r = request.query_param("refresh"))
        ref.refresh = *r == "1" || catalog::to_lower(*r) == "true";
    const auto given = request.query_param("session_id");
    if (!given) return ref;
    auto id = sessions.validate_id(*given);
    if (!id) return unexpected(id.error());
    ref.id = std::move(*id);
    return ref;
}

// What a remembered answer is remembered under: the same question asks the same key.
std::string answer_key(const std::string& framework, const std::string& requirement,
                       const std::vector<std::string>& regions) {
    std::string key = catalog::to_lower(framework) + "\n" + requirement + "\n";
    for (const auto& r : regions)
        key += r + ",";
    return key;
}

net::ServerResponse with_cache_header(net::ServerResponse response, const char* state) {
    response.headers.emplace_back("X-Cache", state);
    return response;
}

json::object session_params() {
    return {{"name", "session_id"},
            {"in", "query"},
            {"required", false},
            {"description",
             "the client's session: remembers the frameworks audited and the answers for "
             "SESSION_TTL seconds; the same call within it is answered from memory (X-Cache: HIT)"},
            {"schema", json::object{{"type", "string"}}}};
}

// ?format=: json (the default) or a report format of report/report.hpp.
Expected<report::Format, std::string> format_of(const net::ServerRequest& request) {
    const auto given = request.query_param("format");
    if (!given || given->empty()) return report::Format::json;
    auto f = report::parse_format(*given);
    if (!f) return unexpected("format: expected one of " + std::string(report::kFormatNames));
    return *f;
}

// The answer in the format asked for; the session remembers the JSON, whatever the format.
net::ServerResponse formatted(std::string text, report::Format format) {
    if (format == report::Format::json) return net::ServerResponse::json(200, std::move(text));
    auto rendered = report::render(json::parse(text), format);
    if (!rendered) return error_response(500, "report failed: " + rendered.error());
    net::ServerResponse response;
    response.status = 200;
    response.headers.emplace_back("Content-Type", std::string(report::content_type(format)));
    response.body = std::move(*rendered);
    return response;
}

json::object format_param() {
    return query_param("format", "string",
                       "json (default), html, csv, ocsf, sarif, junit or md: the answer as that "
                       "report");
}

// ?notify=slack posts the answer's summary to SLACK_WEBHOOK_URL after the audit; the answer is
// the same whether or not the post succeeds (a failure is logged).
using Notifier = std::function<void(const std::string& answer)>;

Expected<bool, std::string> notify_of(const net::ServerRequest& request, bool configured) {
    const auto given = request.query_param("notify");
    if (!given || given->empty()) return false;
    if (*given != "slack") return unexpected(std::string("notify: expected slack"));
    if (!configured) return unexpected(std::string("notify: SLACK_WEBHOOK_URL is not set"));
    return true;
}

Notifier make_notifier(std::shared_ptr<net::HttpClient> http, std::string url) {
    return [http = std::move(http), url = std::move(url)](const std::string& answer) {
        auto message = report::slack_message(json::parse(answer));
        if (!message) {
            log::warn("notify slack failed", {{"error", message.error()}});
            return;
        }
        if (auto posted = notify::post_slack(*http, url, *message); !posted)
            log::warn("notify slack failed", {{"error", posted.error()}});
    };
}

json::object notify_param() {
    return query_param("notify", "string",
                       "slack: post the summary and the worst findings to SLACK_WEBHOOK_URL");
}

// The answer with its run_id, stored in the run store. A store that fails keeps the answer whole
// and says so in it (run_stored: false, store_error): the audit is never lost to the history.
struct Kept {
    std::string answer;
    std::optional<std::string> run_id;  // none: not stored
    std::string error;
};

// build(first_members) makes the answer with those members first: the run_id, or the store's
// failure, go in as it is built instead of by copying a large answer once more.
Kept kept(const std::shared_ptr<store::RunStore>& runs, const engine::AuditRun& run,
          const std::function<std::string(std::string_view)>& build) {
    if (!runs) return {build({}), std::nullopt, {}};
    const auto id = store::new_run_id(run.summary.started_at);
    // The answer is the largest thing a run makes (25 MB at 1,000 resources): moved, not copied.
    auto record = store::make_record(run, id, build(store::run_id_member(id)));
    auto saved = runs->save(record);
    if (saved) return {std::move(record.answer), id, {}};
    log::warn("audit answered but not stored",
              {{"engine", runs->engine()}, {"error", saved.error()}});
    return {build(store::store_failure_members(saved.error())), std::nullopt, saved.error()};
}

// The builders kept() takes.
std::function<std::string(std::string_view)> whole_answer(const engine::AuditRun& run) {
    return [&run](std::string_view first) { return engine::all_response_text(run, first); };
}
std::function<std::string(std::string_view)> single_answer(const engine::AuditRun& run) {
    return [&run](std::string_view first) {
        return store::with_members(json::serialize(engine::single_response(run)), first);
    };
}

// One requirement's audit, for our route and the original's /audit/audit/... spelling.
RouteHandler single_handler(std::shared_ptr<engine::Engine> engine,
                            std::shared_ptr<SessionStore> sessions, Notifier notifier,
                            bool notify_configured, std::shared_ptr<store::RunStore> runs) {
    return [engine, sessions, notifier, notify_configured, runs](const net::ServerRequest& request,
                                                                 const PathParams& params) {
        const std::string framework = params.at("framework");
        auto regions = regions_of(request);
        if (!regions) return error_response(400, regions.error());
        auto session = session_of(request, *sessions);
        if (!session) return error_response(400, session.error());
        auto format = format_of(request);
        if (!format) return error_response(400, format.error());
        auto notify = notify_of(request, notify_configured);
        if (!notify) return error_response(400, notify.error());
        auto plan = engine->plan(framework, params.at("req_id"));
        if (!plan) return plan_error(plan.error());
        const auto key =
            answer_key(plan->framework,
                       plan->requirements.empty() ? params.at("req_id")
                                                  : std::to_string(plan->requirements[0].id),
                       *regions);
        const char* cache = "MISS";
        if (session->id) {
            sessions->mark(*session->id, plan->framework);
            if (session->refresh)
                cache = "BYPASS";
            else if (auto hit = sessions->recall(*session->id, key))
                return with_cache_header(formatted(*hit, *format), "HIT");
        }
        engine::RunOptions options;
        options.regions = std::move(*regions);
        options.cancel = request.cancel;
        try {
            const auto run = engine->run(*plan, options);
            auto text =
                std::make_shared<const std::string>(kept(runs, run, single_answer(run)).answer);
            if (session->id && !request.cancel.stop_requested())
                sessions->remember(*session->id, key, text);
            if (*notify) notifier(*text);
            auto response = formatted(*text, *format);
            return session->id ? with_cache_header(std::move(response), cache) : response;
        } catch (const std::exception& e) {
            return failed_run(framework, e);
        }
    };
}

json::object single_openapi() {
    return json::object{
        {"tags", json::array{"audit"}},
        {"parameters",
         json::array{path_param("framework", "framework code, e.g. ISMS-P (any case)"),
                     path_param("req_id", "numeric requirement id or item code (2.7.1)"),
                     query_param("region", "string", "regions to audit (comma list or repeated)"),
                     session_params(), format_param(), notify_param(),
                     query_param("refresh", "boolean",
                                 "audit again even when the session remembers an answer")}},
        {"responses",
         json::object{{"200", json::object{{"description",
                                            "{framework, requirement_id, item_code, "
                                            "requirement_status, summary, results[]}"}}},
                      {"400", json::object{{"description", "invalid region or session_id"}}},
                      {"404", json::object{{"description", "unknown framework or requirement"}}},
                      {"502", json::object{{"description", "the catalog source failed"}}},
                      {"503", busy_response_doc()}}}};
}

// ?accounts=org|ID,ID: the same framework over many accounts (org/run.hpp), answered whole.
struct OrgDeps {
    Settings settings;
    std::shared_ptr<net::HttpClient> http;
    std::shared_ptr<catalog::CatalogSource> catalog;
    std::shared_ptr<store::RunStore> runs;  // each account's answer is a run of its own
};

net::ServerResponse org_audit(const OrgDeps& deps, const net::ServerRequest& request,
                              const std::string& framework, const std::string& accounts,
                              std::vector<std::string> regions) {
    auto selection = org::parse_accounts(accounts, deps.settings.audit_max_accounts);
    if (!selection) return error_response(400, selection.error());
    for (const char* refused : {"stream", "format", "notify", "session_id"}) {
        const auto v = request.query_param(refused);
        if (v && !v->empty() && !(std::string_view(refused) == "format" && *v == "json") &&
            !(std::string_view(refused) == "stream" && (*v == "false" || *v == "0")))
            return error_response(400, std::string(refused) +
                                           ": not with accounts= (an audit of many accounts "
                                           "answers one JSON document)");
    }
    org::OrgRequest req{framework, std::move(*selection), std::move(regions), {}};
    // A client that leaves stops the accounts not yet started.
    auto stop = std::make_shared<std::atomic<bool>>(false);
    std::stop_callback on_leave(request.cancel, [stop] { stop->store(true); });
    org::OrgRunOptions options;
    options.stop = stop.get();
    try {
        auto answer =
            org::run_org_audit(deps.settings, deps.http, deps.catalog, req, options, deps.runs);
        if (!answer) return error_response(answer.error().http_status, answer.error().detail);
        return net::ServerResponse::json(200, std::move(answer->text));
    } catch (const std::exception& e) {
        return failed_run(framework, e);
    }
}

}  // namespace

Expected<std::vector<std::string>, std::string> requested_regions(
    const net::ServerRequest& request) {
    return regions_of(request);
}

void add_audit_routes(Router& router, ApiContext& context) {
    if (!context.aws) context.aws = engine::make_engine_aws_client(context.settings, context.http);
    std::shared_ptr<engine::Engine> engine =
        engine::make_engine(context.settings, context.http, context.catalog, context.aws);
    if (!context.sessions)
        context.sessions = std::make_shared<SessionStore>(SessionLimits{
            .ttl = std::chrono::seconds(static_cast<long long>(context.settings.session_ttl_s))});
    auto sessions = context.sessions;
    auto runs = context.runs;
    const bool notify_configured = !context.settings.slack_webhook_url.empty();
    Notifier notifier =
        make_notifier(context.http ? context.http : std::make_shared<net::HttpClient>(),
                      context.settings.slack_webhook_url);
    auto org_deps = std::make_shared<const OrgDeps>(
        OrgDeps{context.settings, context.http ? context.http : std::make_shared<net::HttpClient>(),
                context.catalog, context.runs});

    router.add(
        Route{
            .method = "POST",
            .pattern = "/audit/{framework}/_all",
            .summary = "Audit every requirement of a framework",
            .requires_token = true,
            .openapi =
                json::object{
                    {"tags", json::array{"audit"}},
                    {"description",
                     "Runs each distinct check once and answers per requirement with evidence. "
                     "With stream=true the answer is application/x-ndjson: a meta line, one line "
                     "per requirement as it finishes, then a summary line; a client that "
                     "disconnects cancels the run."},
                    {"parameters",
                     json::array{
                         path_param("framework", "framework code, e.g. ISMS-P (any case)"),
                         query_param("stream", "boolean", "answer NDJSON lines as they finish"),
                         query_param("region", "string",
                                     "regions to audit (comma list or repeated); default "
                                     "AUDIT_REGIONS or AWS_REGION"),
                         session_params(), format_param(), notify_param(),
                         query_param("refresh", "boolean",
                                     "audit again even when the session remembers an answer"),
                         query_param("accounts", "string",
                                     "org (every ACTIVE account of the Organization) or a comma "
                                     "list of account ids: AUDIT_ROLE_NAME is assumed in each; "
                                     "the answer is {framework, scope, summary, organization: "
                                     "{requirements}, accounts[]}")}},
                    {"responses",
                     json::object{
                         {"200", json::object{{"description",
                                               "{framework, total_requirements, executed, summary, "
                                               "results[]} or NDJSON lines"}}},
                         {"400", json::object{{"description", "invalid region or session_id"}}},
                         {"404", json::object{{"description", "unknown framework"}}},
                         {"502", json::object{{"description", "the catalog source failed"}}},
                         {"503", busy_response_doc()}}}},
            .handler =
                [engine, sessions, notifier, notify_configured, runs, org_deps](
                    const net::ServerRequest& request, const PathParams& params) {
                    const std::string framework = params.at("framework");
                    auto regions = regions_of(request);
                    if (!regions) return error_response(400, regions.error());
                    if (auto accounts = request.query_param("accounts"))
                        return org_audit(*org_deps, request, framework, *accounts,
                                         std::move(*regions));
                    auto session = session_of(request, *sessions);
                    if (!session) return error_response(400, session.error());
                    auto plan = engine->plan(framework, std::nullopt);
                    if (!plan) return plan_error(plan.error());
                    const auto key = answer_key(plan->framework, "_all", *regions);
                    if (session->id) sessions->mark(*session->id, plan->framework);
                    engine::RunOptions options;
                    options.regions = std::move(*regions);
                    auto format = format_of(request);
                    if (!format) return error_response(400, format.error());
                    const auto stream = request.query_param("stream");
                    const bool streamed = stream && (*stream == "true" || *stream == "1");
                    auto notify = notify_of(request, notify_configured);
                    if (!notify) return error_response(400, notify.error());
                    if (streamed && *notify)
                        return error_response(400,
                                              "notify: not with stream=true (the stream "
                                              "is the client's; audit without it)");
                    if (streamed && *format != report::Format::json)
                        return error_response(400,
                                              "format: a streamed answer is NDJSON; ask "
                                              "for a report without stream=true");
                    if (streamed) {
                        net::ServerResponse response;
                        response.status = 200;
                        response.headers.emplace_back("Content-Type", "application/x-ndjson");
                        // The server cancels the token when the client leaves, even while no
                        // line is being written; a failed write stops the run as well.
                        options.cancel = request.cancel;
                        response.stream = [engine, sessions, runs, session = *session, key,
                                           plan = std::move(*plan),
                                           options](net::ChunkSink& sink) mutable {
                            auto stop = std::make_shared<std::atomic<bool>>(false);
                            options.stop = stop.get();
                            // "total" is the original's name for the count of requirement lines.
                            const bool ok = sink.write(line(
                                json::object{{"type", "meta"},
                                             {"framework", plan.framework},
                                             {"total", plan.requirements.size()},
                                             {"total_requirements", plan.requirements.size()}}));
                            if (!ok) return;
                            options.progress = [&sink, stop, &plan](
                                                   const engine::RequirementResult& r,
                                                   std::size_t done, std::size_t total) {
                                if (stop->load()) return;
                                auto o = r.to_json();
                                o["type"] = "requirement";
                                o["framework"] = plan.framework;
                                o["done"] = done;
                                o["total"] = total;
                                if (!sink.write(line(o))) stop->store(true);
                            };
                            try {
                                auto run = engine->run(plan, options);
                                if (stop->load() || options.cancel.stop_requested()) {
                                    log::info("audit stream cancelled: client gone",
                                              {{"framework", plan.framework}});
                                    return;
                                }
                                // Stored as the whole _all answer, which GET /runs/{id} returns.
                                auto whole = kept(runs, run, whole_answer(run));
                                json::object last{{"type", "summary"},
                                                  {"framework", plan.framework},
                                                  {"total", plan.requirements.size()},
                                                  {"total_requirements", plan.requirements.size()},
                                                  {"executed", run.results.size()},
                                                  {"summary", run.summary.to_json()}};
                                if (whole.run_id) last["run_id"] = *whole.run_id;
                                if (runs && !whole.run_id) {
                                    last["run_stored"] = false;
                                    last["store_error"] = whole.error;
                                }
                                sink.write(line(last));
                                // The page that streamed asks the same session for the whole
                                // answer when it is reloaded.
                                if (session.id)
                                    sessions->remember(*session.id, key,
                                                       std::make_shared<const std::string>(
                                                           std::move(whole.answer)));
                            } catch (const std::exception& e) {
                                log::error("audit stream failed", {{"error", e.what()}});
                                sink.write(line(json::object{{"type", "error"},
                                                             {"status", "ERROR"},
                                                             {"detail", "audit failed"}}));
                            }
                        };
                        return response;
                    }
                    const char* cache = "MISS";
                    if (session->id) {
                        if (session->refresh)
                            cache = "BYPASS";
                        else if (auto hit = sessions->recall(*session->id, key))
                            return with_cache_header(formatted(*hit, *format), "HIT");
                    }
                    // A client that closes its connection cancels the run: nobody would read it.
                    options.cancel = request.cancel;
                    try {
                        const auto run = engine->run(*plan, options);
                        std::string text = kept(runs, run, whole_answer(run)).answer;
                        if (session->id && !request.cancel.stop_requested())
                            sessions->remember(*session->id, key,
                                               std::make_shared<const std::string>(text));
                        if (*notify) notifier(text);
                        // Moved into the response: the whole answer is 125 MB at 5,000 resources.
                        auto response = formatted(std::move(text), *format);
                        return session->id ? with_cache_header(std::move(response), cache)
                                           : response;
                    } catch (const std::exception& e) {
                        return failed_run(framework, e);
                    }
                },
            .heavy = true,
        });

    router.add(Route{
        .method = "POST",
        .pattern = "/audit/{framework}/{req_id}",
        .summary = "Audit one requirement: every mapping of it, with evidence",
        .requires_token = true,
        .openapi = single_openapi(),
        .handler = single_handler(engine, sessions, notifier, notify_configured, runs),
        .heavy = true,
    });
    // The original service's current spelling of the same route, which its dashboards call.
    router.add(Route{
        .method = "POST",
        .pattern = "/audit/audit/{framework}/{req_id}",
        .summary = "Audit one requirement (the original service's path)",
        .requires_token = true,
        .openapi = single_openapi(),
        .handler = single_handler(engine, sessions, notifier, notify_configured, runs),
        .heavy = true,
    });
}

}  // namespace dspm::api
