// The benchmark's loopback AWS simulator, compiled: a port of bench/awssim.py with the same
// flags, account, routes, answers (status, headers, body bytes), pagination, throttling and
// /_sim counters. bench/simcheck.py replays the same requests against both and compares the bytes.
//
// Why a second one: the service keeps hundreds of calls in flight (256 at 40 ms is 6,400
// requests/s), more than the Python simulator serves on two cores; the benchmark would then
// measure Python. Here one thread runs one io_context and every delay is an Asio timer.
//
// Requests are parsed the way awssim.py parses them (not with Beast's parser, which refuses or
// normalises requests awssim.py accepts: any request-line version, duplicate headers, bare
// "Content-Length: 1_0", targets Beast finds invalid), and wherever awssim.py would raise (a head
// without a target, a body that is not JSON, int() of a bad parameter, ...) the connection is
// closed without an answer, as its handler's `finally: writer.close()` does.
//
// With --org-accounts N (default 0: none of this) the account is the management account of an
// Organization of N more members (200000000001, ...): organizations ListAccounts lists all N + 1
// in pages of 20, sts AssumeRole of a role in any of them answers credentials whose access key is
// ASIA and that account's 12 digits, and sts GetCallerIdentity signed with such a key answers that
// account. Every other call answers the same synthetic account whatever account or region asks.
//
// Known differences, all for requests no AWS SDK sends: Python's int() also reads non-ASCII
// decimal digits and integers of any size (here ASCII digits, clamped to +-2^62); its json module
// reads NaN/Infinity, lone \ud800 escapes, UTF-16/32 bodies and integers over 4,300 digits, which
// Boost.JSON refuses or reads differently; bracketed IPv6 hosts of absolute-form targets are
// checked with inet_pton instead of the ipaddress module.
#include <arpa/inet.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace asio = boost::asio;
namespace json = boost::json;
using asio::ip::tcp;

namespace {

const std::string kAccount = "123456789012";
const std::string kRegion = "us-east-1";
const std::string kStsNs = "https://sts.amazonaws.com/doc/2011-06-15/";
constexpr int64_t kOrgPage = 20;  // ListAccounts' largest MaxResults

// Thrown where awssim.py would raise while handling a request: the connection is closed.
struct Dropped {};

// ---------------------------------------------------------------------------------------------
// Python's string semantics
// ---------------------------------------------------------------------------------------------
// awssim.py decodes the request head as latin-1, percent escapes as UTF-8 with U+FFFD for invalid
// bytes and bodies as UTF-8, and encodes its answers as UTF-8. Strings here hold the same code
// points, UTF-8 encoded, so they compare, sort and print as Python's str do.

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string latin1_to_utf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (char c : bytes)
        append_utf8(out, static_cast<unsigned char>(c));
    return out;
}

// One code point of s (valid UTF-8) at i; i moves past it.
char32_t next_code_point(std::string_view s, size_t& i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    if (c < 0x80) {
        i += 1;
        return c;
    }
    if (c < 0xE0) {
        char32_t cp = ((c & 0x1F) << 6) | (byte(i + 1) & 0x3F);
        i += 2;
        return cp;
    }
    if (c < 0xF0) {
        char32_t cp = ((c & 0x0F) << 12) | ((byte(i + 1) & 0x3F) << 6) | (byte(i + 2) & 0x3F);
        i += 3;
        return cp;
    }
    char32_t cp = ((c & 0x07) << 18) | ((byte(i + 1) & 0x3F) << 12) | ((byte(i + 2) & 0x3F) << 6) |
                  (byte(i + 3) & 0x3F);
    i += 4;
    return cp;
}

// bytes.decode("utf-8", "replace"): each maximal invalid subpart becomes one U+FFFD, as CPython
// does. *invalid says whether anything was replaced (the strict decode would have raised).
std::string decode_utf8(std::string_view b, bool* invalid = nullptr) {
    std::string out;
    out.reserve(b.size());
    size_t i = 0;
    while (i < b.size()) {
        auto c = static_cast<unsigned char>(b[i]);
        if (c < 0x80) {
            out.push_back(static_cast<char>(c));
            ++i;
            continue;
        }
        size_t need = 0;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c == 0xE0) {
            need = 2;
            lo = 0xA0;
        } else if (c == 0xED) {
            need = 2;
            hi = 0x9F;
        } else if (c >= 0xE1 && c <= 0xEF) {
            need = 2;
        } else if (c == 0xF0) {
            need = 3;
            lo = 0x90;
        } else if (c >= 0xF1 && c <= 0xF3) {
            need = 3;
        } else if (c == 0xF4) {
            need = 3;
            hi = 0x8F;
        }
        size_t j = i + 1, got = 0;
        while (got < need && j < b.size()) {
            auto d = static_cast<unsigned char>(b[j]);
            bool ok = got == 0 ? (d >= lo && d <= hi) : (d >= 0x80 && d <= 0xBF);
            if (!ok) break;
            ++j;
            ++got;
        }
        if (need > 0 && got == need) {
            out.append(b.substr(i, j - i));
        } else {
            out += "\xEF\xBF\xBD";
            if (invalid) *invalid = true;
        }
        i = j;
    }
    return out;
}

// str.isspace() (Py_UNICODE_ISSPACE).
bool is_space(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0x3000;
}

// str.strip()
std::string_view strip(std::string_view s) {
    size_t b = 0;
    while (b < s.size()) {
        size_t k = b;
        if (!is_space(next_code_point(s, k))) break;
        b = k;
    }
    size_t e = s.size();
    while (e > b) {
        size_t k = e - 1;
        while (k > b && (static_cast<unsigned char>(s[k]) & 0xC0) == 0x80)
            --k;
        size_t probe = k;
        if (!is_space(next_code_point(s, probe))) break;
        e = k;
    }
    return s.substr(b, e - b);
}

std::vector<std::string_view> split(std::string_view s, std::string_view sep) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (;;) {
        size_t pos = s.find(sep, start);
        if (pos == std::string_view::npos) {
            parts.push_back(s.substr(start));
            return parts;
        }
        parts.push_back(s.substr(start, pos - start));
        start = pos + sep.size();
    }
}

// [p for p in path.split("/") if p]
std::vector<std::string_view> path_parts(std::string_view path) {
    std::vector<std::string_view> parts;
    for (auto p : split(path, "/"))
        if (!p.empty()) parts.push_back(p);
    return parts;
}

constexpr int64_t kIntClamp = int64_t{1} << 62;

// int(str). Non-ASCII characters that are not whitespace are refused (CPython would read other
// scripts' decimal digits); values are clamped to +-2^62 (CPython's are unbounded): the
// simulator's lists are far shorter, so slices and "end < len" come out the same, and
// start + limit cannot overflow.
std::optional<int64_t> parse_int(std::string_view s) {
    std::string a;
    for (size_t i = 0; i < s.size();) {
        char32_t cp = next_code_point(s, i);
        if (cp < 127) {
            a.push_back(static_cast<char>(cp));
        } else if (is_space(cp)) {
            a.push_back(' ');
        } else {
            return std::nullopt;
        }
    }
    auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    size_t p = 0, n = a.size();
    while (p < n && space(a[p]))
        ++p;
    bool negative = false;
    if (p < n && (a[p] == '+' || a[p] == '-')) {
        negative = a[p] == '-';
        ++p;
    }
    int64_t v = 0;
    size_t digits = 0;
    while (p < n) {
        if (digit(a[p])) {
            int d = a[p] - '0';
            v = v > (kIntClamp - d) / 10 ? kIntClamp : v * 10 + d;
            ++digits;
            ++p;
        } else if (a[p] == '_' && digits > 0 && digit(a[p - 1]) && p + 1 < n && digit(a[p + 1])) {
            ++p;
        } else {
            break;
        }
    }
    while (p < n && space(a[p]))
        ++p;
    // sys.get_int_max_str_digits() is 4,300 by default.
    if (digits == 0 || p != n || digits > 4300) return std::nullopt;
    return negative ? -v : v;
}

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hex_value(char c) {
    if (c <= '9') return c - '0';
    return (c | 0x20) - 'a' + 10;
}

