// The AWS shared config/credentials INI reader (parse_ini in src/aws/credentials.hpp), with the
// values' own readers behind it: ISO-8601 expirations (parse_iso8601) and credential_process
// command lines (split_command_line, shlex rules). Properties: keys are lower-cased and trimmed;
// a parsed time formats back to a time that parses.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "aws/credentials.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace dspm;
    const std::string text(fuzz::as_text(data, size));
    const auto ini = aws::parse_ini(text);
    for (const auto& [section, values] : ini) {
        for (const auto& [key, value] : values) {
            for (const char c : key)
                if (std::isupper(static_cast<unsigned char>(c)))
                    fuzz::broken("an INI key that is not lower-cased");
            // Trimmed as configparser trims (str.strip: \v and \f too).
            const auto blank = [](char c) {
                return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
            };
            if (!key.empty() && (blank(key.front()) || blank(key.back())))
                fuzz::broken("an INI key with surrounding blanks");
            if (auto t = aws::parse_iso8601(value)) {
                const auto back = aws::format_iso8601(*t);
                if (!aws::parse_iso8601(back)) fuzz::broken("a formatted time does not parse");
            }
            (void)aws::split_command_line(value);
        }
    }
    return 0;
}
