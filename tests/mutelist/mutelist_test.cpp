// The mutelist file: what it accepts, what it refuses (naming the line), how entries match and
// expire.
#include "mutelist/mutelist.hpp"

#include <gtest/gtest.h>

namespace dspm::mutelist {
namespace {

constexpr const char* kList = R"(# accepted risks, reviewed monthly
mutes:
  - id: legacy-web
    code: "2.0-01"
    resource: [demo-web-*, "arn:aws:s3:::archive-*"]
    reason: static site, no personal data
    approved_by: ciso@example.com
    expires: 2027-01-31
  - account: "1111*"
    region: eu-*
    code: ["8.0-0?"]
    reason: lab accounts
    approved_by: secops
  - id: old
    code: "9.0-04"
    reason: replaced by backups
    approved_by: secops
    expires: 2026-11-30
)";

TEST(Glob, StarsAndQuestionMarks) {
    EXPECT_TRUE(glob_match("demo-*", "demo-web"));
    EXPECT_TRUE(glob_match("*", ""));
    EXPECT_TRUE(glob_match("8.0-0?", "8.0-01"));
    EXPECT_FALSE(glob_match("8.0-0?", "8.0-10"));
    EXPECT_TRUE(glob_match("a*b*c", "aXXbYYc"));
    EXPECT_FALSE(glob_match("a*b*c", "aXXbYY"));
    EXPECT_FALSE(glob_match("Demo-*", "demo-web"));  // case-sensitive, as AWS ids are
    // No exponential backtracking on a hostile pattern.
    EXPECT_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*b", std::string(5000, 'a')));
}

TEST(Mutelist, MatchesBySelectorsAndExpires) {
    auto list = Mutelist::parse(kList, "mutes.yaml");
    ASSERT_TRUE(list) << list.error();
    ASSERT_EQ(list->entries().size(), 3u);
    EXPECT_EQ(list->entries()[1].id, "line 9");
    EXPECT_EQ(list->entries()[1].line, 9);
    const auto* e = list->match("123", "us-east-1", "2.0-01", "demo-web-1", "", "2026-12-02");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->id, "legacy-web");
    // By ARN when the id does not match.
    EXPECT_NE(
        list->match("1", "r", "2.0-01", "archive-2019", "arn:aws:s3:::archive-2019", "2026-12-02"),
        nullptr);
    // The last day it mutes is its expiry date; the day after, nothing.
    EXPECT_NE(list->match("1", "r", "2.0-01", "demo-web-1", "", "2027-01-31"), nullptr);
    EXPECT_EQ(list->match("1", "r", "2.0-01", "demo-web-1", "", "2027-02-01"), nullptr);
    EXPECT_EQ(list->match("1", "r", "2.0-02", "demo-web-1", "", "2026-12-02"), nullptr);
    EXPECT_NE(list->match("111122223333", "eu-west-1", "8.0-01", "sg-1", "", "2026-12-02"),
              nullptr);
    EXPECT_EQ(list->match("999922223333", "eu-west-1", "8.0-01", "sg-1", "", "2026-12-02"),
              nullptr);
    EXPECT_EQ(list->match("1", "r", "9.0-04", "b", "", "2026-12-02"), nullptr);
    const auto expired = list->expired("2026-12-02");
    ASSERT_EQ(expired.size(), 1u);
    EXPECT_EQ(expired[0]->id, "old");
}

TEST(Mutelist, JsonIsAcceptedToo) {
    auto list = Mutelist::parse(
        R"({"mutes": [{"code": "2.0-01", "reason": "r", "approved_by": "a"}]})", "m.json");
    ASSERT_TRUE(list) << list.error();
    EXPECT_NE(list->match("1", "r", "2.0-01", "x", "", "2026-01-01"), nullptr);
}

