#include "aws/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

namespace dspm::aws {
namespace {

std::string to_hex(const unsigned char* data, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(digits[data[i] >> 4]);
        out.push_back(digits[data[i] & 0xf]);
    }
    return out;
}

std::string hmac(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Trims and collapses runs of whitespace (folded header lines included) to one space.
std::string canonical_header_value(std::string_view v) {
    std::string out;
    bool space = false;
    for (char c : v) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(c);
    }
    return out;
}

// Removes "." and ".." segments and empty segments, keeping a trailing slash.
std::string normalize(std::string_view path) {
    std::vector<std::string_view> segments;
    std::size_t i = 0;
    while (i <= path.size()) {
        const std::size_t j = std::min(path.find('/', i), path.size());
        const std::string_view seg = path.substr(i, j - i);
        if (seg == "..") {
            if (!segments.empty()) segments.pop_back();
        } else if (!seg.empty() && seg != ".") {
            segments.push_back(seg);
        }
        i = j + 1;
    }
    std::string out;
    for (auto seg : segments) {
        out += '/';
        out += seg;
    }
    const bool trailing = !path.empty() && path.back() == '/';
    if (out.empty() || trailing) out += '/';
    return out;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
    unsigned char out[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
    return to_hex(out, sizeof out);
}

std::string uri_encode(std::string_view text, bool encode_slash) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
            (c == '/' && !encode_slash)) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(digits[c >> 4]);
            out.push_back(digits[c & 0xf]);
        }
    }
    return out;
}

std::string amz_date(std::chrono::system_clock::time_point time) {
    const std::time_t t = std::chrono::system_clock::to_time_t(time);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

SigningResult sign(const SigningRequest& request, const Credentials& credentials,
                   const SigningParams& params) {
    SigningResult result;
    result.headers = request.headers;
    const std::string date = amz_date(params.time);
    const std::string day = date.substr(0, 8);
    const bool s3 = params.s3_rules;
    const std::string payload_hash = sha256_hex(request.body);

    auto set_header = [&](const std::string& name, const std::string& value) {
        for (auto& [k, v] : result.headers) {
            if (lower(k) == lower(name)) {
                v = value;
                return;
            }
        }
        result.headers.emplace_back(name, value);
    };
    set_header("X-Amz-Date", date);
    if (s3 || params.add_content_sha256) set_header("x-amz-content-sha256", payload_hash);
    const bool token = !credentials.session_token.empty();
    if (token && !params.omit_session_token)
        set_header("X-Amz-Security-Token", credentials.session_token);

    // Canonical headers: lower-case names, sorted, duplicate values joined by commas.
    std::map<std::string, std::string> canon;
    for (const auto& [k, v] : result.headers) {
        const std::string name = lower(k);
        if (name == "authorization" || name == "user-agent" || name == "expect" ||
            name == "x-amzn-trace-id")
            continue;
        auto [it, inserted] = canon.emplace(name, canonical_header_value(v));
        if (!inserted) {
            it->second.push_back(',');
            it->second.append(canonical_header_value(v));
        }
    }
    std::string canonical_headers, signed_headers;
    for (const auto& [k, v] : canon) {
        canonical_headers += k + ":" + v + "\n";
        if (!signed_headers.empty()) signed_headers += ';';
        signed_headers += k;
    }

    std::string path = request.path.empty() ? "/" : request.path;
    std::string canonical_uri;
    if (s3) {
        canonical_uri = path;
    } else {
        canonical_uri = uri_encode(params.normalize_path ? normalize(path) : path, false);
    }

    std::vector<std::pair<std::string, std::string>> query;
    for (const auto& [k, v] : request.query)
        query.emplace_back(uri_encode(k, true), uri_encode(v, true));
    std::sort(query.begin(), query.end());
    std::string canonical_query;
    for (const auto& [k, v] : query) {
        if (!canonical_query.empty()) canonical_query += '&';
        canonical_query += k + "=" + v;
    }

    result.canonical_request = request.method + "\n" + canonical_uri + "\n" + canonical_query +
                               "\n" + canonical_headers + "\n" + signed_headers + "\n" +
                               payload_hash;
    const std::string scope = day + "/" + params.region + "/" + params.service + "/aws4_request";
    result.string_to_sign =
        "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + sha256_hex(result.canonical_request);

    const std::string k_date = hmac("AWS4" + credentials.secret_access_key, day);
    const std::string k_region = hmac(k_date, params.region);
    const std::string k_service = hmac(k_region, params.service);
    const std::string k_signing = hmac(k_service, "aws4_request");
    const std::string raw = hmac(k_signing, result.string_to_sign);
    result.signature = to_hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
    result.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" +
                           scope + ", SignedHeaders=" + signed_headers +
                           ", Signature=" + result.signature;
    if (token && params.omit_session_token)
        set_header("X-Amz-Security-Token", credentials.session_token);
    set_header("Authorization", result.authorization);
    return result;
}

}  // namespace dspm::aws
