// The route table: dispatch rules (404, 405 + Allow, 401, 500 without leaks) and an OpenAPI
// document that lists exactly the routes of the table.
#include "api/router.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>

#include "api/routes.hpp"
#include "catalog/local_source.hpp"
#include "checks/check.hpp"
#include "common/utf8.hpp"

namespace {

using dspm::api::PathParams;
using dspm::api::Route;
using dspm::api::Router;
using dspm::net::ServerRequest;
using dspm::net::ServerResponse;

ServerRequest request(std::string method, std::string path, std::string auth = {}) {
    ServerRequest r;
    r.method = std::move(method);
    r.path = path;
    r.target = std::move(path);
    if (!auth.empty()) r.headers.emplace_back("Authorization", std::move(auth));
    return r;
}

Route route(std::string method, std::string pattern, bool token = true) {
    Route r;
    r.method = method;
    r.pattern = pattern;
    r.summary = method + " " + pattern;
    r.requires_token = token;
    r.handler = [method, pattern](const ServerRequest&, const PathParams& params) {
        boost::json::object body{{"route", method + " " + pattern}};
        for (const auto& [k, v] : params)
            body[k] = v;
        return dspm::api::json_response(200, body);
    };
    return r;
}

Router sample(std::string token = {}) {
    Router router(std::move(token));
    router.add(route("GET", "/health", false));
    router.add(route("POST", "/audit/{framework}/{req_id}"));
    router.add(route("POST", "/audit/{framework}/_all"));
    router.add(route("GET", "/compliance/{code}/requirements"));
    router.add(route("DELETE", "/compliance/{code}/requirements"));
    Route boom = route("GET", "/boom");
    boom.handler = [](const ServerRequest&, const PathParams&) -> ServerResponse {
        throw std::runtime_error("database password is hunter2");
    };
    router.add(std::move(boom));
    return router;
}

boost::json::object body(const ServerResponse& r) {
    return boost::json::parse(r.body).as_object();
}

TEST(Router, UnknownPathIs404WithDetail) {
    const auto r = sample().dispatch(request("GET", "/nope"));
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(body(r).at("detail"), "Not Found");
    EXPECT_EQ(sample().dispatch(request("POST", "/audit/isms-p")).status, 404);
    EXPECT_EQ(sample().dispatch(request("POST", "/audit/isms-p/1/extra")).status, 404);
}

TEST(Router, WrongMethodIs405WithAllow) {
    const auto r = sample().dispatch(request("PUT", "/compliance/gdpr/requirements"));
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.headers.size(), 2u);
    auto allow = dspm::net::find_header(r.headers, "allow");
    ASSERT_TRUE(allow);
    EXPECT_EQ(*allow, "DELETE, GET, HEAD");  // a GET route answers HEAD
    EXPECT_TRUE(body(r).contains("detail"));
}

TEST(Router, PathParametersAndLiteralSegmentsWin) {
    const auto one = sample().dispatch(request("POST", "/audit/ISMS-P/2.7.1"));
    ASSERT_EQ(one.status, 200);
    EXPECT_EQ(body(one).at("route"), "POST /audit/{framework}/{req_id}");
    EXPECT_EQ(body(one).at("framework"), "ISMS-P");
    EXPECT_EQ(body(one).at("req_id"), "2.7.1");
    const auto all = sample().dispatch(request("POST", "/audit/gdpr/_all"));
    ASSERT_EQ(all.status, 200);
    EXPECT_EQ(body(all).at("route"), "POST /audit/{framework}/_all");
}

TEST(Router, TokenIsRequiredWhenConfigured) {
    const auto router = sample("s3cret-token");
    const auto missing = router.dispatch(request("GET", "/compliance/gdpr/requirements"));
    EXPECT_EQ(missing.status, 401);
    EXPECT_EQ(dspm::net::find_header(missing.headers, "WWW-Authenticate").value_or(""), "Bearer");
    EXPECT_EQ(
        router.dispatch(request("GET", "/compliance/gdpr/requirements", "Bearer wrong")).status,
        401);
    EXPECT_EQ(
        router.dispatch(request("GET", "/compliance/gdpr/requirements", "Bearer s3cret")).status,
        401);
    EXPECT_EQ(
        router.dispatch(request("GET", "/compliance/gdpr/requirements", "s3cret-token")).status,
        401);
    EXPECT_EQ(
        router.dispatch(request("GET", "/compliance/gdpr/requirements", "Bearer s3cret-token"))
            .status,
        200);
    EXPECT_EQ(
        router.dispatch(request("GET", "/compliance/gdpr/requirements", "bearer s3cret-token"))
            .status,
        200);
    // /health stays open; the 401 never mentions the token.
    EXPECT_EQ(router.dispatch(request("GET", "/health")).status, 200);
    EXPECT_EQ(missing.body.find("s3cret"), std::string::npos);
}

