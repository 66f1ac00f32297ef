// The original service's web dashboards (BOB-DSPM/SAGE-FRONT, DSPM_Dashboard-Frontend) against
// `serve`, call by call as their code makes them (src/services/complianceApi.js and the pages
// Policies2.js, ThreatCompliance.js, ThreatComplianceDetail.js): the browser's preflight, the
// request from another origin with the headers they send, and the fields they read. The real
// binary on two ports (8103 and MAPPING_PORT, their 8003) against moto_server.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "aws/model.hpp"  // percent_encode
#include "support/test_support.hpp"

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using dspm::test::RawReply;

constexpr const char* kOrigin = "http://localhost:3000";

std::optional<std::string> header(const RawReply& r, std::string name) {
    for (auto& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::istringstream lines(r.head);
    std::string line;
    while (std::getline(lines, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string key = line.substr(0, colon);
        for (auto& c : key)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (key != name) continue;
        std::string value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' '))
            value.erase(0, 1);
        while (!value.empty() && (value.back() == '\r' || value.back() == ' '))
            value.pop_back();
        return value;
    }
    return std::nullopt;
}

// The body of a chunked answer, as the browser's reader hands it to the page.
std::string dechunk(const RawReply& r) {
    if (header(r, "Transfer-Encoding").value_or("") != "chunked") return r.body;
    std::string out;
    std::size_t pos = 0;
    while (pos < r.body.size()) {
        const auto eol = r.body.find("\r\n", pos);
        if (eol == std::string::npos) break;
        const auto size = std::stoul(r.body.substr(pos, eol - pos), nullptr, 16);
        if (size == 0) break;
        out += r.body.substr(eol + 2, size);
        pos = eol + 2 + size + 2;
    }
    return out;
}

// encodeURIComponent, as the pages build their URLs.
std::string encode(const std::string& s) {
    return dspm::aws::proto::percent_encode(s, false);
}

struct Call {
    std::string method;
    std::string target;
    std::vector<std::string> headers;  // "Name: value"
};

RawReply send(unsigned short port, const Call& call, std::chrono::seconds timeout = 120s) {
    std::string raw = call.method + " " + call.target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    raw += std::string("Origin: ") + kOrigin + "\r\n";
    for (const auto& h : call.headers)
        raw += h + "\r\n";
    raw += "Content-Length: 0\r\nConnection: close\r\n\r\n";
    return dspm::test::send_raw(port, raw, timeout);
}

// What the browser sends first for a call with Content-Type: application/json or Accept
// application/x-ndjson (neither is a "simple" request).
RawReply preflight(unsigned short port, const Call& call) {
    std::string asked;
    for (const auto& h : call.headers)
        asked += (asked.empty() ? "" : ",") + h.substr(0, h.find(':'));
    Call pre{"OPTIONS", call.target, {"Access-Control-Request-Method: " + call.method}};
    if (!asked.empty()) {
        for (auto& c : asked)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        pre.headers.push_back("Access-Control-Request-Headers: " + asked);
    }
    return send(port, pre, 10s);
}

json::value body_of(const std::string& text) {
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    EXPECT_FALSE(ec) << text.substr(0, 300);
    return v;
}

