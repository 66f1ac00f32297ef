// The history of audits (store/store.hpp): GET /runs, /runs/{run_id} (the stored answer, the same
// bytes the audit answered), /runs/{run_id}/diff, /runs/{run_id}/report and
// /frameworks/{framework}/trend. Every input is checked before it reaches a query: run ids by
// their grammar, dates as RFC 3339, statuses and limits by value.
#include <boost/json.hpp>
#include <charconv>

#include "api/routes.hpp"
#include "catalog/local_source.hpp"  // to_lower
#include "report/report.hpp"
#include "store/json_shapes.hpp"
#include "store/store.hpp"

namespace dspm::api {
namespace json = boost::json;

namespace {

net::ServerResponse unavailable(const std::string& why) {
    return error_response(503, "run store unavailable: " + why);
}

Expected<std::size_t, std::string> limit_of(const net::ServerRequest& request,
                                            std::size_t fallback) {
    const auto given = request.query_param("limit");
    if (!given || given->empty()) return fallback;
    std::size_t n = 0;
    const auto* end = given->data() + given->size();
    const auto [ptr, ec] = std::from_chars(given->data(), end, n);
    if (ec != std::errc{} || ptr != end || n < 1 || n > 1000)
        return unexpected(std::string("limit: expected 1 to 1000"));
    return n;
}

// ?framework=... etc. into a query, or the first bad value.
Expected<store::RunQuery, std::string> query_of(const net::ServerRequest& request) {
    store::RunQuery q;
    const auto bounded = [&](const char* name, std::string& out) -> Expected<bool, std::string> {
        const auto v = request.query_param(name);
        if (!v) return true;
        if (v->size() > 128) return unexpected(std::string(name) + ": at most 128 characters");
        out = *v;
        return true;
    };
    if (auto ok = bounded("framework", q.framework); !ok) return unexpected(ok.error());
    if (auto ok = bounded("account", q.account); !ok) return unexpected(ok.error());
    if (const auto since = request.query_param("since"); since && !since->empty()) {
        auto s = store::parse_since(*since);
        if (!s) return unexpected(s.error());
        q.since = *s;
    }
    if (const auto status = request.query_param("status"); status && !status->empty()) {
        std::string upper;
        for (char c : *status)
            upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (upper != "COMPLIANT" && upper != "NON_COMPLIANT" && upper != "ERROR" &&
            upper != "SKIPPED")
            return unexpected(
                std::string("status: expected COMPLIANT, NON_COMPLIANT, ERROR or SKIPPED"));
        q.status = upper;
    }
    if (const auto before = request.query_param("before"); before && !before->empty()) {
        if (!store::valid_run_id(*before))
            return unexpected(std::string("before: expected a run_id from a previous page"));
        q.before = *before;
    }
    auto limit = limit_of(request, 50);
    if (!limit) return unexpected(limit.error());
    q.limit = *limit;
    return q;
}

json::object path_param(const char* name, const char* description) {
    return {{"name", name},
            {"in", "path"},
            {"required", true},
            {"description", description},
            {"schema", json::object{{"type", "string"}}}};
}

json::object query_param(const char* name, const char* description) {
    return {{"name", name},
            {"in", "query"},
            {"required", false},
            {"description", description},
            {"schema", json::object{{"type", "string"}}}};
}

json::object doc(const char* ok, json::array parameters) {
    return {{"tags", json::array{"runs"}},
            {"parameters", std::move(parameters)},
            {"responses",
             json::object{{"200", json::object{{"description", ok}}},
                          {"400", json::object{{"description", "a malformed parameter"}}},
                          {"404", json::object{{"description", "no such run"}}},
                          {"503", json::object{{"description", "the run store is unavailable"}}}}}};
}

}  // namespace

void add_run_routes(Router& router, ApiContext& context) {
    auto runs = context.runs;
    const auto run_id_param = [] {
        return path_param("run_id", "a run_id as the audit answered it");
    };

    router.add(Route{
        .method = "GET",
        .pattern = "/runs",
        .summary = "Stored audits, newest first",
        .requires_token = true,
        .openapi = doc("{runs: [{run_id, framework, requirement, account, regions, started_at, "
                       "finished_at, status, complete, counts}], next?}",
                       json::array{query_param("framework", "framework code (any case)"),
                                   query_param("account", "AWS account id"),
                                   query_param("since", "UTC date or time: started at or after"),
                                   query_param("status", "the run's roll-up status"),
                                   query_param("limit", "1 to 1000 (default 50)"),
                                   query_param("before", "the previous page's next")}),
        .handler =
            [runs](const net::ServerRequest& request, const PathParams&) {
                if (!runs) return unavailable("not configured");
                auto q = query_of(request);
                if (!q) return error_response(400, q.error());
                auto page = runs->list(*q);
                if (!page) return unavailable(page.error());
                json::array items;
                for (const auto& h : page->runs)
                    items.push_back(store::head_json(h));
                json::object body{{"runs", std::move(items)}};
                if (page->next) body["next"] = *page->next;
                return json_response(200, body);
            },
    });

    router.add(Route{
        .method = "GET",
        .pattern = "/runs/{run_id}",
        .summary = "A stored audit's answer, as the audit returned it",
        .requires_token = true,
        .openapi = doc("the audit's answer, byte for byte", json::array{run_id_param()}),
        .handler =
            [runs](const net::ServerRequest&, const PathParams& p) {
                if (!runs) return unavailable("not configured");
                const auto& id = p.at("run_id");
                if (!store::valid_run_id(id)) return error_response(400, "run_id: malformed");
                auto answer = runs->answer(id);
                if (!answer) return unavailable(answer.error());
                if (!*answer) return error_response(404, "no run " + id);
                return net::ServerResponse::json(200, std::move(**answer));
            },
    });

    router.add(Route{
        .method = "GET",
        .pattern = "/runs/{run_id}/diff",
        .summary = "What changed between a run and an earlier one",
        .requires_token = true,
        .openapi = doc("{run_id, against, new_failures[], resolved[], changed[], still_failing[]}: "
                       "each {mapping_code, resource_id, region, account, before, after}, the "
                       "evaluations (null where absent)",
                       json::array{run_id_param(),
                                   query_param("against",
                                               "previous (default: the newest earlier complete "
                                               "run of the same framework, scope and account) "
                                               "or a run_id")}),
        .handler =
            [runs](const net::ServerRequest& request, const PathParams& p) {
                if (!runs) return unavailable("not configured");
                const auto& id = p.at("run_id");
                if (!store::valid_run_id(id)) return error_response(400, "run_id: malformed");
                const auto given = request.query_param("against");
                const std::string against_text = given && !given->empty() ? *given : "previous";
                if (against_text != "previous" && !store::valid_run_id(against_text))
                    return error_response(400, "against: expected previous or a run_id");
                auto head = runs->head(id);
                if (!head) return unavailable(head.error());
                if (!*head) return error_response(404, "no run " + id);
                std::string against = against_text;
                if (against == "previous") {
                    auto prev = runs->previous(id);
                    if (!prev) return unavailable(prev.error());
                    if (!*prev)
                        return error_response(404, "run " + id +
                                                       " has no earlier complete run of the "
                                                       "same framework, scope and account");
                    against = **prev;
                } else {
                    auto other = runs->head(against);
                    if (!other) return unavailable(other.error());
                    if (!*other) return error_response(404, "no run " + against);
                }
                auto d = runs->diff(id, against);
                if (!d) return unavailable(d.error());
                return json_response(200, store::diff_json(*d));
            },
    });

    router.add(Route{
        .method = "GET",
        .pattern = "/runs/{run_id}/report",
        .summary = "A stored audit as a report (html, csv, ocsf, sarif, junit, md)",
        .requires_token = true,
        .openapi = doc("the report",
                       json::array{run_id_param(), query_param("format",
                                                               "html (default), csv, ocsf, sarif, "
                                                               "junit, md or json")}),
        .handler =
            [runs](const net::ServerRequest& request, const PathParams& p) {
                if (!runs) return unavailable("not configured");
                const auto& id = p.at("run_id");
                if (!store::valid_run_id(id)) return error_response(400, "run_id: malformed");
                const auto given = request.query_param("format");
                auto format = report::parse_format(given && !given->empty() ? *given : "html");
                if (!format)
                    return error_response(
                        400, "format: expected one of " + std::string(report::kFormatNames));
                auto answer = runs->answer(id);
                if (!answer) return unavailable(answer.error());
                if (!*answer) return error_response(404, "no run " + id);
                if (*format == report::Format::json)
                    return net::ServerResponse::json(200, std::move(**answer));
                auto rendered = report::render(json::parse(**answer), *format);
                if (!rendered) return error_response(500, "report failed: " + rendered.error());
                net::ServerResponse response;
                response.status = 200;
                response.headers.emplace_back("Content-Type",
                                              std::string(report::content_type(*format)));
                response.body = std::move(*rendered);
                return response;
            },
    });

    router.add(Route{
        .method = "GET",
        .pattern = "/frameworks/{framework}/trend",
        .summary = "Counts per stored run of a framework, oldest first",
        .requires_token = true,
        .openapi =
            doc("{framework, runs: [{run_id, requirement, account, started_at, status, "
                "complete, counts}]}",
                json::array{path_param("framework", "framework code (any case)"),
                            query_param("account", "AWS account id"),
                            query_param("limit", "the newest 1 to 1000 runs (default 100)")}),
        .handler =
            [runs](const net::ServerRequest& request, const PathParams& p) {
                if (!runs) return unavailable("not configured");
                const auto& framework = p.at("framework");
                if (framework.size() > 128) return error_response(400, "framework: too long");
                store::RunQuery q;
                q.framework = framework;
                if (const auto account = request.query_param("account")) {
                    if (account->size() > 128)
                        return error_response(400, "account: at most 128 characters");
                    q.account = *account;
                }
                auto limit = limit_of(request, 100);
                if (!limit) return error_response(400, limit.error());
                q.limit = *limit;
                q.oldest_first = true;
                auto page = runs->list(q);
                if (!page) return unavailable(page.error());
                json::array points;
                for (const auto& h : page->runs)
                    points.push_back(json::object{{"run_id", h.run_id},
                                                  {"requirement", h.requirement},
                                                  {"account", h.account},
                                                  {"started_at", h.started_at},
                                                  {"status", h.status},
                                                  {"complete", h.complete},
                                                  {"counts", store::parsed_or_null(h.counts)}});
                return json_response(
                    200, json::object{{"framework", framework}, {"runs", std::move(points)}});
            },
    });
}

}  // namespace dspm::api
