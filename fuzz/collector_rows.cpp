// The collector's row reader (sanitize_collector_rows in src/inventory/collector_rows.hpp): what
// a Resource Collector answer must be before its rows count as evidence. Input: the kind
// ("s3-buckets", "rds-instances", ...) on the first line, then the JSON answer. Properties of a
// sanitized list: every row is an object with a valid region (or none), a resource id where the
// kind has one, and only columns of the right JSON type.
#include "inventory/collector_rows.hpp"

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "aws/regions.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace dspm;
    auto text = fuzz::as_text(data, size);
    const std::string kind(fuzz::take_line(text));
    boost::system::error_code ec;
    auto doc = boost::json::parse(boost::json::string_view(text.data(), text.size()), ec);
    if (ec || !doc.is_array()) return 0;
    auto rows = inventory::sanitize_collector_rows(kind, std::move(doc.get_array()), 64);
    if (!rows) {
        if (rows.error().empty()) fuzz::broken("a refused answer without a reason");
        return 0;
    }
    if (rows->size() > 64) fuzz::broken("more rows than max_rows");
    for (const auto& row : *rows) {
        if (!row.is_object()) fuzz::broken("a row that is not an object");
        const auto& o = row.get_object();
        if (const auto* r = o.if_contains("region"); r && !r->is_null()) {
            if (!r->is_string()) fuzz::broken("a region that is not a string");
            if (!r->get_string().empty() && !aws::valid_region_name(r->get_string()))
                fuzz::broken("an invalid region kept");
        }
        const auto expect = [&](const char* column, bool (boost::json::value::*ok)() const noexcept,
                                bool null_ok) {
            if (const auto* v = o.if_contains(column))
                if (!((*v).*ok)() && !(null_ok && v->is_null()))
                    fuzz::broken("a column of the wrong type kept");
        };
        if (kind == "rds-instances") {
            expect("storage_encrypted", &boost::json::value::is_bool, false);
            expect("multi_az", &boost::json::value::is_bool, false);
            expect("backup_retention_period", &boost::json::value::is_number, false);
            expect("db_cluster_identifier", &boost::json::value::is_string, true);
        } else if (kind == "s3-buckets") {
            expect("server_side_encryption_configuration", &boost::json::value::is_object, true);
        } else if (kind == "redshift-clusters") {
            expect("encrypted", &boost::json::value::is_bool, false);
        } else if (kind == "dynamodb-tables") {
            expect("sse_description", &boost::json::value::is_object, true);
        }
    }
    return 0;
}
