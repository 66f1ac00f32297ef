#include "common/log.hpp"

#include <atomic>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace dspm::log {
namespace {
std::atomic<Level> current_level{Level::info};
std::mutex write_mutex;

const char* level_name(Level l) {
    switch (l) {
        case Level::debug:
            return "debug";
        case Level::info:
            return "info";
        case Level::warn:
            return "warning";
        case Level::error:
            return "error";
    }
    return "info";
}

std::string timestamp() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto t = system_clock::to_time_t(now);
    const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms));
    return buf;
}
}  // namespace

bool parse_level(std::string_view text, Level& out) {
    std::string t;
    for (char c : text)
        t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (t == "debug")
        out = Level::debug;
    else if (t == "info")
        out = Level::info;
    else if (t == "warn" || t == "warning")
        out = Level::warn;
    else if (t == "error")
        out = Level::error;
    else
        return false;
    return true;
}

void set_level(Level l) {
    current_level = l;
}
Level level() {
    return current_level;
}

void write(Level l, std::string_view message, const boost::json::object& fields) {
    if (l < current_level.load()) return;
    boost::json::object line;
    line["ts"] = timestamp();
    line["level"] = level_name(l);
    line["msg"] = message;
    for (const auto& kv : fields)
        line[kv.key()] = kv.value();
    const std::string text = boost::json::serialize(line) + "\n";
    std::lock_guard lock(write_mutex);
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
}

}  // namespace dspm::log
