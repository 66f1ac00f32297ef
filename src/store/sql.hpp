#pragma once
// The little the run store needs of a database: statements with text parameters ($1, $2, ...:
// both engines read that spelling), rows of nullable text, and transactions. Each engine
// (sqlite.cpp, postgres.cpp) implements it; sql_store.cpp writes the store once on top of it.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.hpp"

namespace dspm::store {

using Param = std::optional<std::string>;  // nullopt: SQL NULL
using Row = std::vector<std::optional<std::string>>;

class Connection {
  public:
    virtual ~Connection() = default;
    // Statements without parameters, separated by ';' (migrations).
    virtual Expected<bool, std::string> script(std::string_view sql) = 0;
    virtual Expected<std::vector<Row>, std::string> query(std::string_view sql,
                                                          const std::vector<Param>& params) = 0;
    // False after the server went away: the store reconnects on the next call.
    virtual bool healthy() const = 0;
};

// The engines. Errors are sentences naming the engine and what failed, never a password.
Expected<std::unique_ptr<Connection>, std::string> connect_sqlite(const std::string& file);
Expected<std::unique_ptr<Connection>, std::string> connect_postgres(const std::string& url);

// The versioned migrations, in order: version i+1 is migrations()[i]. Plain SQL both engines run.
const std::vector<std::string_view>& migrations();

}  // namespace dspm::store
