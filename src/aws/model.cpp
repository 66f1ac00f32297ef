#include "aws/model.hpp"

#include <openssl/evp.h>

#include <array>
#include <boost/json/parse.hpp>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <map>
#include <memory>

#include "common/embedded.hpp"
#include "common/log.hpp"

namespace dspm::aws {
namespace json = boost::json;

namespace {

std::string str_of(const json::object& o, std::string_view key) {
    if (auto it = o.find(key); it != o.end() && it->value().is_string())
        return std::string(it->value().get_string());
    return {};
}

std::unique_ptr<ServiceModel> load_model(std::string_view text) {
    std::error_code ec;
    json::value doc = json::parse(json::string_view(text.data(), text.size()), ec);
    if (ec || !doc.is_object()) return nullptr;
    auto& root = doc.as_object();
    auto model = std::make_unique<ServiceModel>();
    const auto* meta = root.if_contains("metadata");
    if (!meta || !meta->is_object()) return nullptr;
    const auto& m = meta->as_object();
    model->info.name = str_of(m, "service");
    model->info.protocol = str_of(m, "protocol");
    model->info.endpoint_prefix = str_of(m, "endpointPrefix");
    model->info.signing_name = str_of(m, "signingName");
    model->info.api_version = str_of(m, "apiVersion");
    model->info.global_endpoint = str_of(m, "globalEndpoint");
    model->json_version = str_of(m, "jsonVersion");
    model->target_prefix = str_of(m, "targetPrefix");
    model->xml_namespace = str_of(m, "xmlNamespace");
    if (auto* ops = root.if_contains("operations"); ops && ops->is_object())
        model->operations = std::move(ops->as_object());
    if (auto* shapes = root.if_contains("shapes"); shapes && shapes->is_object())
        model->shapes = std::move(shapes->as_object());
    return model;
}

// Every embedded model, parsed once on first use (about 300 KB of JSON, a few milliseconds).
const std::map<std::string, std::unique_ptr<ServiceModel>, std::less<>>& registry() {
    static const auto models = [] {
        std::map<std::string, std::unique_ptr<ServiceModel>, std::less<>> out;
        constexpr std::string_view prefix = "aws/models/";
        for (const auto& file : embedded::all()) {
            if (!file.path.starts_with(prefix) || !file.path.ends_with(".json")) continue;
            auto model = load_model(file.content);
            if (!model || model->info.name.empty()) {
                log::error("aws model could not be read",
                           {{"path", json::string_view(file.path.data(), file.path.size())}});
                continue;
            }
            std::string name = model->info.name;
            out.emplace(std::move(name), std::move(model));
        }
        return out;
    }();
    return models;
}

std::vector<std::string> string_or_list(const json::value* v) {
    std::vector<std::string> out;
    if (!v) return out;
    // botocore allows "NextMarker || Contents[-1].Key"; only the first alternative is kept.
    auto first_alternative = [](std::string_view s) {
        if (auto pos = s.find("||"); pos != std::string_view::npos) s = s.substr(0, pos);
        while (!s.empty() && s.back() == ' ')
            s.remove_suffix(1);
        return std::string(s);
    };
    if (v->is_string()) {
        out.push_back(first_alternative(v->get_string()));
    } else if (v->is_array()) {
        for (const auto& e : v->get_array())
            if (e.is_string()) out.push_back(first_alternative(e.get_string()));
    }
    return out;
}

}  // namespace

const ServiceModel* find_service(std::string_view service) {
    const auto& models = registry();
    auto it = models.find(service);
    return it == models.end() ? nullptr : it->second.get();
}

ServiceInfo service_info(const ServiceModel& model) {
    return model.info;
}

bool has_operation(const ServiceModel& model, std::string_view operation) {
    return proto::find_operation(model, operation) != nullptr;
}

std::optional<Paginator> find_paginator(const ServiceModel& model, std::string_view operation) {
    const auto* op = proto::find_operation(model, operation);
    if (!op) return std::nullopt;
    const auto* p = op->if_contains("paginator");
    if (!p || !p->is_object()) return std::nullopt;
    const auto& po = p->as_object();
    Paginator out;
    out.input_tokens = string_or_list(po.if_contains("input_token"));
    out.output_tokens = string_or_list(po.if_contains("output_token"));
    out.result_keys = string_or_list(po.if_contains("result_key"));
    auto more = string_or_list(po.if_contains("more_results"));
    if (!more.empty()) out.more_results = more.front();
    return out;
}

namespace proto {

std::string_view Ref::type() const {
    return str_trait("type");
}

const json::value* Ref::trait(std::string_view key) const {
    if (ref)
        if (const auto* v = ref->if_contains(key)) return v;
    return shape ? shape->if_contains(key) : nullptr;
}

std::string_view Ref::str_trait(std::string_view key) const {
    const auto* v = trait(key);
    if (v && v->is_string()) return v->get_string();
    return {};
}

bool Ref::flag(std::string_view key) const {
    const auto* v = trait(key);
    return v && v->is_bool() && v->get_bool();
}

std::optional<Ref> resolve_shape(const ServiceModel& model, std::string_view shape_name) {
    const auto* s = model.shapes.if_contains(shape_name);
    if (!s || !s->is_object()) return std::nullopt;
    return Ref{nullptr, &s->as_object()};
}

std::optional<Ref> resolve(const ServiceModel& model, const json::object& ref) {
    const auto* name = ref.if_contains("shape");
    if (!name || !name->is_string()) return std::nullopt;
    auto r = resolve_shape(model, name->get_string());
    if (r) r->ref = &ref;
    return r;
}

const json::object* find_operation(const ServiceModel& model, std::string_view operation) {
    const auto* op = model.operations.if_contains(operation);
    return op && op->is_object() ? &op->as_object() : nullptr;
}

std::optional<Ref> child(const ServiceModel& model, const Ref& parent, std::string_view which) {
    const auto* c = parent.shape->if_contains(which);
    if (!c || !c->is_object()) return std::nullopt;
    return resolve(model, c->as_object());
}

std::string base64_encode(std::string_view data) {
    static constexpr char table[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        unsigned n = (static_cast<unsigned char>(data[i]) << 16) |
                     (static_cast<unsigned char>(data[i + 1]) << 8) |
                     static_cast<unsigned char>(data[i + 2]);
        out += table[(n >> 18) & 63];
        out += table[(n >> 12) & 63];
        out += table[(n >> 6) & 63];
        out += table[n & 63];
    }
    if (i + 1 == data.size()) {
        unsigned n = static_cast<unsigned char>(data[i]) << 16;
        out += table[(n >> 18) & 63];
        out += table[(n >> 12) & 63];
        out += "==";
    } else if (i + 2 == data.size()) {
        unsigned n = (static_cast<unsigned char>(data[i]) << 16) |
                     (static_cast<unsigned char>(data[i + 1]) << 8);
        out += table[(n >> 18) & 63];
        out += table[(n >> 12) & 63];
        out += table[(n >> 6) & 63];
        out += '=';
    }
    return out;
}

std::string md5_base64(std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), digest.data(), &len, EVP_md5(), nullptr);
    return base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), len));
}

