// 5.0-06 Glue Data Catalog schema: per region, every table of every database (GetDatabases, then
// GetTables per database) declares a column schema: StorageDescriptor.Columns is non-empty, or
// the columns come from the Glue Schema Registry (StorageDescriptor.SchemaReference).
// Judgement: the catalog's "matches the definition" needs a reference schema per table, which the
// audit does not have; what can be judged is that a schema is declared at all (a table without
// columns is the "missing" case of the catalog). Resource links (TargetDatabase/TargetTable)
// point at another catalog's objects and are noted, not judged. No tables -> SKIPPED.
#include <boost/json.hpp>
#include <mutex>
#include <string>
#include <vector>

#include "checks/detection_helpers.hpp"
#include "checks/network_helpers.hpp"

namespace dspm::checks {

namespace json = boost::json;

const Check& check_5_0_06_glue_catalog_schema() {
    static const net::FnCheck check(
        {"5.0-06", "Glue catalog schema", "Glue", "low", {"glue:GetDatabases", "glue:GetTables"}},
        [](const CheckInfo& info, inventory::Facts& facts, const CheckScope& scope) {
            constexpr const char* kField = "Declared column schema";
            net::Evals evals;
            std::vector<std::string> notes;
            std::mutex notes_mutex;
            auto note = [&](std::string n) {
                std::lock_guard lock(notes_mutex);
                notes.push_back(std::move(n));
            };
            for (const auto& region : scope.regions) {
                auto dbs = net::list_items(facts, scope, region, "Glue", "glue", "GetDatabases", {},
                                           "DatabaseList", "Database list", evals);
                if (!dbs) continue;
                std::vector<std::string> names;
                for (const auto& db : *dbs) {
                    const std::string name = string_at(db, "Name");
                    if (name.empty()) continue;
                    if (at_path(db, "TargetDatabase") != nullptr) {
                        note(name + " (" + region + "): resource link, not judged");
                        continue;
                    }
                    names.push_back(name);
                }
                auto judged =
                    net::per_resource(names.size(), scope.fanout, [&](std::size_t d) -> net::Evals {
                        auto doc = facts.aws_all_pages("glue", "GetTables",
                                                       {{"DatabaseName", names[d]}}, region);
                        if (!doc)
                            return {error_evaluation("Glue", names[d], kField, doc.error(), region,
                                                     scope.account)};
                        net::Evals out;
                        const auto& tables = detection::array_at(*doc, "TableList");
                        for (std::size_t i = 0; i < tables.size(); ++i) {
                            const auto& t = tables[i];
                            const std::string id = names[d] + "." + string_at(t, "Name");
                            if (at_path(t, "TargetTable") != nullptr) {
                                note(id + " (" + region + "): resource link, not judged");
                                continue;
                            }
                            json::object extra;
                            if (const auto* tt = at_path(t, "TableType"); tt != nullptr)
                                extra["TableType"] = *tt;
                            const auto* ref = at_path(t, "StorageDescriptor.SchemaReference");
                            const bool by_registry = !net::present_or_null(ref).is_null();
                            const std::string field = by_registry
                                                          ? "StorageDescriptor.SchemaReference"
                                                          : "StorageDescriptor.Columns";
                            json::value observed = net::present_or_null(at_path(t, field));
                            if (const auto* cols = at_path(t, "StorageDescriptor.Columns");
                                cols != nullptr && cols->is_array())
                                extra["columnCount"] = cols->get_array().size();
                            if (observed.is_null())
                                extra["note"] = at_path(t, "StorageDescriptor") == nullptr
                                                    ? "no StorageDescriptor"
                                                    : "no columns declared";
                            // Column lists can be long: their count is the evidence, not the list.
                            if (!by_registry && observed.is_array())
                                observed = observed.get_array().size();
                            out.push_back(
                                evaluate({"Glue", id, indexed("TableList", i, "." + field), kField,
                                          engine::Comparator::exists, nullptr, std::move(observed),
                                          engine::Source::aws_sdk, region, scope.account,
                                          std::move(extra)}));
                        }
                        return out;
                    });
                for (auto& e : judged)
                    evals.push_back(std::move(e));
            }
            notes.emplace_back(
                "the audit holds no reference schema per table: a declared, non-empty column "
                "schema is checked, not its match with a definition");
            return net::result(info, std::move(evals), "totalTables", "schemaDeclared",
                               "no Glue Data Catalog tables in the audited regions",
                               std::move(notes));
        });
    return check;
}

}  // namespace dspm::checks
