// The catalog loader (LocalSource::load, the reader behind the embedded catalog and CATALOG_DIR)
// and the Mapping API's JSON shapes read from a remote catalog (parse_stats, parse_requirements,
// parse_mapping, parse_detail). Input: files of a catalog directory, each after a line
// "=== <path>" (mappings.json, index.json, frameworks/<name>.json); a file not in the input is a
// tiny valid default, and an input without "===" lines is the framework file. After a load, the
// lookups the routes use run on every framework.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "catalog/json_shapes.hpp"
#include "catalog/local_source.hpp"
#include "fuzz_input.hpp"

namespace {

const char* const kMappings =
    R"({"mappings":[{"code":"2.0-01","service":"S3","severity":"high","iam_actions":["s3:ListAllMyBuckets"]}]})";
const char* const kIndex = R"({"frameworks":[{"framework":"FZ","file":"frameworks/fz.json"}]})";
const char* const kFramework =
    R"({"framework":"FZ","name":"Fuzz","requirements":[{"id":1,"item_code":"1.1","mapping_codes":["2.0-01"]}]})";

void shapes(const std::string& text) {
    boost::system::error_code ec;
    const auto v = boost::json::parse(text, ec);
    if (ec) return;
    (void)dspm::catalog::parse_stats(v);
    (void)dspm::catalog::parse_requirements(v);
    (void)dspm::catalog::parse_mapping(v);
    (void)dspm::catalog::parse_detail(v);
    (void)dspm::catalog::parse_requirement(v);
    if (const auto* o = v.if_object())
        for (const auto& [key, member] : *o) {
            (void)dspm::catalog::parse_requirements(member);
            (void)dspm::catalog::parse_stats(member);
        }
}

void run(const std::map<std::string, std::string>& files) {
    using namespace dspm;
    for (const auto& [path, content] : files)
        shapes(content);

    auto source = catalog::LocalSource::load(
        [&files](const std::string& path) -> std::optional<std::string> {
            auto it = files.find(path);
            if (it == files.end()) return std::nullopt;
            return it->second;
        },
        "fuzz");
    if (!source) {
        if (source.error().empty()) fuzz::broken("a catalog error without a message");
        return;
    }
    auto& cat = **source;
    (void)cat.stats();
    (void)cat.mappings();
    for (const auto& fw : cat.frameworks()) {
        if (cat.find_framework(catalog::to_lower(fw.code)) == nullptr)
            fuzz::broken("a loaded framework is not found by its lower-cased code");
        auto reqs = cat.requirements(fw.code);
        if (!reqs) fuzz::broken("a loaded framework has no requirements answer");
        std::size_t n = 0;
        for (const auto& r : fw.requirements) {
            if (++n > 8) break;
            (void)cat.requirement(fw.code, std::to_string(r.id));
            (void)cat.requirement(fw.code, r.item_code);
            for (const auto& code : r.mapping_codes)
                (void)cat.find_mapping(code);
        }
        (void)cat.requirement(fw.code, "");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace dspm;
    std::map<std::string, std::string> files = {
        {"mappings.json", kMappings}, {"index.json", kIndex}, {"frameworks/fz.json", kFramework}};
    auto text = fuzz::as_text(data, size);
    if (!text.starts_with("=== ")) {
        files["frameworks/fz.json"] = std::string(text);
    } else {
        while (!text.empty()) {
            auto header = fuzz::take_line(text);
            if (!header.starts_with("=== ")) continue;
            const auto path = std::string(header.substr(4));
            const auto next = text.find("\n=== ");
            const auto content =
                text.substr(0, next == std::string_view::npos ? text.size() : next + 1);
            files[path] = std::string(content);
            text.remove_prefix(content.size());
        }
    }
    // The readers return errors for every wrong JSON type
    // (tests/catalog/fuzz_regressions_test.cpp); an exception escaping here is a finding.
    run(files);
    return 0;
}
