// HTTP answer → output document or WireError. XML answers are converted by the output shape so
// that paths read like the AWS CLI's JSON (member names, lists as arrays, typed scalars); JSON
// answers are passed through, with timestamps rendered as the CLI does. A 2xx answer that is not
// the operation's document (root element, result wrapper, JSON object) is MalformedResponse.
#include <boost/json/parse.hpp>
#include <cctype>
#include <charconv>
#include <optional>
#include <pugixml.hpp>
#include <set>
#include <string>

#include "aws/model.hpp"

namespace dspm::aws {
namespace json = boost::json;
using proto::Ref;

namespace {

constexpr std::string_view malformed_code = "MalformedResponse";

std::string_view local_name(const pugi::xml_node& n) {
    std::string_view name = n.name();
    if (auto colon = name.find(':'); colon != std::string_view::npos) name.remove_prefix(colon + 1);
    return name;
}

pugi::xml_node child_named(const pugi::xml_node& parent, std::string_view name) {
    for (auto c : parent.children())
        if (c.type() == pugi::node_element && local_name(c) == name) return c;
    return {};
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

std::string_view wire_name(const Ref& r, std::string_view member_name) {
    auto n = r.str_trait("locationName");
    return n.empty() ? member_name : n;
}

// Epoch seconds of the years 1-9999. proto::parse_timestamp and timestamp_from_json cast epoch
// seconds to microseconds without a range check (UB for 1e30, found by fuzz/aws_response.cpp), so
// an epoch outside this range is kept as the wire gave it instead of being converted.
bool epoch_in_range(double seconds) {
    return seconds >= -62135596800.0 && seconds < 253402300800.0;
}

bool epoch_text_in_range(std::string_view text) {
    const auto t = trim(text);
    double d = 0;
    const auto res = std::from_chars(t.data(), t.data() + t.size(), d);
    if (res.ec == std::errc::result_out_of_range) return false;
    return res.ec != std::errc{} || res.ptr != t.data() + t.size() || epoch_in_range(d);
}

// Text of a scalar as the shape's type; text that does not fit the type stays a string.
json::value scalar(const Ref& r, std::string_view text) {
    auto type = r.type();
    if (type == "boolean") {
        auto t = trim(text);
        if (t == "true") return true;
        if (t == "false") return false;
    } else if (type == "integer" || type == "long") {
        auto t = trim(text);
        std::int64_t n = 0;
        auto res = std::from_chars(t.data(), t.data() + t.size(), n);
        if (!t.empty() && res.ec == std::errc{} && res.ptr == t.data() + t.size()) return n;
        if (t.empty()) return nullptr;
    } else if (type == "double" || type == "float") {
        auto t = trim(text);
        double d = 0;
        auto res = std::from_chars(t.data(), t.data() + t.size(), d);
        if (!t.empty() && res.ec == std::errc{} && res.ptr == t.data() + t.size()) return d;
        if (t.empty()) return nullptr;
    } else if (type == "timestamp" && epoch_text_in_range(text)) {
        if (auto tp = proto::parse_timestamp(text)) return json::value(proto::cli_timestamp(*tp));
    }
    return json::value(json::string_view(text.data(), text.size()));
}

// An element the model does not describe: kept, as text or as an object of its children.
json::value generic(const pugi::xml_node& node) {
    bool has_elements = false;
    for (auto c : node.children())
        if (c.type() == pugi::node_element) has_elements = true;
    if (!has_elements) return json::value(node.text().get());
    json::object out;
    for (auto c : node.children()) {
        if (c.type() != pugi::node_element) continue;
        std::string name(local_name(c));
        auto v = generic(c);
        if (auto* existing = out.if_contains(name)) {
            if (!existing->is_array()) {
                json::array a;
                a.push_back(std::move(*existing));
                *existing = std::move(a);
            }
            existing->as_array().push_back(std::move(v));
        } else {
            out[name] = std::move(v);
        }
    }
    return out;
}

json::value from_xml(const ServiceModel& model, const Ref& r, const pugi::xml_node& node);

json::object map_entries(const ServiceModel& model, const Ref& r,
                         const std::vector<pugi::xml_node>& entries) {
    json::object out;
    auto key_ref = proto::child(model, r, "key");
    auto value_ref = proto::child(model, r, "value");
    if (!key_ref || !value_ref) return out;
    auto kn = key_ref->str_trait("locationName");
    auto vn = value_ref->str_trait("locationName");
    for (const auto& entry : entries) {
        auto k = child_named(entry, kn.empty() ? "key" : kn);
        auto v = child_named(entry, vn.empty() ? "value" : vn);
        if (!k) continue;
        out[k.text().get()] = v ? from_xml(model, *value_ref, v) : json::value(nullptr);
    }
    return out;
}

json::object structure_from_xml(const ServiceModel& model, const Ref& r,
                                const pugi::xml_node& node) {
    json::object out;
    std::set<std::string, std::less<>> consumed;
    const auto* members = r.shape->if_contains("members");
    if (members && members->is_object()) {
        for (const auto& [name, mref] : members->as_object()) {
            auto mr = proto::resolve(model, mref.as_object());
            if (!mr || !mr->str_trait("location").empty()) continue;
            auto wire = wire_name(*mr, name);
            if (mr->flag("xmlAttribute")) {
                if (auto attr = node.attribute(std::string(wire).c_str()))
                    out[name] = scalar(*mr, attr.value());
                continue;
            }
            auto type = mr->type();
            if (type == "list" && mr->flag("flattened")) {
                auto member = proto::child(model, *mr, "member");
                if (!member) continue;
                auto item_name = member->str_trait("locationName");
                if (item_name.empty()) item_name = wire;
                json::array items;
                for (auto c : node.children())
                    if (c.type() == pugi::node_element && local_name(c) == item_name)
                        items.push_back(from_xml(model, *member, c));
                consumed.emplace(item_name);
                if (!items.empty()) out[name] = std::move(items);
            } else if (type == "map" && mr->flag("flattened")) {
                std::vector<pugi::xml_node> entries;
                for (auto c : node.children())
                    if (c.type() == pugi::node_element && local_name(c) == wire)
                        entries.push_back(c);
                consumed.emplace(wire);
                if (!entries.empty()) out[name] = map_entries(model, *mr, entries);
            } else if (auto c = child_named(node, wire)) {
                consumed.emplace(wire);
                out[name] = from_xml(model, *mr, c);
            }
        }
    }
    for (auto c : node.children()) {
        if (c.type() != pugi::node_element) continue;
        auto name = local_name(c);
        // requestId / ResponseMetadata are transport details the AWS CLI does not print either.
        if (consumed.count(name) || name == "requestId" || name == "ResponseMetadata") continue;
        std::string key(name);
        if (!out.contains(key)) out[key] = generic(c);
    }
    return out;
}

json::value from_xml(const ServiceModel& model, const Ref& r, const pugi::xml_node& node) {
    auto type = r.type();
    if (type == "structure") return structure_from_xml(model, r, node);
    if (type == "list") {
        json::array out;
        auto member = proto::child(model, r, "member");
        for (auto c : node.children())
            if (c.type() == pugi::node_element)
                out.push_back(member ? from_xml(model, *member, c) : generic(c));
        return out;
    }
    if (type == "map") {
        std::vector<pugi::xml_node> entries;
        for (auto c : node.children())
            if (c.type() == pugi::node_element) entries.push_back(c);
        return map_entries(model, r, entries);
    }
    return scalar(r, node.text().get());
}

// JSON answers: keys from wire names to member names, timestamps as the CLI prints them.
json::value from_json(const ServiceModel& model, const Ref& r, const json::value& v) {
    auto type = r.type();
    if (type == "structure" && v.is_object()) {
        const auto* members = r.shape->if_contains("members");
        if (!members || !members->is_object()) return v;
        json::object out;
        std::set<std::string, std::less<>> known;
        for (const auto& [name, mref] : members->as_object()) {
            auto mr = proto::resolve(model, mref.as_object());
            if (!mr || !mr->str_trait("location").empty()) continue;
            auto wire = wire_name(*mr, name);
            known.emplace(wire);
            if (const auto* mv = v.get_object().if_contains(wire))
                out[name] = from_json(model, *mr, *mv);
        }
        for (const auto& [k, val] : v.get_object())
            if (!known.count(std::string_view(k)) && !out.contains(k)) out[k] = val;
        return out;
    }
    if (type == "list" && v.is_array()) {
        auto member = proto::child(model, r, "member");
        if (!member) return v;
        json::array out;
        for (const auto& item : v.get_array())
            out.push_back(from_json(model, *member, item));
        return out;
    }
    if (type == "map" && v.is_object()) {
        auto value_ref = proto::child(model, r, "value");
        if (!value_ref) return v;
        json::object out;
        for (const auto& [k, val] : v.get_object())
            out[k] = from_json(model, *value_ref, val);
        return out;
    }
    if (type == "timestamp" && (!v.is_number() || epoch_in_range(v.to_number<double>())) &&
        (!v.is_string() || epoch_text_in_range(v.get_string())))
        if (auto tp = proto::timestamp_from_json(v)) return json::value(proto::cli_timestamp(*tp));
    return v;
}

std::string status_code_name(int status) {
    switch (status) {
        case 301:
            return "PermanentRedirect";
        case 302:
            return "Found";
        case 304:
            return "NotModified";
        case 307:
            return "TemporaryRedirect";
        case 400:
            return "BadRequest";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "NotFound";
        case 405:
            return "MethodNotAllowed";
        case 409:
            return "Conflict";
        case 412:
            return "PreconditionFailed";
        case 413:
            return "RequestEntityTooLarge";
        case 429:
            return "TooManyRequests";
        case 500:
            return "InternalError";
        case 501:
            return "NotImplemented";
        case 502:
            return "BadGateway";
        case 503:
            return "ServiceUnavailable";
        case 504:
            return "GatewayTimeout";
        default:
            return "Http" + std::to_string(status);
    }
}

// "com.amazon.coral#AccessDeniedException:http://..." → "AccessDeniedException".
std::string clean_code(std::string_view code) {
    if (auto colon = code.find(':'); colon != std::string_view::npos) code = code.substr(0, colon);
    if (auto hash = code.rfind('#'); hash != std::string_view::npos) code.remove_prefix(hash + 1);
    return std::string(trim(code));
}

std::string request_id_from(const net::Headers& headers) {
    for (auto name : {"x-amzn-RequestId", "x-amz-request-id", "x-amzn-request-id"})
        if (auto v = net::find_header(headers, name)) return *v;
    return {};
}

WireError parse_error(const ServiceModel& model, int status, const net::Headers& headers,
                      std::string_view raw) {
    WireError err;
    err.request_id = request_id_from(headers);
    auto body = trim(raw);
    std::string body_code;
    if (!body.empty() && body.front() == '<') {
        pugi::xml_document doc;
        if (doc.load_buffer(body.data(), body.size())) {
            auto root = doc.document_element();
            pugi::xml_node error = local_name(root) == "Error" ? root : pugi::xml_node{};
            if (!error)
                error = root.find_node([](const pugi::xml_node& n) {
                    return n.type() == pugi::node_element && local_name(n) == "Error";
                });
            if (error) {
                body_code = trim(child_named(error, "Code").text().get());
                err.message = trim(child_named(error, "Message").text().get());
            }
            for (auto holder : {root, error}) {
                if (!holder || !err.request_id.empty()) continue;
                for (auto name : {"RequestId", "RequestID"})
                    if (auto id = child_named(holder, name); id && err.request_id.empty())
                        err.request_id = trim(id.text().get());
            }
        }
    } else if (!body.empty() && body.front() == '{') {
        std::error_code ec;
        auto doc = json::parse(json::string_view(body.data(), body.size()), ec);
        if (!ec && doc.is_object()) {
            const auto& o = doc.as_object();
            for (auto key : {"__type", "code", "Code"}) {
                if (const auto* v = o.if_contains(key); v && v->is_string() && body_code.empty())
                    body_code = v->get_string();
            }
            for (auto key : {"message", "Message", "errorMessage"}) {
                if (const auto* v = o.if_contains(key); v && v->is_string() && err.message.empty())
                    err.message = v->get_string();
            }
        }
    } else if (!body.empty()) {
        err.message = std::string(body.substr(0, 300));
    }
    // The AWS SDKs prefer the header on rest-json; elsewhere it only fills a gap. SQS (JSON with
    // query compatibility) names its query-era code in x-amzn-query-error.
    auto header_code = net::find_header(headers, "X-Amzn-ErrorType");
    std::string code = clean_code(body_code);
    if (header_code && (code.empty() || model.info.protocol == "rest-json"))
        code = clean_code(*header_code);
    if (auto q = net::find_header(headers, "x-amzn-query-error"); q && !q->empty())
        code = std::string(trim(std::string_view(*q).substr(0, q->find(';'))));
    err.code = code.empty() ? status_code_name(status) : code;
    return err;
}

WireError malformed(std::string message, const net::Headers& headers) {
    return WireError{std::string(malformed_code), std::move(message), request_id_from(headers)};
}

// ---- answers that are not what they claim ----
// A 2xx answer must be the operation's document: a proxy's or captive portal's HTML page, an
// empty body or a stray `<ok/>` read as "no resources" would let a check pass on nothing.

std::string label(const ServiceModel& model, std::string_view operation) {
    return model.info.name + ":" + std::string(operation);
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) !=
            std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
}

bool looks_like_html(std::string_view trimmed) {
    return starts_with_nocase(trimmed, "<!doctype html") || starts_with_nocase(trimmed, "<html");
}

// The start of a body, printable, for a message.
std::string excerpt(std::string_view text, std::size_t max = 60) {
    std::string out;
    for (std::size_t i = 0; i < text.size() && out.size() < max; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        out += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : (std::isspace(c) ? ' ' : '?');
    }
    if (text.size() > max) out += "...";
    return out;
}

// What a body that is not the expected document is, for "expected X, got Y".
std::string describe_body(std::string_view body) {
    const auto t = trim(body);
    if (t.empty()) return "an empty body";
    if (looks_like_html(t)) return "an HTML page (\"" + excerpt(t) + "\")";
    return "\"" + excerpt(t) + "\"";
}

std::string element_name(const pugi::xml_node& n) {
    std::string out(1, '<');
    out += excerpt(local_name(n), 80);
    out += '>';
    return out;
}

bool is_error_root(std::string_view name) {
    return name == "Error" || name == "ErrorResponse";
}

// Loads an XML answer into `doc` and checks its root element: `expected` names it; empty: any
// element but an HTML page or an error document.
std::optional<WireError> load_xml(pugi::xml_document& doc, const ServiceModel& model,
                                  std::string_view operation, std::string_view body,
                                  std::string_view expected, const net::Headers& headers,
                                  std::string_view alt = {}) {
    const auto fail = [&](const std::string& got) {
        return malformed(label(model, operation) + ": expected " +
                             (expected.empty() ? std::string("an XML document")
                                               : "<" + std::string(expected) + ">") +
                             ", got " + got,
                         headers);
    };
    const auto t = trim(body);
    if (t.empty()) return fail("an empty body");
    auto res = doc.load_buffer(body.data(), body.size());
    if (!res) {
        if (looks_like_html(t)) return fail(describe_body(t));
        return fail(std::string("invalid XML (") + res.description() + ") " + describe_body(t));
    }
    const auto root = doc.document_element();
    if (!root) return fail("no XML element " + describe_body(t));
    const auto name = local_name(root);
    const bool html = name.size() == 4 && starts_with_nocase(name, "html");
    if (expected.empty() ? !is_error_root(name) && !html
                         : name == expected || (!alt.empty() && name == alt))
        return std::nullopt;
    std::string got = element_name(root);
    if (is_error_root(name)) {
        const auto e = parse_error(model, 200, headers, body);
        got += " (an error document: " + excerpt(e.code, 80) +
               (e.message.empty() ? "" : ": " + excerpt(e.message, 120)) + ")";
    } else if (html) {
        got += " (an HTML page)";
    }
    return fail(got);
}

// S3 roots botocore's JSON model leaves unnamed (Smithy's @xmlName on the output structure; the
// unwrapped GetBucketLocation botocore fixes in a handler), as AWS documents them; `alt` is the
// name moto answers where it differs. Other unnamed rest-xml operations accept any XML element.
struct KnownRoot {
    std::string_view operation, root, alt;
};
constexpr KnownRoot kS3Roots[] = {
    {"ListBuckets", "ListAllMyBucketsResult", {}},
    {"GetBucketLocation", "LocationConstraint", {}},
    {"ListObjectsV2", "ListBucketResult", {}},
    {"GetBucketAcl", "AccessControlPolicy", {}},
    {"GetBucketLogging", "BucketLoggingStatus", {}},
    {"GetBucketLifecycleConfiguration", "LifecycleConfiguration", {}},
    {"GetBucketVersioning", "VersioningConfiguration", "GetBucketVersioningResponse"},
    {"GetBucketNotificationConfiguration", "NotificationConfiguration",
     "GetBucketNotificationResponse"},
};

// The root element a rest-xml answer without a payload member must have (and an alternative
// spelling); empty: not known, any element.
std::pair<std::string_view, std::string_view> rest_xml_root(const ServiceModel& model,
                                                            std::string_view operation,
                                                            const Ref& output) {
    if (auto n = output.str_trait("locationName"); !n.empty()) return {n, {}};
    if (model.info.name == "s3")
        for (const auto& k : kS3Roots)
            if (k.operation == operation) return {k.root, k.alt};
    return {};
}

// Members carried in the body (not bound to headers, the status code or the URI).
bool has_body_members(const ServiceModel& model, const Ref& output) {
    const auto* members = output.shape->if_contains("members");
    if (!members || !members->is_object()) return false;
    for (const auto& [name, mref] : members->as_object()) {
        if (!mref.is_object()) continue;
        auto mr = proto::resolve(model, mref.as_object());
        if (mr && mr->str_trait("location").empty()) return true;
    }
    return false;
}

std::string_view json_kind(const json::value& v) {
    switch (v.kind()) {
        case json::kind::null:
            return "null";
        case json::kind::bool_:
            return "a boolean";
        case json::kind::array:
            return "an array";
        case json::kind::string:
            return "a string";
        case json::kind::object:
            return "an object";
        default:
            return "a number";
    }
}

// rest-*: members bound to headers and the status code.
void add_http_members(const ServiceModel& model, const Ref& output, int status,
                      const net::Headers& headers, json::object& out) {
    const auto* members = output.shape->if_contains("members");
    if (!members || !members->is_object()) return;
    for (const auto& [name, mref] : members->as_object()) {
        auto mr = proto::resolve(model, mref.as_object());
        if (!mr) continue;
        auto location = mr->str_trait("location");
        auto wire = wire_name(*mr, name);
        if (location == "header") {
            if (auto v = net::find_header(headers, wire)) out[name] = scalar(*mr, *v);
        } else if (location == "headers") {
            json::object map;
            for (const auto& [k, v] : headers) {
                if (k.size() < wire.size()) continue;
                std::string_view ks(k);
                bool match = true;
                for (std::size_t i = 0; i < wire.size(); ++i)
                    match = match && std::tolower(static_cast<unsigned char>(ks[i])) ==
                                         std::tolower(static_cast<unsigned char>(wire[i]));
                if (match) map[ks.substr(wire.size())] = v;
            }
            if (!map.empty()) out[name] = std::move(map);
        } else if (location == "statusCode") {
            out[name] = status;
        }
    }
}

Expected<json::value, WireError> parse_xml_body(const ServiceModel& model,
                                                std::string_view operation, const Ref& output,
                                                std::string_view body, const net::Headers& headers,
                                                std::string_view result_wrapper,
                                                std::string_view protocol, json::object& out) {
    pugi::xml_document doc;
    const bool rest = protocol == "rest-xml";
    const std::string response_root = std::string(operation) + "Response";
    const auto [expected, alt] =
        rest ? rest_xml_root(model, operation, output)
             : std::pair<std::string_view, std::string_view>{response_root, {}};
    if (rest && trim(body).empty() && !has_body_members(model, output))
        return json::value(std::move(out));
    if (auto err = load_xml(doc, model, operation, body, expected, headers, alt))
        return unexpected(std::move(*err));
    auto root = doc.document_element();
    if (protocol == "query") {
        pugi::xml_node result = root;
        if (!result_wrapper.empty()) {
            result = child_named(root, result_wrapper);
            if (!result)
                return unexpected(malformed(label(model, operation) + ": expected <" +
                                                std::string(result_wrapper) + "> in " +
                                                element_name(root) + ", got none",
                                            headers));
        }
        auto converted = structure_from_xml(model, output, result);
        for (auto& [k, v] : converted)
            out[k] = std::move(v);
        return json::value(std::move(out));
    }
    if (rest) {
        // GetBucketLocation answers <LocationConstraint>eu-west-1</LocationConstraint>: the root
        // element is the member itself.
        const auto* members = output.shape->if_contains("members");
        if (members && members->is_object()) {
            for (const auto& [name, mref] : members->as_object()) {
                auto mr = proto::resolve(model, mref.as_object());
                if (!mr || !mr->str_trait("location").empty() || mr->type() == "structure" ||
                    mr->type() == "list" || mr->type() == "map")
                    continue;
                if (wire_name(*mr, name) == local_name(root) && !child_named(root, name)) {
                    std::string_view text = root.text().get();
                    out[name] = text.empty() ? json::value(nullptr) : scalar(*mr, text);
                    return json::value(std::move(out));
                }
            }
        }
    }
    auto converted = structure_from_xml(model, output, root);
    for (auto& [k, v] : converted)
        out[k] = std::move(v);
    return json::value(std::move(out));
}

// A JSON answer must be an object; an empty body only where the output has nothing in the body
// (botocore reads any empty body as {}, which would turn a truncated answer into "nothing there").
Expected<json::value, WireError> parse_json_text(const ServiceModel& model,
                                                 std::string_view operation, std::string_view body,
                                                 const net::Headers& headers, bool empty_ok) {
    const auto fail = [&](const std::string& got) {
        return unexpected(
            malformed(label(model, operation) + ": expected a JSON object, got " + got, headers));
    };
    auto t = trim(body);
    // An operation without output may answer nothing or, from some emulators (moto's KMS
    // EnableKeyRotation), the JSON null: both say "done, nothing to return".
    if (t.empty() || (empty_ok && t == "null")) {
        if (empty_ok) return json::value(json::object{});
        return fail("an empty body");
    }
    std::error_code ec;
    auto doc = json::parse(json::string_view(t.data(), t.size()), ec);
    if (ec) {
        if (looks_like_html(t) || t.front() == '<') return fail(describe_body(t));
        return fail("invalid JSON (" + ec.message() + ") " + describe_body(t));
    }
    if (!doc.is_object()) return fail(std::string(json_kind(doc)) + " " + describe_body(t));
    return doc;
}

}  // namespace

Expected<json::value, WireError> parse_response(const ServiceModel& model,
                                                std::string_view operation, int http_status,
                                                const net::Headers& headers,
                                                std::string_view body) {
    if (http_status < 200 || http_status >= 300)
        return unexpected(parse_error(model, http_status, headers, body));
    const auto* op = proto::find_operation(model, operation);
    if (!op)
        return unexpected(WireError{"UnknownOperation",
                                    model.info.name + " has no operation " + std::string(operation),
                                    request_id_from(headers)});
    const auto* out_ref = op->if_contains("output");
    std::optional<Ref> output;
    std::string_view wrapper;
    if (out_ref && out_ref->is_object()) {
        output = proto::resolve(model, out_ref->as_object());
        if (const auto* w = out_ref->as_object().if_contains("resultWrapper"); w && w->is_string())
            wrapper = w->get_string();
    }
    const auto& protocol = model.info.protocol;
    if (!output) {
        // No output shape: the body carries nothing the caller needs, but JSON is kept; query and
        // ec2 answers still name the operation (<PutUserPolicyResponse>).
        if (protocol == "json" || protocol == "rest-json")
            return parse_json_text(model, operation, body, headers, true);
        if (protocol == "query" || protocol == "ec2") {
            pugi::xml_document doc;
            if (auto err = load_xml(doc, model, operation, body,
                                    std::string(operation) + "Response", headers))
                return unexpected(std::move(*err));
        }
        return json::value(json::object{});
    }

    json::object out;
    bool rest = protocol == "rest-xml" || protocol == "rest-json";
    if (rest) add_http_members(model, *output, http_status, headers, out);

    if (rest) {
        if (auto payload = output->str_trait("payload"); !payload.empty()) {
            const auto* members = output->shape->if_contains("members");
            const auto* pref = members && members->is_object()
                                   ? members->as_object().if_contains(payload)
                                   : nullptr;
            auto pr = pref ? proto::resolve(model, pref->as_object()) : std::nullopt;
            if (!pr) return json::value(std::move(out));
            if (pr->type() != "structure") {
                if (!body.empty()) out[payload] = json::string_view(body.data(), body.size());
                return json::value(std::move(out));
            }
            if (protocol == "rest-xml") {
                // The payload structure is the document: <ServerSideEncryptionConfiguration>.
                auto root_name = pr->str_trait("locationName");
                if (root_name.empty()) root_name = payload;
                pugi::xml_document doc;
                if (auto err = load_xml(doc, model, operation, body, root_name, headers))
                    return unexpected(std::move(*err));
                out[payload] = from_xml(model, *pr, doc.document_element());
            } else {
                auto doc = parse_json_text(model, operation, body, headers, false);
                if (!doc) return doc;
                out[payload] = from_json(model, *pr, *doc);
            }
            return json::value(std::move(out));
        }
    }

    if (protocol == "json" || protocol == "rest-json") {
        auto doc =
            parse_json_text(model, operation, body, headers, !has_body_members(model, *output));
        if (!doc) return doc;
        auto converted = from_json(model, *output, *doc);
        if (!converted.is_object()) return converted;
        for (auto& [k, v] : converted.as_object())
            out[k] = std::move(v);
        return json::value(std::move(out));
    }
    return parse_xml_body(model, operation, *output, body, headers, wrapper, protocol, out);
}

}  // namespace dspm::aws
