// Operation + JSON parameters → HTTP request, following botocore's serializers for the query, ec2,
// json, rest-json and rest-xml protocols.
#include <boost/json/serialize.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include "aws/model.hpp"

namespace dspm::aws {
namespace json = boost::json;
using proto::Ref;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;
using Result = Expected<json::value, std::string>;

std::string member_path(const std::string& path, std::string_view name) {
    return path.empty() ? std::string(name) : path + "." + std::string(name);
}

std::string number_text(const json::value& v) {
    if (v.is_int64()) return std::to_string(v.get_int64());
    if (v.is_uint64()) return std::to_string(v.get_uint64());
    if (v.is_double()) {
        double d = v.get_double();
        if (std::floor(d) == d && std::fabs(d) < 1e15)
            return std::to_string(static_cast<long long>(d));
        return json::serialize(v);
    }
    return {};
}

// Checks the caller's parameters against the input shape and coerces the loose forms the
// command line produces (numbers and booleans as strings, a scalar where a list is expected).
Result normalize(const ServiceModel& model, const Ref& r, const json::value& v,
                 const std::string& path) {
    auto type = r.type();
    if (type == "structure") {
        if (!v.is_object()) return unexpected("parameter " + path + " must be an object");
        const auto* members = r.shape->if_contains("members");
        json::object out;
        for (const auto& [key, val] : v.get_object()) {
            const json::value* mref =
                members && members->is_object() ? members->as_object().if_contains(key) : nullptr;
            std::string p = member_path(path, key);
            if (!mref) return unexpected("unknown parameter " + p);
            auto mr = proto::resolve(model, mref->as_object());
            if (!mr) return unexpected("model has no shape for " + p);
            auto n = normalize(model, *mr, val, p);
            if (!n) return n;
            out[key] = std::move(*n);
        }
        if (const auto* req = r.shape->if_contains("required"); req && req->is_array()) {
            for (const auto& name : req->get_array()) {
                if (name.is_string() && !out.contains(name.get_string()))
                    return unexpected("missing required parameter " +
                                      member_path(path, name.get_string()));
            }
        }
        return json::value(std::move(out));
    }
    if (type == "list") {
        auto member = proto::child(model, r, "member");
        if (!member) return unexpected("model has no list member for " + path);
        json::array out;
        auto add = [&](const json::value& item, std::size_t i) -> std::optional<std::string> {
            auto n = normalize(model, *member, item, path + "[" + std::to_string(i) + "]");
            if (!n) return n.error();
            out.push_back(std::move(*n));
            return std::nullopt;
        };
        if (v.is_array()) {
            for (std::size_t i = 0; i < v.get_array().size(); ++i)
                if (auto e = add(v.get_array()[i], i)) return unexpected(*e);
        } else if (auto e = add(v, 0)) {
            return unexpected(*e);
        }
        return json::value(std::move(out));
    }
    if (type == "map") {
        auto value_ref = proto::child(model, r, "value");
        if (!v.is_object() || !value_ref)
            return unexpected("parameter " + path + " must be an object");
        json::object out;
        for (const auto& [key, val] : v.get_object()) {
            auto n = normalize(model, *value_ref, val, member_path(path, key));
            if (!n) return n;
            out[key] = std::move(*n);
        }
        return json::value(std::move(out));
    }
    if (type == "integer" || type == "long") {
        if (v.is_int64() || v.is_uint64()) return v;
        if (v.is_double() && std::floor(v.get_double()) == v.get_double())
            return json::value(static_cast<std::int64_t>(v.get_double()));
        if (v.is_string()) {
            std::int64_t n = 0;
            auto s = v.get_string();
            auto res = std::from_chars(s.data(), s.data() + s.size(), n);
            if (res.ec == std::errc{} && res.ptr == s.data() + s.size()) return json::value(n);
        }
        return unexpected("parameter " + path + " must be an integer");
    }
    if (type == "boolean") {
        if (v.is_bool()) return v;
        if (v.is_string() && (v.get_string() == "true" || v.get_string() == "false"))
            return json::value(v.get_string() == "true");
        return unexpected("parameter " + path + " must be true or false");
    }
    if (type == "double" || type == "float") {
        if (v.is_number()) return json::value(v.to_number<double>());
        if (v.is_string()) {
            double d = 0;
            auto s = v.get_string();
            auto res = std::from_chars(s.data(), s.data() + s.size(), d);
            if (res.ec == std::errc{} && res.ptr == s.data() + s.size()) return json::value(d);
        }
        return unexpected("parameter " + path + " must be a number");
    }
    if (type == "timestamp") {
        if (!proto::timestamp_from_json(v))
            return unexpected("parameter " + path + " must be a timestamp");
        return v;
    }
    // string, blob and anything newer: text.
    if (v.is_string()) return v;
    if (v.is_number()) return json::value(number_text(v));
    if (v.is_bool()) return json::value(v.get_bool() ? "true" : "false");
    return unexpected("parameter " + path + " must be a string");
}

std::string_view member_wire_name(const Ref& r, std::string_view member_name) {
    auto n = r.str_trait("locationName");
    return n.empty() ? member_name : n;
}

std::string scalar_text(const Ref& r, const json::value& v, bool header) {
    auto type = r.type();
    if (v.is_bool()) return v.get_bool() ? "true" : "false";
    if (type == "timestamp") {
        auto tp = proto::timestamp_from_json(v);
        if (!tp) return {};
        auto fmt = r.str_trait("timestampFormat");
        if (fmt == "unixTimestamp")
            return std::to_string(
                std::chrono::duration_cast<std::chrono::seconds>(tp->time_since_epoch()).count());
        if (fmt == "rfc822" || (fmt.empty() && header)) return proto::rfc822(*tp);
        return proto::iso8601_z(*tp);
    }
    if (type == "blob" && v.is_string()) return proto::base64_encode(v.get_string());
    if (v.is_string()) return std::string(v.get_string());
    return number_text(v);
}

// ---- query and ec2 ----

std::string ec2_name(const Ref& r, std::string_view member_name) {
    if (auto q = r.str_trait("queryName"); !q.empty()) return std::string(q);
    if (auto n = r.str_trait("locationName"); !n.empty()) {
        std::string s(n);
        s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
        return s;
    }
    return std::string(member_name);
}

void query_value(const ServiceModel& model, const Ref& r, const json::value& v,
                 const std::string& prefix, bool ec2, Pairs& out) {
    auto type = r.type();
    if (type == "structure") {
        const auto* members = r.shape->if_contains("members");
        if (!members || !members->is_object() || !v.is_object()) return;
        for (const auto& [name, mref] : members->as_object()) {
            const auto* mv = v.get_object().if_contains(name);
            if (!mv) continue;
            auto mr = proto::resolve(model, mref.as_object());
            if (!mr) continue;
            std::string wire = ec2 ? ec2_name(*mr, name) : std::string(member_wire_name(*mr, name));
            query_value(model, *mr, *mv, prefix.empty() ? wire : prefix + "." + wire, ec2, out);
        }
    } else if (type == "list") {
        auto member = proto::child(model, r, "member");
        if (!member || !v.is_array()) return;
        const auto& items = v.get_array();
        std::string list_prefix;
        if (ec2) {
            list_prefix = prefix;
        } else {
            if (items.empty()) {
                out.emplace_back(prefix, "");
                return;
            }
            auto member_name = member->ref ? member->str_trait("locationName") : std::string_view{};
            if (r.flag("flattened")) {
                list_prefix = prefix;
                if (!member_name.empty()) {
                    auto dot = prefix.rfind('.');
                    list_prefix =
                        (dot == std::string::npos ? std::string() : prefix.substr(0, dot + 1)) +
                        std::string(member_name);
                }
            } else {
                list_prefix =
                    prefix + "." + std::string(member_name.empty() ? "member" : member_name);
            }
        }
        for (std::size_t i = 0; i < items.size(); ++i)
            query_value(model, *member, items[i], list_prefix + "." + std::to_string(i + 1), ec2,
                        out);
    } else if (type == "map") {
        auto key_ref = proto::child(model, r, "key");
        auto value_ref = proto::child(model, r, "value");
        if (!key_ref || !value_ref || !v.is_object()) return;
        std::string full = r.flag("flattened") ? prefix : prefix + ".entry";
        auto key_name = key_ref->str_trait("locationName");
        auto value_name = value_ref->str_trait("locationName");
        std::size_t i = 1;
        for (const auto& [k, val] : v.get_object()) {
            std::string base = full + "." + std::to_string(i++) + ".";
            out.emplace_back(base + std::string(key_name.empty() ? "key" : key_name),
                             std::string(k));
            query_value(model, *value_ref, val,
                        base + std::string(value_name.empty() ? "value" : value_name), ec2, out);
        }
    } else {
        out.emplace_back(prefix, scalar_text(r, v, false));
    }
}

std::string form_encode(const Pairs& pairs) {
    std::string body;
    for (const auto& [k, v] : pairs) {
        if (!body.empty()) body += '&';
        body += proto::percent_encode(k, false);
        body += '=';
        body += proto::percent_encode(v, false);
    }
    return body;
}

// ---- json bodies ----

json::value json_body(const ServiceModel& model, const Ref& r, const json::value& v) {
    auto type = r.type();
    if (type == "structure" && v.is_object()) {
        json::object out;
        const auto* members = r.shape->if_contains("members");
        if (!members || !members->is_object()) return out;
        for (const auto& [name, mref] : members->as_object()) {
            const auto* mv = v.get_object().if_contains(name);
            auto mr = proto::resolve(model, mref.as_object());
            if (!mv || !mr || !mr->str_trait("location").empty()) continue;
            out[member_wire_name(*mr, name)] = json_body(model, *mr, *mv);
        }
        return out;
    }
    if (type == "list" && v.is_array()) {
        auto member = proto::child(model, r, "member");
        json::array out;
        for (const auto& item : v.get_array())
            out.push_back(member ? json_body(model, *member, item) : item);
        return out;
    }
    if (type == "map" && v.is_object()) {
        auto value_ref = proto::child(model, r, "value");
        json::object out;
        for (const auto& [k, val] : v.get_object())
            out[k] = value_ref ? json_body(model, *value_ref, val) : val;
        return out;
    }
    if (type == "timestamp") {
        auto tp = proto::timestamp_from_json(v);
        if (!tp) return v;
        auto fmt = r.str_trait("timestampFormat");
        if (fmt == "iso8601") return json::value(proto::iso8601_z(*tp));
        if (fmt == "rfc822") return json::value(proto::rfc822(*tp));
        auto us = tp->time_since_epoch().count();
        if (us % 1000000 == 0) return json::value(static_cast<std::int64_t>(us / 1000000));
        return json::value(static_cast<double>(us) / 1e6);
    }
    if (type == "blob" && v.is_string()) return json::value(proto::base64_encode(v.get_string()));
    return v;
}

// ---- xml bodies ----

std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            case '\r':
                out += "&#xD;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string xmlns_attr(const Ref& r) {
    const auto* ns = r.trait("xmlNamespace");
    if (!ns) return {};
    std::string uri, prefix;
    if (ns->is_string()) {
        uri = ns->get_string();
    } else if (ns->is_object()) {
        if (const auto* u = ns->as_object().if_contains("uri"); u && u->is_string())
            uri = u->get_string();
        if (const auto* p = ns->as_object().if_contains("prefix"); p && p->is_string())
            prefix = p->get_string();
    }
    if (uri.empty()) return {};
    return " xmlns" + (prefix.empty() ? std::string() : ":" + prefix) + "=\"" + xml_escape(uri) +
           "\"";
}

