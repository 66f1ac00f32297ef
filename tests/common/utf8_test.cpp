#include "common/utf8.hpp"

#include <gtest/gtest.h>

namespace dspm {
namespace {

TEST(Utf8, WellFormedTextIsKeptAsIs) {
    for (const std::string s :
         {"", "ISMS-P", "개인정보", "\xF0\x9F\x94\x92 lock", "\xF4\x8F\xBF\xBF"}) {
        EXPECT_TRUE(is_valid_utf8(s)) << s;
        EXPECT_EQ(to_valid_utf8(s), s);
    }
}

TEST(Utf8, IllFormedBytesBecomeReplacementCharacters) {
    const std::string fffd = "\xEF\xBF\xBD";
    // The fuzz finding: GET /compliance/%B8%FF/requirements.
    EXPECT_EQ(to_valid_utf8("Framework '\xB8\xFF' not found"),
              "Framework '" + fffd + fffd + "' not found");
    EXPECT_EQ(to_valid_utf8("\xC0\xAF"), fffd + fffd);                        // overlong "/"
    EXPECT_EQ(to_valid_utf8("\xED\xA0\x80"), fffd + fffd + fffd);             // a surrogate
    EXPECT_EQ(to_valid_utf8("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // > U+10FFFF
    // A truncated sequence is one maximal subpart, then the text goes on.
    EXPECT_EQ(to_valid_utf8("a\xE2\x82z"), "a" + fffd + "z");
    EXPECT_EQ(to_valid_utf8("\xEA\xB0"), fffd);
    EXPECT_FALSE(is_valid_utf8("\xFF"));
    for (const std::string s : {"\xB8\xFF", "\xC0\xAF", "a\xE2\x82z", "\xF8\x88\x80\x80\x80"})
        EXPECT_TRUE(is_valid_utf8(to_valid_utf8(s))) << s;
}

}  // namespace
}  // namespace dspm

namespace {

TEST(DisplayWidth, HangulAndCjkAreTwoColumns) {
    EXPECT_EQ(dspm::display_width("abc"), 3u);
    EXPECT_EQ(dspm::display_width("암호정책"), 8u);
    EXPECT_EQ(dspm::display_width("2.7.1 암호"), 10u);
    EXPECT_EQ(dspm::display_width("日本"), 4u);
    EXPECT_EQ(dspm::display_width("e\xCC\x81"), 1u);  // e + combining acute
    EXPECT_EQ(dspm::display_width("\xFF"), 1u);       // ill-formed byte
}

TEST(DisplayWidth, TruncateNeverCutsACharacter) {
    EXPECT_EQ(dspm::truncate_to_width("암호정책 적용", 7), "암호정…");
    EXPECT_EQ(dspm::truncate_to_width("암호정책 적용", 6), "암호…");
    EXPECT_EQ(dspm::truncate_to_width("short", 10), "short");
    EXPECT_TRUE(dspm::is_valid_utf8(dspm::truncate_to_width("가나다라마바사", 5)));
    EXPECT_EQ(dspm::pad_to_width("암호", 6), "암호  ");
    EXPECT_EQ(dspm::pad_to_width("toolong", 3), "toolong");
}

}  // namespace
