#pragma once
// Internal to the protocol layer: the embedded botocore-derived models (data/aws/models/*.json,
// written by scripts/gen_aws_models.py) and helpers shared by serialization and parsing.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "aws/protocol.hpp"

namespace dspm::aws {

struct ServiceModel {
    ServiceInfo info;
    std::string json_version;   // "1.0" / "1.1" for json
    std::string target_prefix;  // X-Amz-Target prefix for json
    std::string xml_namespace;
    boost::json::object operations;
    boost::json::object shapes;
};

namespace proto {

// A member reference ({"shape": ..., "locationName": ...}) resolved to its shape; the reference's
// own serialization traits win over the shape's (as in botocore).
struct Ref {
    const boost::json::object* ref = nullptr;    // may be null for the operation's top level
    const boost::json::object* shape = nullptr;  // never null once resolved
    std::string_view type() const;
    // Trait lookup: reference first, then the shape.
    const boost::json::value* trait(std::string_view key) const;
    std::string_view str_trait(std::string_view key) const;
    bool flag(std::string_view key) const;
};

std::optional<Ref> resolve(const ServiceModel& model, const boost::json::object& ref);
std::optional<Ref> resolve_shape(const ServiceModel& model, std::string_view shape_name);
const boost::json::object* find_operation(const ServiceModel& model, std::string_view operation);
// Element "member"/"key"/"value" of a list or map shape.
std::optional<Ref> child(const ServiceModel& model, const Ref& parent, std::string_view which);

std::string base64_encode(std::string_view data);
std::string md5_base64(std::string_view data);
std::string percent_encode(std::string_view text, bool keep_slash);

using TimePoint = std::chrono::sys_time<std::chrono::microseconds>;
// Accepts ISO 8601 (with Z or an offset, optional fraction), RFC 822 dates and epoch seconds.
std::optional<TimePoint> parse_timestamp(std::string_view text);
// The AWS CLI's rendering: 2024-01-02T03:04:05+00:00, with .ffffff only when non-zero.
std::string cli_timestamp(TimePoint tp);
std::string iso8601_z(TimePoint tp);  // 2024-01-02T03:04:05Z (request side)
std::string rfc822(TimePoint tp);     // Tue, 02 Jan 2024 03:04:05 GMT (headers)
std::optional<TimePoint> timestamp_from_json(const boost::json::value& v);

}  // namespace proto
}  // namespace dspm::aws
