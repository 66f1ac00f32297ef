#include "net/redact.hpp"

#include <algorithm>
#include <array>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <cctype>

namespace dspm::net {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool secret_name(std::string_view name) {
    static constexpr std::array<std::string_view, 12> parts = {
        "token", "key",        "secret",  "password", "passwd", "pwd",
        "sig",   "credential", "session", "auth",     "apikey", "code"};
    const std::string n = lower(name);
    return std::any_of(parts.begin(), parts.end(),
                       [&](std::string_view p) { return n.find(p) != std::string::npos; });
}

// Fallback for text Boost.URL does not accept: cut "user:pass@" between "://" and the host.
std::string redact_loose(std::string_view text) {
    std::string out(text);
    const auto scheme = out.find("://");
    if (scheme == std::string::npos) return out;
    const auto start = scheme + 3;
    const auto end = out.find_first_of("/?#", start);
    const auto at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at >= start) out.replace(start, at - start, "***");
    return out;
}

}  // namespace

std::string redact_url(std::string_view text) {
    auto parsed = boost::urls::parse_uri_reference(text);
    if (!parsed) return redact_loose(text);
    boost::urls::url u(*parsed);
    if (u.has_userinfo()) u.set_encoded_userinfo("***");
    if (u.has_query()) {
        auto params = u.params();
        for (auto it = params.begin(); it != params.end(); ++it) {
            const auto p = *it;
            if (!p.has_value || !secret_name(p.key)) continue;
            // The view points into the buffer replace() rewrites: keep the key first.
            const std::string key(p.key);
            it = params.replace(it, {key, "***"});
        }
    }
    return std::string(u.buffer());
}

std::string redact_urls_in(std::string_view text) {
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto scheme = text.find("://", pos);
        if (scheme == std::string_view::npos) break;
        // Walk back over the scheme's letters.
        std::size_t begin = scheme;
        while (begin > pos &&
               (std::isalnum(static_cast<unsigned char>(text[begin - 1])) != 0 ||
                text[begin - 1] == '+' || text[begin - 1] == '-' || text[begin - 1] == '.'))
            --begin;
        std::size_t end = scheme + 3;
        while (end < text.size() && text[end] != ' ' && text[end] != '"' && text[end] != '\'' &&
               text[end] != '\n' && text[end] != '\r' && text[end] != '\t' && text[end] != '<' &&
               text[end] != '>')
            ++end;
        out.append(text.substr(pos, begin - pos));
        out.append(redact_url(text.substr(begin, end - begin)));
        pos = end;
    }
    out.append(text.substr(pos));
    return out;
}

}  // namespace dspm::net