class FrontendContract : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        auto& moto = dspm::test::Moto::instance();
        moto.reset();
        audit_port_ = dspm::test::free_port();
        mapping_port_ = dspm::test::free_port();
        while (mapping_port_ == audit_port_)
            mapping_port_ = dspm::test::free_port();
        auto env = dspm::test::moto_env(moto.endpoint());
        for (const char* k : {"MAPPING_BASE_URL", "COLLECTOR_BASE_URL", "AUDIT_API_TOKEN",
                              "CATALOG_DIR", "AUDIT_REGIONS", "AWS_PROFILE"})
            env.emplace(k, "");
        env["CORS_ALLOW_ORIGINS"] = "*";  // the default, as the original: any origin
        env["AUDIT_REGIONS"] = "us-east-1";
        env["LOG_LEVEL"] = "warning";
        env["PORT"] = std::to_string(audit_port_);
        env["MAPPING_PORT"] = std::to_string(mapping_port_);
        env["HOST"] = "127.0.0.1";
        dir_ = fs::temp_directory_path() / ("dspm-frontend-" + std::to_string(audit_port_));
        fs::create_directories(dir_);
        serve_.emplace(std::vector<std::string>{DSPM_BINARY, "serve"}, env, dir_.string());
        ASSERT_TRUE(dspm::test::wait_for_port(audit_port_, 20s)) << serve_->stderr_text();
        ASSERT_TRUE(dspm::test::wait_for_port(mapping_port_, 20s)) << serve_->stderr_text();
    }
    static void TearDownTestSuite() {
        serve_.reset();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    // The preflight and then the call; both must let the page read the answer.
    static RawReply cross_origin(unsigned short port, const Call& call, int status) {
        const auto pre = preflight(port, call);
        EXPECT_EQ(pre.status, 204) << call.target << "\n" << pre.head;
        EXPECT_EQ(header(pre, "Access-Control-Allow-Origin").value_or(""), "*") << call.target;
        EXPECT_NE(header(pre, "Access-Control-Allow-Methods").value_or("").find(call.method),
                  std::string::npos)
            << call.target;
        for (const auto& h : call.headers) {
            auto name = h.substr(0, h.find(':'));
            for (auto& c : name)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            EXPECT_NE(header(pre, "Access-Control-Allow-Headers").value_or("").find(name),
                      std::string::npos)
                << call.target << " " << name;
        }
        auto reply = send(port, call);
        EXPECT_EQ(reply.status, status) << call.method << " " << call.target << "\n"
                                        << reply.body.substr(0, 400);
        EXPECT_EQ(header(reply, "Access-Control-Allow-Origin").value_or(""), "*")
            << call.target << "\n"
            << reply.head;
        return reply;
    }

    static inline unsigned short audit_port_ = 0;
    static inline unsigned short mapping_port_ = 0;
    static inline fs::path dir_;
    static inline std::optional<dspm::test::Process> serve_;
};

const std::vector<std::string> kJson{"Content-Type: application/json"};
const std::vector<std::string> kNdjson{"Content-Type: application/json",
                                       "Accept: application/x-ndjson"};

// Policies2.js: the framework list, the requirement rows (with their threats) and a detail.
TEST_F(FrontendContract, CatalogCallsOnTheMappingPort) {
    const auto stats = cross_origin(mapping_port_, {"GET", "/compliance/stats", {}}, 200);
    const auto fws = body_of(stats.body).as_array();
    std::set<std::string> names;
    for (const auto& f : fws) {
        names.insert(std::string(f.at("framework").as_string()));
        EXPECT_TRUE(f.at("count").is_number());
    }
    EXPECT_TRUE(names.contains("ISMS-P"));
    EXPECT_TRUE(names.contains("SAGE-Threat"));

    const auto rows =
        body_of(
            cross_origin(mapping_port_, {"GET", "/compliance/ISMS-P/requirements", {}}, 200).body)
            .as_array();
    ASSERT_EQ(rows.size(), 217u);
    std::size_t with_threats = 0;
    int crypto_id = 0;
    for (const auto& r : rows) {
        for (const char* k : {"id", "item_code", "title", "regulation", "mapping_status"})
            EXPECT_TRUE(r.as_object().contains(k)) << k;
        const auto& t = r.at("threats");
        if (t.is_array()) {
            ++with_threats;
            EXPECT_TRUE(t.at(0).at("title").is_string());
        } else {
            EXPECT_TRUE(t.is_null());
        }
        if (r.at("item_code") == "2.7.1") crypto_id = static_cast<int>(r.at("id").as_int64());
    }
    EXPECT_GT(with_threats, 50u);
    ASSERT_NE(crypto_id, 0);

    const auto detail = body_of(cross_origin(mapping_port_,
                                             {"GET",
                                              "/compliance/ISMS-P/requirements/" +
                                                  std::to_string(crypto_id) + "/mappings",
                                              {}},
                                             200)
                                    .body)
                            .as_object();
    EXPECT_EQ(detail.at("framework"), "ISMS-P");
    EXPECT_TRUE(detail.at("regulation").is_string());
    EXPECT_EQ(detail.at("requirement").at("regulation"), detail.at("regulation"));
    EXPECT_EQ(detail.at("requirement").at("item_code"), "2.7.1");
    EXPECT_TRUE(detail.at("requirement").at("threats").is_array());
    ASSERT_FALSE(detail.at("mappings").as_array().empty());
    for (const char* k :
         {"code", "category", "service", "console_path", "check_how", "cli_cmd", "return_field",
          "compliant_value", "non_compliant_value", "console_fix", "cli_fix_cmd"})
        EXPECT_TRUE(detail.at("mappings").at(0).as_object().contains(k)) << k;

    // The audit routes are on the audit port only; a miss still lets the page read the 404.
    const auto miss = send(mapping_port_, {"POST", "/audit/ISMS-P/_all", kJson});
    EXPECT_EQ(miss.status, 404);
    EXPECT_EQ(header(miss, "Access-Control-Allow-Origin").value_or(""), "*");
    // The catalog answers on the audit port as well.
    EXPECT_EQ(send(audit_port_, {"GET", "/compliance/stats", {}}).status, 200);
}