void xml_element(const ServiceModel& model, const Ref& r, const json::value& v,
                 std::string_view name, std::string& out, std::string_view extra_attrs);

void xml_member(const ServiceModel& model, const Ref& r, const json::value& v,
                std::string_view name, std::string& out) {
    auto type = r.type();
    if (type == "list" && v.is_array()) {
        auto member = proto::child(model, r, "member");
        if (!member) return;
        auto item_name = member->str_trait("locationName");
        if (r.flag("flattened")) {
            for (const auto& item : v.get_array())
                xml_element(model, *member, item, item_name.empty() ? name : item_name, out, {});
        } else {
            out += "<" + std::string(name) + ">";
            for (const auto& item : v.get_array())
                xml_element(model, *member, item, item_name.empty() ? "member" : item_name, out,
                            {});
            out += "</" + std::string(name) + ">";
        }
    } else if (type == "map" && v.is_object()) {
        auto key_ref = proto::child(model, r, "key");
        auto value_ref = proto::child(model, r, "value");
        if (!key_ref || !value_ref) return;
        auto kn = key_ref->str_trait("locationName");
        auto vn = value_ref->str_trait("locationName");
        bool flat = r.flag("flattened");
        if (!flat) out += "<" + std::string(name) + ">";
        for (const auto& [k, val] : v.get_object()) {
            out += flat ? "<" + std::string(name) + ">" : std::string("<entry>");
            xml_element(model, *key_ref, json::value(k), kn.empty() ? "key" : kn, out, {});
            xml_element(model, *value_ref, val, vn.empty() ? "value" : vn, out, {});
            out += flat ? "</" + std::string(name) + ">" : std::string("</entry>");
        }
        if (!flat) out += "</" + std::string(name) + ">";
    } else {
        xml_element(model, r, v, name, out, {});
    }
}

