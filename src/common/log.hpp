#pragma once
// The process logger (the one allowed global): JSON lines on stderr. Secrets are never passed here.
#include <boost/json/object.hpp>
#include <string>
#include <string_view>

namespace dspm::log {

enum class Level { debug, info, warn, error };

// Parses "debug|info|warning|warn|error" (case-insensitive); nullopt-like false on unknown.
bool parse_level(std::string_view text, Level& out);
void set_level(Level level);
Level level();

// Writes {"ts":..., "level":..., "msg":..., <fields>} as one line.
void write(Level level, std::string_view message, const boost::json::object& fields = {});
inline void debug(std::string_view m, const boost::json::object& f = {}) {
    write(Level::debug, m, f);
}
inline void info(std::string_view m, const boost::json::object& f = {}) {
    write(Level::info, m, f);
}
inline void warn(std::string_view m, const boost::json::object& f = {}) {
    write(Level::warn, m, f);
}
inline void error(std::string_view m, const boost::json::object& f = {}) {
    write(Level::error, m, f);
}

}  // namespace dspm::log
