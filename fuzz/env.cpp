// The .env reader and every setting's validation behind load_settings (src/app/config.cpp): the
// input is written to a per-process file and read as the .env file, with an empty environment and
// no flags. Property: settings, or an error with a message that never quotes a secret's value.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "app/config.hpp"
#include "fuzz_input.hpp"

namespace {

const std::string& env_path() {
    static const std::string path = [] {
        const char* dir = std::getenv("TMPDIR");
        return std::string(dir && *dir ? dir : "/tmp") + "/dspm-fuzz-" +
               std::to_string(::getpid()) + ".env";
    }();
    return path;
}

struct Cleanup {
    ~Cleanup() { std::remove(env_path().c_str()); }
} cleanup;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace dspm;
    {
        std::FILE* f = std::fopen(env_path().c_str(), "wb");
        if (f == nullptr) return 0;
        if (size > 0) std::fwrite(data, 1, size, f);
        std::fclose(f);
    }
    const auto r = app::load_settings(
        {}, [](const char*) -> const char* { return nullptr; }, env_path());
    if (r) {
        (void)app::describe_settings(*r);
        return 0;
    }
    if (r.error().message.empty()) fuzz::broken("a configuration error without a message");
    // AUDIT_API_TOKEN is a secret: when its value is refused, the message shows ***.
    const auto& message = r.error().message;
    if (message.starts_with("invalid AUDIT_API_TOKEN")) {
        auto text = fuzz::as_text(data, size);
        while (!text.empty()) {
            auto line = fuzz::take_line(text);
            if (!line.starts_with("AUDIT_API_TOKEN=")) continue;
            const auto value = line.substr(16);
            if (value.size() >= 8 && message.find(value) != std::string::npos)
                fuzz::broken("a configuration error quotes AUDIT_API_TOKEN");
        }
    }
    return 0;
}