TEST(Router, NoTokenConfiguredMeansOpen) {
    EXPECT_EQ(sample().dispatch(request("GET", "/compliance/gdpr/requirements")).status, 200);
}

TEST(Router, HandlerExceptionIs500WithoutLeakingTheMessage) {
    const auto r = sample().dispatch(request("GET", "/boom"));
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(body(r).at("detail"), "Internal Server Error");
    EXPECT_EQ(r.body.find("hunter2"), std::string::npos);
}

std::set<std::pair<std::string, std::string>> table_of(const Router& router) {
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& r : router.routes()) {
        std::string m = r.method;
        for (auto& c : m)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.emplace(r.pattern, m);
    }
    return out;
}

std::set<std::pair<std::string, std::string>> document_of(const boost::json::object& doc) {
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& [path, item] : doc.at("paths").as_object())
        for (const auto& [method, op] : item.as_object())
            out.emplace(std::string(path), std::string(method));
    return out;
}

TEST(Router, OpenApiDocumentDescribesTheTable) {
    const auto router = sample();
    const auto doc = router.openapi_document("9.9.9");
    EXPECT_EQ(doc.at("openapi"), "3.1.0");
    EXPECT_EQ(doc.at("info").at("version"), "9.9.9");
    EXPECT_EQ(document_of(doc), table_of(router));
    const auto& op = doc.at("paths").at("/audit/{framework}/{req_id}").at("post").as_object();
    std::set<std::string> params;
    for (const auto& p : op.at("parameters").as_array()) {
        EXPECT_EQ(p.at("in"), "path");
        EXPECT_EQ(p.at("required"), true);
        params.insert(std::string(p.at("name").as_string()));
    }
    EXPECT_EQ(params, (std::set<std::string>{"framework", "req_id"}));
    EXPECT_FALSE(op.at("security").as_array().empty());
    EXPECT_TRUE(doc.at("paths").at("/health").at("get").at("security").as_array().empty());
    EXPECT_EQ(doc.at("components").at("securitySchemes").at("bearerAuth").at("scheme"), "bearer");
}

// The served /openapi.json of the real table (build_router) lists exactly that table.
TEST(Router, ServedOpenApiMatchesTheBuiltRouter) {
    dspm::api::ApiContext context;
    const auto router = dspm::api::build_router(context);
    const auto r = router.dispatch(request("GET", "/openapi.json"));
    ASSERT_EQ(r.status, 200);
    const auto doc = body(r);
    EXPECT_EQ(document_of(doc), table_of(router));
    EXPECT_TRUE(document_of(doc).count({"/health", "get"}));
    EXPECT_TRUE(document_of(doc).count({"/openapi.json", "get"}));
}

TEST(Router, HealthReportsStatusVersionAndUptime) {
    dspm::api::ApiContext context;
    context.settings.audit_api_token = "tok";
    const auto router = dspm::api::build_router(context);
    const auto r = router.dispatch(request("GET", "/health"));
    ASSERT_EQ(r.status, 200);
    const auto b = body(r);
    EXPECT_EQ(b.at("status"), "ok");
    EXPECT_EQ(b.at("version"), DSPM_VERSION);
    EXPECT_GE(b.at("uptime_s").to_number<double>(), 0.0);
    EXPECT_EQ(router.dispatch(request("GET", "/openapi.json")).status, 401);
}

TEST(Router, HeadMatchesGetRoutesAndAllowListsIt) {
    const auto router = sample();
    const auto head = router.dispatch(request("HEAD", "/compliance/gdpr/requirements"));
    EXPECT_EQ(head.status, 200);  // the server drops the body and keeps its length
    EXPECT_EQ(body(head).at("route"), "GET /compliance/{code}/requirements");
    EXPECT_EQ(router.dispatch(request("HEAD", "/health")).status, 200);
    // HEAD of a POST-only route is no route at all.
    const auto post_only = router.dispatch(request("HEAD", "/audit/isms-p/_all"));
    EXPECT_EQ(post_only.status, 405);
    EXPECT_EQ(*dspm::net::find_header(post_only.headers, "allow"), "POST");
    const auto wrong = router.dispatch(request("PUT", "/health"));
    EXPECT_EQ(*dspm::net::find_header(wrong.headers, "allow"), "GET, HEAD");
}

