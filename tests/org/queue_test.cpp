// The work queue on a real PostgreSQL, call by call: two takers never get one unit, a lease is
// its owner's until it runs out, a result is stored once, a run's rows go when it is forgotten.
#include "queue/queue.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "store/pg_cluster.hpp"
#include "store/sql.hpp"

namespace {

using namespace std::chrono_literals;

class QueueTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto& cluster = dspm::test::PgCluster::instance();
        ASSERT_TRUE(cluster.available()) << cluster.why_not();
        auto admin = dspm::store::connect_postgres(cluster.url());
        ASSERT_TRUE(admin) << admin.error();
        const std::string db = "q" + std::to_string(::getpid()) + "_" + std::to_string(++serial_);
        ASSERT_TRUE((*admin)->script("CREATE DATABASE " + db));
        url_ = cluster.url(db);
        queue_ = dspm::queue::open_postgres_queue(url_);
    }
    static inline int serial_ = 0;
    std::string url_;
    std::shared_ptr<dspm::queue::WorkQueue> queue_;
};

TEST_F(QueueTest, TakersNeverShareAUnitAndEachResultIsStoredOnce) {
    std::vector<std::pair<std::string, std::string>> units;
    for (int i = 0; i < 40; ++i)
        units.emplace_back("account/" + std::to_string(100000000000 + i), "{}");
    ASSERT_TRUE(queue_->enqueue("run-a", units));
    // Four takers at once, each with its own connection, as four workers would.
    std::vector<std::vector<std::string>> taken(4);
    std::vector<std::thread> takers;
    for (int t = 0; t < 4; ++t)
        takers.emplace_back([&, t] {
            auto q = dspm::queue::open_postgres_queue(url_);
            while (true) {
                auto u = q->take("owner-" + std::to_string(t), 60s);
                ASSERT_TRUE(u) << u.error();
                if (!*u) break;
                taken[t].push_back((*u)->key);
                EXPECT_EQ((*u)->attempts, 1);
                auto stored = q->complete(**u, "owner-" + std::to_string(t), "{\"r\":1}");
                ASSERT_TRUE(stored) << stored.error();
                EXPECT_TRUE(*stored);
            }
        });
    for (auto& t : takers)
        t.join();
    std::set<std::string> all;
    std::size_t count = 0;
    for (const auto& list : taken) {
        count += list.size();
        all.insert(list.begin(), list.end());
    }
    EXPECT_EQ(count, 40u);
    EXPECT_EQ(all.size(), 40u);
    auto p = queue_->progress("run-a");
    ASSERT_TRUE(p) << p.error();
    EXPECT_EQ(p->total, 40u);
    EXPECT_EQ(p->done, 40u);
    EXPECT_EQ(p->retaken, 0u);
    auto results = queue_->results("run-a");
    ASSERT_TRUE(results);
    EXPECT_EQ(results->size(), 40u);
    ASSERT_TRUE(queue_->forget("run-a"));
    p = queue_->progress("run-a");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->total, 0u);
}

TEST_F(QueueTest, AnExpiredLeaseIsTakenAgainAndTheFirstResultStands) {
    ASSERT_TRUE(queue_->enqueue("run-b", {{"account/111111111111", "{\"a\":1}"}}));
    ASSERT_TRUE(queue_->enqueue("run-c", {{"account/222222222222", "{}"}}));
    auto first = queue_->take("dead", 1s, "run-b");
    ASSERT_TRUE(first && *first);
    EXPECT_EQ((*first)->payload, "{\"a\":1}");
    // only_run: another run's unit is not this taker's.
    auto none = queue_->take("other", 60s, "run-b");
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
    // The lease is its owner's: another owner cannot renew it.
    EXPECT_FALSE(*queue_->heartbeat(**first, "other", 60s));
    EXPECT_TRUE(*queue_->heartbeat(**first, "dead", 1s));
    std::this_thread::sleep_for(1500ms);
    auto again = queue_->take("alive", 60s, "run-b");
    ASSERT_TRUE(again && *again);
    EXPECT_EQ((*again)->key, "account/111111111111");
    EXPECT_EQ((*again)->attempts, 2);
    // The first owner lost it: its heartbeat says so.
    EXPECT_FALSE(*queue_->heartbeat(**first, "dead", 60s));
    EXPECT_TRUE(*queue_->complete(**again, "alive", "second"));
    // A late completion of the first taker stores nothing.
    EXPECT_FALSE(*queue_->complete(**first, "dead", "first"));
    auto results = queue_->results("run-b");
    ASSERT_TRUE(results);
    ASSERT_EQ(results->size(), 1u);
    EXPECT_EQ(results->front().result, "second");
    EXPECT_EQ(results->front().worker, "alive");
    EXPECT_EQ(results->front().attempts, 2);
    EXPECT_EQ(queue_->progress("run-b")->retaken, 1u);
}

TEST_F(QueueTest, AnUnreachableDatabaseIsAnErrorSentence) {
    auto q = dspm::queue::open_postgres_queue("postgresql://dspm@127.0.0.1:1/none");
    auto r = q->take("x", 60s);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().find("queue: "), std::string::npos) << r.error();
}

}  // namespace