// urllib.parse.unquote: runs of ASCII are percent-decoded, then decoded as UTF-8 with
// replacement; other code points pass through as they are.
std::string unquote(std::string_view s) {
    if (s.find('%') == std::string_view::npos) return std::string(s);
    std::string out;
    size_t i = 0;
    while (i < s.size()) {
        bool ascii = static_cast<unsigned char>(s[i]) < 0x80;
        size_t j = i;
        while (j < s.size() && (static_cast<unsigned char>(s[j]) < 0x80) == ascii)
            ++j;
        std::string_view run = s.substr(i, j - i);
        if (!ascii) {
            out.append(run);
        } else {
            std::string bytes;
            for (size_t k = 0; k < run.size(); ++k) {
                if (run[k] == '%' && k + 2 < run.size() && is_hex(run[k + 1]) &&
                    is_hex(run[k + 2])) {
                    bytes.push_back(
                        static_cast<char>(hex_value(run[k + 1]) * 16 + hex_value(run[k + 2])));
                    k += 2;
                } else {
                    bytes.push_back(run[k]);
                }
            }
            out += decode_utf8(bytes);
        }
        i = j;
    }
    return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

// urllib.parse.parse_qsl
Pairs parse_qsl(std::string_view qs, bool keep_blank_values) {
    Pairs out;
    if (qs.empty()) return out;
    auto plus_unquote = [](std::string_view v) {
        std::string t(v);
        std::replace(t.begin(), t.end(), '+', ' ');
        return unquote(t);
    };
    for (auto field : split(qs, "&")) {
        if (field.empty()) continue;
        size_t eq = field.find('=');
        std::string_view name = field, value;
        if (eq == std::string_view::npos) {
            if (!keep_blank_values) continue;
        } else {
            name = field.substr(0, eq);
            value = field.substr(eq + 1);
        }
        if (!value.empty() || keep_blank_values)
            out.emplace_back(plus_unquote(name), plus_unquote(value));
    }
    return out;
}

// ipaddress.ip_address() accepting IPv6 only, or an IPvFuture literal, as urlsplit() checks a
// bracketed host.
bool bracketed_host_ok(std::string_view host) {
    if (!host.empty() && host[0] == 'v') {
        size_t k = 1;
        while (k < host.size() && is_hex(host[k]))
            ++k;
        return k > 1 && k < host.size() && host[k] == '.' && k + 1 < host.size();
    }
    size_t pct = host.find('%');
    if (pct != std::string_view::npos) {
        std::string_view scope = host.substr(pct + 1);
        if (scope.empty() || scope.find('%') != std::string_view::npos) return false;
        host = host.substr(0, pct);
    }
    std::string addr(host);
    unsigned char buf[16];
    return inet_pton(AF_INET6, addr.c_str(), buf) == 1;
}

struct SplitUrl {
    std::string path, query;
};

// urllib.parse.urlsplit, path and query only; nullopt where it raises ValueError.
std::optional<SplitUrl> urlsplit(std::string_view in) {
    size_t b = 0;
    while (b < in.size() && static_cast<unsigned char>(in[b]) <= 0x20)
        ++b;
    std::string url;
    for (size_t k = b; k < in.size(); ++k)
        if (in[k] != '\t' && in[k] != '\r' && in[k] != '\n') url.push_back(in[k]);
    std::string_view u = url;
    auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    size_t colon = u.find(':');
    if (colon != std::string_view::npos && colon > 0 && alpha(u[0])) {
        bool scheme = std::all_of(u.begin(), u.begin() + colon, [&](char c) {
            return alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
        });
        if (scheme) u.remove_prefix(colon + 1);
    }
    if (u.substr(0, 2) == "//") {
        size_t delim = std::min(u.find_first_of("/?#", 2), u.size());
        std::string_view netloc = u.substr(2, delim - 2);
        u.remove_prefix(delim);
        bool open = netloc.find('[') != std::string_view::npos;
        bool close = netloc.find(']') != std::string_view::npos;
        if (open != close) return std::nullopt;
        if (open) {
            std::string_view host = netloc.substr(netloc.find('[') + 1);
            host = host.substr(0, std::min(host.find(']'), host.size()));
            if (!bracketed_host_ok(host)) return std::nullopt;
        }
    }
    size_t hash = u.find('#');
    if (hash != std::string_view::npos) u = u.substr(0, hash);
    SplitUrl r;
    size_t q = u.find('?');
    if (q == std::string_view::npos) {
        r.path = std::string(u);
    } else {
        r.path = std::string(u.substr(0, q));
        r.query = std::string(u.substr(q + 1));
    }
    return r;
}

// ---------------------------------------------------------------------------------------------
// json.dumps() output and Python's view of JSON values
// ---------------------------------------------------------------------------------------------
// boost::json::object keeps insertion order, as a Python dict does.

void quote(std::string& out, std::string_view s) {
    static const char* hex = "0123456789abcdef";
    auto u_escape = [&](unsigned v) {
        out += "\\u";
        for (int shift = 12; shift >= 0; shift -= 4)
            out.push_back(hex[(v >> shift) & 0xF]);
    };
    out.push_back('"');
    for (size_t i = 0; i < s.size();) {
        char32_t c = next_code_point(s, i);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            default:
                if (c >= 0x20 && c <= 0x7E) {
                    out.push_back(static_cast<char>(c));
                } else if (c < 0x10000) {
                    u_escape(c);
                } else {
                    c -= 0x10000;
                    u_escape(0xD800 | (c >> 10));
                    u_escape(0xDC00 | (c & 0x3FF));
                }
        }
    }
    out.push_back('"');
}

void dumps(std::string& out, const json::value& v) {
    switch (v.kind()) {
        case json::kind::null:
            out += "null";
            break;
        case json::kind::bool_:
            out += v.get_bool() ? "true" : "false";
            break;
        case json::kind::int64:
            out += std::to_string(v.get_int64());
            break;
        case json::kind::uint64:
            out += std::to_string(v.get_uint64());
            break;
        case json::kind::double_:
            // awssim.py answers no float; a float would need Python's repr().
            throw std::logic_error("dumps: float");
        case json::kind::string:
            quote(out, v.get_string());
            break;
        case json::kind::array: {
            out.push_back('[');
            const char* sep = "";
            for (const auto& e : v.get_array()) {
                out += sep;
                sep = ", ";
                dumps(out, e);
            }
            out.push_back(']');
            break;
        }
        case json::kind::object: {
            out.push_back('{');
            const char* sep = "";
            for (const auto& kv : v.get_object()) {
                out += sep;
                sep = ", ";
                quote(out, kv.key());
                out += ": ";
                dumps(out, kv.value());
            }
            out.push_back('}');
            break;
        }
    }
}

std::string dumps(const json::value& v) {
    std::string out;
    dumps(out, v);
    return out;
}

// params.get(key): params must be a dict (AttributeError otherwise); nullptr when absent.
const json::value* get(const json::value& params, std::string_view key) {
    const json::object* o = params.if_object();
    if (!o) throw Dropped{};
    auto it = o->find(key);
    return it == o->end() ? nullptr : &it->value();
}

// bool(v); nullptr is None.
bool truthy(const json::value* v) {
    if (!v) return false;
    switch (v->kind()) {
        case json::kind::null:
            return false;
        case json::kind::bool_:
            return v->get_bool();
        case json::kind::int64:
            return v->get_int64() != 0;
        case json::kind::uint64:
            return v->get_uint64() != 0;
        case json::kind::double_:
            return v->get_double() != 0.0;
        case json::kind::string:
            return !v->get_string().empty();
        case json::kind::array:
            return !v->get_array().empty();
        case json::kind::object:
            return !v->get_object().empty();
    }
    return false;
}

// int(v), clamped as parse_int(); nullptr is None (TypeError).
int64_t to_int(const json::value* v) {
    if (!v) throw Dropped{};
    switch (v->kind()) {
        case json::kind::bool_:
            return v->get_bool() ? 1 : 0;
        case json::kind::int64:
            return std::clamp(v->get_int64(), -kIntClamp, kIntClamp);
        case json::kind::uint64:
            return static_cast<int64_t>(std::min<uint64_t>(v->get_uint64(), kIntClamp));
        case json::kind::double_: {
            double d = v->get_double();
            if (!std::isfinite(d)) throw Dropped{};  // ValueError (nan), OverflowError (inf)
            d = std::trunc(d);
            if (d >= static_cast<double>(kIntClamp)) return kIntClamp;
            if (d <= -static_cast<double>(kIntClamp)) return -kIntClamp;
            return static_cast<int64_t>(d);
        }
        case json::kind::string: {
            auto n = parse_int(v->get_string());
            if (!n) throw Dropped{};
            return *n;
        }
        default:
            throw Dropped{};
    }
}

// items[start:end] of a list of n, as [first, last).
std::pair<int64_t, int64_t> py_slice(int64_t n, int64_t start, int64_t end) {
    auto norm = [n](int64_t x) {
        if (x < 0) return std::max<int64_t>(0, x + n);
        return std::min(x, n);
    };
    int64_t lo = norm(start), hi = norm(end);
    return {lo, std::max(lo, hi)};
}

// ---------------------------------------------------------------------------------------------
// The synthetic account
// ---------------------------------------------------------------------------------------------
std::string zero_pad(int64_t i, int width) {
    std::string digits = std::to_string(i);
    if (static_cast<int>(digits.size()) < width)
        digits.insert(0, static_cast<size_t>(width) - digits.size(), '0');
    return digits;
}

struct Bucket {
    std::string name;
    const char* sse;  // nullptr: no default-encryption configuration
};

struct Resource {
    std::string id;
    bool flag;  // encrypted / KMS / (distributions) allow-all
};

// Resources over S3, RDS, DynamoDB, Redshift and CloudFront; every third one fails.
struct Account {
    std::vector<Bucket> buckets;
    std::vector<Resource> db_instances, db_clusters, tables, redshift, distributions;
    std::unordered_map<std::string, size_t> bucket_index, table_index, distribution_index;

