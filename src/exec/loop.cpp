// Tasks are stackful coroutines (Boost.Context fibers): a check written as plain blocking code
// suspends inside a wait and resumes where it was. Stackless C++20 coroutines would have meant
// rewriting every check and helper as co_await chains.
//
// The sanitizer build switches Boost.Context to ucontext (BOOST_USE_UCONTEXT, BOOST_USE_ASAN):
// only that implementation tells AddressSanitizer about each stack switch, without which it
// reports false errors on task stacks.
#include "exec/loop.hpp"

#include <algorithm>
#include <atomic>
#include <boost/context/fiber.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <condition_variable>
#include <exception>
#include <list>
#include <optional>
#include <queue>
#include <stdexcept>
#include <thread>
#include <utility>

#include "common/log.hpp"

namespace dspm::exec {

namespace ctx = boost::context;

namespace {

// Stacks are reused: a fresh one costs an mmap, an mprotect for the guard page and an munmap,
// and a large audit starts tasks by the hundred thousand.
class StackPool {
  public:
    explicit StackPool(std::size_t bytes) : alloc_(bytes) {}
    ~StackPool() {
        for (auto& sc : free_)
            alloc_.deallocate(sc);
    }
    StackPool(const StackPool&) = delete;
    StackPool& operator=(const StackPool&) = delete;

    ctx::stack_context take() {
        if (free_.empty()) return alloc_.allocate();
        ctx::stack_context sc = free_.back();
        free_.pop_back();
        return sc;
    }
    void give(ctx::stack_context& sc) noexcept {
        if (free_.size() < kept) {
            try {
                free_.push_back(sc);
                return;
            } catch (...) {
            }
        }
        alloc_.deallocate(sc);
    }

  private:
    static constexpr std::size_t kept = 1024;
    ctx::protected_fixedsize_stack alloc_;
    std::vector<ctx::stack_context> free_;
};

// Boost.Context's StackAllocator concept, over the loop's pool (used on the loop's thread only).
class PooledStack {
  public:
    explicit PooledStack(StackPool& pool) : pool_(&pool) {}
    ctx::stack_context allocate() { return pool_->take(); }
    void deallocate(ctx::stack_context& sc) noexcept { pool_->give(sc); }

  private:
    StackPool* pool_;
};

}  // namespace

namespace detail {

struct Task {
    std::function<void()> fn;
    ctx::fiber fiber;   // the task while it is not running
    ctx::fiber caller;  // the loop while the task runs
    bool started = false;
    bool done = false;
    std::list<Task>::iterator self;
};

// One wait of one task or thread. Whoever fires it first (the event, the mutex's hand-off, the
// timer) wakes it; later attempts do nothing, so a timed wait is woken exactly once.
struct Waiter {
    Loop::Impl* loop = nullptr;  // set: a task of this loop waits
    Task* task = nullptr;
    bool timed_out = false;  // task mode: written and read on the loop's thread
    std::mutex mutex;        // thread mode
    std::condition_variable cv;
    std::atomic<bool> fired{false};

    bool fire();
};

}  // namespace detail

using detail::Task;
using detail::Waiter;

struct Loop::Impl {
    explicit Impl(std::size_t stack_bytes) : stacks(stack_bytes) {}

    struct Timer {
        Clock::time_point at;
        std::shared_ptr<Waiter> waiter;
        bool operator>(const Timer& other) const { return at > other.at; }
    };

    StackPool stacks;
    // Loop thread only.
    std::list<Task> tasks;
    std::size_t live = 0;
    std::size_t peak = 0;
    std::size_t budget = 0;
    Task* current = nullptr;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;
    std::exception_ptr failure;
    // Any thread: tasks made ready by a wake-up.
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<Task*> ready;

    void make_ready(Task* t) {
        // Notified under the lock: once it is released the loop may end and this Impl go.
        std::lock_guard lock(mutex);
        ready.push_back(t);
        cv.notify_one();
    }

    void suspend() {
        Task* t = current;
        t->caller = std::move(t->caller).resume();
    }

    void resume(Task* t);