// Tags selectors: every key listed must be on the resource with a value one of its globs
// matches; a resource whose tags are not known (null) matches no entry that selects by tags.
TEST(Mutelist, TagsSelectEveryKeyAndUnknownTagsMatchNothing) {
    auto list = Mutelist::parse(R"(mutes:
  - id: sandbox
    tags:
      env: [dev, "sandbox-*"]
      owner: "team-?"
    reason: disposable environments
    approved_by: ciso@example.com
  - id: plain
    code: "2.0-01"
    reason: r
    approved_by: a
)",
                                "mutes.yaml");
    ASSERT_TRUE(list) << list.error();
    EXPECT_TRUE(list->needs_tags());
    ASSERT_EQ(list->entries()[0].tags.size(), 2u);
    const Tags dev{{"env", "sandbox-3"}, {"owner", "team-a"}, {"cost", "x"}};
    const auto* e = list->match("1", "r", "8.0-01", "sg-1", "arn:x", "2026-12-02", &dev);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->id, "sandbox");
    const Tags prod{{"env", "prod"}, {"owner", "team-a"}};
    EXPECT_EQ(list->match("1", "r", "8.0-01", "sg-1", "arn:x", "2026-12-02", &prod), nullptr);
    const Tags no_owner{{"env", "dev"}};
    EXPECT_EQ(list->match("1", "r", "8.0-01", "sg-1", "arn:x", "2026-12-02", &no_owner), nullptr);
    EXPECT_EQ(list->match("1", "r", "8.0-01", "sg-1", "arn:x", "2026-12-02", nullptr), nullptr);
    // Entries without tags match as before, with or without known tags.
    EXPECT_EQ(list->match("1", "r", "2.0-01", "b", "", "2026-12-02", &prod)->id, "plain");
    EXPECT_FALSE(Mutelist::parse(kList, "mutes.yaml")->needs_tags());
}

TEST(Mutelist, RefusesNamingTheLine) {
    const std::pair<const char*, const char*> cases[] = {
        {"mutes:\n  - code: 2.0-01\n    approved_by: a\n", "m.yaml:2: reason is required"},
        {"mutes:\n  - code: 2.0-01\n    reason: r\n", "m.yaml:2: approved_by is required"},
        {"mutes:\n  - code: x\n    reason: r\n    approved_by: a\n    expires: next week\n",
         "m.yaml:5: expires: a date YYYY-MM-DD"},
        {"mutes:\n  - code: x\n    reason: r\n    approved_by: a\n    resorce: b\n",
         "m.yaml:5: unknown key `resorce`"},
        {"mutes:\n  - reason: r\n    approved_by: a\n", "it would mute everything"},
        {"mutes:\n  - code: x\n    tags: [env, dev]\n    reason: r\n    approved_by: a\n",
         "m.yaml:3: tags: a map of tag key"},
        {"mutes:\n  - code: x\n    tags: {}\n    reason: r\n    approved_by: a\n",
         "m.yaml:3: tags: a map of tag key"},
        {"mutes:\n  - code: x\n    tags:\n      env: {a: b}\n    reason: r\n    approved_by: a\n",
         "m.yaml:4: tags: env: a value or a list of values"},
        {"mutes:\n  - code: x\n    tags:\n      env: [dev, [x]]\n    reason: r\n    approved_by: "
         "a\n",
         "m.yaml:4: tags: env: a value or a list of values"},
        {"mutes:\n  - code: [x, {a: b}]\n    reason: r\n    approved_by: a\n",
         "m.yaml:2: code: each item is a string"},
        {"mutes: [\n", "m.yaml:"},
        {"- just a list\n", "m.yaml:1: expected a map with a list `mutes:`"},
    };
    for (const auto& [text, want] : cases) {
        auto list = Mutelist::parse(text, "m.yaml");
        ASSERT_FALSE(list) << text;
        EXPECT_NE(list.error().find(want), std::string::npos) << list.error();
    }
    auto missing = Mutelist::load_file("/nonexistent/mutes.yaml");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("cannot read /nonexistent/mutes.yaml"), std::string::npos);
}

}  // namespace
}  // namespace dspm::mutelist

// Found by fuzz_mutelist: a key that is itself a map was read as a name and threw.
TEST(Mutelist, AKeyThatIsNotANameIsRefusedWithItsLine) {
    auto list = dspm::mutelist::Mutelist::parse(
        R"({"mutes":[{"account":"0*","region":"eu-?","reason":"r","approved_by"}:"y"]})",
        "mutes.json");
    ASSERT_FALSE(list);
    EXPECT_NE(list.error().find("mutes.json:1"), std::string::npos) << list.error();
}