    explicit Account(int64_t size) {
        // max(1, int(size * share)), in the same double arithmetic.
        auto count = [size](double share) {
            return std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(size) * share));
        };
        int64_t n_s3 = count(0.4), n_rds = count(0.2), n_ddb = count(0.2), n_redshift = count(0.1),
                n_cf = count(0.1);
        for (int64_t i = 0; i < n_s3; ++i)
            buckets.push_back(
                {"bench-bucket-" + zero_pad(i, 5), i % 3 == 0 ? "AES256" : "aws:kms"});
        // A few buckets without any default-encryption configuration: buckets[1::17].
        for (size_t i = 1; i < buckets.size(); i += 17)
            buckets[i].sse = nullptr;
        for (int64_t i = 0; i < n_rds - n_rds / 5; ++i)
            db_instances.push_back({"bench-db-" + zero_pad(i, 5), i % 3 != 0});
        for (int64_t i = 0; i < n_rds / 5; ++i)
            db_clusters.push_back({"bench-cluster-" + zero_pad(i, 5), i % 3 != 0});
        for (int64_t i = 0; i < n_ddb; ++i)
            tables.push_back({"bench-table-" + zero_pad(i, 5), i % 3 != 0});
        for (int64_t i = 0; i < n_redshift; ++i)
            redshift.push_back({"bench-rs-" + zero_pad(i, 5), i % 3 != 0});
        for (int64_t i = 0; i < n_cf; ++i)
            distributions.push_back({"E" + zero_pad(i, 13), i % 3 == 0});
        for (size_t i = 0; i < buckets.size(); ++i)
            bucket_index.emplace(buckets[i].name, i);
        for (size_t i = 0; i < tables.size(); ++i)
            table_index.emplace(tables[i].id, i);
        for (size_t i = 0; i < distributions.size(); ++i)
            distribution_index.emplace(distributions[i].id, i);
    }

    size_t resource_count() const {
        return buckets.size() + db_instances.size() + db_clusters.size() + tables.size() +
               redshift.size() + distributions.size();
    }
};

// ---------------------------------------------------------------------------------------------
// Wire formats
// ---------------------------------------------------------------------------------------------
struct Answer {
    int status = 200;
    std::string body;
    std::string content_type = "text/xml";
    std::vector<std::pair<std::string, std::string>> headers;
};

Answer xml(std::string body, int status = 200,
           std::vector<std::pair<std::string, std::string>> headers = {}) {
    return Answer{status, std::move(body), "text/xml", std::move(headers)};
}

Answer js(const json::value& doc, int status = 200,
          std::string content_type = "application/x-amz-json-1.1") {
    return Answer{status, dumps(doc), std::move(content_type), {}};
}

const char* xml_bool(bool v) {
    return v ? "true" : "false";
}

std::string query_response(std::string_view action, std::string_view ns, std::string_view inner) {
    std::string a(action);
    std::string out = "<?xml version=\"1.0\"?><" + a + "Response xmlns=\"" + std::string(ns) +
                      "\"><" + a + "Result>";
    out += inner;
    out += "</" + a + "Result><ResponseMetadata><RequestId>sim</RequestId></ResponseMetadata></" +
           a + "Response>";
    return out;
}