    void spawn(std::function<void()> fn) {
        Task& t = tasks.emplace_back();
        t.fn = std::move(fn);
        t.self = std::prev(tasks.end());
        ++live;
        peak = std::max(peak, live);
        make_ready(&t);
    }
};

namespace {

thread_local Loop::Impl* t_loop = nullptr;

std::shared_ptr<Waiter> make_waiter() {
    auto w = std::make_shared<Waiter>();
    if (t_loop != nullptr && t_loop->current != nullptr) {
        w->loop = t_loop;
        w->task = t_loop->current;
    }
    return w;
}

// Waits until w is fired (true) or the deadline passes (false).
bool block(const std::shared_ptr<Waiter>& w, std::optional<Clock::time_point> deadline) {
    if (w->loop != nullptr) {
        if (deadline) w->loop->timers.push(Loop::Impl::Timer{*deadline, w});
        w->loop->suspend();
        return !w->timed_out;
    }
    std::unique_lock lock(w->mutex);
    const auto fired = [&] { return w->fired.load(); };
    if (!deadline) {
        w->cv.wait(lock, fired);
        return true;
    }
    if (w->cv.wait_until(lock, *deadline, fired)) return true;
    // Timed out, unless a wake-up raced the deadline: then it counts as woken.
    return w->fired.exchange(true);
}

}  // namespace

bool detail::Waiter::fire() {
    if (fired.exchange(true)) return false;
    if (loop != nullptr) {
        loop->make_ready(task);
    } else {
        std::lock_guard lock(mutex);
        cv.notify_one();
    }
    return true;
}

void Loop::Impl::resume(Task* t) {
    current = t;
    if (!t->started) {
        t->started = true;
        t->fiber =
            ctx::fiber(std::allocator_arg, PooledStack(stacks), [this, t](ctx::fiber&& caller) {
                t->caller = std::move(caller);
                try {
                    t->fn();
                } catch (const ctx::detail::forced_unwind&) {
                    throw;  // the fiber is being destroyed: let it unwind
                } catch (...) {
                    if (!failure)
                        failure = std::current_exception();
                    else
                        log::error("a task failed after another one had");
                }
                t->fn = nullptr;
                t->done = true;
                return std::move(t->caller);
            });
    }
    t->fiber = std::move(t->fiber).resume();
    current = nullptr;
    if (t->done) {
        tasks.erase(t->self);
        --live;
    }
}

void Event::set() {
    std::vector<std::shared_ptr<Waiter>> waiters;
    {
        std::lock_guard lock(mutex_);
        if (set_) return;
        set_ = true;
        waiters.swap(waiters_);
    }
    // From here this Event may be gone (a woken waiter owns it); only the copies are touched.
    for (auto& w : waiters)
        w->fire();
}

bool Event::is_set() const {
    std::lock_guard lock(mutex_);
    return set_;
}

void Event::wait() {
    std::shared_ptr<Waiter> w;
    {
        std::lock_guard lock(mutex_);
        if (set_) return;
        w = make_waiter();
        waiters_.push_back(w);
    }
    block(w, std::nullopt);
}

bool Event::wait_until(Clock::time_point deadline) {
    std::shared_ptr<Waiter> w;
    {
        std::lock_guard lock(mutex_);
        if (set_) return true;
        if (deadline <= Clock::now()) return false;
        w = make_waiter();
        waiters_.push_back(w);
    }
    if (block(w, deadline)) return true;  // only set() fires an Event's waiters
    std::lock_guard lock(mutex_);
    std::erase(waiters_, w);
    return set_;
}

void Mutex::lock() {
    std::shared_ptr<Waiter> w;
    {
        std::lock_guard lock(mutex_);
        if (!locked_) {
            locked_ = true;
            return;
        }
        w = make_waiter();
        waiters_.push_back(w);
    }
    block(w, std::nullopt);  // woken by unlock(), which handed the mutex over
}

bool Mutex::try_lock() {
    std::lock_guard lock(mutex_);
    if (locked_) return false;
    locked_ = true;
    return true;
}

void Mutex::unlock() {
    std::shared_ptr<Waiter> next;
    {
        std::lock_guard lock(mutex_);
        if (waiters_.empty()) {
            locked_ = false;
            return;
        }
        next = std::move(waiters_.front());
        waiters_.pop_front();
    }
    next->fire();  // still locked: it belongs to the woken waiter now
}

bool in_task() {
    return t_loop != nullptr && t_loop->current != nullptr;
}

void sleep_for(Clock::duration d) {
    if (d <= Clock::duration::zero()) return;
    if (!in_task()) {
        std::this_thread::sleep_for(d);
        return;
    }
    block(make_waiter(), Clock::now() + d);
}

Loop::Loop(std::size_t stack_bytes) : impl_(std::make_unique<Impl>(stack_bytes)) {}

Loop::~Loop() = default;

std::size_t Loop::default_stack_bytes() {
#if defined(__SANITIZE_ADDRESS__)
    return std::size_t{1} << 20;  // ASan's redzones make frames several times larger
#else
    return std::size_t{256} << 10;
#endif
}

void Loop::spawn(std::function<void()> fn) {
    impl_->spawn(std::move(fn));
}

void Loop::set_task_budget(std::size_t tasks) {
    impl_->budget = tasks;
}

std::size_t Loop::live() const {
    return impl_->live;
}

std::size_t Loop::peak_live() const {
    return impl_->peak;
}

void Loop::run() {
    Impl& im = *impl_;
    struct Enter {
        Impl* previous;
        explicit Enter(Impl* self) : previous(t_loop) { t_loop = self; }
        ~Enter() { t_loop = previous; }
    } enter(&im);
    std::vector<Task*> batch;
    while (im.live > 0) {
        const auto now = Clock::now();
        while (!im.timers.empty() && im.timers.top().at <= now) {
            auto w = im.timers.top().waiter;
            im.timers.pop();
            if (!w->fired.exchange(true)) {  // else woken already: a stale timer
                w->timed_out = true;
                batch.push_back(w->task);
            }
        }
        {
            std::unique_lock lock(im.mutex);
            if (batch.empty() && im.ready.empty()) {
                const auto any = [&] { return !im.ready.empty(); };
                if (im.timers.empty())
                    im.cv.wait(lock, any);
                else
                    im.cv.wait_until(lock, im.timers.top().at, any);
            }
            batch.insert(batch.end(), im.ready.begin(), im.ready.end());
            im.ready.clear();
        }
        for (Task* t : batch)
            im.resume(t);
        batch.clear();
    }
    if (im.failure) {
        auto failure = std::exchange(im.failure, nullptr);
        std::rethrow_exception(failure);
    }
}

void spawn(std::function<void()> fn) {
    if (!in_task()) throw std::logic_error("exec::spawn outside a task");
    t_loop->spawn(std::move(fn));
}

void for_each(std::size_t n, std::size_t width, const std::function<void(std::size_t)>& fn) {
    if (n == 0) return;
    width = std::clamp<std::size_t>(width, 1, n);
    if (width == 1) {
        for (std::size_t i = 0; i < n; ++i)
            fn(i);
        return;
    }
    if (!in_task()) {
        // A loop of its own on this thread, with this for_each as its first task.
        Loop loop;
        std::exception_ptr failure;
        loop.spawn([&] {
            try {
                for_each(n, width, fn);
            } catch (const ctx::detail::forced_unwind&) {
                throw;
            } catch (...) {
                failure = std::current_exception();
            }
        });
        loop.run();
        if (failure) std::rethrow_exception(failure);
        return;
    }
    // The workers share one thread: plain counters are enough.
    Loop::Impl& loop = *t_loop;
    struct Shared {
        std::size_t next = 0;
        std::size_t workers = 0;  // extra tasks working on the items
        bool caller_done = false;
        std::exception_ptr failure;
        Event done;  // set by the last extra task to end after the caller's items
    } shared;
    // Adds workers while items are left, the width allows and the loop's budget has room. Called
    // again as items end, so a for_each started when the budget was full widens later.
    std::function<void()> grow;
    const auto work = [&] {
        for (std::size_t i = shared.next++; i < n; i = shared.next++) {
            try {
                fn(i);
            } catch (const ctx::detail::forced_unwind&) {
                throw;
            } catch (...) {
                if (!shared.failure) shared.failure = std::current_exception();
            }
            grow();
        }
    };
    const auto worker = [&] {
        work();
        if (--shared.workers == 0 && shared.caller_done) shared.done.set();
    };
    grow = [&] {
        while (shared.workers + 1 < width && shared.next + shared.workers < n &&
               (loop.budget == 0 || loop.live < loop.budget)) {
            ++shared.workers;
            loop.spawn(worker);
        }
    };
    grow();
    work();
    // No item is left to start; the extra tasks finish theirs. (No wait between these lines: a
    // task of this loop cannot run in between.)
    shared.caller_done = true;
    if (shared.workers > 0) shared.done.wait();
    if (shared.failure) std::rethrow_exception(shared.failure);
}

}  // namespace dspm::exec
