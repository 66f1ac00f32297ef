#pragma once
// The work queue of runs over many accounts: the run that plans them enqueues units (one per
// account), any number of processes sharing the database take them (`FOR UPDATE SKIP LOCKED`, so
// two never take one unit), hold a lease renewed by heartbeats, and store each unit's result once
// (its primary key; a retry after a lost lease cannot store a second). A lease that runs out
// because its worker died is taken again by the next worker that asks. PostgreSQL only: the
// embedded SQLite store serves one process, which runs the same units itself (org/run.hpp).
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/expected.hpp"

namespace dspm::queue {

struct Unit {
    std::string run_id;
    std::string key;      // unique within the run ("account/123456789012")
    std::string payload;  // what the worker needs to run it (JSON, org/unit.hpp)
    int attempts = 0;     // times it was taken, this one included
};

struct Progress {
    std::size_t total = 0;
    std::size_t done = 0;     // units with a stored result
    std::size_t leased = 0;   // being worked on now (lease not expired)
    std::size_t retaken = 0;  // units taken more than once (a worker died or lost its lease)
};

struct UnitResult {
    std::string key;
    std::string worker;
    int attempts = 0;
    std::string result;
};

class WorkQueue {
  public:
    virtual ~WorkQueue() = default;
    // Every unit of a run, in one statement (all or none).
    virtual Expected<bool, std::string> enqueue(
        const std::string& run_id,
        const std::vector<std::pair<std::string, std::string>>& key_payloads) = 0;
    // The next unit that is queued or whose lease expired, leased to owner; only_run limits the
    // choice to one run (the enqueuing process works on its own). nullopt: nothing ready.
    virtual Expected<std::optional<Unit>, std::string> take(const std::string& owner,
                                                            std::chrono::seconds lease,
                                                            const std::string& only_run = {}) = 0;
    // Extends the lease; false when the unit is no longer this owner's (it expired and was
    // taken again, or it is done).
    virtual Expected<bool, std::string> heartbeat(const Unit& unit, const std::string& owner,
                                                  std::chrono::seconds lease) = 0;
    // Stores the result unless one is stored already, and marks the unit done. Answers whether
    // this call stored it.
    virtual Expected<bool, std::string> complete(const Unit& unit, const std::string& owner,
                                                 const std::string& result) = 0;
    virtual Expected<Progress, std::string> progress(const std::string& run_id) = 0;
    virtual Expected<std::vector<UnitResult>, std::string> results(const std::string& run_id) = 0;
    // The run's units and results, once it has been aggregated.
    virtual Expected<bool, std::string> forget(const std::string& run_id) = 0;
};

// DATABASE_URL's PostgreSQL. Nothing is opened yet: the first call connects (and migrates the
// schema through the run store); a lost connection is replaced on the next call.
std::shared_ptr<WorkQueue> open_postgres_queue(const std::string& url);

// "host:pid:random": who holds a lease, in logs and in unit_results.worker.
std::string new_owner_id();

}  // namespace dspm::queue
