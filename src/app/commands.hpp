#pragma once
// Each subcommand registers itself from its own file; main.cpp only wires them together.
// A command runs after the effective Settings are loaded (flags > environment > .env > defaults).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/settings.hpp"

namespace CLI {
class App;
}
namespace dspm::catalog {
class CatalogSource;
struct CatalogError;
}  // namespace dspm::catalog

namespace dspm::app {

// Exit codes shared by every command.
inline constexpr int exit_ok = 0;
inline constexpr int exit_error = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_non_compliant = 3;
inline constexpr int exit_interrupted = 130;  // stopped by Ctrl-C or SIGTERM: the result is partial

struct Command {
    CLI::App* subcommand = nullptr;
    std::function<int(const Settings&)> run;
};

using Commands = std::vector<Command>;

void register_serve_command(CLI::App& app, Commands& out);     // app/serve_command.cpp
void register_config_command(CLI::App& app, Commands& out);    // app/config_command.cpp
void register_aws_commands(CLI::App& app, Commands& out);      // app/aws_commands.cpp
void register_catalog_commands(CLI::App& app, Commands& out);  // app/catalog_commands.cpp
void register_audit_command(CLI::App& app, Commands& out);     // app/audit_command.cpp
void register_policy_command(CLI::App& app, Commands& out);    // app/policy_command.cpp
void register_report_command(CLI::App& app, Commands& out);    // app/report_command.cpp
void register_checks_command(CLI::App& app, Commands& out);    // app/checks_command.cpp
void register_runs_command(CLI::App& app, Commands& out);      // app/runs_command.cpp
void register_fix_command(CLI::App& app, Commands& out);       // app/fix_command.cpp
void register_worker_command(CLI::App& app, Commands& out);    // app/worker_command.cpp

// "did you mean X?" for an unknown name: the closest of `names` by edit distance (case-
// insensitive), or "" when none is close.
std::string closest_name(const std::string& given, const std::vector<std::string>& names);

// What to add to a not_found answer about FRAMEWORK [REQUIREMENT]: " (did you mean X?)" with the
// closest framework when the framework is unknown, else the closest requirement (item code or id)
// of that framework, else where to list them.
std::string not_found_hint(catalog::CatalogSource& source, const std::string& framework,
                           const std::optional<std::string>& requirement);

// Prints "dspm-audit COMMAND: <detail><hint>" and answers the exit code every subcommand uses for
// it: exit_usage for an unknown framework or requirement, exit_error for a catalog that failed.
int catalog_failure(const std::string& command, const catalog::CatalogError& error,
                    catalog::CatalogSource& source, const std::string& framework,
                    const std::optional<std::string>& requirement);

}  // namespace dspm::app