void xml_element(const ServiceModel& model, const Ref& r, const json::value& v,
                 std::string_view name, std::string& out, std::string_view extra_attrs) {
    if (r.type() != "structure") {
        if (r.type() == "list" || r.type() == "map") {
            xml_member(model, r, v, name, out);
            return;
        }
        out += "<" + std::string(name) + std::string(extra_attrs) + xmlns_attr(r) + ">";
        out += xml_escape(scalar_text(r, v, false));
        out += "</" + std::string(name) + ">";
        return;
    }
    const auto* members = r.shape->if_contains("members");
    std::string attrs(extra_attrs);
    std::string children;
    if (members && members->is_object() && v.is_object()) {
        for (const auto& [mname, mref] : members->as_object()) {
            const auto* mv = v.get_object().if_contains(mname);
            auto mr = proto::resolve(model, mref.as_object());
            if (!mv || !mr || !mr->str_trait("location").empty()) continue;
            auto wire = member_wire_name(*mr, mname);
            if (mr->flag("xmlAttribute")) {
                attrs += xmlns_attr(*mr);
                attrs += " " + std::string(wire) + "=\"" +
                         xml_escape(scalar_text(*mr, *mv, false)) + "\"";
            } else {
                xml_member(model, *mr, *mv, wire, children);
            }
        }
    }
    if (attrs.find(" xmlns=") == std::string::npos) attrs = xmlns_attr(r) + attrs;
    out += "<" + std::string(name) + attrs + ">" + children + "</" + std::string(name) + ">";
}

