// exec: tasks on one thread, and waits that work from tasks and from plain threads alike.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "exec/loop.hpp"

namespace {

using namespace std::chrono_literals;
namespace exec = dspm::exec;

TEST(ExecLoop, ForEachOverlapsItsWaitsOnTheCallingThread) {
    const auto caller = std::this_thread::get_id();
    std::set<std::thread::id> threads;
    int waiting = 0, peak = 0, done = 0;
    exec::for_each(40, 16, [&](std::size_t) {
        threads.insert(std::this_thread::get_id());
        EXPECT_TRUE(exec::in_task());
        peak = std::max(peak, ++waiting);
        exec::sleep_for(20ms);
        --waiting;
        ++done;
    });
    EXPECT_EQ(done, 40);
    EXPECT_EQ(peak, 16);  // exactly the width asleep at once...
    ASSERT_EQ(threads.size(), 1u);
    EXPECT_EQ(*threads.begin(), caller);  // ...all on the caller's thread
    EXPECT_FALSE(exec::in_task());
}

TEST(ExecLoop, AnEventSetByAnotherThreadWakesTheTaskWaitingForIt) {
    exec::Event ready;
    std::string seen;
    std::jthread setter([&] {
        std::this_thread::sleep_for(30ms);
        seen += "set;";
        ready.set();
    });
    exec::Loop loop;
    loop.spawn([&] {
        ready.wait();
        seen += "woken;";
    });
    // A second task runs meanwhile: the first one's wait does not hold the thread.
    loop.spawn([&] { seen += "other;"; });
    loop.run();
    EXPECT_EQ(seen, "other;set;woken;");
    EXPECT_TRUE(ready.is_set());
    ready.wait();  // already set: returns at once, from a plain thread too
}

TEST(ExecLoop, TimedWaitsEndAtTheirDeadlineOrEarlierWhenSet) {
    exec::Event never, soon;
    bool timed_out = false, woke = false;
    exec::Loop loop;
    loop.spawn([&] { timed_out = !never.wait_for(30ms); });
    loop.spawn([&] { woke = soon.wait_for(10s); });
    loop.spawn([&] {
        exec::sleep_for(5ms);
        soon.set();
    });
    const auto t0 = exec::Clock::now();
    loop.run();
    EXPECT_TRUE(timed_out);
    EXPECT_TRUE(woke);
    EXPECT_LT(exec::Clock::now() - t0, 5s);  // not the 10 s deadline
    // From a thread: the same semantics.
    EXPECT_FALSE(never.wait_for(5ms));
    EXPECT_TRUE(soon.wait_for(5ms));
}

TEST(ExecLoop, AMutexHeldAcrossAWaitMakesTheOtherTasksWaitNotTheThread) {
    exec::Mutex mutex;
    std::vector<std::string> order;
    exec::Loop loop;
    for (int i = 0; i < 3; ++i)
        loop.spawn([&, i] {
            std::lock_guard lock(mutex);
            order.push_back("in" + std::to_string(i));
            exec::sleep_for(5ms);  // a std::mutex here would deadlock the second task's thread
            order.push_back("out" + std::to_string(i));
        });
    loop.spawn([&] { order.push_back("free"); });
    loop.run();
    EXPECT_EQ(order,
              (std::vector<std::string>{"in0", "free", "out0", "in1", "out1", "in2", "out2"}));
    EXPECT_TRUE(mutex.try_lock());
    mutex.unlock();
}

TEST(ExecLoop, AThreadAndATaskShareAMutex) {
    exec::Mutex mutex;
    int counter = 0;
    std::jthread other([&] {
        for (int i = 0; i < 1000; ++i) {
            std::lock_guard lock(mutex);
            ++counter;
        }
    });
    exec::for_each(1000, 8, [&](std::size_t) {
        std::lock_guard lock(mutex);
        ++counter;
    });
    other.join();
    EXPECT_EQ(counter, 2000);
}

TEST(ExecLoop, TheFirstExceptionOfForEachReachesTheCallerAfterAllEnded) {
    int ended = 0;
    EXPECT_THROW(exec::for_each(10, 4,
                                [&](std::size_t i) {
                                    exec::sleep_for(1ms);
                                    ++ended;
                                    if (i == 3) throw std::runtime_error("item 3");
                                }),
                 std::runtime_error);
    EXPECT_EQ(ended, 10);  // the others were not abandoned half-way
}

TEST(ExecLoop, NestedForEachRunsItsItemsAsTasksOfTheSameLoop) {
    const auto caller = std::this_thread::get_id();
    int waiting = 0, peak = 0, leaves = 0;
    exec::for_each(4, 4, [&](std::size_t) {
        exec::for_each(8, 8, [&](std::size_t) {
            EXPECT_EQ(std::this_thread::get_id(), caller);
            peak = std::max(peak, ++waiting);
            exec::sleep_for(10ms);
            --waiting;
            ++leaves;
        });
    });
    EXPECT_EQ(leaves, 32);
    EXPECT_EQ(peak, 32);
}

TEST(ExecLoop, ManyTasksReuseAFewStacks) {
    exec::Loop loop;
    int done = 0;
    for (int i = 0; i < 20000; ++i)
        loop.spawn([&] { ++done; });
    loop.run();
    EXPECT_EQ(done, 20000);
    EXPECT_EQ(loop.live(), 0u);
}

// The budget bounds the tasks (stacks) alive; a for_each that started when it was full widens
// once tasks end, and every item is done either way.
TEST(ExecLoop, TheTaskBudgetBoundsTheStacksAndForEachWidensAsTasksEnd) {
    exec::Loop loop;
    loop.set_task_budget(4);
    int a_done = 0, b_done = 0, b_waiting = 0, b_peak = 0;
    loop.spawn([&] {
        exec::for_each(8, 8, [&](std::size_t) {
            exec::sleep_for(10ms);
            ++a_done;
        });
    });
    loop.spawn([&] {
        exec::sleep_for(2ms);  // a took the budget: b starts alone
        exec::for_each(12, 8, [&](std::size_t) {
            b_peak = std::max(b_peak, ++b_waiting);
            exec::sleep_for(10ms);
            --b_waiting;
            ++b_done;
        });
    });
    loop.run();
    EXPECT_EQ(a_done, 8);
    EXPECT_EQ(b_done, 12);
    EXPECT_LE(loop.peak_live(), 4u);
    EXPECT_GT(b_peak, 1);  // widened after a's tasks ended
}

TEST(ExecLoop, SpawnOutsideATaskIsRefused) {
    EXPECT_THROW(exec::spawn([] {}), std::logic_error);
}

}  // namespace
