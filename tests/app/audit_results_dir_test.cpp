// RESULTS_DIR: the audit command keeps every run's full JSON under a name that says what was
// audited and when; --output still wins.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/test_support.hpp"

namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / (name + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

TEST(AuditResultsDir, WritesTheFullResultNamedByFrameworkAndRequirement) {
    const fs::path work = fresh_dir("dspm-results-work-");
    const fs::path results = work / "runs";
    // ISMS-P 1.1.1 is a management-system control: no AWS read is needed to answer it.
    dspm::test::Process p({DSPM_BINARY, "audit", "ISMS-P", "1.1.1"},
                          {{"RESULTS_DIR", results.string()},
                           {"AWS_ACCESS_KEY_ID", "x"},
                           {"AWS_SECRET_ACCESS_KEY", "y"},
                           {"AWS_EC2_METADATA_DISABLED", "true"}},
                          work.string());
    ASSERT_EQ(p.wait(std::chrono::seconds(30)), 0) << p.stderr_text();
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(results))
        files.push_back(e.path());
    ASSERT_EQ(files.size(), 1u);
    EXPECT_EQ(files[0].filename().string().rfind("ISMS-P-1.1.1-", 0), 0u) << files[0];
    std::ifstream in(files[0]);
    std::stringstream text;
    text << in.rdbuf();
    const auto doc = boost::json::parse(text.str()).as_object();
    EXPECT_EQ(doc.at("item_code").as_string(), "1.1.1");
    EXPECT_EQ(doc.at("requirement_status").as_string(), "SKIPPED");
    // The same document went to stdout.
    EXPECT_EQ(boost::json::parse(p.stdout_text()).as_object().at("item_code").as_string(), "1.1.1");
    fs::remove_all(work);
}

}  // namespace