// xml.sax.saxutils.escape(): &, < and >.
std::string escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (c == '&') {
            out += "&amp;";
        } else if (c == '<') {
            out += "&lt;";
        } else if (c == '>') {
            out += "&gt;";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

// The i-th member account (1-based) of --org-accounts.
std::string member_id(int64_t i) {
    return std::to_string(int64_t{200000000000} + i);
}

// The 12 digits of an access key ASIA<12 digits>... in the Authorization header, or nullopt.
std::optional<std::string> key_account(const std::string& auth) {
    size_t at = auth.find("Credential=");
    if (at == std::string::npos) return std::nullopt;
    std::string_view rest = std::string_view(auth).substr(at + 11);
    rest = rest.substr(0, std::min(rest.find(','), rest.size()));
    std::string_view key = split(rest, "/")[0];
    if (key.substr(0, 4) != "ASIA" || key.size() < 16) return std::nullopt;
    std::string_view digits = key.substr(4, 12);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    return std::string(digits);
}

const std::string kS3Ns = "http://s3.amazonaws.com/doc/2006-03-01/";
const std::string kCloudFrontNs = "http://cloudfront.amazonaws.com/doc/2020-05-31/";

const std::unordered_set<std::string> kQueryServices = {"sts",
                                                        "iam",
                                                        "rds",
                                                        "redshift",
                                                        "ec2",
                                                        "elasticache",
                                                        "sns",
                                                        "sqs",
                                                        "cloudformation",
                                                        "autoscaling",
                                                        "elasticloadbalancing",
                                                        "cloudwatch",
                                                        "s3",
                                                        "cloudfront"};

// Bucket sub-resources -> operation, in awssim.py's order (the first present wins).
const std::vector<std::pair<std::string, std::string>> kS3Subresources = {
    {"encryption", "GetBucketEncryption"},
    {"location", "GetBucketLocation"},
    {"versioning", "GetBucketVersioning"},
    {"lifecycle", "GetBucketLifecycleConfiguration"},
    {"object-lock", "GetObjectLockConfiguration"},
    {"replication", "GetBucketReplication"},
    {"publicAccessBlock", "GetPublicAccessBlock"},
    {"policyStatus", "GetBucketPolicyStatus"},
    {"policy", "GetBucketPolicy"},
    {"logging", "GetBucketLogging"},
    {"notification", "GetBucketNotificationConfiguration"},
    {"acl", "GetBucketAcl"},
};

// What S3 answers for a bucket without the feature configured.
const std::unordered_map<std::string, std::pair<int, std::string>> kS3NotConfigured = {
    {"GetBucketLifecycleConfiguration", {404, "NoSuchLifecycleConfiguration"}},
    {"GetObjectLockConfiguration", {404, "ObjectLockConfigurationNotFoundError"}},
    {"GetBucketReplication", {404, "ReplicationConfigurationNotFoundError"}},
    {"GetPublicAccessBlock", {404, "NoSuchPublicAccessBlockConfiguration"}},
    {"GetBucketPolicy", {404, "NoSuchBucketPolicy"}},
    {"GetBucketPolicyStatus", {404, "NoSuchBucketPolicy"}},
};
const std::unordered_map<std::string, std::string> kS3EmptyDocuments = {
    {"GetBucketVersioning", "VersioningConfiguration"},
    {"GetBucketLogging", "BucketLoggingStatus"},
    {"GetBucketNotificationConfiguration", "NotificationConfiguration"},
};

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------
using Query = std::map<std::string, std::string>;  // dict(parse_qsl(...)); sorted by code point

struct Request {
    std::string method, target, path;
    Query query;
    std::unordered_map<std::string, std::string> headers;  // lower-case names, last one wins
    std::string body;                                      // bytes

    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

// The head as awssim.py's handle() reads it (raw ends with the blank line); false where it
// raises. body_len is int(content-length).
bool parse_head(std::string_view raw, Request& req, int64_t& body_len) {
    std::string head = latin1_to_utf8(raw);
    auto lines = split(head, "\r\n");
    std::string_view first = lines[0];
    size_t sp1 = first.find(' ');
    if (sp1 == std::string_view::npos) return false;
    size_t sp2 = first.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) return false;
    req.method = std::string(first.substr(0, sp1));
    req.target = std::string(first.substr(sp1 + 1, sp2 - sp1 - 1));
    req.headers.clear();
    for (size_t i = 1; i < lines.size(); ++i) {
        size_t colon = lines[i].find(':');
        if (colon == std::string_view::npos) continue;
        // Only ASCII names are ever looked up, and str.lower() maps no other latin-1 letter into
        // ASCII, so lowering ASCII is enough.
        std::string name(strip(lines[i].substr(0, colon)));
        for (char& c : name)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        req.headers[name] = std::string(strip(lines[i].substr(colon + 1)));
    }
    body_len = 0;
    auto it = req.headers.find("content-length");
    if (it != req.headers.end()) {
        auto n = parse_int(it->second);
        // readexactly() of a negative size raises.
        if (!n || *n < 0) return false;
        body_len = *n;
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// The simulator
// ---------------------------------------------------------------------------------------------
// dict counters keep the order in which keys first appeared (since the last reset), as Counter.
class Counter {
  public:
    void add(const std::string& key) {
        auto [it, inserted] = index_.try_emplace(key, entries_.size());
        if (inserted) entries_.emplace_back(key, 0);
        ++entries_[it->second].second;
    }
    void clear() {
        index_.clear();
        entries_.clear();
    }
    int64_t total() const {
        int64_t n = 0;
        for (const auto& e : entries_)
            n += e.second;
        return n;
    }
    json::object to_json() const {
        json::object o;
        for (const auto& [k, n] : entries_)
            o[k] = n;
        return o;
    }

  private:
    std::unordered_map<std::string, size_t> index_;
    std::vector<std::pair<std::string, int64_t>> entries_;
};

struct Classified {
    std::string service, op;
    json::value params;
    bool json_protocol = false;
};

class Simulator {
  public:
    Simulator(Account account, double latency_ms, double rate,
              std::unordered_map<std::string, double> rates, int64_t org_accounts = 0)
        : account_(std::move(account)),
          latency_ms_(latency_ms),
          default_rate_(rate),
          rates_(std::move(rates)),
          org_accounts_(org_accounts) {
        // The Organization: the management account (kAccount) first, then the members.
        if (org_accounts_ > 0) {
            org_.push_back(kAccount);
            for (int64_t i = 1; i <= org_accounts_; ++i)
                org_.push_back(member_id(i));
            org_set_.insert(org_.begin(), org_.end());
        }
    }

    double latency_ms() const { return latency_ms_; }

    int64_t in_flight = 0;
    int64_t peak_in_flight = 0;

    Answer stats() const {
        json::object o;
        o["calls"] = calls_.to_json();
        o["throttled"] = throttled_.to_json();
        o["total_calls"] = calls_.total();
        o["total_throttled"] = throttled_.total();
        o["peak_in_flight"] = peak_in_flight;
        o["distinct_reads"] = seen_.size();
        o["repeated_reads"] = repeated_;
        o["repeated_by_operation"] = repeated_by_op_.to_json();
        o["resources"] = account_.resource_count();
        return js(o, 200, "application/json");
    }

    Answer reset() {
        calls_.clear();
        throttled_.clear();
        seen_.clear();
        repeated_ = 0;
        repeated_by_op_.clear();
        peak_in_flight = 0;
        return js(json::object{{"reset", true}}, 200, "application/json");
    }

    static std::string service_of(const Request& req) {
        std::string auth = req.header("authorization");
        // Credential=AKID/20250101/us-east-1/s3/aws4_request
        size_t at = auth.find("Credential=");
        if (at == std::string::npos) return "";
        std::string_view rest = std::string_view(auth).substr(at + 11);
        rest = rest.substr(0, std::min(rest.find(','), rest.size()));
        auto scope = split(rest, "/");
        return scope.size() >= 4 ? std::string(scope[3]) : std::string();
    }

    Classified classify(const Request& req) const {
        Classified c;
        c.service = service_of(req);
        c.json_protocol = req.headers.count("x-amz-target") > 0;
        std::string target = req.header("x-amz-target");
        if (!target.empty()) {
            size_t dot = target.find('.');
            c.op = dot == std::string::npos ? target : target.substr(dot + 1);
            std::string_view body = req.body.empty() ? std::string_view("{}") : req.body;
            // json.loads() of bytes decodes them as utf-8-sig.
            if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
            json::parse_options opts;
            // CPython's json recursion stops near its recursion limit (1,000 frames).
            opts.max_depth = 990;
            boost::system::error_code ec;
            c.params = json::parse(body, ec, {}, opts);
            if (ec) throw Dropped{};
            return c;
        }
        c.params = json::object();
        if (!kQueryServices.count(c.service)) {  // rest-json: the path names the operation
            c.op = req.method + " " + req.path;
            return c;
        }
        if (c.service == "s3") {
            c.op = s3_operation(req);
            return c;
        }
        if (c.service == "cloudfront") {
            auto ends = [&](std::string_view tail) {
                return req.path.size() >= tail.size() &&
                       std::string_view(req.path).substr(req.path.size() - tail.size()) == tail;
            };
            c.op = ends("/distribution") ? "ListDistributions"
                   : ends("/config")     ? "GetDistributionConfig"
                                         : "GetDistribution";
            return c;
        }
        bool invalid = false;
        std::string body = decode_utf8(req.body, &invalid);
        if (invalid) throw Dropped{};  // body.decode() is strict
        json::object form;
        for (auto& [k, v] : parse_qsl(body, false))
            form[k] = v;
        for (const auto& [k, v] : req.query)
            form[k] = v;
        auto action = form.find("Action");
        c.op = action == form.end() ? "Unknown" : std::string(action->value().get_string());
        c.params = std::move(form);
        return c;
    }

    static std::string s3_operation(const Request& req) {
        if (path_parts(req.path).empty()) return "ListBuckets";
        if (req.method == "HEAD") return "HeadBucket";
        for (const auto& [key, op] : kS3Subresources)
            if (req.query.count(key)) return op;
        return "Unknown";
    }

    // After the delay: throttle, count, answer.
    Answer complete(const Request& req, const Classified& c) {
        std::string key = c.service + ":" + c.op;
        if (!allow(key)) {
            throttled_.add(key);
            return throttle_answer(c.service);
        }
        calls_.add(key);
        // Pages of one listing differ by their token, so they are distinct reads.
        if (!seen_.insert(fingerprint(key, req)).second) {
            ++repeated_;
            repeated_by_op_.add(key);
        }
        return answer(c, req);
    }

  private:
    // (key, method, path, sorted query items, body), each field length-prefixed.
    static std::string fingerprint(const std::string& key, const Request& req) {
        std::string fp;
        auto field = [&fp](std::string_view s) {
            fp += std::to_string(s.size());
            fp.push_back(':');
            fp.append(s);
        };
        field(key);
        field(req.method);
        field(req.path);
        fp += std::to_string(req.query.size());
        for (const auto& [k, v] : req.query) {
            field(k);
            field(v);
        }
        field(req.body);
        return fp;
    }

    // Token bucket per operation; capacity of one second's worth.
    bool allow(const std::string& op) {
        auto r = rates_.find(op);
        double rate = r == rates_.end() ? default_rate_ : r->second;
        if (rate <= 0) return true;
        double now =
            std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
                .count();
        auto [it, inserted] = buckets_tokens_.try_emplace(op, rate, now);
        auto& [tokens, last] = it->second;
        double t = std::min(rate, tokens + (now - last) * rate);
        last = now;
        if (t < 1) {
            tokens = t;
            return false;
        }
        tokens = t - 1;
        return true;
    }

    static Answer throttle_answer(const std::string& service) {
        if (service == "dynamodb" || service == "organizations" || service == "sso" ||
            service == "config" || service == "sso-admin")
            return js(json::object{{"__type", "com.amazonaws#ThrottlingException"},
                                   {"message", "Rate exceeded"}},
                      400, "application/x-amz-json-1.0");
        if (service == "s3")
            return xml(
                "<Error><Code>SlowDown</Code><Message>Please reduce your request "
                "rate.</Message></Error>",
                503);
        if (service == "ec2")
            return xml(
                "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request "
                "limit exceeded.</Message></Error></Errors></Response>",
                503);
        return xml(
            "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate "
            "exceeded</Message></Error></ErrorResponse>",
            400);
    }

    using Handler = Answer (Simulator::*)(const json::value& params, const Request& req);

    // getattr(self, f"op_{service.replace('-', '_')}_{op}"): keyed by that very name, so that
    // service and operation names split differently still find the same handler.
    static const std::unordered_map<std::string, Handler>& handlers() {
        static const std::unordered_map<std::string, Handler> table = {
            {"op_sts_GetCallerIdentity", &Simulator::sts_GetCallerIdentity},
            {"op_ec2_DescribeRegions", &Simulator::ec2_DescribeRegions},
            {"op_iam_GetAccountSummary", &Simulator::iam_GetAccountSummary},
            {"op_s3_ListBuckets", &Simulator::s3_ListBuckets},
            {"op_s3_HeadBucket", &Simulator::s3_HeadBucket},
            {"op_s3_GetBucketLocation", &Simulator::s3_GetBucketLocation},
            {"op_s3_GetBucketEncryption", &Simulator::s3_GetBucketEncryption},
            {"op_rds_DescribeDBInstances", &Simulator::rds_DescribeDBInstances},
            {"op_rds_DescribeDBClusters", &Simulator::rds_DescribeDBClusters},
            {"op_redshift_DescribeClusters", &Simulator::redshift_DescribeClusters},
            {"op_dynamodb_ListTables", &Simulator::dynamodb_ListTables},
            {"op_dynamodb_DescribeTable", &Simulator::dynamodb_DescribeTable},
            {"op_cloudfront_ListDistributions", &Simulator::cloudfront_ListDistributions},
            {"op_cloudfront_GetDistributionConfig", &Simulator::cloudfront_GetDistributionConfig},
            {"op_sso_ListInstances", &Simulator::sso_ListInstances},
            {"op_sso_ListPermissionSets", &Simulator::sso_ListPermissionSets},
            {"op_sso_DescribePermissionSet", &Simulator::sso_DescribePermissionSet},
            {"op_sso_ListManagedPoliciesInPermissionSet",
             &Simulator::sso_ListManagedPoliciesInPermissionSet},
            {"op_sso_GetInlinePolicyForPermissionSet",
             &Simulator::sso_GetInlinePolicyForPermissionSet},
            {"op_organizations_DescribeOrganization",
             &Simulator::organizations_DescribeOrganization},
            {"op_organizations_ListRoots", &Simulator::organizations_ListRoots},
            {"op_organizations_ListPolicies", &Simulator::organizations_ListPolicies},
            {"op_organizations_ListTargetsForPolicy",
             &Simulator::organizations_ListTargetsForPolicy},
            {"op_organizations_ListPoliciesForTarget", &Simulator::organizations_ListPolicies},
            {"op_organizations_ListAccounts", &Simulator::organizations_ListAccounts},
            {"op_sts_AssumeRole", &Simulator::sts_AssumeRole},
            {"op_config_DescribeConformancePacks", &Simulator::config_DescribeConformancePacks},
            {"op_config_DescribeConformancePackStatus",
             &Simulator::config_DescribeConformancePackStatus},
            {"op_config_DescribeConfigurationRecorders",
             &Simulator::config_DescribeConfigurationRecorders},
            {"op_config_DescribeConfigurationRecorderStatus",
             &Simulator::config_DescribeConfigurationRecorderStatus},
        };
        return table;
    }

    Answer answer(const Classified& c, const Request& req) {
        std::string service = c.service;
        std::replace(service.begin(), service.end(), '-', '_');
        std::string name = "op_" + service + "_" + c.op;
        // Handlers that answer only with --org-accounts N > 0 (otherwise the fallback).
        bool org_only = name == "op_organizations_ListAccounts" || name == "op_sts_AssumeRole";
        auto it = handlers().find(name);
        if (it != handlers().end() && !(org_only && org_accounts_ <= 0))
            return (this->*(it->second))(c.params, req);
        return feature_not_used(c, req);
    }

    // Every other read answers as an account that does not use the feature: an empty but
    // well-formed document in the service's protocol, or S3's "not configured" errors.
    Answer feature_not_used(const Classified& c, const Request& req) const {
        if (c.service == "s3") {
            if (!bucket_of(req.path)) return no_bucket();
            if (auto nc = kS3NotConfigured.find(c.op); nc != kS3NotConfigured.end())
                return xml("<Error><Code>" + nc->second.second +
                               "</Code><Message>not configured</Message></Error>",
                           nc->second.first);
            if (auto ed = kS3EmptyDocuments.find(c.op); ed != kS3EmptyDocuments.end())
                return xml("<" + ed->second + " xmlns=\"" + kS3Ns + "\"/>");
        }
        if (c.json_protocol || !kQueryServices.count(c.service))
            return js(json::object(), 200, "application/json");
        if (c.service == "ec2")
            return xml("<" + c.op +
                       "Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>"
                       "sim</requestId></" +
                       c.op + "Response>");
        return xml(query_response(c.op, "https://sim.amazonaws.com/", ""));
    }

    // ---- operations ----------------------------------------------------------------------
    Answer sts_GetCallerIdentity(const json::value&, const Request& req) {
        if (org_accounts_ > 0) {
            // Credentials of an assumed role (sts_AssumeRole below).
            if (auto account = key_account(req.header("authorization")))
                return xml(query_response("GetCallerIdentity", kStsNs,
                                          "<Arn>arn:aws:sts::" + *account +
                                              ":assumed-role/DSPMAuditRole/bench</Arn><UserId>"
                                              "AROABENCH:bench</UserId><Account>" +
                                              *account + "</Account>"));
        }
        return xml(query_response("GetCallerIdentity", "https://sts.amazonaws.com/doc/2011-06-15/",
                                  "<Arn>arn:aws:iam::" + kAccount +
                                      ":user/bench</Arn><UserId>AIDABENCH</UserId><Account>" +
                                      kAccount + "</Account>"));
    }

    // params.get(key, ""): a string (anything else would fail str methods in awssim.py).
    static std::string str_param(const json::value& params, std::string_view key) {
        const json::value* v = get(params, key);
        if (!v) return "";
        if (!v->is_string()) throw Dropped{};
        return std::string(v->get_string());
    }

    // Credentials for a role of an account of the Organization (--org-accounts): the access key
    // names the account (ASIA + its 12 digits), so GetCallerIdentity can answer it.
    Answer sts_AssumeRole(const json::value& params, const Request&) {
        std::string arn = str_param(params, "RoleArn");
        const json::value* session_value = get(params, "RoleSessionName");
        // arn.split(":", 5)
        std::vector<std::string> parts;
        size_t start = 0;
        while (parts.size() < 5) {
            size_t colon = arn.find(':', start);
            if (colon == std::string::npos) break;
            parts.push_back(arn.substr(start, colon - start));
            start = colon + 1;
        }
        parts.push_back(arn.substr(start));
        bool six = parts.size() == 6;
        std::string account =
            six && parts[0] == "arn" && parts[1] == "aws" && parts[2] == "iam" ? parts[4] : "";
        std::string resource = six ? parts[5] : "";
        if (!org_set_.count(account) || resource.rfind("role/", 0) != 0)
            return xml("<ErrorResponse xmlns=\"" + kStsNs +
                           "\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: "
                           "arn:aws:iam::" +
                           kAccount +
                           ":user/bench is not authorized to perform: sts:AssumeRole on "
                           "resource: " +
                           escape(arn) +
                           "</Message></Error><RequestId>sim</RequestId></ErrorResponse>",
                       403);
        std::string session;
        if (session_value) {
            if (!session_value->is_string()) throw Dropped{};  // escape() of a non-str
            session = std::string(session_value->get_string());
        }
        std::string role = resource.substr(resource.rfind('/') + 1);
        std::time_t later = std::time(nullptr) + 3600;
        std::tm tm{};
        gmtime_r(&later, &tm);
        char expiration[32];
        std::strftime(expiration, sizeof expiration, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return xml("<AssumeRoleResponse xmlns=\"" + kStsNs +
                   "\"><AssumeRoleResult><Credentials><AccessKeyId>ASIA" + account +
                   "</AccessKeyId><SecretAccessKey>benchsecret</SecretAccessKey><SessionToken>"
                   "benchtoken-" +
                   account + "</SessionToken><Expiration>" + expiration +
                   "</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROABENCH:" +
                   escape(session) + "</AssumedRoleId><Arn>arn:aws:sts::" + account +
                   ":assumed-role/" + escape(role) + "/" + escape(session) +
                   "</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>sim"
                   "</RequestId></ResponseMetadata></AssumeRoleResponse>");
    }

    Answer ec2_DescribeRegions(const json::value&, const Request&) {
        return xml(
            "<DescribeRegionsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
            "<requestId>sim</requestId><regionInfo><item><regionName>us-east-1</regionName>"
            "<regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint>"
            "<optInStatus>opt-in-not-required</optInStatus></item></regionInfo>"
            "</DescribeRegionsResponse>");
    }

    Answer iam_GetAccountSummary(const json::value&, const Request&) {
        static const std::pair<const char*, int> summary[] = {
            {"AccountMFAEnabled", 1}, {"Users", 3}, {"Policies", 5}};
        std::string entries;
        for (const auto& [k, v] : summary)
            entries += std::string("<entry><key>") + k + "</key><value>" + std::to_string(v) +
                       "</value></entry>";
        return xml(query_response("GetAccountSummary", "https://iam.amazonaws.com/doc/2010-05-08/",
                                  "<SummaryMap>" + entries + "</SummaryMap>"));
    }

    // S3
    const Bucket* bucket_of(const std::string& path) const {
        auto parts = path_parts(path);
        if (parts.empty()) return nullptr;
        auto it = account_.bucket_index.find(unquote(parts[0]));
        return it == account_.bucket_index.end() ? nullptr : &account_.buckets[it->second];
    }

    static Answer no_bucket() {
        return xml(
            "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not "
            "exist</Message></Error>",
            404);
    }

    Answer s3_ListBuckets(const json::value&, const Request&) {
        // The account never changes, and at 50,000 resources the listing is 1.9 MB.
        if (list_buckets_.empty()) {
            std::string items;
            for (const auto& b : account_.buckets)
                items += "<Bucket><Name>" + b.name +
                         "</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket>";
            list_buckets_ = "<ListAllMyBucketsResult xmlns=\"" + kS3Ns +
                            "\"><Owner><ID>bench</ID></Owner><Buckets>" + items +
                            "</Buckets></ListAllMyBucketsResult>";
        }
        return xml(list_buckets_);
    }

    Answer s3_HeadBucket(const json::value&, const Request& req) {
        if (!bucket_of(req.path)) return Answer{404, "", "text/xml", {}};
        return Answer{200, "", "text/xml", {{"x-amz-bucket-region", kRegion}}};
    }

    Answer s3_GetBucketLocation(const json::value&, const Request& req) {
        if (!bucket_of(req.path)) return no_bucket();
        return xml("<LocationConstraint xmlns=\"" + kS3Ns + "\"/>");
    }

    Answer s3_GetBucketEncryption(const json::value&, const Request& req) {
        const Bucket* bucket = bucket_of(req.path);
        if (!bucket) return no_bucket();
        if (!bucket->sse)
            return xml(
                "<Error><Code>ServerSideEncryptionConfigurationNotFoundError</Code><Message>The "
                "server side encryption configuration was not found</Message></Error>",
                404);
        std::string sse = bucket->sse;
        std::string key =
            sse.rfind("aws:kms", 0) == 0
                ? "<KMSMasterKeyID>arn:aws:kms:us-east-1:123456789012:key/bench</KMSMasterKeyID>"
                : "";
        return xml("<ServerSideEncryptionConfiguration xmlns=\"" + kS3Ns +
                       "\"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>" + sse +
                       "</SSEAlgorithm>" + key +
                       "</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</"
                       "BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>",
                   200, {{"x-amz-bucket-region", kRegion}});
    }

    // page(items, marker, limit): the slice and the next marker (end while end < len).
    struct Page {
        int64_t first, last;
        std::optional<int64_t> next;
    };

    static Page page(size_t count, const json::value* marker, int64_t limit) {
        int64_t n = static_cast<int64_t>(count);
        int64_t start = truthy(marker) ? to_int(marker) : 0;
        int64_t end = start + limit;
        auto [first, last] = py_slice(n, start, end);
        return {first, last, end < n ? std::optional<int64_t>(end) : std::nullopt};
    }

    static int64_t int_param(const json::value& params, std::string_view key, int64_t fallback) {
        const json::value* v = get(params, key);
        return v ? to_int(v) : fallback;
    }

    static std::string marker_xml(const Page& p) {
        return p.next ? "<Marker>" + std::to_string(*p.next) + "</Marker>" : "";
    }

    // RDS
    Answer rds_DescribeDBInstances(const json::value& params, const Request&) {
        const json::value* marker = get(params, "Marker");
        Page p = page(account_.db_instances.size(), marker, int_param(params, "MaxRecords", 100));
        std::string body;
        for (int64_t i = p.first; i < p.last; ++i) {
            const Resource& d = account_.db_instances[static_cast<size_t>(i)];
            body += "<DBInstance><DBInstanceIdentifier>" + d.id +
                    "</DBInstanceIdentifier><DBInstanceArn>arn:aws:rds:us-east-1:" + kAccount +
                    ":db:" + d.id +
                    "</DBInstanceArn><Engine>postgres</Engine><DBInstanceStatus>available</"
                    "DBInstanceStatus><StorageEncrypted>" +
                    xml_bool(d.flag) + "</StorageEncrypted><BackupRetentionPeriod>" +
                    (d.flag ? "7" : "1") + "</BackupRetentionPeriod><MultiAZ>" + xml_bool(d.flag) +
                    "</MultiAZ></DBInstance>";
        }
        return xml(query_response("DescribeDBInstances", "http://rds.amazonaws.com/doc/2014-10-31/",
                                  "<DBInstances>" + body + "</DBInstances>" + marker_xml(p)));
    }

    Answer rds_DescribeDBClusters(const json::value& params, const Request&) {
        const json::value* marker = get(params, "Marker");
        Page p = page(account_.db_clusters.size(), marker, int_param(params, "MaxRecords", 100));
        std::string body;
        for (int64_t i = p.first; i < p.last; ++i) {
            const Resource& d = account_.db_clusters[static_cast<size_t>(i)];
            body += "<DBCluster><DBClusterIdentifier>" + d.id +
                    "</DBClusterIdentifier><DBClusterArn>arn:aws:rds:us-east-1:" + kAccount +
                    ":cluster:" + d.id +
                    "</DBClusterArn><Engine>aurora-postgresql</Engine><StorageEncrypted>" +
                    xml_bool(d.flag) + "</StorageEncrypted></DBCluster>";
        }
        return xml(query_response("DescribeDBClusters", "http://rds.amazonaws.com/doc/2014-10-31/",
                                  "<DBClusters>" + body + "</DBClusters>" + marker_xml(p)));
    }

    // Redshift
    Answer redshift_DescribeClusters(const json::value& params, const Request&) {
        const json::value* marker = get(params, "Marker");
        Page p = page(account_.redshift.size(), marker, int_param(params, "MaxRecords", 100));
        std::string body;
        for (int64_t i = p.first; i < p.last; ++i) {
            const Resource& c = account_.redshift[static_cast<size_t>(i)];
            body += "<Cluster><ClusterIdentifier>" + c.id +
                    "</ClusterIdentifier><ClusterStatus>available</ClusterStatus><Encrypted>" +
                    xml_bool(c.flag) + "</Encrypted></Cluster>";
        }
        return xml(query_response("DescribeClusters",
                                  "http://redshift.amazonaws.com/doc/2012-12-01/",
                                  "<Clusters>" + body + "</Clusters>" + marker_xml(p)));
    }

    // DynamoDB
    Answer dynamodb_ListTables(const json::value& params, const Request&) {
        int64_t n = static_cast<int64_t>(account_.tables.size());
        int64_t start = 0;
        const json::value* from = get(params, "ExclusiveStartTableName");
        if (truthy(from)) {
            // names.index(): ValueError unless it is one of the names.
            const json::string* name = from->if_string();
            if (!name) throw Dropped{};
            auto it = account_.table_index.find(std::string(*name));
            if (it == account_.table_index.end()) throw Dropped{};
            start = static_cast<int64_t>(it->second) + 1;
        }
        int64_t limit = int_param(params, "Limit", 100);
        auto [first, last] = py_slice(n, start, start + limit);
        json::array names;
        for (int64_t i = first; i < last; ++i)
            names.emplace_back(account_.tables[static_cast<size_t>(i)].id);
        json::object doc{{"TableNames", names}};
        if (start + limit < n) {
            if (names.empty()) throw Dropped{};  // chunk[-1] of an empty chunk
            doc["LastEvaluatedTableName"] = names.back();
        }
        return js(doc, 200, "application/x-amz-json-1.0");
    }

    Answer dynamodb_DescribeTable(const json::value& params, const Request&) {
        const json::value* name = get(params, "TableName");
        if (name && (name->is_array() || name->is_object())) throw Dropped{};  // unhashable
        // A number, bool or null is no table's name.
        const Resource* table = nullptr;
        if (!name || name->is_string()) {
            auto it = account_.table_index.find(name ? std::string(name->get_string()) : "");
            if (it != account_.table_index.end()) table = &account_.tables[it->second];
        }
        if (!table)
            return js(json::object{{"__type",
                                    "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"},
                                   {"message", "Requested resource not found"}},
                      400, "application/x-amz-json-1.0");
        json::object doc{
            {"TableName", table->id},
            {"TableStatus", "ACTIVE"},
            {"TableArn", "arn:aws:dynamodb:us-east-1:" + kAccount + ":table/" + table->id}};
        if (table->flag)
            doc["SSEDescription"] =
                json::object{{"Status", "ENABLED"},
                             {"SSEType", "KMS"},
                             {"KMSMasterKeyArn", "arn:aws:kms:us-east-1:" + kAccount + ":key/b"}};
        return js(json::object{{"Table", doc}}, 200, "application/x-amz-json-1.0");
    }

    // CloudFront
    Answer cloudfront_ListDistributions(const json::value&, const Request& req) {
        auto q = [&](const std::string& k) -> const std::string* {
            auto it = req.query.find(k);
            return it == req.query.end() ? nullptr : &it->second;
        };
        const std::string* marker = q("Marker");
        const std::string* max_items = q("MaxItems");
        int64_t limit = 100;
        if (max_items) {
            auto n = parse_int(*max_items);
            if (!n) throw Dropped{};
            limit = *n;
        }
        json::value marker_value;
        if (marker) marker_value = json::string(*marker);
        Page p = page(account_.distributions.size(), marker ? &marker_value : nullptr, limit);
        std::string body;
        for (int64_t i = p.first; i < p.last; ++i) {
            const Resource& d = account_.distributions[static_cast<size_t>(i)];
            std::string lower = d.id;
            for (char& c : lower)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            body += "<DistributionSummary><Id>" + d.id +
                    "</Id><ARN>arn:aws:cloudfront::" + kAccount + ":distribution/" + d.id +
                    "</ARN><Status>Deployed</Status><DomainName>" + lower +
                    ".cloudfront.net</DomainName><Enabled>true</Enabled>"
                    "<DefaultCacheBehavior><TargetOriginId>origin</TargetOriginId>"
                    "<ViewerProtocolPolicy>" +
                    (d.flag ? "allow-all" : "redirect-to-https") +
                    "</ViewerProtocolPolicy></DefaultCacheBehavior>"
                    "<CacheBehaviors><Quantity>1</Quantity><Items><CacheBehavior>"
                    "<PathPattern>/static/*</PathPattern><TargetOriginId>origin</TargetOriginId>"
                    "<ViewerProtocolPolicy>https-only</ViewerProtocolPolicy></CacheBehavior></"
                    "Items></CacheBehaviors></DistributionSummary>";
        }
        std::string next_marker =
            p.next ? "<NextMarker>" + std::to_string(*p.next) + "</NextMarker>" : "";
        // Marker and MaxItems are echoed as sent (they passed int(), so they need no escaping).
        return xml("<DistributionList xmlns=\"" + kCloudFrontNs + "\"><Marker>" +
                   (marker ? *marker : "") + "</Marker>" + next_marker + "<MaxItems>" +
                   (max_items ? *max_items : "100") + "</MaxItems><IsTruncated>" +
                   xml_bool(p.next.has_value()) + "</IsTruncated><Quantity>" +
                   std::to_string(p.last - p.first) + "</Quantity><Items>" + body +
                   "</Items></DistributionList>");
    }

    Answer cloudfront_GetDistributionConfig(const json::value&, const Request& req) {
        auto parts = path_parts(req.path);
        std::string ident = parts.size() >= 3 ? std::string(parts[2]) : "";
        auto it = account_.distribution_index.find(ident);
        if (it == account_.distribution_index.end())
            return xml(
                "<ErrorResponse><Error><Code>NoSuchDistribution</Code><Message>none</Message></"
                "Error></ErrorResponse>",
                404);
        const Resource& d = account_.distributions[it->second];
        return xml("<DistributionConfig xmlns=\"" + kCloudFrontNs +
                       "\"><CallerReference>bench</CallerReference><Origins><Quantity>1</"
                       "Quantity><Items><Origin><Id>origin</Id><DomainName>bench.s3.amazonaws.com"
                       "</DomainName><OriginAccessControlId></OriginAccessControlId></Origin></"
                       "Items></Origins><DefaultCacheBehavior><TargetOriginId>origin</"
                       "TargetOriginId><ViewerProtocolPolicy>" +
                       (d.flag ? "allow-all" : "redirect-to-https") +
                       "</ViewerProtocolPolicy></DefaultCacheBehavior><CacheBehaviors><Quantity>1"
                       "</Quantity><Items><CacheBehavior><PathPattern>/static/*</PathPattern>"
                       "<TargetOriginId>origin</TargetOriginId><ViewerProtocolPolicy>https-only"
                       "</ViewerProtocolPolicy></CacheBehavior></Items></CacheBehaviors><Comment>"
                       "</Comment><Logging><Enabled>false</Enabled><IncludeCookies>false</"
                       "IncludeCookies><Bucket></Bucket><Prefix></Prefix></Logging><Enabled>true"
                       "</Enabled></DistributionConfig>",
                   200, {{"ETag", "E1"}});
    }

    // Identity Center (JSON 1.1)
    Answer sso_ListInstances(const json::value&, const Request&) {
        return js(json::object{
            {"Instances",
             json::array{json::object{{"InstanceArn", "arn:aws:sso:::instance/ssoins-bench"},
                                      {"IdentityStoreId", "d-bench"},
                                      {"Status", "ACTIVE"}}}}});
    }

    Answer sso_ListPermissionSets(const json::value&, const Request&) {
        json::array sets;
        for (int i = 0; i < 5; ++i)
            sets.emplace_back("arn:aws:sso:::permissionSet/ssoins-bench/ps-" + std::to_string(i));
        return js(json::object{{"PermissionSets", sets}});
    }

    Answer sso_DescribePermissionSet(const json::value& params, const Request&) {
        const json::value* v = get(params, "PermissionSetArn");
        std::string arn;
        if (v) {
            if (!v->is_string()) throw Dropped{};  // no rsplit()
            arn = std::string(v->get_string());
        }
        size_t dash = arn.rfind('-');
        std::string tail = dash == std::string::npos ? arn : arn.substr(dash + 1);
        return js(json::object{{"PermissionSet", json::object{{"Name", "ReadOnly-" + tail},
                                                              {"PermissionSetArn", arn}}}});
    }

    Answer sso_ListManagedPoliciesInPermissionSet(const json::value&, const Request&) {
        return js(json::object{
            {"AttachedManagedPolicies",
             json::array{json::object{{"Name", "ReadOnlyAccess"},
                                      {"Arn", "arn:aws:iam::aws:policy/ReadOnlyAccess"}}}}});
    }

    Answer sso_GetInlinePolicyForPermissionSet(const json::value&, const Request&) {
        return js(json::object{{"InlinePolicy", ""}});
    }

    // Organizations (JSON 1.1)
    Answer organizations_DescribeOrganization(const json::value&, const Request&) {
        return js(json::object{
            {"Organization", json::object{{"Id", "o-bench"},
                                          {"MasterAccountId", kAccount},
                                          {"FeatureSet", "ALL"},
                                          {"Arn", "arn:aws:organizations::" + kAccount +
                                                      ":organization/o-bench"}}}});
    }

    // The Organization's accounts, botocore's paginator: NextToken in, NextToken out.
    Answer organizations_ListAccounts(const json::value& params, const Request&) {
        int64_t limit = std::min(int_param(params, "MaxResults", kOrgPage), kOrgPage);
        Page p = page(org_.size(), get(params, "NextToken"), limit);
        json::array accounts;
        for (int64_t k = p.first; k < p.last; ++k) {
            const std::string& id = org_[static_cast<size_t>(k)];
            accounts.push_back(json::object{
                {"Id", id},
                {"Arn", "arn:aws:organizations::" + kAccount + ":account/o-bench/" + id},
                {"Email", "bench+" + id + "@example.com"},
                {"Name", id == kAccount ? std::string("management") : "member-" + id},
                {"Status", "ACTIVE"},
                {"State", "ACTIVE"},
                {"JoinedMethod", "CREATED"},
                {"JoinedTimestamp", 1700000000}});
        }
        json::object doc{{"Accounts", accounts}};
        if (p.next) doc["NextToken"] = std::to_string(*p.next);
        return js(doc);
    }

    Answer organizations_ListRoots(const json::value&, const Request&) {
        return js(json::object{
            {"Roots",
             json::array{json::object{
                 {"Id", "r-bench"},
                 {"Name", "Root"},
                 {"PolicyTypes", json::array{json::object{{"Type", "SERVICE_CONTROL_POLICY"},
                                                          {"Status", "ENABLED"}}}}}}}});
    }

    Answer organizations_ListPolicies(const json::value&, const Request&) {
        return js(json::object{
            {"Policies", json::array{json::object{{"Id", "p-FullAWSAccess"},
                                                  {"Name", "FullAWSAccess"},
                                                  {"AwsManaged", true},
                                                  {"Type", "SERVICE_CONTROL_POLICY"}},
                                     json::object{{"Id", "p-denyregions"},
                                                  {"Name", "DenyOtherRegions"},
                                                  {"AwsManaged", false},
                                                  {"Type", "SERVICE_CONTROL_POLICY"}}}}});
    }

    Answer organizations_ListTargetsForPolicy(const json::value&, const Request&) {
        return js(json::object{
            {"Targets", json::array{json::object{{"TargetId", "r-bench"},
                                                 {"Name", "Root"},
                                                 {"Type", "ROOT"},
                                                 {"Arn", "arn:aws:organizations::" + kAccount +
                                                             ":root/o-bench/r-bench"}}}}});
    }

    // Config (JSON 1.1)
    Answer config_DescribeConformancePacks(const json::value&, const Request&) {
        return js(json::object{
            {"ConformancePackDetails",
             json::array{json::object{{"ConformancePackName", "kisms"},
                                      {"ConformancePackArn", "arn:aws:config:pack/kisms"},
                                      {"ConformancePackId", "conformance-pack-bench"}}}}});
    }

    Answer config_DescribeConformancePackStatus(const json::value&, const Request&) {
        return js(json::object{
            {"ConformancePackStatusDetails",
             json::array{json::object{{"ConformancePackName", "kisms"},
                                      {"ConformancePackId", "conformance-pack-bench"},
                                      {"ConformancePackArn", "arn:aws:config:pack/kisms"},
                                      {"ConformancePackState", "CREATE_COMPLETE"},
                                      {"StackArn", "arn:aws:cloudformation:s"},
                                      {"LastUpdateRequestedTime", 1700000000}}}}});
    }

    Answer config_DescribeConfigurationRecorders(const json::value&, const Request&) {
        return js(json::object{
            {"ConfigurationRecorders",
             json::array{json::object{{"name", "default"}, {"roleARN", "arn:aws:iam::r"}}}}});
    }

    Answer config_DescribeConfigurationRecorderStatus(const json::value&, const Request&) {
        return js(json::object{
            {"ConfigurationRecordersStatus",
             json::array{json::object{
                 {"name", "default"}, {"recording", true}, {"lastStatus", "SUCCESS"}}}}});
    }

    Account account_;
    double latency_ms_;
    double default_rate_;
    std::unordered_map<std::string, double> rates_;
    Counter calls_, throttled_, repeated_by_op_;
    std::unordered_map<std::string, std::pair<double, double>> buckets_tokens_;
    std::unordered_set<std::string> seen_;  // fingerprints of the reads answered
    int64_t repeated_ = 0;
    std::string list_buckets_;
    int64_t org_accounts_ = 0;
    std::vector<std::string> org_;  // the management account, then the members
    std::unordered_set<std::string> org_set_;
};

// ---------------------------------------------------------------------------------------------
// HTTP/1.1 server with keep-alive
// ---------------------------------------------------------------------------------------------
// asyncio's StreamReader limit: a head whose blank line is not within it ends the connection.
constexpr size_t kHeadLimit = 65536;

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(tcp::socket socket, Simulator& sim)
        : socket_(std::move(socket)), timer_(socket_.get_executor()), sim_(sim) {}

    void start() { step(); }

  private:
    // Takes the next request out of buf_ (a client may send several at once), or reads more.
    void step() {
        if (!have_head_) {
            size_t pos = buf_.find("\r\n\r\n", scan_from_);
            if (pos == std::string::npos) {
                if (buf_.size() >= 3 && buf_.size() - 3 > kHeadLimit) return close();
                scan_from_ = buf_.size() >= 3 ? buf_.size() - 3 : 0;
                return read_more();
            }
            if (pos > kHeadLimit) return close();
            head_end_ = pos + 4;
            if (!parse_head(std::string_view(buf_).substr(0, head_end_), req_, body_len_))
                return close();
            have_head_ = true;
        }
        if (static_cast<int64_t>(buf_.size() - head_end_) < body_len_) return read_more();
        size_t used = head_end_ + static_cast<size_t>(body_len_);
        req_.body.assign(buf_, head_end_, static_cast<size_t>(body_len_));
        buf_.erase(0, used);
        have_head_ = false;
        scan_from_ = 0;
        auto url = urlsplit(req_.target);
        if (!url) return close();
        req_.path = std::move(url->path);
        req_.query.clear();
        for (auto& [k, v] : parse_qsl(url->query, true))
            req_.query[k] = std::move(v);
        dispatch();
    }

    void dispatch() {
        if (req_.path == "/_sim/stats") return write(sim_.stats());
        if (req_.path == "/_sim/reset") return write(sim_.reset());
        ++sim_.in_flight;
        sim_.peak_in_flight = std::max(sim_.peak_in_flight, sim_.in_flight);
        try {
            classified_ = sim_.classify(req_);
        } catch (const Dropped&) {
            --sim_.in_flight;
            return close();
        }
        timer_.expires_after(delay());
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code&) {
            std::optional<Answer> answer;
            try {
                answer = self->sim_.complete(self->req_, self->classified_);
            } catch (const Dropped&) {
            }
            --self->sim_.in_flight;
            if (!answer) return self->close();
            self->write(*answer);
        });
    }

    std::chrono::steady_clock::duration delay() const {
        double ms = sim_.latency_ms();
        if (!(ms > 0)) return {};  // asyncio.sleep() of <= 0 or nan returns at once
        // A delay of a century stands for asyncio.sleep(inf): never.
        double ns = std::min(ms * 1e6, 3.15e18);
        return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::nanoseconds(static_cast<int64_t>(ns)));
    }

    void write(const Answer& a) {
        out_ = "HTTP/1.1 " + std::to_string(a.status) + " X\r\nContent-Type: " + a.content_type +
               "\r\nContent-Length: " + std::to_string(a.body.size()) + "\r\n";
        for (const auto& [k, v] : a.headers)
            out_ += k + ": " + v + "\r\n";
        out_ += "x-amzn-RequestId: sim\r\n\r\n";
        if (req_.method != "HEAD") out_ += a.body;
        asio::async_write(socket_, asio::buffer(out_),
                          [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                              if (ec) return self->close();
                              self->step();
                          });
    }

    void read_more() {
        socket_.async_read_some(
            asio::buffer(chunk_),
            [self = shared_from_this()](const boost::system::error_code& ec, size_t n) {
                if (ec) return self->close();
                self->buf_.append(self->chunk_.data(), n);
                self->step();
            });
    }

    void close() {
        boost::system::error_code ignored;
        socket_.close(ignored);
    }

    tcp::socket socket_;
    asio::steady_timer timer_;
    Simulator& sim_;
    std::string buf_;
    std::array<char, 16384> chunk_;
    size_t scan_from_ = 0, head_end_ = 0;
    bool have_head_ = false;
    int64_t body_len_ = 0;
    Request req_;
    Classified classified_;
    std::string out_;
};

