// The run store written once over store/sql.hpp: connect and migrate on first use, save a run
// in one transaction, list, diff and prune with queries both engines run unchanged.
#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string_view>
#include <vector>

#include "aws/credentials.hpp"       // format_iso8601
#include "catalog/local_source.hpp"  // to_lower
#include "common/log.hpp"
#include "store/sql.hpp"
#include "store/store.hpp"

namespace dspm::store {
namespace {

using Connect = std::function<Expected<std::unique_ptr<Connection>, std::string>()>;

constexpr const char* kHeadColumns =
    "run_id, framework, requirement, account, regions, started_at, finished_at, status, "
    "complete, counts, catalog_version, tool_version";

std::string text(const Row& row, std::size_t i) {
    return i < row.size() && row[i] ? *row[i] : std::string{};
}

std::vector<std::string> split_commas(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < s.size()) {
        auto comma = s.find(',', start);
        if (comma == std::string::npos) comma = s.size();
        if (comma > start) out.push_back(s.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

std::string join_commas(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : ",") + s;
    return out;
}

RunHead head_of(const Row& r) {
    RunHead h;
    h.run_id = text(r, 0);
    h.framework = text(r, 1);
    h.requirement = text(r, 2);
    h.account = text(r, 3);
    h.regions = split_commas(text(r, 4));
    h.started_at = text(r, 5);
    h.finished_at = text(r, 6);
    h.status = text(r, 7);
    h.complete = text(r, 8) == "1";
    h.counts = text(r, 9);
    h.catalog_version = text(r, 10);
    h.tool_version = text(r, 11);
    return h;
}

// Rows per INSERT of evaluations: 9 parameters each stays far below both engines' limits, and a
// round trip to PostgreSQL carries hundreds of rows instead of one.
constexpr std::size_t kBatch = 200;

// Pieces of at most `bytes`, cut at UTF-8 character boundaries (PostgreSQL checks each text).
std::vector<std::string_view> split_utf8(std::string_view text, std::size_t bytes) {
    std::vector<std::string_view> parts;
    while (!text.empty()) {
        std::size_t n = std::min(bytes, text.size());
        while (n < text.size() && n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80)
            --n;
        if (n == 0) n = std::min(bytes, text.size());  // no boundary in reach: not UTF-8 anyway
        parts.push_back(text.substr(0, n));
        text.remove_prefix(n);
    }
    return parts;
}

class SqlStore final : public RunStore {
  public:
    SqlStore(std::string engine, std::string location, Connect connect, Retention keep,
             std::size_t answer_part_bytes)
        : engine_(std::move(engine)),
          location_(std::move(location)),
          connect_(std::move(connect)),
          keep_(keep),
          part_bytes_(std::max<std::size_t>(answer_part_bytes, 16)) {}

    std::string engine() const override { return engine_; }
    std::string location() const override { return location_; }

    Expected<bool, std::string> save(const RunRecord& record) override {
        std::lock_guard lock(mutex_);
        auto c = ready();
        if (!c) return unexpected(c.error());
        auto saved = in_transaction(**c, [&](Connection& db) -> Expected<bool, std::string> {
            const auto& h = record.head;
            const bool in_parts = record.answer.size() > part_bytes_;
            auto ins = db.query(
                "INSERT INTO runs (run_id, framework, framework_key, requirement, account, "
                "regions, started_at, finished_at, status, complete, counts, catalog_version, "
                "tool_version, answer) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
                "$13, $14)",
                {h.run_id, h.framework, catalog::to_lower(h.framework), h.requirement, h.account,
                 join_commas(h.regions), h.started_at, h.finished_at, h.status,
                 std::string(h.complete ? "1" : "0"), h.counts, h.catalog_version, h.tool_version,
                 in_parts ? std::string() : record.answer});
            if (!ins) return unexpected(ins.error());
            if (in_parts) {
                const auto parts = split_utf8(record.answer, part_bytes_);
                for (std::size_t i = 0; i < parts.size(); ++i) {
                    auto part = db.query(
                        "INSERT INTO run_answer_parts (run_id, part, text) VALUES ($1, $2, $3)",
                        {h.run_id, std::to_string(i), std::string(parts[i])});
                    if (!part) return unexpected(part.error());
                }
            }
            for (std::size_t start = 0; start < record.evaluations.size(); start += kBatch) {
                const std::size_t end = std::min(record.evaluations.size(), start + kBatch);
                std::string sql =
                    "INSERT INTO evaluations (run_id, account, region, mapping_code, "
                    "resource_id, ordinal, status, muted, evidence) VALUES ";
                std::vector<Param> params;
                params.reserve((end - start) * 9);
                for (std::size_t i = start; i < end; ++i) {
                    const auto& e = record.evaluations[i];
                    const std::size_t base = params.size();
                    sql += i > start ? ", (" : "(";
                    for (std::size_t k = 1; k <= 9; ++k) {
                        sql += '$';
                        sql += std::to_string(base + k);
                        sql += k < 9 ? ", " : ")";
                    }
                    params.insert(params.end(), {h.run_id, e.account, e.region, e.mapping_code,
                                                 e.resource_id, std::to_string(e.ordinal), e.status,
                                                 std::string(e.muted ? "1" : "0"), e.evidence});
                }
                if (auto r = db.query(sql, params); !r) return unexpected(r.error());
            }
            return true;
        });
        if (!saved) return saved;
        if (keep_.runs > 0 || keep_.days > 0) {
            // The run is stored; a failed clean-up is for the log, not for the caller.
            if (auto pruned = prune_locked(**c, keep_); !pruned)
                log::warn("run store: RUNS_KEEP clean-up failed", {{"error", pruned.error()}});
        }
        return true;
    }

    Expected<RunPage, std::string> list(const RunQuery& q) override {
        std::lock_guard lock(mutex_);
        auto c = ready();
        if (!c) return unexpected(c.error());
        std::string sql = std::string("SELECT ") + kHeadColumns + " FROM runs WHERE 1 = 1";
        std::vector<Param> params;
        const auto where = [&](const char* clause, std::string value) {
            params.emplace_back(std::move(value));
            sql += std::string(" AND ") + clause + " $" + std::to_string(params.size());
        };
        if (!q.framework.empty()) where("framework_key =", catalog::to_lower(q.framework));
        if (!q.account.empty()) where("account =", q.account);
        if (!q.since.empty()) where("started_at >=", q.since);
        if (!q.status.empty()) where("status =", q.status);
        if (!q.before.empty()) where("run_id <", q.before);
        const std::size_t limit = std::clamp<std::size_t>(q.limit, 1, 1000);
        // One more than asked tells whether a next page exists.
        sql += " ORDER BY run_id DESC LIMIT " + std::to_string(limit + 1);
        auto rows = run(**c, sql, params);
        if (!rows) return unexpected(rows.error());
        RunPage page;
        for (const auto& r : *rows)
            page.runs.push_back(head_of(r));
        if (page.runs.size() > limit) {
            page.runs.resize(limit);
            page.next = page.runs.back().run_id;
        }
        if (q.oldest_first) std::reverse(page.runs.begin(), page.runs.end());
        return page;
    }

    Expected<std::optional<RunHead>, std::string> head(const std::string& run_id) override {
        std::lock_guard lock(mutex_);
        auto c = ready();
        if (!c) return unexpected(c.error());
        auto rows = run(**c, std::string("SELECT ") + kHeadColumns + " FROM runs WHERE run_id = $1",
                        {run_id});
        if (!rows) return unexpected(rows.error());
        if (rows->empty()) return std::optional<RunHead>{};
        return std::optional<RunHead>(head_of(rows->front()));
    }

    Expected<std::optional<std::string>, std::string> answer(const std::string& run_id) override {
        std::lock_guard lock(mutex_);
        auto c = ready();
        if (!c) return unexpected(c.error());
        auto rows = run(**c, "SELECT answer FROM runs WHERE run_id = $1", {run_id});
        if (!rows) return unexpected(rows.error());
        if (rows->empty()) return std::optional<std::string>{};
        std::string answer = text(rows->front(), 0);
        if (!answer.empty()) return std::optional<std::string>(std::move(answer));
        // Kept in parts (every stored answer is a JSON object, never empty).
        auto parts =
            run(**c, "SELECT text FROM run_answer_parts WHERE run_id = $1 ORDER BY part", {run_id});
        if (!parts) return unexpected(parts.error());
        for (const auto& row : *parts)
            answer += text(row, 0);
        return std::optional<std::string>(std::move(answer));
    }

    Expected<std::optional<std::string>, std::string> previous(const std::string& run_id) override {
        std::lock_guard lock(mutex_);
        auto c = ready();
        if (!c) return unexpected(c.error());
        // A run stopped half way would show everything it did not reach as resolved: the
        // previous run is the newest earlier complete one of the same scope.
        auto rows = run(**c,
                        "SELECT p.run_id FROM runs p, runs r WHERE r.run_id = $1 AND "
                        "p.framework_key = r.framework_key AND p.requirement = r.requirement AND "
                        "p.account = r.account AND p.run_id < r.run_id AND p.complete = 1 "
                        "ORDER BY p.run_id DESC LIMIT 1",
                        {run_id});
        if (!rows) return unexpected(rows.error());
        if (rows->empty()) return std::optional<std::string>{};
        return std::optional<std::string>(text(rows->front(), 0));
    }

    Expected<RunDiff, std::string> diff(const std::string& run_id,
                                        const std::string& against) override {
        std::lock_guard lock(mutex_);
        auto c = ready();
        if (!c) return unexpected(c.error());
        // Evaluations meet on their key; a side without the key is NULL. Unchanged rows that do
        // not fail are left to the database.
        auto rows = run(
            **c,
            "SELECT COALESCE(a.mapping_code, b.mapping_code), COALESCE(a.resource_id, "
            "b.resource_id), COALESCE(a.region, b.region), COALESCE(a.account, b.account), "
            "b.status, a.status, b.evidence, a.evidence FROM "
            "(SELECT * FROM evaluations WHERE run_id = $1) a FULL OUTER JOIN "
            "(SELECT * FROM evaluations WHERE run_id = $2) b ON a.mapping_code = b.mapping_code "
            "AND a.resource_id = b.resource_id AND a.region = b.region AND a.account = b.account "
            "AND a.ordinal = b.ordinal WHERE a.status IS DISTINCT FROM b.status OR "
            "a.status = 'NON_COMPLIANT' ORDER BY 1, 2, 3, 4",
            {run_id, against});
        if (!rows) return unexpected(rows.error());
        RunDiff d;
        d.run_id = run_id;
        d.against = against;
        for (const auto& r : *rows) {
            DiffItem item{text(r, 0),
                          text(r, 1),
                          text(r, 2),
                          text(r, 3),
                          r.size() > 6 ? r[6] : std::nullopt,
                          r.size() > 7 ? r[7] : std::nullopt};
            const std::string before = text(r, 4), after = text(r, 5);
            const bool failed_before = before == "NON_COMPLIANT";
            const bool fails_now = after == "NON_COMPLIANT";
            if (fails_now && failed_before)
                d.still_failing.push_back(std::move(item));
            else if (fails_now)
                d.new_failures.push_back(std::move(item));
            else if (failed_before && (after == "COMPLIANT" || !r[5]))
                d.resolved.push_back(std::move(item));
            else
                d.changed.push_back(std::move(item));
        }
        return d;
    }

    Expected<std::size_t, std::string> prune(const Retention& keep) override {
        std::lock_guard lock(mutex_);
        auto c = ready();
        if (!c) return unexpected(c.error());
        return prune_locked(**c, keep);
    }

    Expected<int, std::string> schema_version() override {
        std::lock_guard lock(mutex_);
        auto c = ready();
        if (!c) return unexpected(c.error());
        auto rows = run(**c, "SELECT MAX(version) FROM schema_migrations", {});
        if (!rows) return unexpected(rows.error());
        return rows->empty()
                   ? 0
                   : std::stoi(text(rows->front(), 0).empty() ? "0" : text(rows->front(), 0));
    }

    Expected<bool, std::string> put_record(const std::string& kind, const std::string& id,
                                           const std::string& expires_at,
                                           const std::string& body) override {
        std::lock_guard lock(mutex_);
        auto c = ready();
        if (!c) return unexpected(c.error());
        auto r = run(
            **c,
            "INSERT INTO records (kind, id, created_at, expires_at, body) VALUES ($1, $2, "
            "$3, $4, $5) ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body, "
            "expires_at = excluded.expires_at",
            {kind, id, aws::format_iso8601(std::chrono::system_clock::now()), expires_at, body});
        if (!r) return unexpected(r.error());
        return true;
    }

    Expected<std::optional<std::string>, std::string> get_record(const std::string& kind,
                                                                 const std::string& id) override {
        std::lock_guard lock(mutex_);
        auto c = ready();
        if (!c) return unexpected(c.error());
        auto rows = run(**c, "SELECT body FROM records WHERE kind = $1 AND id = $2", {kind, id});
        if (!rows) return unexpected(rows.error());
        if (rows->empty()) return std::optional<std::string>{};
        return std::optional<std::string>(text(rows->front(), 0));
    }

  private:
    // The connection, connected and migrated; a lost one is replaced. Called under mutex_.
    Expected<Connection*, std::string> ready() {
        if (conn_ && conn_->healthy()) return conn_.get();
        conn_.reset();
        auto c = connect_();
        if (!c) return unexpected(c.error());
        if (auto m = migrate(**c); !m) return unexpected("migration failed: " + m.error());
        conn_ = std::move(*c);
        return conn_.get();
    }

    Expected<bool, std::string> migrate(Connection& db) {
        // Replicas starting together: PostgreSQL serialises them on an advisory lock, SQLite on
        // its write lock (BEGIN IMMEDIATE).
        const bool pg = engine_ == "postgresql";
        if (pg) {
            if (auto l = db.script("SELECT pg_advisory_lock(7351901)"); !l) return l;
        }
        auto done = [&]() -> Expected<bool, std::string> {
            if (auto t = db.script("CREATE TABLE IF NOT EXISTS schema_migrations (version "
                                   "INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
                !t)
                return t;
            const auto& all = migrations();
            for (std::size_t v = 1; v <= all.size(); ++v) {
                auto ok = in_transaction(db, [&](Connection& tx) -> Expected<bool, std::string> {
                    auto have = tx.query("SELECT version FROM schema_migrations WHERE version = $1",
                                         {std::to_string(v)});
                    if (!have) return unexpected(have.error());
                    if (!have->empty()) return true;
                    if (auto s = tx.script(all[v - 1]); !s) return s;
                    auto mark = tx.query(
                        "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                        {std::to_string(v), aws::format_iso8601(std::chrono::system_clock::now())});
                    if (!mark) return unexpected(mark.error());
                    log::info("run store: migration applied",
                              {{"engine", engine_}, {"version", std::to_string(v)}});
                    return true;
                });
                if (!ok) return ok;
            }
            return true;
        }();
        if (pg) db.script("SELECT pg_advisory_unlock(7351901)");
        return done;
    }

    template <typename Body>
    Expected<bool, std::string> in_transaction(Connection& db, Body&& body) {
        if (auto b = db.script(engine_ == "sqlite" ? "BEGIN IMMEDIATE" : "BEGIN"); !b) return b;
        auto result = body(db);
        if (!result) {
            db.script("ROLLBACK");
            return result;
        }
        if (auto c = db.script("COMMIT"); !c) {
            db.script("ROLLBACK");
            return c;
        }
        return true;
    }

    Expected<std::vector<Row>, std::string> run(Connection& db, const std::string& sql,
                                                const std::vector<Param>& params) {
        // A lost connection is replaced by ready() on the next call.
        return db.query(sql, params);
    }

    Expected<std::size_t, std::string> prune_locked(Connection& db, const Retention& keep) {
        std::string condition;
        std::vector<Param> params;
        if (keep.runs > 0) {
            condition = "run_id NOT IN (SELECT run_id FROM runs ORDER BY run_id DESC LIMIT " +
                        std::to_string(keep.runs) + ")";
        } else if (keep.days > 0) {
            condition = "started_at < $1";
            params.emplace_back(aws::format_iso8601(std::chrono::system_clock::now() -
                                                    std::chrono::hours(24 * keep.days)));
        } else {
            return std::size_t{0};
        }
        std::size_t gone = 0;
        auto ok = in_transaction(db, [&](Connection& tx) -> Expected<bool, std::string> {
            auto ids = tx.query("SELECT run_id FROM runs WHERE " + condition, params);
            if (!ids) return unexpected(ids.error());
            gone = ids->size();
            if (gone == 0) return true;
            // Explicitly, not by cascade alone: SQLite cascades only with foreign_keys on.
            for (const char* table : {"evaluations", "run_answer_parts"}) {
                if (auto e = tx.query(std::string("DELETE FROM ") + table +
                                          " WHERE run_id IN (SELECT run_id FROM runs WHERE " +
                                          condition + ")",
                                      params);
                    !e)
                    return unexpected(e.error());
            }
            if (auto r = tx.query("DELETE FROM runs WHERE " + condition, params); !r)
                return unexpected(r.error());
            return true;
        });
        if (!ok) return unexpected(ok.error());
        return gone;
    }

    std::string engine_;
    std::string location_;
    Connect connect_;
    Retention keep_;
    std::size_t part_bytes_;
    std::mutex mutex_;
    std::unique_ptr<Connection> conn_;
};

}  // namespace

std::shared_ptr<RunStore> open_sqlite(const std::string& file, Retention keep,
                                      std::size_t answer_part_bytes) {
    return std::make_shared<SqlStore>(
        "sqlite", file, [file] { return connect_sqlite(file); }, keep, answer_part_bytes);
}

std::shared_ptr<RunStore> open_postgres(const std::string& url, Retention keep,
                                        std::size_t answer_part_bytes) {
    return std::make_shared<SqlStore>(
        "postgresql", redact_database_url(url), [url] { return connect_postgres(url); }, keep,
        answer_part_bytes);
}

std::shared_ptr<RunStore> open_store(const Settings& settings) {
    // Config validated RUNS_KEEP at start-up; a hand-built Settings keeps everything.
    const auto parsed = parse_retention(settings.runs_keep);
    const Retention keep = parsed ? *parsed : Retention{};
    if (!settings.database_url.empty()) return open_postgres(settings.database_url, keep);
    const std::string dir = settings.data_dir.empty() ? std::string("data") : settings.data_dir;
    return open_sqlite(dir + "/runs.sqlite3", keep);
}

}  // namespace dspm::store
