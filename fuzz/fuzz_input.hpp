#pragma once
// Shared by the fuzz targets: inputs are small text files shaped like what each parser reads, so
// that the seed corpus stays readable. A first line selects what to run, then "Name: value"
// header lines up to an empty line, then the body.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dspm::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Takes one line (without its "\n" or "\r\n") off the front of `text`.
inline std::string_view take_line(std::string_view& text) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

// Words of a line separated by spaces.
inline std::vector<std::string_view> words(std::string_view line) {
    std::vector<std::string_view> out;
    while (!line.empty()) {
        const auto start = line.find_first_not_of(' ');
        if (start == std::string_view::npos) break;
        line.remove_prefix(start);
        const auto end = line.find(' ');
        out.push_back(line.substr(0, end));
        line.remove_prefix(end == std::string_view::npos ? line.size() : end);
    }
    return out;
}

// "Name: value" lines up to an empty line (or the end).
inline std::vector<std::pair<std::string, std::string>> take_headers(std::string_view& text) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!text.empty()) {
        const auto line = take_line(text);
        if (line.empty()) break;
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        auto value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ')
            value.remove_prefix(1);
        out.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    return out;
}

// A stable choice among n from arbitrary text (FNV-1a).
inline std::size_t pick(std::string_view text, std::size_t n) {
    std::uint64_t h = 1469598103934665603ull;
    for (const char c : text)
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return n == 0 ? 0 : static_cast<std::size_t>(h % n);
}

// A property the parser promises was broken: stop here so libFuzzer keeps the input.
[[noreturn]] inline void broken(const char* what) {
    std::fprintf(stderr, "fuzz property broken: %s\n", what);
    std::abort();
}

}  // namespace dspm::fuzz
