// The AUDIT_MUTELIST parser (YAML through yaml-cpp) and its matching: any file text must give a
// list or a sentence naming a line, never a crash; a parsed list must answer match and expired
// for any selector text, and an entry with tags never matches a resource whose tags are unknown.
// Input: the file, then after a line "=== match" six lines (account, region, code, resource id,
// resource ARN, one tag KEY=VALUE) matched on two dates, with and without the tag.
#include "mutelist/mutelist.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text = dspm::fuzz::as_text(data, size);
    std::string_view probe;
    if (const auto at = text.find("\n=== match\n"); at != std::string_view::npos) {
        probe = text.substr(at + 11);
        text = text.substr(0, at + 1);
    }
    auto list = dspm::mutelist::Mutelist::parse(text, "fuzz.yaml");
    if (!list) {
        if (list.error().rfind("fuzz.yaml:", 0) != 0) __builtin_trap();  // names the file
        return 0;
    }
    std::string_view f[6];
    for (auto& field : f)
        field = dspm::fuzz::take_line(probe);
    dspm::mutelist::Tags tags;
    if (const auto eq = f[5].find('='); eq != std::string_view::npos)
        tags.emplace(std::string(f[5].substr(0, eq)), std::string(f[5].substr(eq + 1)));
    for (const char* day : {"2026-12-02", "9999-12-31"}) {
        const auto* e = list->match(f[0], f[1], f[2], f[3], f[4], day);
        if (e != nullptr && (e->reason.empty() || e->approved_by.empty() || !e->tags.empty()))
            __builtin_trap();
        const auto* t = list->match(f[0], f[1], f[2], f[3], f[4], day, &tags);
        if (t != nullptr && (t->reason.empty() || t->approved_by.empty())) __builtin_trap();
        (void)list->expired(day);
    }
    (void)dspm::mutelist::glob_match(f[0], f[1]);
    return 0;
}
