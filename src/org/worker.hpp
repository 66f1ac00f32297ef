#pragma once
// A worker's loop over the work queue: take a unit, hold its lease with heartbeats while it runs,
// store its result once. `dspm-audit worker` runs it until stopped; a run's enqueuing process
// runs it on its own units (AUDIT_QUEUE_LOCAL) until they are all done.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace dspm::queue {
class WorkQueue;
}

namespace dspm::org {

class UnitRunner;

struct WorkerOptions {
    std::string owner;  // queue::new_owner_id()
    std::chrono::seconds lease{60};
    std::string only_run;  // empty: units of any run
    const std::atomic<bool>* stop = nullptr;
    // Asked when nothing is ready to take: true ends the loop (a local loop whose run is done).
    std::function<bool()> finished;
    std::chrono::milliseconds idle_wait{500};
    // A unit taken this many times already (each time its worker died or lost the lease) is not
    // run again: it is stored as the account's ERROR, saying so, so that one account that kills
    // its workers cannot hold the run forever.
    int max_attempts = 3;
    // After each unit: its key, the account's status, whether this worker stored the result.
    std::function<void(const std::string& key, const std::string& status, bool stored)> on_unit;
    // A failure of the queue itself (the database went away): the loop waits and tries again.
    std::function<void(const std::string& error)> on_error;
};

// Units done by this loop.
std::size_t work(queue::WorkQueue& queue, UnitRunner& runner, const WorkerOptions& options);

}  // namespace dspm::org