// ThreatCompliance.js and ThreatComplianceDetail.js: the threat list with its groups and the
// compliance it answers to, and a threat's detail.
TEST_F(FrontendContract, ThreatPagesGetGroupsAndApplicableHits) {
    const auto rows =
        body_of(cross_origin(mapping_port_,
                             {"GET", "/compliance/SAGE-Threat/requirements:groups", {}}, 200)
                    .body)
            .as_array();
    ASSERT_EQ(rows.size(), 102u);
    std::set<std::string> groups;
    std::size_t hits_with_matches = 0;
    int threat_id = 0;
    for (const auto& r : rows) {
        if (r.at("threat_groups").is_array())
            for (const auto& g : r.at("threat_groups").as_array())
                groups.insert(std::string(g.as_string()));
        for (const auto& hit : r.at("applicable_hits").as_array())
            if (!hit.at("matches").as_array().empty()) {
                ++hits_with_matches;
                const auto& m = hit.at("matches").at(0);
                for (const char* k : {"framework_code", "item_code", "title", "regulation"})
                    EXPECT_TRUE(m.as_object().contains(k)) << k;
            }
        if (threat_id == 0 && !r.at("applicable_hits").as_array().empty())
            threat_id = static_cast<int>(r.at("id").as_int64());
        EXPECT_TRUE(r.as_object().contains("mapping_services"));
    }
    EXPECT_GE(groups.size(), 15u);
    EXPECT_GT(hits_with_matches, 50u);
    ASSERT_NE(threat_id, 0);

    const auto detail = body_of(cross_origin(mapping_port_,
                                             {"GET",
                                              "/compliance/SAGE-Threat/requirements/" +
                                                  std::to_string(threat_id) + "/mappings:groups",
                                              {}},
                                             200)
                                    .body)
                            .as_object();
    EXPECT_EQ(detail.at("framework"), "SAGE-Threat");
    EXPECT_TRUE(detail.at("requirement").at("applicable_hits").is_array());
    EXPECT_TRUE(detail.at("requirement").as_object().contains("threat_groups"));
    EXPECT_FALSE(detail.at("mappings").as_array().empty());

    const auto plain = body_of(cross_origin(mapping_port_,
                                            {"GET",
                                             "/compliance/SAGE-Threat/requirements/" +
                                                 std::to_string(threat_id) + "/mappings",
                                             {}},
                                            200)
                                   .body)
                           .as_object();
    for (const char* k : {"framework", "regulation", "requirement", "mappings"})
        EXPECT_TRUE(plain.contains(k)) << k;
    EXPECT_TRUE(plain.at("requirement").at("mapping_status").is_string());

    EXPECT_EQ(send(mapping_port_, {"GET", "/compliance/NOPE/requirements:groups", {}}).status, 404);
}

