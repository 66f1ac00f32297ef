// `dspm-audit worker [--parallel N] [--exit-when-idle SECONDS]`: takes units of runs over many
// accounts from the work queue in DATABASE_URL's PostgreSQL (queue/queue.hpp), runs each with the
// worker's own credentials (AUDIT_ROLE_NAME assumed in each account), stores its result once.
// Any number of workers and `serve` replicas share one database. Ctrl-C or SIGTERM stops taking
// units; a unit in progress is left to its lease, which another worker takes again.
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "app/commands.hpp"
#include "app/stop_signal.hpp"
#include "catalog/source.hpp"
#include "common/log.hpp"
#include "net/http_client.hpp"
#include "org/unit.hpp"
#include "org/worker.hpp"
#include "queue/queue.hpp"
#include "store/store.hpp"

namespace dspm::app {
namespace {

struct WorkerArgs {
    std::size_t parallel = 0;  // 0: AUDIT_ACCOUNTS_PARALLEL
    std::size_t exit_when_idle_s = 0;
};

int run_worker(const Settings& settings, const WorkerArgs& args) {
    if (settings.database_url.empty()) {
        std::fprintf(stderr,
                     "dspm-audit worker: DATABASE_URL is not set: the work queue is in "
                     "PostgreSQL (without it, runs over many accounts work in-process)\n");
        return exit_usage;
    }
    auto http = std::make_shared<net::HttpClient>();
    auto catalog = catalog::make_catalog_source(settings, http);
    // Each account's answer goes to the run store (DATABASE_URL's, which the workers share)
    // unless the run was asked with --no-store.
    org::UnitRunner runner(settings, http, catalog, store::open_store(settings));
    auto queue = queue::open_postgres_queue(settings.database_url);
    const std::size_t width = args.parallel > 0 ? args.parallel : settings.audit_accounts_parallel;
    const std::string owner = queue::new_owner_id();
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> units{0};
    // --exit-when-idle: a loop that finds nothing to take that long after the worker's last
    // unit ends; the worker ends with its last loop.
    std::mutex idle_mutex;
    auto idle_since = std::chrono::steady_clock::now();
    const auto finished = [&] {
        if (args.exit_when_idle_s == 0) return false;
        std::lock_guard lock(idle_mutex);
        return std::chrono::steady_clock::now() - idle_since >=
               std::chrono::seconds(args.exit_when_idle_s);
    };
    log::info("worker started", {{"owner", owner},
                                 {"parallel", width},
                                 {"lease_s", settings.worker_lease_s},
                                 {"queue", "postgresql"}});
    {
        StopOnSignal guard(stop);
        std::vector<std::jthread> loops;
        for (std::size_t i = 0; i < width; ++i)
            loops.emplace_back([&, i] {
                org::WorkerOptions w;
                w.owner = owner + "/" + std::to_string(i);
                w.lease = std::chrono::seconds(settings.worker_lease_s);
                w.stop = &stop;
                w.finished = finished;
                w.on_unit = [&](const std::string& key, const std::string& status, bool stored) {
                    ++units;
                    {
                        std::lock_guard lock(idle_mutex);
                        idle_since = std::chrono::steady_clock::now();
                    }
                    log::info("unit done", {{"unit", key},
                                            {"status", status},
                                            {"stored", stored},
                                            {"worker", w.owner}});
                };
                w.on_error = [](const std::string& e) { log::warn("queue", {{"error", e}}); };
                org::work(*queue, runner, w);
            });
    }
    log::info("worker stopped", {{"owner", owner}, {"units", units.load()}});
    return stop.load() ? exit_interrupted : exit_ok;
}

}  // namespace

void register_worker_command(CLI::App& app, Commands& out) {
    auto args = std::make_shared<WorkerArgs>();
    auto* sub = app.add_subcommand(
        "worker", "take units of runs over many accounts from the work queue (needs DATABASE_URL)");
    sub->add_option("--parallel", args->parallel,
                    "units worked on at once (default AUDIT_ACCOUNTS_PARALLEL)")
        ->check(CLI::Range(1, 64));
    sub->add_option("--exit-when-idle", args->exit_when_idle_s,
                    "exit after SECONDS with nothing to take (default: run until stopped)")
        ->check(CLI::Range(1, 86400));
    out.push_back(Command{sub, [args](const Settings& s) { return run_worker(s, *args); }});
}

}  // namespace dspm::app