// ---- rest ----

Pairs literal_query(std::string_view q) {
    Pairs out;
    while (!q.empty()) {
        auto amp = q.find('&');
        auto part = q.substr(0, amp);
        auto eq = part.find('=');
        if (!part.empty())
            out.emplace_back(
                std::string(part.substr(0, eq)),
                eq == std::string_view::npos ? std::string() : std::string(part.substr(eq + 1)));
        if (amp == std::string_view::npos) break;
        q.remove_prefix(amp + 1);
    }
    return out;
}

Expected<WireRequest, std::string> serialize_rest(const ServiceModel& model, const json::object& op,
                                                  const Ref* input, const json::object& params,
                                                  bool xml) {
    WireRequest req;
    const auto& http = op.at("http").as_object();
    req.method = std::string(http.at("method").as_string());
    std::string_view uri = http.at("requestUri").as_string();
    std::string path(uri.substr(0, uri.find('?')));
    if (auto q = uri.find('?'); q != std::string_view::npos)
        req.query = literal_query(uri.substr(q + 1));
    if (const auto* hp = op.if_contains("hostPrefix"); hp && hp->is_string())
        req.host_prefix = std::string(hp->get_string());

    json::object body_params;
    bool raw_payload = false;
    const Ref* payload_ref = nullptr;
    std::optional<Ref> payload_storage;
    std::string payload_name;
    if (input) {
        if (auto p = input->str_trait("payload"); !p.empty()) payload_name = std::string(p);
        const auto& members = input->shape->at("members").as_object();
        for (const auto& [name, mref] : members) {
            auto mr = proto::resolve(model, mref.as_object());
            if (!mr) continue;
            if (name == payload_name) {
                payload_storage = mr;
                payload_ref = &*payload_storage;
                continue;
            }
            const auto* v = params.if_contains(name);
            auto location = mr->str_trait("location");
            auto wire = member_wire_name(*mr, name);
            if (mr->flag("hostLabel") && v && v->is_string()) {
                std::string label = "{" + std::string(name) + "}";
                if (auto pos = req.host_prefix.find(label); pos != std::string::npos)
                    req.host_prefix.replace(pos, label.size(), v->get_string());
            }
            if (location == "uri") {
                std::string label = "{" + std::string(wire) + "}";
                std::string greedy = "{" + std::string(wire) + "+}";
                auto pos = path.find(greedy);
                bool is_greedy = pos != std::string::npos;
                if (!is_greedy) pos = path.find(label);
                if (pos == std::string::npos) continue;
                if (!v) return unexpected("missing required parameter " + std::string(name));
                auto text = scalar_text(*mr, *v, false);
                if (text.empty()) return unexpected("empty uri parameter " + std::string(name));
                path.replace(pos, is_greedy ? greedy.size() : label.size(),
                             proto::percent_encode(text, is_greedy));
            } else if (!v) {
                continue;
            } else if (location == "querystring") {
                if (v->is_array()) {
                    auto member = proto::child(model, *mr, "member");
                    for (const auto& item : v->get_array())
                        req.query.emplace_back(wire, member ? scalar_text(*member, item, false)
                                                            : scalar_text(*mr, item, false));
                } else if (v->is_object()) {
                    auto value_ref = proto::child(model, *mr, "value");
                    for (const auto& [k, val] : v->get_object()) {
                        if (val.is_array()) {
                            for (const auto& item : val.get_array())
                                req.query.emplace_back(std::string(k),
                                                       item.is_string()
                                                           ? std::string(item.get_string())
                                                           : number_text(item));
                        } else if (value_ref) {
                            req.query.emplace_back(std::string(k),
                                                   scalar_text(*value_ref, val, false));
                        }
                    }
                } else {
                    req.query.emplace_back(wire, scalar_text(*mr, *v, false));
                }
            } else if (location == "header") {
                std::string text;
                if (v->is_array()) {
                    auto member = proto::child(model, *mr, "member");
                    for (const auto& item : v->get_array()) {
                        if (!text.empty()) text += ",";
                        text += member ? scalar_text(*member, item, true)
                                       : scalar_text(*mr, item, true);
                    }
                } else if (mr->flag("jsonvalue")) {
                    text = proto::base64_encode(v->is_string() ? std::string(v->get_string())
                                                               : json::serialize(*v));
                } else {
                    text = scalar_text(*mr, *v, true);
                }
                req.headers.emplace_back(wire, std::move(text));
            } else if (location == "headers") {
                if (v->is_object())
                    for (const auto& [k, val] : v->get_object())
                        req.headers.emplace_back(
                            std::string(wire) + std::string(k),
                            val.is_string() ? std::string(val.get_string()) : number_text(val));
            } else if (location.empty()) {
                body_params[name] = *v;
            }
        }
    }
    if (path.find('{') != std::string::npos)
        return unexpected("missing required uri parameter in " + path);
    req.path = path.empty() ? "/" : path;

    if (payload_ref) {
        if (const auto* v = params.if_contains(payload_name)) {
            auto type = payload_ref->type();
            if (type == "structure") {
                if (xml) {
                    auto root = member_wire_name(*payload_ref, payload_name);
                    xml_element(model, *payload_ref, *v, root, req.body, {});
                } else {
                    req.body = json::serialize(json_body(model, *payload_ref, *v));
                }
            } else if (v->is_string()) {
                raw_payload = true;
                req.body = std::string(v->get_string());
            } else {
                raw_payload = true;
                req.body = json::serialize(*v);
            }
        }
    } else if (input) {
        bool has_body_members = false;
        for (const auto& [name, mref] : input->shape->at("members").as_object()) {
            auto mr = proto::resolve(model, mref.as_object());
            if (mr && mr->str_trait("location").empty()) has_body_members = true;
        }
        if (!body_params.empty() || (has_body_members && !xml && req.method != "GET" &&
                                     req.method != "HEAD" && req.method != "DELETE")) {
            if (xml) {
                auto root = input->str_trait("locationName");
                xml_element(
                    model, *input, json::value(body_params),
                    root.empty() ? std::string_view(input->ref->at("shape").as_string()) : root,
                    req.body, {});
            } else {
                req.body = json::serialize(json_body(model, *input, json::value(body_params)));
            }
        }
    }
    // XML bodies are labelled: without a Content-Type libcurl sends a form type and servers that
    // honour it (moto) swallow the body as form fields.
    if (!req.body.empty() && !raw_payload)
        req.headers.emplace_back("Content-Type", xml ? "application/xml" : "application/json");
    if (const auto* c = op.if_contains("checksumRequired"); c && c->is_bool() && c->get_bool())
        req.headers.emplace_back("Content-MD5", proto::md5_base64(req.body));
    return req;
}

}  // namespace