TEST(Router, HeavyRoutesAreThoseMarkedAndOnlyWhenAllowed) {
    Router router("tok");
    router.add(route("GET", "/health", false));
    Route audit = route("POST", "/audit/{framework}/_all");
    audit.heavy = true;
    router.add(std::move(audit));
    EXPECT_TRUE(router.is_heavy(request("POST", "/audit/isms-p/_all", "Bearer tok")));
    // Refused anyway (no token, wrong method, no route): cheap, never a heavy thread.
    EXPECT_FALSE(router.is_heavy(request("POST", "/audit/isms-p/_all")));
    EXPECT_FALSE(router.is_heavy(request("GET", "/audit/isms-p/_all", "Bearer tok")));
    EXPECT_FALSE(router.is_heavy(request("GET", "/health")));
    EXPECT_FALSE(router.is_heavy(request("GET", "/nope")));
}

// The real table: audits (and fixes, which audit first) are heavy, everything else (the session
// lookups included) is cheap.
TEST(Router, BuiltRouterMarksTheAuditRoutesHeavy) {
    dspm::api::ApiContext context;
    const auto router = dspm::api::build_router(context);
    for (const auto& r : router.routes())
        EXPECT_EQ(r.heavy, r.method == "POST" && (r.pattern.rfind("/audit/", 0) == 0 ||
                                                  r.pattern.rfind("/fix/", 0) == 0))
            << r.method << " " << r.pattern;
    const auto doc = router.openapi_document("1");
    EXPECT_TRUE(doc.at("paths")
                    .at("/audit/{framework}/_all")
                    .at("post")
                    .at("responses")
                    .as_object()
                    .contains("503"));
}

}  // namespace

// fuzz_router's finding: a framework code that is not UTF-8 (GET /compliance/%B8%FF/requirements,
// decoded by the server to the raw bytes) was quoted raw in the 404 detail, so the body was not
// valid JSON for strict clients.
TEST(Router, DetailsQuotingRequestBytesStayValidUtf8) {
    dspm::api::ApiContext context;
    auto catalog = dspm::catalog::LocalSource::embedded();
    ASSERT_TRUE(catalog);
    context.catalog = *catalog;
    const auto router = dspm::api::build_router(context);
    const auto r = router.dispatch(request("GET", "/compliance/\xB8\xFF/requirements"));
    EXPECT_EQ(r.status, 404);
    EXPECT_TRUE(dspm::is_valid_utf8(r.body)) << r.body;
    const auto detail = std::string(body(r).at("detail").as_string());
    EXPECT_EQ(detail, "Framework '\xEF\xBF\xBD\xEF\xBF\xBD' not found");
}

// GET /compliance/mappings is the list a user builds a least-privilege policy from: every IAM
// action an implemented check reads with is in it, whatever the catalog itself lists.
TEST(Router, MappingsNameEveryIamActionTheChecksNeed) {
    dspm::api::ApiContext context;
    auto catalog = dspm::catalog::LocalSource::embedded();
    ASSERT_TRUE(catalog);
    context.catalog = *catalog;
    const auto router = dspm::api::build_router(context);
    const auto r = router.dispatch(request("GET", "/compliance/mappings"));
    ASSERT_EQ(r.status, 200);
    std::map<std::string, std::set<std::string>> listed;
    const auto doc = boost::json::parse(r.body);
    for (const auto& m : doc.as_array())
        for (const auto& a : m.at("iam_actions").as_array())
            listed[std::string(m.at("code").as_string())].insert(std::string(a.as_string()));
    for (const auto* check : dspm::checks::all_checks())
        for (const auto& action : check->info().iam_actions)
            EXPECT_TRUE(listed[check->info().code].count(action))
                << check->info().code << " " << action;
    EXPECT_TRUE(listed["7.0-04"].count("detective:ListInvitations"));
    // Each implemented mapping says where it reads and what absence means.
    std::map<std::string, std::pair<std::string, std::string>> kinds;
    for (const auto& m : doc.as_array())
        if (m.as_object().contains("applicability"))
            kinds[std::string(m.at("code").as_string())] = {
                std::string(m.at("reach").as_string()),
                std::string(m.at("applicability").as_string())};
    EXPECT_EQ(kinds["3.0-01"], (std::pair<std::string, std::string>{"regional", "control"}));
    EXPECT_EQ(kinds["12.0-02"], (std::pair<std::string, std::string>{"regional", "one_way"}));
    EXPECT_EQ(kinds["2.0-01"], (std::pair<std::string, std::string>{"global", "resource_setting"}));
    EXPECT_EQ(kinds.size(), dspm::checks::all_checks().size());
}

