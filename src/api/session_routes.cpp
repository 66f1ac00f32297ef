// GET /audit/session/{session_id} and GET /audit/session: what the original service's dashboards
// ask before they show a framework again (which frameworks this session audited, within its TTL).
#include <boost/json.hpp>
#include <memory>

#include "api/routes.hpp"
#include "api/sessions.hpp"

namespace dspm::api {
namespace json = boost::json;

namespace {

json::object session_json(const SessionView& v, std::size_t ttl_s) {
    json::array frameworks;
    for (const auto& f : v.frameworks)
        frameworks.emplace_back(f);
    json::object counts;
    for (const auto& [f, n] : v.counts)
        counts[f] = n;
    return {{"id", v.id},
            {"frameworks", std::move(frameworks)},
            {"framework_counts", std::move(counts)},
            {"last_framework", v.last_framework},
            {"created_at", v.created_at},
            {"last_used_at", v.last_used_at},
            {"expires_at", v.expires_at},
            {"ttl_seconds", ttl_s}};
}

// {"exists": true, "session": {...}} or 404 {"exists": false}, as the dashboards read it.
net::ServerResponse peek(SessionStore& sessions, std::size_t ttl_s, const std::string& given) {
    auto id = sessions.validate_id(given);
    if (!id) return error_response(400, id.error());
    const auto found = sessions.find(*id);
    if (!found) return json_response(404, json::object{{"exists", false}});
    return json_response(200,
                         json::object{{"exists", true}, {"session", session_json(*found, ttl_s)}});
}

json::object session_openapi(bool with_path_param) {
    json::object o{
        {"tags", json::array{"audit"}},
        {"responses",
         json::object{
             {"200",
              json::object{{"description", with_path_param
                                               ? "{exists: true, session: {id, frameworks[], "
                                                 "framework_counts, last_framework, created_at, "
                                                 "last_used_at, expires_at, ttl_seconds}}"
                                               : "{count, sessions[]}, or with session_id the same "
                                                 "answer as /audit/session/{session_id}"}}},
             {"400", json::object{{"description", "session_id too long or empty"}}},
             {"404", json::object{{"description", "{exists: false}: unknown or expired"}}}}}};
    if (!with_path_param)
        o["parameters"] = json::array{json::object{{"name", "session_id"},
                                                   {"in", "query"},
                                                   {"required", false},
                                                   {"schema", json::object{{"type", "string"}}}}};
    return o;
}

}  // namespace

void add_session_routes(Router& router, ApiContext& context) {
    auto sessions = context.sessions;
    if (!sessions) return;  // added by add_audit_routes first
    const std::size_t ttl = context.settings.session_ttl_s;

    router.add(Route{
        .method = "GET",
        .pattern = "/audit/session/{session_id}",
        .summary = "Whether a client session exists and which frameworks it audited",
        .requires_token = true,
        .openapi = session_openapi(true),
        .handler = [sessions, ttl](
                       const net::ServerRequest&,
                       const PathParams& p) { return peek(*sessions, ttl, p.at("session_id")); },
    });
    router.add(Route{
        .method = "GET",
        .pattern = "/audit/session",
        .summary = "The live client sessions, or one with ?session_id=",
        .requires_token = true,
        .openapi = session_openapi(false),
        .handler =
            [sessions, ttl](const net::ServerRequest& request, const PathParams&) {
                if (auto id = request.query_param("session_id")) return peek(*sessions, ttl, *id);
                json::array items;
                for (const auto& v : sessions->list())
                    items.push_back(session_json(v, ttl));
                const auto count = items.size();
                return json_response(
                    200, json::object{{"count", count}, {"sessions", std::move(items)}});
            },
    });
}

}  // namespace dspm::api