std::string percent_encode(std::string_view text, bool keep_slash) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
            (keep_slash && c == '/')) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

namespace {

bool read_int(std::string_view s, std::size_t& pos, std::size_t digits, int& out) {
    if (pos + digits > s.size()) return false;
    auto r = std::from_chars(s.data() + pos, s.data() + pos + digits, out);
    if (r.ec != std::errc{} || r.ptr != s.data() + pos + digits) return false;
    pos += digits;
    return true;
}

std::optional<TimePoint> make_time(int y, int mo, int d, int h, int mi, int s, long micros,
                                   int offset_minutes) {
    using namespace std::chrono;
    year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
    return TimePoint{sys_days{ymd}} + hours{h} + minutes{mi} + seconds{s} + microseconds{micros} -
           minutes{offset_minutes};
}

std::optional<TimePoint> parse_iso(std::string_view s) {
    std::size_t p = 0;
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (!read_int(s, p, 4, y) || p >= s.size() || s[p++] != '-' || !read_int(s, p, 2, mo) ||
        p >= s.size() || s[p++] != '-' || !read_int(s, p, 2, d))
        return std::nullopt;
    long micros = 0;
    int offset = 0;
    if (p < s.size() && (s[p] == 'T' || s[p] == ' ')) {
        ++p;
        if (!read_int(s, p, 2, h) || p >= s.size() || s[p++] != ':' || !read_int(s, p, 2, mi))
            return std::nullopt;
        if (p < s.size() && s[p] == ':') {
            ++p;
            if (!read_int(s, p, 2, sec)) return std::nullopt;
        }
        if (p < s.size() && s[p] == '.') {
            ++p;
            long scale = 100000;
            while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) {
                micros += (s[p] - '0') * scale;
                scale /= 10;
                ++p;
            }
        }
        if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
            ++p;
        } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
            int sign = s[p++] == '-' ? -1 : 1;
            int oh = 0, om = 0;
            if (!read_int(s, p, 2, oh)) return std::nullopt;
            if (p < s.size() && s[p] == ':') ++p;
            if (p < s.size() && !read_int(s, p, 2, om)) return std::nullopt;
            offset = sign * (oh * 60 + om);
        }
    }
    if (p != s.size()) return std::nullopt;
    return make_time(y, mo, d, h, mi, sec, micros, offset);
}

