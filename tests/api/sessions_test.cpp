// The client sessions the original's dashboards rely on: what a session remembers, for how long,
// and within which bounds.
#include "api/sessions.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

namespace {

using dspm::api::SessionLimits;
using dspm::api::SessionStore;
using namespace std::chrono_literals;

struct FakeClock {
    std::chrono::system_clock::time_point t =
        std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
    SessionStore::Clock fn() {
        return [this] { return t; };
    }
};

std::shared_ptr<const std::string> text(std::string s) {
    return std::make_shared<const std::string>(std::move(s));
}

TEST(Sessions, RemembersFrameworksAndAnswersUntilTheTtlAfterLastUse) {
    FakeClock clock;
    SessionStore store(SessionLimits{.ttl = 600s}, clock.fn());
    EXPECT_FALSE(store.find("s-1"));
    store.mark("s-1", "ISMS-P");
    store.mark("s-1", "ISMS-P");
    store.mark("s-1", "GDPR");
    store.remember("s-1", "isms-p\n_all\n", text(R"({"framework":"ISMS-P"})"));
    const auto view = store.find("s-1");
    ASSERT_TRUE(view);
    EXPECT_EQ(view->id, "s-1");
    EXPECT_EQ(view->frameworks, (std::vector<std::string>{"GDPR", "ISMS-P"}));
    EXPECT_EQ(view->counts.at("ISMS-P"), 2u);
    EXPECT_EQ(view->last_framework, "GDPR");
    EXPECT_EQ(view->created_at, "2027-01-15T08:00:00Z");
    EXPECT_EQ(view->expires_at, "2027-01-15T08:10:00Z");
    ASSERT_TRUE(store.recall("s-1", "isms-p\n_all\n"));
    EXPECT_EQ(*store.recall("s-1", "isms-p\n_all\n"), R"({"framework":"ISMS-P"})");
    EXPECT_FALSE(store.recall("s-1", "gdpr\n_all\n"));
    EXPECT_FALSE(store.recall("s-2", "isms-p\n_all\n"));

    // Used again at 9 minutes: the session lives on, the answer stored at 0 expires at 10.
    clock.t += 540s;
    store.mark("s-1", "GDPR");
    clock.t += 70s;
    EXPECT_TRUE(store.find("s-1"));
    EXPECT_FALSE(store.recall("s-1", "isms-p\n_all\n"));
    clock.t += 600s;
    EXPECT_FALSE(store.find("s-1"));
    EXPECT_TRUE(store.list().empty());
}

TEST(Sessions, AnswersOfAnUnmarkedSessionAreNotKept) {
    SessionStore store(SessionLimits{});
    store.remember("never-marked", "k", text("{}"));
    EXPECT_FALSE(store.recall("never-marked", "k"));
    EXPECT_FALSE(store.find("never-marked"));
}

TEST(Sessions, ZeroTtlRemembersNothing) {
    SessionStore store(SessionLimits{.ttl = 0s});
    EXPECT_FALSE(store.enabled());
    store.mark("s", "ISMS-P");
    store.remember("s", "k", text("{}"));
    EXPECT_FALSE(store.find("s"));
    EXPECT_FALSE(store.recall("s", "k"));
}

TEST(Sessions, BoundedInSessionsAndInBytes) {
    FakeClock clock;
    SessionStore store(SessionLimits{.ttl = 600s, .max_sessions = 2, .max_answer_bytes = 1000},
                       clock.fn());
    store.mark("a", "ISMS-P");
    clock.t += 1s;
    store.mark("b", "ISMS-P");
    clock.t += 1s;
    store.mark("a", "ISMS-P");  // a is now the most recently used
    clock.t += 1s;
    store.mark("c", "ISMS-P");  // b, the least recently used, makes room
    EXPECT_TRUE(store.find("a"));
    EXPECT_FALSE(store.find("b"));
    EXPECT_TRUE(store.find("c"));

    // A tenth of the byte bound at most per answer; past the bound the oldest answers go.
    store.remember("a", "big", text(std::string(101, 'x')));
    EXPECT_FALSE(store.recall("a", "big"));
    for (int i = 0; i < 12; ++i) {
        clock.t += 1s;
        store.remember(i % 2 ? "a" : "c", "k" + std::to_string(i), text(std::string(100, 'y')));
    }
    EXPECT_FALSE(store.recall("c", "k0"));
    EXPECT_FALSE(store.recall("a", "k1"));
    EXPECT_TRUE(store.recall("c", "k2"));
    EXPECT_TRUE(store.recall("a", "k11"));
}

TEST(Sessions, AnyClientTextIsAnIdWithinTheBound) {
    SessionStore store(SessionLimits{.max_id_bytes = 64});
    // One of the original's own pages sends a callback's source text as its session id.
    const std::string odd = "(evt) => {\n  if (evt.type === 'meta') { total = evt.total; }\n}";
    ASSERT_TRUE(store.validate_id(odd));
    EXPECT_EQ(*store.validate_id(odd), odd);
    EXPECT_FALSE(store.validate_id(""));
    EXPECT_FALSE(store.validate_id(std::string(65, 'a')));
    // Not UTF-8: kept as valid UTF-8, since it is shown back in JSON.
    const auto repaired = store.validate_id("ab\xff");
    ASSERT_TRUE(repaired);
    EXPECT_NE(*repaired, "ab\xff");
    store.mark(odd, "SAGE-Threat");
    EXPECT_EQ(store.find(odd)->id, odd);
}

}  // namespace