// complianceApi.checkSession / auditRequirement with a session, as Policies2.js restores a page:
// unknown → 404 {exists:false}; audited → exists with the framework; the same call again is
// answered from the session (X-Cache: HIT) with the same body; refresh=1 audits anew.
TEST_F(FrontendContract, SessionRoundTripAndTheSingleAudit) {
    const std::string sid = "3f0c9a52-4c1e-4b5e-9d7a-7f1b2f6f0c11";
    const auto none = cross_origin(audit_port_, {"GET", "/audit/session/" + sid, kJson}, 404);
    EXPECT_EQ(body_of(none.body).at("exists"), false);

    const std::string target = "/audit/audit/ISMS-P/323?session_id=" + sid;  // 2.7.1
    const auto first = cross_origin(audit_port_, {"POST", target, kJson}, 200);
    EXPECT_EQ(header(first, "X-Cache").value_or(""), "MISS");
    const auto doc = body_of(first.body).as_object();
    EXPECT_EQ(doc.at("requirement_id"), 323);
    EXPECT_EQ(doc.at("item_code"), "2.7.1");
    EXPECT_TRUE(doc.at("requirement_status").is_string());
    const auto& summary = doc.at("summary").as_object();
    std::int64_t counted = 0;
    for (const char* k : {"COMPLIANT", "NON_COMPLIANT", "SKIPPED", "ERROR"})
        counted += summary.at(k).as_int64();
    EXPECT_EQ(counted, static_cast<std::int64_t>(doc.at("results").as_array().size()));
    for (const auto& r : doc.at("results").as_array()) {
        EXPECT_TRUE(r.at("mapping_code").is_string());
        for (const auto& e : r.at("evaluations").as_array()) {
            for (const char* k : {"service", "resource_id", "decision", "status"})
                EXPECT_TRUE(e.as_object().contains(k)) << k;
            if (const auto* err = e.at("extra").as_object().if_contains("error")) {
                EXPECT_TRUE(err->is_string()) << json::serialize(*err);
            }
        }
    }

    const auto seen =
        body_of(cross_origin(audit_port_, {"GET", "/audit/session/" + sid, kJson}, 200).body)
            .as_object();
    EXPECT_EQ(seen.at("exists"), true);
    EXPECT_EQ(seen.at("session").at("id").as_string(), sid);
    EXPECT_EQ(seen.at("session").at("frameworks"), json::value(json::array{"ISMS-P"}));

    const auto again = cross_origin(audit_port_, {"POST", target, kJson}, 200);
    EXPECT_EQ(header(again, "X-Cache").value_or(""), "HIT");
    EXPECT_EQ(again.body, first.body);
    const auto fresh = send(audit_port_, {"POST", target + "&refresh=1", kJson});
    EXPECT_EQ(header(fresh, "X-Cache").value_or(""), "BYPASS");
    // The older dashboard's spelling, without a session: no cache header, a fresh audit.
    const auto old = cross_origin(audit_port_, {"POST", "/audit/ISMS-P/323", kJson}, 200);
    EXPECT_FALSE(header(old, "X-Cache"));

    // ThreatCompliance.js passes its progress callback where the session id goes: the id is
    // the function's source text. The original accepts it; so do we.
    const std::string callback =
        "(evt) => {\n        if (evt.type === 'meta') {\n"
        "          total = evt.total || 0;\n        }\n      }";
    const auto odd =
        send(audit_port_,
             {"POST", "/audit/audit/SAGE-Threat/157?session_id=" + encode(callback), kJson});
    EXPECT_EQ(odd.status, 200) << odd.body.substr(0, 300);
    const auto listed = body_of(
        send(audit_port_, {"GET", "/audit/session?session_id=" + encode(callback), {}}).body);
    EXPECT_EQ(listed.at("session").at("frameworks"), json::value(json::array{"SAGE-Threat"}));
    // Without session_id: every live session.
    const auto all = body_of(send(audit_port_, {"GET", "/audit/session", {}}).body).as_object();
    std::set<std::string> ids;
    for (const auto& v : all.at("sessions").as_array())
        ids.insert(std::string(v.at("id").as_string()));
    EXPECT_EQ(all.at("count").to_number<std::size_t>(), ids.size());
    EXPECT_TRUE(ids.contains(sid));
    EXPECT_TRUE(ids.contains(callback));

    // Errors keep the CORS header, so the page can show them.
    const auto unknown = send(audit_port_, {"POST", "/audit/audit/NOPE/1", kJson});
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(header(unknown, "Access-Control-Allow-Origin").value_or(""), "*");
}

