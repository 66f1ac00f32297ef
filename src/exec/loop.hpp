#pragma once
// Cooperative tasks: hundreds of waits in flight on one thread.
//
// A Loop runs tasks on the thread that calls run(). A task that waits (for an HTTP answer, an
// in-flight slot, a timer) hands the thread to the loop's next ready task instead of blocking it,
// so an audit keeps hundreds of AWS calls open without a thread per call. The waits below work
// outside a task too: there they block the calling thread. Code written against them (the fact
// cache, the AWS client, the HTTP client) therefore runs unchanged from a task, a server thread
// or a test.
//
// Tasks of one loop never run at the same time, so their CPU work is serialised on the loop's
// thread; several loops (one per audit run) run on their own threads. A task must not hold a
// std::mutex across a wait (the next task of the loop may ask for it on the same thread): hold an
// exec::Mutex instead, whose waits are the loop's.
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace dspm::exec {

using Clock = std::chrono::steady_clock;

namespace detail {
struct Waiter;
}

// A one-shot signal: set once (from any thread), waited for by any number of tasks and threads.
class Event {
  public:
    Event() = default;
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;

    void set();
    bool is_set() const;
    void wait();
    // False when the deadline came first.
    bool wait_until(Clock::time_point deadline);
    template <class Rep, class Period>
    bool wait_for(std::chrono::duration<Rep, Period> d) {
        return wait_until(Clock::now() + std::chrono::duration_cast<Clock::duration>(d));
    }

  private:
    mutable std::mutex mutex_;
    bool set_ = false;
    std::vector<std::shared_ptr<detail::Waiter>> waiters_;
};

// Mutual exclusion that may be held across a wait. BasicLockable: std::lock_guard works.
class Mutex {
  public:
    Mutex() = default;
    Mutex(const Mutex&) = delete;
    Mutex& operator=(const Mutex&) = delete;

    void lock();
    bool try_lock();
    void unlock();

  private:
    std::mutex mutex_;
    bool locked_ = false;
    std::deque<std::shared_ptr<detail::Waiter>> waiters_;
};

// Suspends the task (or sleeps the thread) for d.
void sleep_for(Clock::duration d);

// True on a thread that is running a task.
bool in_task();

class Loop {
  public:
    // Each task's stack: a guard page below it turns an overflow into a crash, not corruption.
    explicit Loop(std::size_t stack_bytes = default_stack_bytes());
    ~Loop();
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    // Before run() from any code on the loop's thread, during run() from its tasks.
    void spawn(std::function<void()> fn);
    // Runs every task until all of them (those spawned meanwhile too) have ended. An exception a
    // task let out is rethrown here once all have ended (the first one; the others are logged).
    void run();
    // for_each starts no extra task while this many are alive (0: no bound): each task holds a
    // stack, and tasks past the run's calls in flight would only wait. Its caller always works
    // on its own items, so a for_each under the bound still ends, one item after another.
    void set_task_budget(std::size_t tasks);
    // Tasks spawned and not yet ended.
    std::size_t live() const;
    // The largest number of tasks alive at once (stacks held) during run().
    std::size_t peak_live() const;

    static std::size_t default_stack_bytes();

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

// Starts fn as a task of the loop whose task is running (precondition: in_task()).
void spawn(std::function<void()> fn);

// Runs fn(0) ... fn(n - 1), at most `width` at once, and returns when all have ended; the first
// exception is rethrown then. In a task the caller works on the items itself and adds up to
// width - 1 tasks of its loop, as many as its task budget allows now and as more free up while
// items are left; elsewhere a loop on the calling thread runs them. width 1 (or n 1) runs them in
// order on the caller.
void for_each(std::size_t n, std::size_t width, const std::function<void(std::size_t)>& fn);

}  // namespace dspm::exec
