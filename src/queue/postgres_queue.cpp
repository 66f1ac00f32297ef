// The queue on PostgreSQL: every operation is one statement, so it is atomic without a
// transaction of its own, and a worker killed between two statements leaves nothing half done.
#include <unistd.h>

#include <mutex>
#include <random>

#include "queue/queue.hpp"
#include "store/sql.hpp"
#include "store/store.hpp"

namespace dspm::queue {
namespace {

// The database's clock in epoch milliseconds: every lease is compared on one clock.
constexpr const char* kNowMs = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

std::string cell(const store::Row& row, std::size_t i) {
    return i < row.size() && row[i] ? *row[i] : std::string{};
}

std::size_t count(const store::Row& row, std::size_t i) {
    const std::string v = cell(row, i);
    return v.empty() ? 0 : static_cast<std::size_t>(std::stoull(v));
}

std::string utc_now() {
    return store::new_run_id(std::chrono::system_clock::now()).substr(0, 19);
}

class PostgresQueue final : public WorkQueue {
  public:
    explicit PostgresQueue(std::string url) : url_(std::move(url)) {}

    Expected<bool, std::string> enqueue(
        const std::string& run_id,
        const std::vector<std::pair<std::string, std::string>>& key_payloads) override {
        if (key_payloads.empty()) return true;
        // One statement: the units go in together or not at all.
        std::string sql =
            "INSERT INTO work_units (run_id, unit_key, payload, state, lease_owner, lease_until, "
            "attempts, created_at) VALUES ";
        std::vector<store::Param> params{run_id, utc_now()};
        for (std::size_t i = 0; i < key_payloads.size(); ++i) {
            const auto k = std::to_string(params.size() + 1);
            const auto p = std::to_string(params.size() + 2);
            sql += (i ? ", " : "") + std::string("($1, $") + k + ", $" + p +
                   ", 'queued', '', 0, 0, $2)";
            params.emplace_back(key_payloads[i].first);
            params.emplace_back(key_payloads[i].second);
        }
        auto r = run(sql, params);
        if (!r) return unexpected(r.error());
        return true;
    }

    Expected<std::optional<Unit>, std::string> take(const std::string& owner,
                                                    std::chrono::seconds lease,
                                                    const std::string& only_run) override {
        const std::string sql =
            std::string(
                "UPDATE work_units SET state = 'leased', lease_owner = $1, lease_until = ") +
            kNowMs +
            " + $2::bigint, attempts = attempts + 1 WHERE (run_id, unit_key) = (SELECT run_id, "
            "unit_key FROM work_units WHERE (state = 'queued' OR (state = 'leased' AND "
            "lease_until < " +
            kNowMs +
            ")) AND ($3 = '' OR run_id = $3) ORDER BY run_id, unit_key LIMIT 1 FOR UPDATE SKIP "
            "LOCKED) RETURNING run_id, unit_key, payload, attempts";
        auto rows =
            run(sql, {owner, std::to_string(std::chrono::milliseconds(lease).count()), only_run});
        if (!rows) return unexpected(rows.error());
        if (rows->empty()) return std::optional<Unit>{};
        const auto& row = rows->front();
        return std::optional<Unit>(
            Unit{cell(row, 0), cell(row, 1), cell(row, 2), static_cast<int>(count(row, 3))});
    }

    Expected<bool, std::string> heartbeat(const Unit& unit, const std::string& owner,
                                          std::chrono::seconds lease) override {
        const std::string sql = std::string("UPDATE work_units SET lease_until = ") + kNowMs +
                                " + $4::bigint WHERE run_id = $1 AND unit_key = $2 AND "
                                "lease_owner = $3 AND state = 'leased' RETURNING 1";
        auto rows = run(sql, {unit.run_id, unit.key, owner,
                              std::to_string(std::chrono::milliseconds(lease).count())});
        if (!rows) return unexpected(rows.error());
        return !rows->empty();
    }

