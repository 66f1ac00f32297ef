// The PostgreSQL engine (DATABASE_URL): libpq, text parameters and results, one connection per
// store (the store serialises its calls). A lost server shows as an unhealthy connection, which
// the store replaces on its next call.
#include <libpq-fe.h>

#include "store/sql.hpp"

namespace dspm::store {
namespace {

struct PgFinish {
    void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgClear {
    void operator()(PGresult* r) const { PQclear(r); }
};

std::string trimmed(const char* message) {
    std::string s = message ? message : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

// Notices ("relation already exists, skipping") are not the user's business on stderr.
void quiet(void*, const char*) {}

class PgConnection final : public Connection {
  public:
    explicit PgConnection(std::unique_ptr<PGconn, PgFinish> conn) : conn_(std::move(conn)) {
        PQsetNoticeProcessor(conn_.get(), quiet, nullptr);
    }

    Expected<bool, std::string> script(std::string_view sql) override {
        const std::string text(sql);
        std::unique_ptr<PGresult, PgClear> r(PQexec(conn_.get(), text.c_str()));
        const auto status = PQresultStatus(r.get());
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            return unexpected("postgresql: " + trimmed(PQerrorMessage(conn_.get())));
        return true;
    }

    Expected<std::vector<Row>, std::string> query(std::string_view sql,
                                                  const std::vector<Param>& params) override {
        const std::string text(sql);
        std::vector<const char*> values;
        values.reserve(params.size());
        for (const auto& p : params)
            values.push_back(p ? p->c_str() : nullptr);
        std::unique_ptr<PGresult, PgClear> r(PQexecParams(conn_.get(), text.c_str(),
                                                          static_cast<int>(values.size()), nullptr,
                                                          values.data(), nullptr, nullptr, 0));
        const auto status = PQresultStatus(r.get());
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
            return unexpected("postgresql: " + trimmed(PQerrorMessage(conn_.get())));
        std::vector<Row> rows;
        const int n = PQntuples(r.get());
        const int columns = PQnfields(r.get());
        rows.reserve(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {
            Row row;
            row.reserve(static_cast<std::size_t>(columns));
            for (int c = 0; c < columns; ++c) {
                if (PQgetisnull(r.get(), i, c)) {
                    row.emplace_back(std::nullopt);
                    continue;
                }
                row.emplace_back(std::string(PQgetvalue(r.get(), i, c),
                                             static_cast<std::size_t>(PQgetlength(r.get(), i, c))));
            }
            rows.push_back(std::move(row));
        }
        return rows;
    }

    bool healthy() const override { return PQstatus(conn_.get()) == CONNECTION_OK; }

  private:
    std::unique_ptr<PGconn, PgFinish> conn_;
};

}  // namespace

Expected<std::unique_ptr<Connection>, std::string> connect_postgres(const std::string& url) {
    // The URL goes to libpq whole (expand_dbname): its password never passes through our logs.
    const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
    const char* values[] = {url.c_str(), "5", "dspm-audit", nullptr};
    std::unique_ptr<PGconn, PgFinish> conn(PQconnectdbParams(keys, values, 1));
    if (!conn) return unexpected(std::string("postgresql: out of memory"));
    if (PQstatus(conn.get()) != CONNECTION_OK)
        return unexpected("postgresql: cannot connect: " + trimmed(PQerrorMessage(conn.get())));
    return std::unique_ptr<Connection>(std::make_unique<PgConnection>(std::move(conn)));
}

}  // namespace dspm::store
