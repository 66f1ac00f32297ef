// The SQLite engine: one file in DATA_DIR, WAL journal (readers never wait for the writer),
// foreign keys on (evaluations go with their run), a busy timeout for the CLI and a server
// writing the same file.
#include <sqlite3.h>

#include <filesystem>

#include "store/sql.hpp"

namespace dspm::store {
namespace {

// $N → ?N outside quoted literals and identifiers (the store binds every value, so its SQL has
// no '$' of its own in either; the scan is there so that one added later stays as written).
std::string numbered_parameters(std::string_view sql) {
    std::string out(sql);
    char quote = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const char c = out[i];
        if (quote != 0) {
            if (c == quote) quote = 0;  // a doubled quote reopens at once: same result
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '$' && i + 1 < out.size() && out[i + 1] >= '0' && out[i + 1] <= '9') {
            out[i] = '?';
        }
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
        // "$1" is a named parameter to SQLite, found by a linear search of the statement's names:
        // a 1,800-parameter batch insert spent most of a run's save there. As "?1" it is
        // parameter number 1, bound by index (a repeated ?1 is still one parameter).
        const std::string text = numbered_parameters(sql);
        sqlite3_stmt* raw = nullptr;
        if (sqlite3_prepare_v2(db_.get(), text.data(), static_cast<int>(text.size()), &raw,
                               nullptr) != SQLITE_OK)
            return unexpected(error("prepare"));
        std::unique_ptr<sqlite3_stmt, StmtFinalize> stmt(raw);
        const auto count = static_cast<std::size_t>(sqlite3_bind_parameter_count(stmt.get()));
        for (std::size_t i = 0; i < params.size() && i < count; ++i) {
            const int index = static_cast<int>(i + 1);
            const int rc =
                params[i] ? sqlite3_bind_text(stmt.get(), index, params[i]->data(),
                                              static_cast<int>(params[i]->size()), SQLITE_STATIC)
                          : sqlite3_bind_null(stmt.get(), index);
            if (rc != SQLITE_OK) return unexpected(error("bind"));
        }
        std::vector<Row> rows;
        const int columns = sqlite3_column_count(stmt.get());
        for (;;) {
            const int rc = sqlite3_step(stmt.get());
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) return unexpected(error("step"));
            Row row;
            row.reserve(static_cast<std::size_t>(columns));
            for (int c = 0; c < columns; ++c) {
                if (sqlite3_column_type(stmt.get(), c) == SQLITE_NULL) {
                    row.emplace_back(std::nullopt);
                    continue;
                }
                const auto* text =
                    reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), c));
                const int n = sqlite3_column_bytes(stmt.get(), c);
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
    std::unique_ptr<sqlite3, DbClose> db_;
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
