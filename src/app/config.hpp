#pragma once
// Loading the effective Settings: command-line flags > environment > .env in the working
// directory > defaults. Invalid values are reported, never guessed around.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/expected.hpp"
#include "common/settings.hpp"

namespace dspm::app {

// Flag values keyed by their environment variable name ("PORT", "AWS_REGION", ...).
using FlagValues = std::map<std::string, std::string>;

struct ConfigError {
    std::string message;  // "invalid PORT \"abc\" (from environment): expected 1-65535"
};

// env_lookup is the environment (getenv in production, a map in tests); env_file is the path of
// the .env file to read when it exists.
Expected<Settings, ConfigError> load_settings(
    const FlagValues& flags, const std::function<const char*(const char*)>& env_lookup,
    const std::string& env_file = ".env");

// The names of the settings that are secrets (redacted by `dspm-audit config`).
bool is_secret_setting(const std::string& name);

// One setting as `dspm-audit config` shows it: lists comma-joined, secrets "***" when set.
struct SettingView {
    std::string name;    // the environment variable name
    std::string value;   // effective value as text
    std::string origin;  // "flag", "environment", ".env:<line>", "default"
    std::string help;
};

// Every setting, in a stable order.
std::vector<SettingView> describe_settings(const Settings& settings);

}  // namespace dspm::app
