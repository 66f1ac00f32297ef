#pragma once
// Data files compiled into the binary (see cmake/embed.cmake). Paths are relative to data/.
#include <optional>
#include <span>
#include <string_view>

namespace dspm::embedded {

struct File {
    std::string_view path;
    std::string_view content;
};

std::span<const File> all();
std::optional<std::string_view> find(std::string_view path);

}  // namespace dspm::embedded
