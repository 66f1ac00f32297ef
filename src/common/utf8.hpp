#pragma once
// Text that goes into a JSON answer must be UTF-8: Boost.JSON's serializer writes a string's bytes
// as they are, so a request value that is not UTF-8 (a path segment of %B8%FF) echoed into a
// message would make the whole body invalid JSON for strict clients.
#include <cstddef>
#include <string>
#include <string_view>

namespace dspm {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, at most
// U+10FFFF).
bool is_valid_utf8(std::string_view text);

// `text` with every ill-formed sequence replaced by U+FFFD, one replacement per maximal ill-formed
// subpart (the Unicode "best practice" that browsers and Python's errors="replace" follow).
std::string to_valid_utf8(std::string_view text);

}  // namespace dspm

namespace dspm {

// Columns a terminal gives `text`: East Asian wide and fullwidth characters (Hangul, CJK, kana,
// fullwidth forms) take two, combining marks none, everything else one. Ill-formed bytes count
// one each.
std::size_t display_width(std::string_view text);

// `text` cut to at most `width` columns, never inside a character; "…" marks a cut (and counts
// as one column).
std::string truncate_to_width(std::string_view text, std::size_t width);

// `text` followed by spaces up to `width` columns (nothing added when it is already wider).
std::string pad_to_width(std::string_view text, std::size_t width);

}  // namespace dspm