class Server {
  public:
    Server(asio::io_context& io, uint16_t port, Simulator& sim)
        : acceptor_(io), retry_(io), sim_(sim) {
        tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
        acceptor_.open(ep.protocol());
        acceptor_.set_option(tcp::acceptor::reuse_address(true));
        acceptor_.bind(ep);
        acceptor_.listen(1024);
    }

    void accept() {
        acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
            if (!ec) {
                boost::system::error_code ignored;
                socket.set_option(tcp::no_delay(true), ignored);  // asyncio sets it too
                std::make_shared<Session>(std::move(socket), sim_)->start();
                return accept();
            }
            // Out of descriptors (or the like): asyncio stops accepting for a second, likewise.
            retry_.expires_after(std::chrono::seconds(1));
            retry_.async_wait([this](const boost::system::error_code&) { accept(); });
        });
    }

  private:
    tcp::acceptor acceptor_;
    asio::steady_timer retry_;
    Simulator& sim_;
};

// ---------------------------------------------------------------------------------------------
// Command line, as awssim.py's argparse reads it
// ---------------------------------------------------------------------------------------------
const char* kUsage =
    "usage: awssim [-h] --port PORT [--size SIZE] [--latency-ms LATENCY_MS] [--rate RATE]\n"
    "              [--op-rate OP_RATE] [--org-accounts ORG_ACCOUNTS]\n";