namespace {

std::optional<std::string> header_of(const ServerResponse& r, const std::string& name) {
    return dspm::net::find_header(r.headers, name);
}

// The browser's preflight before a call the page makes with Content-Type: application/json:
// answered without the token (a browser never sends credentials on it), naming the path's methods
// and echoing the requested headers; an unknown path stays 404.
TEST(Router, OptionsAnswersThePreflightWithoutTheToken) {
    Router router = sample("tok");
    router.set_cors(dspm::api::Cors({"*"}));
    auto pre = request("OPTIONS", "/audit/ISMS-P/_all");
    pre.headers.emplace_back("Origin", "http://localhost:3000");
    pre.headers.emplace_back("Access-Control-Request-Method", "POST");
    pre.headers.emplace_back("Access-Control-Request-Headers", "content-type,accept");
    const auto r = router.dispatch(pre);
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(header_of(r, "Access-Control-Allow-Methods").value_or(""), "POST, OPTIONS");
    EXPECT_EQ(header_of(r, "Access-Control-Allow-Headers").value_or(""), "content-type,accept");
    EXPECT_EQ(header_of(r, "Access-Control-Max-Age").value_or(""), "600");

    // Requested headers that are no plain list are not echoed into our answer.
    auto odd = pre;
    odd.headers.back().second = "x\r\nSet-Cookie: a=b";
    EXPECT_EQ(header_of(router.dispatch(odd), "Access-Control-Allow-Headers").value_or(""),
              "Authorization, Content-Type, Accept");

    EXPECT_EQ(router.dispatch(request("OPTIONS", "/no/such")).status, 404);
    // A plain OPTIONS (no preflight) names the methods too.
    const auto plain = router.dispatch(request("OPTIONS", "/compliance/x/requirements"));
    EXPECT_EQ(plain.status, 204);
    EXPECT_EQ(header_of(plain, "Allow").value_or(""), "DELETE, GET, HEAD, OPTIONS");
}

TEST(Cors, AnyOriginOrExactOriginsOrNone) {
    auto from = [](const char* origin) {
        auto r = request("GET", "/health");
        if (origin) r.headers.emplace_back("Origin", origin);
        return r;
    };
    const dspm::api::Cors any({"*"});
    auto h = any.response_headers(from("http://localhost:3000"));
    EXPECT_EQ(dspm::net::find_header(h, "Access-Control-Allow-Origin").value_or(""), "*");
    EXPECT_NE(
        dspm::net::find_header(h, "Access-Control-Expose-Headers").value_or("").find("Retry-After"),
        std::string::npos);

    const dspm::api::Cors listed({"https://dash.example.com"});
    h = listed.response_headers(from("https://DASH.example.com"));
    EXPECT_EQ(dspm::net::find_header(h, "Access-Control-Allow-Origin").value_or(""),
              "https://DASH.example.com");
    EXPECT_EQ(dspm::net::find_header(h, "Vary").value_or(""), "Origin");
    h = listed.response_headers(from("https://evil.example.com"));
    EXPECT_FALSE(dspm::net::find_header(h, "Access-Control-Allow-Origin"));
    EXPECT_TRUE(dspm::net::find_header(h, "Vary"));

    const dspm::api::Cors none({});
    EXPECT_FALSE(none.enabled());
    EXPECT_TRUE(none.response_headers(from("http://localhost:3000")).empty());
}

}  // namespace

namespace {

TEST(Router, PolicyRoutesAnswerTheGeneratedDocuments) {
    dspm::api::ApiContext context;
    context.catalog = *dspm::catalog::LocalSource::embedded();
    const auto router = dspm::api::build_router(context);
    const auto all = router.dispatch(request("GET", "/policy/ISMS-P"));
    ASSERT_EQ(all.status, 200) << all.body;
    const auto doc = body(all);
    EXPECT_EQ(doc.at("framework"), "ISMS-P");
    EXPECT_FALSE(doc.at("documents").as_array().empty());
    for (const auto& n : doc.at("document_chars").as_array())
        EXPECT_LE(n.to_number<int>(), 6144);
    const auto one = body(router.dispatch(request("GET", "/policy/ISMS-P/2.7.1")));
    const auto& codes = one.at("codes").as_array();
    EXPECT_NE(std::find(codes.begin(), codes.end(), boost::json::value("2.0-01")), codes.end());
    EXPECT_LT(one.at("actions").as_array().size(), doc.at("actions").as_array().size());
    EXPECT_EQ(router.dispatch(request("GET", "/policy/NOPE")).status, 404);
    EXPECT_EQ(router.dispatch(request("GET", "/policy/ISMS-P/9.9.9")).status, 404);
}

}  // namespace
