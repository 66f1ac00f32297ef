// The SQLite engine: one file in DATA_DIR, WAL journal (readers never wait for the writer),
// foreign keys on (evaluations go with their run), a busy timeout for the CLI and a server
// writing the same file.
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "store/sql.hpp"

namespace dspm::store {
namespace {

// The store's SQL spells parameters $1, $2, ... (PostgreSQL's way). SQLite reads "$1" as a named
// parameter and "?1" as a numbered one, and either way looks each up by a linear search of the
// statement's parameters while parsing and binding: a 1,800-parameter batch insert spent most of
// a run's save there. So each $N becomes an anonymous "?" (numbered by position, no search), and
// `order` says which $N the k-th "?" stands for. Quoted literals and identifiers are left alone.
struct Positional {
    std::string sql;
    std::vector<std::size_t> order;  // 1-based $N of each "?", in order
};

Positional positional_parameters(std::string_view sql) {
    Positional out;
    out.sql.reserve(sql.size());
    char quote = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (quote != 0) {
            if (c == quote) quote = 0;  // a doubled quote reopens at once: same result
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
            std::size_t n = 0;
            while (i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9')
                n = n * 10 + static_cast<std::size_t>(sql[++i] - '0');
            out.sql += '?';
            out.order.push_back(n);
            continue;
        }
        out.sql += c;
    }
    return out;
}

struct DbClose {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

class SqliteConnection final : public Connection {
  public:
    explicit SqliteConnection(std::unique_ptr<sqlite3, DbClose> db) : db_(std::move(db)) {}

    Expected<bool, std::string> script(std::string_view sql) override {
        char* message = nullptr;
        const std::string text(sql);
        if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
            std::string why = message ? message : sqlite3_errmsg(db_.get());
            sqlite3_free(message);
            return unexpected("sqlite: " + why);
        }
        return true;
    }

    Expected<std::vector<Row>, std::string> query(std::string_view sql,
                                                  const std::vector<Param>& params) override {
        Positional text = positional_parameters(sql);
        // Prepared once per distinct text (a run's full insert batches share one).
        auto it = statements_.find(text.sql);
        if (it == statements_.end()) {
            sqlite3_stmt* raw = nullptr;
            if (sqlite3_prepare_v2(db_.get(), text.sql.data(), static_cast<int>(text.sql.size()),
                                   &raw, nullptr) != SQLITE_OK)
                return unexpected(error("prepare"));
            if (statements_.size() >= kept_statements) statements_.clear();
            it = statements_.emplace(std::move(text.sql), Statement(raw)).first;
        }
        sqlite3_stmt* stmt = it->second.get();
        // Reset when done (also on failure): a statement left mid-step keeps its read snapshot.
        struct Reset {
            sqlite3_stmt* s;
            ~Reset() {
                sqlite3_reset(s);
                sqlite3_clear_bindings(s);
            }
        } reset{stmt};
        for (std::size_t k = 0; k < text.order.size(); ++k) {
            const int index = static_cast<int>(k + 1);
            const std::size_t n = text.order[k];
            // The values outlive the statement's use of them: bound without a copy.
            const int rc =
                n >= 1 && n <= params.size() && params[n - 1]
                    ? sqlite3_bind_text(stmt, index, params[n - 1]->data(),
                                        static_cast<int>(params[n - 1]->size()), SQLITE_STATIC)
                    : sqlite3_bind_null(stmt, index);
            if (rc != SQLITE_OK) return unexpected(error("bind"));
        }
        std::vector<Row> rows;
        const int columns = sqlite3_column_count(stmt);
        for (;;) {
            const int rc = sqlite3_step(stmt);
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) return unexpected(error("step"));
            Row row;
            row.reserve(static_cast<std::size_t>(columns));
            for (int c = 0; c < columns; ++c) {
                if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
                    row.emplace_back(std::nullopt);
                    continue;
                }
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
                const int n = sqlite3_column_bytes(stmt, c);
                std::string value;
                if (text != nullptr && n > 0) value.assign(text, text + n);
                row.emplace_back(std::move(value));
            }
            rows.push_back(std::move(row));
        }
        return rows;
    }

    bool healthy() const override { return true; }

  private:
    std::string error(const char* step) const {
        return std::string("sqlite ") + step + ": " + sqlite3_errmsg(db_.get());
    }
    using Statement = std::unique_ptr<sqlite3_stmt, StmtFinalize>;
    static constexpr std::size_t kept_statements = 64;
    std::unique_ptr<sqlite3, DbClose> db_;
    // Declared after db_: finalized before the database closes.
    std::map<std::string, Statement, std::less<>> statements_;
};

}  // namespace

Expected<std::unique_ptr<Connection>, std::string> connect_sqlite(const std::string& file) {
    std::error_code ec;
    const auto dir = std::filesystem::path(file).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    if (ec) return unexpected("sqlite: cannot create " + dir.string() + ": " + ec.message());
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(
        file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
        nullptr);
    std::unique_ptr<sqlite3, DbClose> db(raw);
    if (rc != SQLITE_OK)
        return unexpected("sqlite: cannot open " + file + ": " +
                          (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    sqlite3_busy_timeout(db.get(), 10000);
    auto connection = std::make_unique<SqliteConnection>(std::move(db));
    if (auto ok = connection->script("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                                     "PRAGMA synchronous=NORMAL");
        !ok)
        return unexpected("sqlite: cannot use " + file + ": " + ok.error());
    return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace dspm::store
