#include "org/worker.hpp"

#include <boost/json.hpp>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>

#include "org/unit.hpp"
#include "queue/queue.hpp"

namespace dspm::org {

namespace {

bool stopped(const WorkerOptions& o) {
    return o.stop != nullptr && o.stop->load();
}

// Sleeps up to `how_long`, waking early when the loop is stopped (checked every 100 ms: the stop
// flag is a plain atomic shared with the signal watcher, so there is nothing to notify).
void pause(const WorkerOptions& o, std::chrono::milliseconds how_long) {
    const auto until = std::chrono::steady_clock::now() + how_long;
    while (!stopped(o) && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(
            std::min<std::chrono::milliseconds>(how_long, std::chrono::milliseconds(100)));
}

}  // namespace

std::size_t work(queue::WorkQueue& queue, UnitRunner& runner, const WorkerOptions& options) {
    std::size_t done = 0;
    while (!stopped(options)) {
        auto taken = queue.take(options.owner, options.lease, options.only_run);
        if (!taken) {
            if (options.on_error) options.on_error(taken.error());
            pause(options, std::chrono::seconds(2));
            continue;
        }
        if (!*taken) {
            if (options.finished && options.finished()) break;
            pause(options, options.idle_wait);
            continue;
        }
        const queue::Unit unit = std::move(**taken);
        std::atomic<bool> unit_stop{false};
        // The lease is renewed every third of it while the unit runs; a lost lease (this worker
        // was too slow and another took the unit) stops the unit's checks not yet started.
        // It also passes a stop of the loop on to the unit within a second.
        std::jthread heartbeat([&](std::stop_token st) {
            std::mutex m;
            std::condition_variable_any cv;
            std::unique_lock lock(m);
            auto next = std::chrono::steady_clock::now() + options.lease / 3;
            while (!st.stop_requested()) {
                cv.wait_for(lock, st, std::chrono::seconds(1), [] { return false; });
                if (st.stop_requested()) break;
                if (stopped(options)) unit_stop.store(true);
                if (std::chrono::steady_clock::now() < next) continue;
                next = std::chrono::steady_clock::now() + options.lease / 3;
                auto held = queue.heartbeat(unit, options.owner, options.lease);
                if (held && !*held) {
                    unit_stop.store(true);
                    break;
                }
            }
        });
        UnitOutcome outcome;
        auto spec = parse_payload(unit.payload);
        if (spec && unit.attempts > options.max_attempts) {
            outcome = {
                "ERROR",
                boost::json::serialize(boost::json::object{
                    {"account", spec->account},
                    {"name", spec->account_name},
                    {"status", "ERROR"},
                    {"error",
                     boost::json::object{
                         {"reason", "not audited: taken " + std::to_string(unit.attempts - 1) +
                                        " times by workers that stopped before finishing "
                                        "it (died, or lost the lease)"}}}})};
        } else if (!spec) {
            outcome = {"ERROR",
                       boost::json::serialize(boost::json::object{
                           {"account", ""},
                           {"status", "ERROR"},
                           {"error", boost::json::object{{"reason", "the unit cannot be read: " +
                                                                        spec.error()}}}})};
        } else {
            outcome = runner.run(*spec, &unit_stop);
        }
        heartbeat.request_stop();
        heartbeat.join();
        // A unit stopped half way (the loop was stopped, or its lease was lost to another
        // worker) is not stored: the lease runs out or is held by the other worker, which does it
        // whole, so no partial result stands for an account.
        if (unit_stop.load()) {
            if (stopped(options)) break;
            continue;
        }
        bool stored = false;
        for (int attempt = 0; attempt < 5; ++attempt) {
            auto c = queue.complete(unit, options.owner, outcome.result);
            if (c) {
                stored = *c;
                break;
            }
            if (options.on_error) options.on_error(c.error());
            pause(options, std::chrono::seconds(1 << attempt));
            if (stopped(options)) break;
        }
        ++done;
        if (options.on_unit) options.on_unit(unit.key, outcome.status, stored);
    }
    return done;
}

}  // namespace dspm::org