// complianceApi.auditAllStreaming, parsed line by line as the page does, then the page reloaded:
// auditAll with the same session answers the whole framework from memory. Every row the
// requirement list shows gets a status.
TEST_F(FrontendContract, StreamReportsEveryListedRowAndTheSessionAnswersTheReload) {
    const auto listed =
        body_of(send(mapping_port_, {"GET", "/compliance/ISMS-P/requirements", {}}).body)
            .as_array();
    std::set<std::int64_t> row_ids;
    for (const auto& r : listed)
        row_ids.insert(r.at("id").as_int64());

    const std::string sid = "b7e4c1d0-0000-4000-8000-000000000001";
    const auto stream = cross_origin(
        audit_port_, {"POST", "/audit/ISMS-P/_all?stream=true&session_id=" + sid, kNdjson}, 200);
    EXPECT_NE(header(stream, "Content-Type").value_or("").find("application/x-ndjson"),
              std::string::npos);
    std::istringstream lines(dechunk(stream));
    std::string line;
    std::vector<json::object> events;
    while (std::getline(lines, line))
        if (!line.empty()) events.push_back(body_of(line).as_object());
    ASSERT_GE(events.size(), 3u);
    EXPECT_EQ(events.front().at("type"), "meta");
    const auto total = events.front().at("total").to_number<std::uint64_t>();
    EXPECT_EQ(total, row_ids.size());
    std::set<std::int64_t> reported;
    for (std::size_t i = 1; i + 1 < events.size(); ++i) {
        const auto& e = events[i];
        ASSERT_EQ(e.at("type"), "requirement");
        reported.insert(e.at("requirement_id").as_int64());
        EXPECT_TRUE(e.at("requirement_status").is_string());
        EXPECT_EQ(e.at("framework"), "ISMS-P");
        for (const char* k : {"COMPLIANT", "NON_COMPLIANT", "SKIPPED", "ERROR"})
            EXPECT_TRUE(e.at("summary").at(k).is_number()) << k;
        for (const auto& r : e.at("results").as_array())
            for (const auto& ev : r.at("evaluations").as_array())
                if (const auto* err = ev.at("extra").as_object().if_contains("error")) {
                    EXPECT_TRUE(err->is_string()) << json::serialize(*err);
                }
    }
    EXPECT_EQ(reported, row_ids);
    EXPECT_EQ(events.back().at("type"), "summary");
    EXPECT_EQ(events.back().at("total").to_number<std::uint64_t>(), total);
    // Controls are what the framework summary counts (101), however many rows are reported.
    std::int64_t controls = 0;
    for (const auto& [k, v] : events.back().at("summary").at("counts").as_object())
        controls += v.as_int64();
    EXPECT_EQ(controls, 101);

    const auto session =
        body_of(send(audit_port_, {"GET", "/audit/session/" + sid, kJson}).body).as_object();
    EXPECT_EQ(session.at("session").at("frameworks"), json::value(json::array{"ISMS-P"}));
    const auto reload = cross_origin(
        audit_port_, {"POST", "/audit/ISMS-P/_all?stream=false&session_id=" + sid, kJson}, 200);
    EXPECT_EQ(header(reload, "X-Cache").value_or(""), "HIT");
    const auto all = body_of(reload.body).as_object();
    EXPECT_EQ(all.at("results").as_array().size(), row_ids.size());
    for (const auto& r : all.at("results").as_array()) {
        EXPECT_TRUE(r.at("requirement_id").is_number());
        EXPECT_TRUE(r.at("summary").at("NON_COMPLIANT").is_number());
    }
    for (const char* k : {"COMPLIANT", "NON_COMPLIANT", "SKIPPED", "ERROR"})
        EXPECT_TRUE(all.at("summary").at(k).is_number()) << k;
}

}  // namespace
