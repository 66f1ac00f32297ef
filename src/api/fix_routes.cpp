// POST /fix/{framework}/{req_id} (and _all): without a body, the remediation plan of that audit;
// with {"plan_id", "apply": true, "actions": [ids] | "all"}, the listed actions applied and
// verified. POST /fix/undo/{fix_id}: an applied fix undone. Writing needs FIX_ENABLED and a
// token (fix/service.hpp has the flow).
#include <boost/json.hpp>
#include <memory>

#include "api/routes.hpp"
#include "engine/factory.hpp"
#include "fix/service.hpp"
#include "net/http_client.hpp"

namespace dspm::api {
namespace json = boost::json;

namespace {

net::ServerResponse failure(const fix::Failure& f) {
    switch (f.kind) {
        case fix::FailureKind::bad_request:
            return error_response(400, f.detail);
        case fix::FailureKind::not_found:
            return error_response(404, f.detail);
        case fix::FailureKind::conflict:
            return error_response(409, f.detail);
        case fix::FailureKind::unavailable:
            return error_response(503, f.detail);
        case fix::FailureKind::upstream:
            break;
    }
    return error_response(502, f.detail);
}

std::string client_of(const net::ServerRequest& request) {
    std::string agent = request.header("User-Agent").value_or("");
    if (agent.size() > 200) agent.resize(200);
    return request.remote_address + (agent.empty() ? "" : " " + agent);
}

// Applying writes to AWS: only where the operator switched it on and only for a caller who
// showed the token.
std::optional<net::ServerResponse> writes_refused(const Settings& settings) {
    if (!settings.fix_enabled)
        return error_response(403,
                              "applying fixes is off on this server: set FIX_ENABLED=1 (and "
                              "AUDIT_API_TOKEN); without apply the route answers the plan");
    if (settings.audit_api_token.empty())
        return error_response(403, "applying fixes needs AUDIT_API_TOKEN set on the server");
    return std::nullopt;
}

json::object record_json(const fix::FixRecord& r) {
    return r.to_json();
}

json::object fix_openapi(bool undo) {
    json::array params{json::object{{"name", undo ? "fix_id" : "framework"},
                                    {"in", "path"},
                                    {"required", true},
                                    {"schema", json::object{{"type", "string"}}}}};
    if (!undo) {
        params.push_back(json::object{{"name", "req_id"},
                                      {"in", "path"},
                                      {"required", true},
                                      {"description", "requirement id, item code or _all"},
                                      {"schema", json::object{{"type", "string"}}}});
        for (const char* q : {"region", "only", "resource"})
            params.push_back(json::object{{"name", q},
                                          {"in", "query"},
                                          {"required", false},
                                          {"schema", json::object{{"type", "string"}}}});
    }
    return {
        {"tags", json::array{"fix"}},
        {"description",
         undo ? "Restores the recorded state of an applied fix's reversible actions."
              : "No body: the plan {plan_id, expires_at, framework, requirement_id, actions[{id, "
                "mapping_code, resource_id, region, kind, calls, iam_actions, reversible, risk, "
                "expected_after, console_fix?, cli_fix?}]}. Body {plan_id, apply: true, actions: "
                "[ids] | \"all\"}: {fix_id, results[{action_id, status, before, after, "
                "evaluation}]}."},
        {"parameters", std::move(params)},
        {"responses",
         json::object{{"200", json::object{{"description", "the plan, or the results"}}},
                      {"400", json::object{{"description", "a malformed body or parameter"}}},
                      {"403", json::object{{"description", "applying is off (FIX_ENABLED)"}}},
                      {"404", json::object{{"description", "unknown framework, plan or fix"}}},
                      {"409", json::object{{"description",
                                            "the plan expired or is of another "
                                            "framework or requirement"}}},
                      {"503", json::object{{"description", "the record cannot be stored"}}}}}};
}

}  // namespace

void add_fix_routes(Router& router, ApiContext& context) {
    if (!context.aws) context.aws = engine::make_engine_aws_client(context.settings, context.http);
    auto engine = engine::make_engine(context.settings, context.http, context.catalog, context.aws);
    auto service =
        std::make_shared<fix::FixService>(context.settings, engine, context.aws, context.runs);
    const Settings settings = context.settings;

    router.add(Route{
        .method = "POST",
        .pattern = "/fix/{framework}/{req_id}",
        .summary = "Plan the fixes of an audit's failing resources, or apply listed ones",
        .requires_token = true,
        .openapi = fix_openapi(false),
        .handler =
            [service, settings](const net::ServerRequest& request, const PathParams& p) {
                const auto& framework = p.at("framework");
                const std::optional<std::string> requirement =
                    p.at("req_id") == "_all" ? std::nullopt
                                             : std::optional<std::string>(p.at("req_id"));
                json::object body;
                if (!request.body.empty()) {
                    boost::system::error_code ec;
                    auto v = json::parse(request.body, ec);
                    if (ec || !v.is_object())
                        return error_response(400, "the body must be a JSON object");
                    body = std::move(v.as_object());
                }
                const auto* apply = body.if_contains("apply");
                if (apply && !apply->is_bool())
                    return error_response(400, "apply: expected true or false");
                if (!apply || !apply->as_bool()) {
                    auto regions = requested_regions(request);
                    if (!regions) return error_response(400, regions.error());
                    fix::PlanOptions options;
                    options.ttl = std::chrono::seconds(settings.fix_plan_ttl_s);
                    if (const auto* given = body.if_contains("params")) {
                        if (!given->is_object())
                            return error_response(400, "params: expected an object of strings");
                        for (const auto& [k, v] : given->as_object()) {
                            if (!v.is_string())
                                return error_response(400, "params: expected string values");
                            options.params[std::string(k)] = std::string(v.as_string());
                        }
                        if (auto ok = fix::validate_params(options.params); !ok)
                            return error_response(400, ok.error());
                    }
                    if (auto only = request.query_param("only"); only && !only->empty()) {
                        std::size_t start = 0;
                        while (start <= only->size()) {
                            auto comma = only->find(',', start);
                            if (comma == std::string::npos) comma = only->size();
                            if (comma > start)
                                options.only_codes.push_back(only->substr(start, comma - start));
                            start = comma + 1;
                        }
                        if (options.only_codes.size() > 200)
                            return error_response(400, "only: at most 200 codes");
                    }
                    if (auto resource = request.query_param("resource")) {
                        if (resource->size() > 2048)
                            return error_response(400, "resource: at most 2048 characters");
                        options.resource = *resource;
                    }
                    auto planned = service->plan(framework, requirement, *regions, options);
                    if (!planned) return failure(planned.error());
                    auto o = planned->plan.to_json();
                    if (!planned->stored) {
                        // Shown, but it cannot be applied: nothing keeps it.
                        o["plan_stored"] = false;
                        o["store_error"] = planned->store_error;
                    }
                    return json_response(200, o);
                }
                if (auto refused = writes_refused(settings)) return *refused;
                const auto* plan_id = body.if_contains("plan_id");
                if (!plan_id || !plan_id->is_string() || plan_id->as_string().empty())
                    return error_response(
                        400,
                        "plan_id is required to apply: make a plan first (POST without a "
                        "body), then apply its actions");
                fix::ApplyRequest what;
                const auto* actions = body.if_contains("actions");
                if (actions && actions->is_string() && actions->as_string() == "all") {
                    what.all = true;
                } else if (actions && actions->is_array()) {
                    if (actions->as_array().size() > 10000)
                        return error_response(400, "actions: at most 10000 ids");
                    for (const auto& a : actions->as_array()) {
                        if (!a.is_string() || a.as_string().size() > 64)
                            return error_response(400, "actions: expected action ids");
                        what.action_ids.emplace_back(a.as_string());
                    }
                } else {
                    return error_response(400, "actions: expected [\"id\", ...] or \"all\"");
                }
                auto done =
                    service->apply(framework, requirement, std::string(plan_id->as_string()), what,
                                   client_of(request));
                if (!done) return failure(done.error());
                return json_response(200, record_json(*done));
            },
        .heavy = true,
    });

    router.add(Route{
        .method = "POST",
        .pattern = "/fix/undo/{fix_id}",
        .summary = "Undo an applied fix: restore each reversible action's recorded state",
        .requires_token = true,
        .openapi = fix_openapi(true),
        .handler =
            [service, settings](const net::ServerRequest& request, const PathParams& p) {
                if (auto refused = writes_refused(settings)) return *refused;
                auto done = service->undo(p.at("fix_id"), client_of(request));
                if (!done) return failure(done.error());
                return json_response(200, record_json(*done));
            },
        .heavy = true,
    });
}

}  // namespace dspm::api
