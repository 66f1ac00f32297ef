#include <cctype>
#include <charconv>
#include <ctime>
#include <random>

#include "net/redact.hpp"
#include "store/store.hpp"

namespace dspm::store {

std::string new_run_id(std::chrono::system_clock::time_point started) {
    using namespace std::chrono;
    const auto ms = duration_cast<milliseconds>(started.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
    // Two runs started in the same millisecond (replicas, a busy server) differ in these bits.
    thread_local std::mt19937 random(std::random_device{}());
    char out[48];
    std::snprintf(out, sizeof out, "%s%03dZ-%08x", stamp, static_cast<int>(ms % 1000),
                  static_cast<unsigned>(random()));
    return out;
}

bool valid_run_id(const std::string& id) {
    // 8 digits, T, 9 digits, Z, -, 8 lower-case hex digits.
    if (id.size() != 28) return false;
    for (std::size_t i = 0; i < id.size(); ++i) {
        const auto c = static_cast<unsigned char>(id[i]);
        const bool ok = i == 8    ? c == 'T'
                        : i == 18 ? c == 'Z'
                        : i == 19 ? c == '-'
                        : i < 18  ? std::isdigit(c) != 0
                                  : (std::isdigit(c) != 0 || (c >= 'a' && c <= 'f'));
        if (!ok) return false;
    }
    return true;
}

Expected<std::string, std::string> parse_since(const std::string& text) {
    const auto digits = [&](std::size_t from, std::size_t n) {
        for (std::size_t i = from; i < from + n; ++i)
            if (i >= text.size() || std::isdigit(static_cast<unsigned char>(text[i])) == 0)
                return false;
        return true;
    };
    const bool date = text.size() >= 10 && digits(0, 4) && text[4] == '-' && digits(5, 2) &&
                      text[7] == '-' && digits(8, 2);
    if (date && text.size() == 10) return text + "T00:00:00Z";
    if (date && text.size() == 20 && text[10] == 'T' && digits(11, 2) && text[13] == ':' &&
        digits(14, 2) && text[16] == ':' && digits(17, 2) && text[19] == 'Z')
        return text;
    return unexpected(
        std::string("since: expected a UTC date or time, 2026-12-01 or 2026-12-01T10:00:00Z"));
}

Expected<Retention, std::string> parse_retention(const std::string& text) {
    if (text.empty()) return Retention{};
    const bool days = text.back() == 'd';
    const std::string number = days ? text.substr(0, text.size() - 1) : text;
    std::size_t n = 0;
    const auto* end = number.data() + number.size();
    const auto [ptr, ec] = std::from_chars(number.data(), end, n);
    if (number.empty() || ec != std::errc{} || ptr != end || n > 10'000'000)
        return unexpected(std::string(
            "expected a count of runs (500) or of days (90d); empty or 0: keep every run"));
    Retention r;
    (days ? r.days : r.runs) = n;
    return r;
}

std::string redact_database_url(const std::string& url) {
    return net::redact_url(url);
}

}  // namespace dspm::store