constexpr std::array<std::string_view, 12> month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> day_names = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};

// "Tue, 02 Jan 2024 03:04:05 GMT"
std::optional<TimePoint> parse_rfc822(std::string_view s) {
    auto comma = s.find(", ");
    if (comma == std::string_view::npos) return std::nullopt;
    s.remove_prefix(comma + 2);
    std::size_t p = 0;
    int d, y, h, mi, sec;
    if (!read_int(s, p, 2, d) || p >= s.size() || s[p++] != ' ' || p + 4 > s.size())
        return std::nullopt;
    auto mon = s.substr(p, 3);
    int mo = 0;
    for (std::size_t i = 0; i < month_names.size(); ++i)
        if (month_names[i] == mon) mo = static_cast<int>(i) + 1;
    p += 3;
    if (mo == 0 || s[p++] != ' ' || !read_int(s, p, 4, y) || p >= s.size() || s[p++] != ' ' ||
        !read_int(s, p, 2, h) || p >= s.size() || s[p++] != ':' || !read_int(s, p, 2, mi) ||
        p >= s.size() || s[p++] != ':' || !read_int(s, p, 2, sec))
        return std::nullopt;
    return make_time(y, mo, d, h, mi, sec, 0, 0);
}

struct Parts {
    int y, mo, d, h, mi, s;
    long micros;
    unsigned weekday;
};

Parts split(TimePoint tp) {
    using namespace std::chrono;
    auto day = floor<days>(tp);
    year_month_day ymd{day};
    hh_mm_ss hms{tp - day};
    return {static_cast<int>(ymd.year()),
            static_cast<int>(static_cast<unsigned>(ymd.month())),
            static_cast<int>(static_cast<unsigned>(ymd.day())),
            static_cast<int>(hms.hours().count()),
            static_cast<int>(hms.minutes().count()),
            static_cast<int>(hms.seconds().count()),
            static_cast<long>(hms.subseconds().count()),
            weekday{day}.c_encoding()};
}

}  // namespace

namespace {
// Seconds since 1970 within the years 1-9999 only: beyond them the cast to microseconds is
// undefined (an answer's createdAt of 1.5e25, or NaN, found by fuzz_aws_response).
std::optional<TimePoint> from_epoch(double epoch) {
    if (!(epoch >= -62135596800.0 && epoch < 253402300800.0)) return std::nullopt;
    return TimePoint{std::chrono::microseconds{static_cast<long long>(epoch * 1e6 + 0.5)}};
}
}  // namespace

std::optional<TimePoint> parse_timestamp(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    if (text.empty()) return std::nullopt;
    if (auto t = parse_iso(text)) return t;
    if (auto t = parse_rfc822(text)) return t;
    double epoch = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), epoch);
    if (r.ec == std::errc{} && r.ptr == text.data() + text.size()) return from_epoch(epoch);
    return std::nullopt;
}

std::optional<TimePoint> timestamp_from_json(const json::value& v) {
    if (v.is_string()) return parse_timestamp(v.get_string());
    if (v.is_number()) {
        return from_epoch(v.to_number<double>());
    }
    return std::nullopt;
}

std::string cli_timestamp(TimePoint tp) {
    auto p = split(tp);
    char buf[48];
    if (p.micros != 0)
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ld+00:00", p.y, p.mo, p.d,
                      p.h, p.mi, p.s, p.micros);
    else
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+00:00", p.y, p.mo, p.d, p.h,
                      p.mi, p.s);
    return buf;
}

std::string iso8601_z(TimePoint tp) {
    auto p = split(tp);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", p.y, p.mo, p.d, p.h, p.mi,
                  p.s);
    return buf;
}

std::string rfc822(TimePoint tp) {
    auto p = split(tp);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                  day_names[p.weekday].data(), p.d, month_names[p.mo - 1].data(), p.y, p.h, p.mi,
                  p.s);
    return buf;
}

}  // namespace proto
}  // namespace dspm::aws
