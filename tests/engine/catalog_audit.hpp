#pragma once
// The dspm-audit binary on a catalog of one requirement (CATALOG_DIR): the embedded mappings and
// one framework whose requirement 1 maps the codes a test names, so a moto test audits exactly
// the checks it seeded for (some codes, like 15.0-02, are mapped by no framework at all).
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace dspm::test {

inline std::filesystem::path write_catalog(const std::filesystem::path& dir,
                                           const std::string& framework,
                                           const std::vector<std::string>& codes) {
    namespace fs = std::filesystem;
    namespace json = boost::json;
    fs::create_directories(dir / "frameworks");
    fs::copy_file(fs::path(DSPM_SOURCE_DIR) / "data" / "catalog" / "mappings.json",
                  dir / "mappings.json", fs::copy_options::overwrite_existing);
    json::array mapped;
    for (const auto& c : codes)
        mapped.emplace_back(c);
    json::object req{{"id", 1},
                     {"item_code", "V.1"},
                     {"title", "verdict fixes"},
                     {"title_en", "verdict fixes"},
                     {"mapping_status", "직접매핑"},
                     {"regulation", "the codes issue 10 fixed"},
                     {"mapping_codes", mapped},
                     {"auditable", true}};
    const std::string file = "frameworks/" + framework + ".json";
    std::ofstream(dir / file) << json::serialize(json::object{
        {"framework", framework}, {"name", framework}, {"requirements", json::array{req}}});
    std::ofstream(dir / "index.json") << json::serialize(
        json::object{{"frameworks", json::array{json::object{{"framework", framework},
                                                             {"file", file},
                                                             {"name", framework},
                                                             {"requirements", 1},
                                                             {"mapped", 1}}}}});
    return dir;
}

// `dspm-audit audit <framework> 1` with env on the catalog; the mapping results by code (empty
// when the run wrote no result; *err gets its stderr).
inline std::map<std::string, boost::json::object> audit_catalog(
    std::map<std::string, std::string> env, const std::filesystem::path& catalog,
    const std::string& framework, std::string* err) {
    namespace fs = std::filesystem;
    namespace json = boost::json;
    const fs::path dir =
        fs::temp_directory_path() / ("dspm-" + framework + "-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string out = (dir / "result.json").string();
    for (const char* k : {"MAPPING_BASE_URL", "COLLECTOR_BASE_URL", "AUDIT_API_TOKEN",
                          "AWS_PROFILE", "AWS_SESSION_TOKEN"})
        env.emplace(k, "");
    env["CATALOG_DIR"] = catalog.string();
    env["LOG_LEVEL"] = "error";
    Process p({DSPM_BINARY, "audit", framework, "1", "--output", out}, env, dir.string());
    p.wait(std::chrono::seconds(120));
    *err = p.stderr_text();
    std::ifstream in(out);
    std::stringstream ss;
    ss << in.rdbuf();
    fs::remove_all(dir);
    std::map<std::string, json::object> by_code;
    std::error_code ec;
    auto v = json::parse(ss.str(), ec);
    if (ec || !v.is_object()) return by_code;
    if (const auto* results = v.as_object().if_contains("results"); results && results->is_array())
        for (const auto& m : results->as_array())
            by_code[std::string(m.at("mapping_code").as_string())] = m.as_object();
    return by_code;
}

// Status of each evaluation by resource id (and, when given, the checked field containing part).
inline std::map<std::string, std::string> statuses(const boost::json::object& m,
                                                   const std::string& part = {}) {
    std::map<std::string, std::string> out;
    if (const auto* evals = m.if_contains("evaluations"); evals && evals->is_array())
        for (const auto& e : evals->as_array()) {
            const std::string field(e.at("checked_field").as_string());
            if (!part.empty() && field.find(part) == std::string::npos) continue;
            out[std::string(e.at("resource_id").as_string())] =
                std::string(e.at("status").as_string());
        }
    return out;
}

}  // namespace dspm::test
