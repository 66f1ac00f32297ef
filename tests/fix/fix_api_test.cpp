// POST /fix over HTTP on moto: the plan writes nothing; applying needs FIX_ENABLED, the token and
// a plan id (400 without one, 409 for an expired plan or one made for another question); the
// listed action is applied and verified; undo restores the bucket's old configuration.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "fix/fix_case.hpp"
#include "store/store.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

const char* kSeed =
    "s3 = c('s3')\n"
    "s3.create_bucket(Bucket='api-aes')\n"
    "s3.put_bucket_encryption(Bucket='api-aes', ServerSideEncryptionConfiguration={'Rules': "
    "[{'ApplyServerSideEncryptionByDefault': {'SSEAlgorithm': 'AES256'}}]})\n";
const char* kState =
    "r = c('s3').get_bucket_encryption(Bucket='api-aes')\n"
    "print(r['ServerSideEncryptionConfiguration']['Rules'][0]"
    "['ApplyServerSideEncryptionByDefault']['SSEAlgorithm'])\n";

class FixApi : public ::testing::Test {
  protected:
    void SetUp() override {
        auto& moto = dspm::test::Moto::instance();
        moto.reset();
        endpoint_ = moto.endpoint();
        dir_ = fs::temp_directory_path() / ("dspm-fix-api-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        dspm::test::run_python(endpoint_, kSeed);
    }
    void TearDown() override {
        server_.reset();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    void serve(bool fix_enabled) {
        auto env = dspm::test::moto_env(endpoint_);
        port_ = dspm::test::free_port();
        env["PORT"] = std::to_string(port_);
        env["HOST"] = "127.0.0.1";
        env["LOG_LEVEL"] = "warning";
        env["AUDIT_MUTELIST"] = "";
        env["DATABASE_URL"] = "";
        env["DATA_DIR"] = (dir_ / "data").string();
        env["AUDIT_API_TOKEN"] = "secret-token";
        env["FIX_ENABLED"] = fix_enabled ? "1" : "0";
        server_.reset();
        server_.emplace(std::vector<std::string>{DSPM_BINARY, "serve"}, env, dir_.string());
        ASSERT_TRUE(dspm::test::wait_for_port(port_, 10s)) << server_->stderr_text();
    }
    dspm::test::RawReply post(const std::string& target, const std::string& body = {},
                              bool token = true) {
        std::string raw =
            "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
        if (token) raw += "Authorization: Bearer secret-token\r\n";
        raw += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
               "\r\n\r\n" + body;
        return dspm::test::send_raw(port_, raw, 120s);
    }
    std::string state() { return dspm::test::run_python(endpoint_, kState); }

    std::string endpoint_;
    fs::path dir_;
    unsigned short port_ = 0;
    std::optional<dspm::test::Process> server_;
};

constexpr const char* kPlanRoute = "/fix/ISMS-P/_all?only=2.0-01&region=us-east-1";

TEST_F(FixApi, PlanApplyUndoWithEveryRefusalOnTheWay) {
    serve(false);
    const auto before = state();
    EXPECT_EQ(post(kPlanRoute, "", false).status, 401);  // the token, as every audit route
    const auto planned = post(kPlanRoute);
    ASSERT_EQ(planned.status, 200) << planned.body;
    const auto plan = json::parse(planned.body).as_object();
    EXPECT_EQ(state(), before);  // a plan writes nothing
    const auto* action = dspm::test::action_for(plan, "api-aes");
    ASSERT_NE(action, nullptr) << planned.body;
    const std::string plan_id(plan.at("plan_id").as_string());
    const std::string action_id(action->at("id").as_string());
    const std::string apply_body =
        R"({"plan_id":")" + plan_id + R"(","apply":true,"actions":[")" + action_id + R"("]})";
    // Off unless the operator switched it on.
    EXPECT_EQ(post(kPlanRoute, apply_body).status, 403);

    serve(true);
    EXPECT_EQ(post(kPlanRoute, R"({"apply":true,"actions":"all"})").status, 400);  // no plan id
    EXPECT_EQ(post(kPlanRoute, "not json").status, 400);
    EXPECT_EQ(post(kPlanRoute,
                   R"({"plan_id":")" + plan_id + R"(","apply":true,"actions":["a-000000000000"]})")
                  .status,
              400);  // not an action of the plan
    EXPECT_EQ(post("/fix/ISMS-P/2.7.1.2?region=us-east-1", apply_body).status,
              409);  // the plan answers another question
    // An expired plan, stored as the server keeps them.
    {
        auto store = dspm::store::open_sqlite((dir_ / "data" / "runs.sqlite3").string());
        auto old = plan;
        old["plan_id"] = "20200101T000000000Z-00000001";
        old["expires_at"] = "2020-01-01T01:00:00Z";
        ASSERT_TRUE(store->put_record("fix-plan", "20200101T000000000Z-00000001",
                                      "2020-01-01T01:00:00Z", json::serialize(old)));
    }
    const auto expired = post(kPlanRoute, R"({"plan_id":"20200101T000000000Z-00000001",)"
                                          R"("apply":true,"actions":"all"})");
    EXPECT_EQ(expired.status, 409) << expired.body;
    EXPECT_NE(expired.body.find("expired"), std::string::npos);
    EXPECT_EQ(state(), before);

    const auto applied = post(kPlanRoute, apply_body);
    ASSERT_EQ(applied.status, 200) << applied.body;
    const auto fix = json::parse(applied.body).as_object();
    const auto* result = dspm::test::result_for(fix, "api-aes");
    ASSERT_NE(result, nullptr) << applied.body;
    EXPECT_EQ(result->at("status").as_string(), "applied") << applied.body;
    EXPECT_EQ(result->at("before").at("status").as_string(), "NON_COMPLIANT");
    EXPECT_EQ(result->at("after").at("status").as_string(), "COMPLIANT");
    EXPECT_EQ(fix.at("caller_arn").as_string().empty(), false);
    EXPECT_NE(std::string(fix.at("client").as_string()).find("127.0.0.1"), std::string::npos);
    EXPECT_EQ(state(), "aws:kms\n");

    const std::string fix_id(fix.at("fix_id").as_string());
    EXPECT_EQ(post("/fix/undo/20200101T000000000Z-00000009").status, 404);
    EXPECT_EQ(post("/fix/undo/not-an-id").status, 400);
    const auto undone = post("/fix/undo/" + fix_id);
    ASSERT_EQ(undone.status, 200) << undone.body;
    const auto back = json::parse(undone.body).as_object();
    EXPECT_EQ(back.at("undoes").as_string(), fix_id);
    EXPECT_EQ(dspm::test::result_for(back, "api-aes")->at("status").as_string(), "applied");
    EXPECT_EQ(state(), before);
}

}  // namespace