    Expected<bool, std::string> complete(const Unit& unit, const std::string& owner,
                                         const std::string& result) override {
        // The result first-come (the key refuses a second), the unit done either way.
        const std::string sql =
            "WITH stored AS (INSERT INTO unit_results (run_id, unit_key, worker, attempts, "
            "finished_at, result) VALUES ($1, $2, $3, $4::integer, $5, $6) ON CONFLICT (run_id, "
            "unit_key) DO NOTHING RETURNING 1), marked AS (UPDATE work_units SET state = 'done' "
            "WHERE run_id = $1 AND unit_key = $2 RETURNING 1) SELECT (SELECT count(*) FROM "
            "stored), (SELECT count(*) FROM marked)";
        auto rows = run(
            sql, {unit.run_id, unit.key, owner, std::to_string(unit.attempts), utc_now(), result});
        if (!rows) return unexpected(rows.error());
        return !rows->empty() && count(rows->front(), 0) == 1;
    }

    Expected<Progress, std::string> progress(const std::string& run_id) override {
        const std::string sql =
            std::string(
                "SELECT (SELECT count(*) FROM work_units WHERE run_id = $1), (SELECT count(*) "
                "FROM unit_results WHERE run_id = $1), (SELECT count(*) FROM work_units WHERE "
                "run_id = $1 AND state = 'leased' AND lease_until >= ") +
            kNowMs + "), (SELECT count(*) FROM work_units WHERE run_id = $1 AND attempts > 1)";
        auto rows = run(sql, {run_id});
        if (!rows) return unexpected(rows.error());
        if (rows->empty()) return Progress{};
        const auto& r = rows->front();
        return Progress{count(r, 0), count(r, 1), count(r, 2), count(r, 3)};
    }

    Expected<std::vector<UnitResult>, std::string> results(const std::string& run_id) override {
        auto rows =
            run("SELECT unit_key, worker, attempts, result FROM unit_results WHERE run_id = $1 "
                "ORDER BY unit_key",
                {run_id});
        if (!rows) return unexpected(rows.error());
        std::vector<UnitResult> out;
        out.reserve(rows->size());
        for (auto& row : *rows)
            out.push_back(UnitResult{cell(row, 0), cell(row, 1), static_cast<int>(count(row, 2)),
                                     row.size() > 3 && row[3] ? std::move(*row[3]) : ""});
        return out;
    }

    Expected<bool, std::string> forget(const std::string& run_id) override {
        if (auto r = run("DELETE FROM unit_results WHERE run_id = $1", {run_id}); !r)
            return unexpected(r.error());
        if (auto r = run("DELETE FROM work_units WHERE run_id = $1", {run_id}); !r)
            return unexpected(r.error());
        return true;
    }

  private:
    // One connection per queue object; heartbeats from another thread wait their turn.
    Expected<std::vector<store::Row>, std::string> run(const std::string& sql,
                                                       const std::vector<store::Param>& params) {
        std::lock_guard lock(mutex_);
        if (!conn_ || !conn_->healthy()) {
            conn_.reset();
            if (!migrated_) {
                // The run store owns the schema: its first use applies the migrations.
                auto version = store::open_postgres(url_)->schema_version();
                if (!version) return unexpected("queue: " + version.error());
                migrated_ = true;
            }
            auto c = store::connect_postgres(url_);
            if (!c) return unexpected("queue: " + c.error());
            conn_ = std::move(*c);
        }
        auto r = conn_->query(sql, params);
        if (!r) return unexpected("queue: " + r.error());
        return r;
    }

    std::string url_;
    std::mutex mutex_;
    std::unique_ptr<store::Connection> conn_;
    bool migrated_ = false;
};

}  // namespace

std::shared_ptr<WorkQueue> open_postgres_queue(const std::string& url) {
    return std::make_shared<PostgresQueue>(url);
}

std::string new_owner_id() {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    std::random_device rd;
    const auto r = std::uniform_int_distribution<unsigned>(0, 0xffffffu)(rd);
    char tail[16];
    std::snprintf(tail, sizeof tail, "%06x", r);
    return std::string(host) + ":" + std::to_string(getpid()) + ":" + tail;
}

}  // namespace dspm::queue
