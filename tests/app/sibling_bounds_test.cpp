// The sibling services are bounded through the running service: a Collector answering a huge list
// and a Mapping API answering a huge catalog give a clear error naming the source and the bound,
// never an unbounded audit (once: 1.72 million evaluations and 6.9 GB of RSS from one list).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <string>

#include "aws/fake_server.hpp"
#include "support/test_support.hpp"

namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

using dspm::test::post;

std::string run_dir(const std::string& tag) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("dspm-bounds-" + tag + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir.string();
}

}  // namespace

TEST(SiblingBounds, CollectorListOverTheBoundIsRefusedAndAwsServes) {
    auto& moto = dspm::test::Moto::instance();
    moto.reset();
    // 2,000 well-formed bucket rows: over COLLECTOR_MAX_ROWS=100.
    json::array rows;
    for (int i = 0; i < 2000; ++i)
        rows.push_back(json::object{{"name", "bucket-" + std::to_string(i)},
                                    {"region", "us-east-1"},
                                    {"server_side_encryption_configuration", nullptr}});
    const std::string body = json::serialize(rows);
    dspm::test::FakeHttpServer collector(
        [&](const dspm::test::FakeRequest&) -> dspm::test::FakeResponse {
            return {200, body};
        });
    auto env = dspm::test::moto_env(moto.endpoint());
    const auto port = dspm::test::free_port();
    env["PORT"] = std::to_string(port);
    env["COLLECTOR_BASE_URL"] = "http://user:hunter2@" + collector.endpoint().substr(7);
    env["COLLECTOR_MAX_ROWS"] = "100";
    const auto dir = run_dir("collector");
    dspm::test::Process server({DSPM_BINARY, "serve"}, env, dir);
    ASSERT_TRUE(dspm::test::wait_for_port(port, 10s)) << server.stderr_text();
    const auto reply = post(port, "/audit/ISMS-P/2.7.1", std::chrono::seconds(120));
    ASSERT_EQ(reply.status, 200) << reply.body;
    const auto doc = json::parse(reply.body).as_object();
    bool found = false;
    std::size_t evaluations = 0;
    for (const auto& m : doc.at("results").as_array()) {
        const auto& o = m.as_object();
        if (const auto* e = o.if_contains("evaluations"); e && e->is_array())
            evaluations += e->as_array().size();
        if (o.at("mapping_code").as_string() != "2.0-01") continue;
        for (const auto& n : o.at("notes").as_array()) {
            const std::string note(n.as_string());
            if (note.find("more than COLLECTOR_MAX_ROWS=100") != std::string::npos) found = true;
            EXPECT_EQ(note.find("hunter2"), std::string::npos) << note;
        }
    }
    EXPECT_TRUE(found) << reply.body.substr(0, 4000);
    EXPECT_LT(evaluations, 200u);  // moto's empty account, not 2,000 collector buckets
    EXPECT_EQ(reply.body.find("hunter2"), std::string::npos);
    EXPECT_EQ(server.stderr_text().find("hunter2"), std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST(SiblingBounds, MappingCatalogOverTheBoundIsA502NamingTheBound) {
    json::array reqs;
    for (int i = 1; i <= 300; ++i)
        reqs.push_back(json::object{{"id", i},
                                    {"item_code", "9." + std::to_string(i)},
                                    {"title", "t"},
                                    {"mapping_status", "mapped"},
                                    {"regulation", nullptr},
                                    {"auditable", true},
                                    {"mapping_codes", json::array{"2.0-01"}}});
    const std::string body = json::serialize(reqs);
    dspm::test::FakeHttpServer mapping(
        [&](const dspm::test::FakeRequest&) -> dspm::test::FakeResponse {
            return {200, body};
        });
    std::map<std::string, std::string> env{
        {"MAPPING_BASE_URL", mapping.endpoint()},   {"MAPPING_MAX_REQUIREMENTS", "100"},
        {"AWS_ACCESS_KEY_ID", "testing"},           {"AWS_SECRET_ACCESS_KEY", "testing"},
        {"AWS_ENDPOINT_URL", "http://127.0.0.1:9"}, {"AWS_EC2_METADATA_DISABLED", "true"}};
    const auto port = dspm::test::free_port();
    env["PORT"] = std::to_string(port);
    const auto dir = run_dir("mapping");
    dspm::test::Process server({DSPM_BINARY, "serve"}, env, dir);
    ASSERT_TRUE(dspm::test::wait_for_port(port, 10s)) << server.stderr_text();
    const auto reply = post(port, "/audit/ISMS-P/_all", std::chrono::seconds(120));
    EXPECT_EQ(reply.status, 502) << reply.body.substr(0, 2000);
    EXPECT_NE(reply.body.find("more than MAPPING_MAX_REQUIREMENTS=100"), std::string::npos)
        << reply.body.substr(0, 2000);
    std::filesystem::remove_all(dir);
}