[[noreturn]] void usage_error(const std::string& message) {
    std::cerr << kUsage << "awssim: error: " << message << "\n";
    std::exit(2);
}

// argparse's _negative_number_matcher: ^-\d+$|^-\d*\.\d+$
bool looks_negative(std::string_view s) {
    if (s.size() < 2 || s[0] != '-') return false;
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    std::string_view rest = s.substr(1);
    size_t dot = rest.find('.');
    if (dot == std::string_view::npos) return std::all_of(rest.begin(), rest.end(), digit);
    std::string_view frac = rest.substr(dot + 1);
    return !frac.empty() && std::all_of(rest.begin(), rest.begin() + dot, digit) &&
           std::all_of(frac.begin(), frac.end(), digit);
}

// float(): Python's spelling (no hexadecimal).
std::optional<double> parse_float(std::string_view s) {
    std::string t(strip(s));
    t.erase(std::remove(t.begin(), t.end(), '_'), t.end());
    if (t.empty() || t.find_first_of("xXpP") != std::string::npos) return std::nullopt;
    char* end = nullptr;
    double v = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size()) return std::nullopt;
    return v;
}

struct Options {
    std::optional<int64_t> port;
    int64_t size = 100;
    double latency_ms = 40.0;
    double rate = 0;
    std::unordered_map<std::string, double> rates;
    int64_t org_accounts = 0;
};