Expected<WireRequest, std::string> serialize_request(const ServiceModel& model,
                                                     std::string_view operation,
                                                     const json::object& params) {
    const auto* op = proto::find_operation(model, operation);
    if (!op)
        return unexpected(model.info.name + " has no operation " + std::string(operation) +
                          " in the embedded models");
    std::optional<Ref> input;
    json::object normalized;
    if (const auto* in = op->if_contains("input"); in && in->is_object()) {
        input = proto::resolve(model, in->as_object());
        if (!input) return unexpected("model has no input shape for " + std::string(operation));
        auto n = normalize(model, *input, json::value(params), "");
        if (!n) return unexpected(std::string(operation) + ": " + n.error());
        normalized = std::move(n->as_object());
    } else if (!params.empty()) {
        return unexpected(std::string(operation) + " takes no parameters");
    }

    const auto& protocol = model.info.protocol;
    Expected<WireRequest, std::string> result = WireRequest{};
    if (protocol == "query" || protocol == "ec2") {
        WireRequest req;
        req.method = "POST";
        req.path = "/";
        Pairs pairs{{"Action", std::string(operation)}, {"Version", model.info.api_version}};
        if (input)
            query_value(model, *input, json::value(normalized), "", protocol == "ec2", pairs);
        req.body = form_encode(pairs);
        req.headers.emplace_back("Content-Type",
                                 "application/x-www-form-urlencoded; charset=utf-8");
        result = std::move(req);
    } else if (protocol == "json") {
        WireRequest req;
        req.method = "POST";
        req.path = "/";
        req.headers.emplace_back("X-Amz-Target",
                                 model.target_prefix + "." + std::string(operation));
        req.headers.emplace_back(
            "Content-Type",
            "application/x-amz-json-" +
                (model.json_version.empty() ? std::string("1.0") : model.json_version));
        req.body =
            input ? json::serialize(json_body(model, *input, json::value(normalized))) : "{}";
        result = std::move(req);
    } else if (protocol == "rest-json" || protocol == "rest-xml") {
        result = serialize_rest(model, *op, input ? &*input : nullptr, normalized,
                                protocol == "rest-xml");
    } else {
        return unexpected("protocol " + protocol + " is not supported");
    }
    if (result && model.info.name == "s3")
        if (const auto* b = normalized.if_contains("Bucket"); b && b->is_string())
            result->bucket = std::string(b->get_string());
    return result;
}

}  // namespace dspm::aws
