// `audit --format table` lists what the summary counts: controls, not the checkpoints that share
// their results (the JSON result has those), and says how many it left out.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/test_support.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

TEST(AuditTable, ListsControlsAndCountsTheCheckpointsItLeavesOut) {
    const fs::path dir = fs::temp_directory_path() / ("dspm-table-" + std::to_string(::getpid()));
    fs::create_directories(dir / "catalog" / "frameworks");
    fs::copy_file(fs::path(DSPM_SOURCE_DIR) / "data" / "catalog" / "mappings.json",
                  dir / "catalog" / "mappings.json", fs::copy_options::overwrite_existing);
    auto row = [](int id, const char* code, const char* parent) {
        json::object r{{"id", id},           {"item_code", code},
                       {"title", code},      {"mapping_status", "직접매핑"},
                       {"regulation", code}, {"mapping_codes", json::array{"1.0-06"}},
                       {"auditable", true}};
        if (parent) r["parent"] = parent;
        return r;
    };
    std::ofstream(dir / "catalog" / "frameworks" / "t.json") << json::serialize(json::object{
        {"framework", "T"},
        {"name", "T"},
        {"requirements", json::array{row(1, "9.1", nullptr), row(2, "9.1.1", "9.1")}}});
    std::ofstream(dir / "catalog" / "index.json") << json::serialize(
        json::object{{"frameworks", json::array{json::object{{"framework", "T"},
                                                             {"file", "frameworks/t.json"},
                                                             {"name", "T"},
                                                             {"requirements", 2},
                                                             {"mapped", 2}}}}});
    // Nothing listens on port 1: every read fails at once, which is all a table needs.
    dspm::test::Process p({DSPM_BINARY, "audit", "T", "--all", "--format", "table"},
                          {{"CATALOG_DIR", (dir / "catalog").string()},
                           {"AWS_ENDPOINT_URL", "http://127.0.0.1:1"},
                           {"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                           {"AWS_SECRET_ACCESS_KEY", "secret"},
                           {"AWS_MAX_ATTEMPTS", "1"},
                           {"AWS_EC2_METADATA_DISABLED", "true"},
                           {"AWS_CONFIG_FILE", "/dev/null"},
                           {"AWS_SHARED_CREDENTIALS_FILE", "/dev/null"},
                           {"AUDIT_REGIONS", "us-east-1"},
                           {"MAPPING_BASE_URL", ""},
                           {"RESULTS_DIR", ""},
                           {"LOG_LEVEL", "error"}},
                          dir.string());
    EXPECT_EQ(p.wait(std::chrono::seconds(60)), 1) << p.stderr_text();  // ERROR: nothing read
    const auto out = p.stdout_text();
    EXPECT_NE(out.find("\n9.1 "), std::string::npos) << out;
    EXPECT_EQ(out.find("9.1.1"), std::string::npos) << out;
    EXPECT_NE(out.find("(1 checkpoints share their control's results"), std::string::npos) << out;
    std::error_code ec;
    fs::remove_all(dir, ec);
}

}  // namespace