Options parse_args(int argc, char** argv) {
    const std::vector<std::string> names = {"--port",    "--size",         "--latency-ms", "--rate",
                                            "--op-rate", "--org-accounts", "--help"};
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "-h") arg = "--help";
        if (arg.rfind("--", 0) != 0) usage_error("unrecognized arguments: " + arg);
        std::optional<std::string> inline_value;
        if (size_t eq = arg.find('='); eq != std::string::npos) {
            inline_value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        // argparse takes any unambiguous prefix of an option.
        std::vector<std::string> matches;
        for (const auto& n : names) {
            if (n == arg) {
                matches = {n};
                break;
            }
            if (n.rfind(arg, 0) == 0) matches.push_back(n);
        }
        if (matches.empty()) usage_error("unrecognized arguments: " + arg);
        if (matches.size() > 1) usage_error("ambiguous option: " + arg);
        const std::string& name = matches[0];
        if (name == "--help") {
            std::cout << kUsage
                      << "\nThe benchmark's loopback AWS simulator (bench/awssim.py, compiled).\n"
                         "  --port PORT            port on 127.0.0.1 (required)\n"
                         "  --size SIZE            number of resources (100)\n"
                         "  --latency-ms MS        delay before every answer (40)\n"
                         "  --rate RATE            allowed requests/s per operation (0: "
                         "unlimited)\n"
                         "  --op-rate SERVICE:Operation=RATE  overrides --rate for one operation\n"
                         "  --org-accounts N       an Organization of N member accounts besides "
                         "this one\n"
                         "                         (ListAccounts, AssumeRole, GetCallerIdentity; "
                         "0: none)\n";
            std::exit(0);
        }
        std::string value;
        if (inline_value) {
            value = *inline_value;
        } else {
            // A following "-1" is a value; anything else starting with '-' is an option.
            bool negative_number = i + 1 < argc && looks_negative(argv[i + 1]);
            if (i + 1 >= argc || (argv[i + 1][0] == '-' && !negative_number))
                usage_error("argument " + name + ": expected one argument");
            value = argv[++i];
        }
        auto as_int = [&]() {
            auto v = parse_int(latin1_to_utf8(value));
            if (!v) usage_error("argument " + name + ": invalid int value: '" + value + "'");
            return *v;
        };
        auto as_float = [&]() {
            auto v = parse_float(value);
            if (!v) usage_error("argument " + name + ": invalid float value: '" + value + "'");
            return *v;
        };
        if (name == "--port") {
            o.port = as_int();
        } else if (name == "--size") {
            o.size = as_int();
        } else if (name == "--latency-ms") {
            o.latency_ms = as_float();
        } else if (name == "--rate") {
            o.rate = as_float();
        } else if (name == "--org-accounts") {
            o.org_accounts = as_int();
        } else {
            size_t eq = value.rfind('=');
            auto rate = eq == std::string::npos ? std::nullopt : parse_float(value.substr(eq + 1));
            if (!rate) {
                std::cerr << "awssim: ValueError: bad --op-rate " << value << "\n";
                std::exit(1);
            }
            o.rates[value.substr(0, eq)] = *rate;
        }
    }
    if (!o.port) usage_error("the following arguments are required: --port");
    if (*o.port < 0 || *o.port > 65535) {
        std::cerr << "awssim: OverflowError: port must be 0-65535.\n";
        std::exit(1);
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse_args(argc, argv);
    // A benchmark keeps a thousand or more connections open: take the hard descriptor limit.
    rlimit nofile{};
    if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
        nofile.rlim_cur = nofile.rlim_max;
        setrlimit(RLIMIT_NOFILE, &nofile);
    }
    try {
        Simulator sim(Account(o.size), o.latency_ms, o.rate, std::move(o.rates), o.org_accounts);
        asio::io_context io(1);
        Server server(io, static_cast<uint16_t>(*o.port), sim);
        server.accept();
        io.run();
    } catch (const std::exception& e) {
        std::cerr << "awssim: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
