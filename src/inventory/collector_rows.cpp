#include "inventory/collector_rows.hpp"

#include <array>
#include <boost/json.hpp>
#include <string>

#include "aws/regions.hpp"

namespace dspm::inventory {
namespace {

namespace json = boost::json;

enum class Type { string_or_null, boolean, number, object_or_null };

struct Column {
    std::string_view name;
    Type type;
};

struct KindSchema {
    std::string_view kind;
    std::array<std::string_view, 2> id_columns;  // the first non-empty string names the resource
    std::array<Column, 4> columns;               // read by checks; empty names are unused slots
};

// The columns the checks read per kind (src/checks: 2.0-01..04, 4.0-03, 4.0-06, 9.0-01, 9.0-02).
constexpr KindSchema schemas[] = {
    {"s3-buckets",
     {"name", ""},
     {{{"server_side_encryption_configuration", Type::object_or_null}}}},
    {"rds-instances",
     {"db_instance_identifier", "name"},
     {{{"storage_encrypted", Type::boolean},
       {"multi_az", Type::boolean},
       {"backup_retention_period", Type::number},
       {"db_cluster_identifier", Type::string_or_null}}}},
    {"redshift-clusters", {"cluster_identifier", "name"}, {{{"encrypted", Type::boolean}}}},
    {"dynamodb-tables", {"name", "table_name"}, {{{"sse_description", Type::object_or_null}}}},
};

const char* type_name(Type t) {
    switch (t) {
        case Type::string_or_null:
            return "a string or null";
        case Type::boolean:
            return "a boolean";
        case Type::number:
            return "a number";
        case Type::object_or_null:
            return "an object or null";
    }
    return "?";
}

const char* kind_of(const json::value& v) {
    switch (v.kind()) {
        case json::kind::null:
            return "null";
        case json::kind::bool_:
            return "a boolean";
        case json::kind::int64:
        case json::kind::uint64:
        case json::kind::double_:
            return "a number";
        case json::kind::string:
            return "a string";
        case json::kind::array:
            return "an array";
        case json::kind::object:
            return "an object";
    }
    return "?";
}

bool has_type(const json::value& v, Type t) {
    switch (t) {
        case Type::string_or_null:
            return v.is_string() || v.is_null();
        case Type::boolean:
            return v.is_bool();
        case Type::number:
            return v.is_number();
        case Type::object_or_null:
            return v.is_object() || v.is_null();
    }
    return false;
}

std::string row_error(std::size_t i, const std::string& what) {
    return "row " + std::to_string(i) + ": " + what;
}

}  // namespace

CollectorResult sanitize_collector_rows(std::string_view kind, json::array rows,
                                        std::size_t max_rows) {
    if (rows.size() > max_rows)
        return unexpected("answered " + std::to_string(rows.size()) + " rows for " +
                          std::string(kind) +
                          ", more than COLLECTOR_MAX_ROWS=" + std::to_string(max_rows));
    const KindSchema* schema = nullptr;
    for (const auto& s : schemas)
        if (s.kind == kind) schema = &s;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (!rows[i].is_object()) return unexpected(row_error(i, "not a JSON object"));
        auto& row = rows[i].get_object();
        if (const auto* r = row.if_contains("region"); r != nullptr && !r->is_null()) {
            if (!r->is_string()) return unexpected(row_error(i, "\"region\" is not a string"));
            const std::string_view name = r->get_string();
            if (!name.empty() && !aws::valid_region_name(name))
                return unexpected(row_error(i, "invalid region \"" + aws::printable(name) + "\""));
        }
        if (schema == nullptr) continue;
        bool has_id = false;
        for (const auto id : schema->id_columns) {
            if (id.empty()) continue;
            const auto* v = row.if_contains(id);
            if (v != nullptr && v->is_string() && !v->get_string().empty()) has_id = true;
        }
        if (!has_id)
            return unexpected(
                row_error(i, "no resource id (" + std::string(schema->id_columns[0]) + ")"));
        json::array invalid;
        for (const auto& column : schema->columns) {
            if (column.name.empty()) continue;
            const auto* v = row.if_contains(column.name);
            if (v == nullptr || has_type(*v, column.type)) continue;
            invalid.emplace_back(std::string(column.name) + ": expected " + type_name(column.type) +
                                 ", got " + kind_of(*v));
            row.erase(column.name);
        }
        if (!invalid.empty()) row[invalid_columns_key] = std::move(invalid);
    }
    return rows;
}

}  // namespace dspm::inventory
