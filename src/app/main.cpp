// dspm-audit: the command-line entry point. Global flags override the environment; every
// subcommand lives in its own file and registers itself (see commands.hpp).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "app/commands.hpp"
#include "app/config.hpp"
#include "common/log.hpp"

namespace {

struct GlobalFlag {
    const char* flag;
    const char* env_name;
    const char* help;
};

constexpr GlobalFlag global_flags[] = {
    {"--host", "HOST", "address the server binds (default 127.0.0.1)"},
    {"--port", "PORT", "port the server listens on (default 8103)"},
    {"--log-level", "LOG_LEVEL", "debug, info, warning or error (default info)"},
    {"--aws-region", "AWS_REGION", "default AWS region (default ap-northeast-2)"},
    {"--mapping-base-url", "MAPPING_BASE_URL", "remote Compliance Mapping API; unset: embedded"},
    {"--collector-base-url", "COLLECTOR_BASE_URL", "Resource Collector API; unset: AWS only"},
    {"--catalog-dir", "CATALOG_DIR", "directory with catalog data files overriding the embedded"},
    {"--audit-concurrency", "AUDIT_CONCURRENCY", "AWS calls in flight per audit run (default 16)"},
    {"--audit-mode", "AUDIT_MODE", "parallel (default), or sequential: the benchmark baseline"},
    {"--audit-regions", "AUDIT_REGIONS",
     "comma list of regions (default: every region enabled for the account)"},
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"dspm-audit: audits AWS accounts against compliance frameworks, with evidence"};
    app.require_subcommand(1);
    app.set_version_flag("--version", DSPM_VERSION);
    // Global options after the subcommand too (`serve --port 9000`, `audit ... --log-level debug`).
    app.fallthrough();

    dspm::app::FlagValues flag_values;
    std::map<std::string, std::string> raw;
    for (const auto& f : global_flags)
        app.add_option(f.flag, raw[f.env_name], f.help);

    dspm::app::Commands commands;
    dspm::app::register_serve_command(app, commands);
    dspm::app::register_config_command(app, commands);
    dspm::app::register_aws_commands(app, commands);
    dspm::app::register_catalog_commands(app, commands);
    dspm::app::register_audit_command(app, commands);
    dspm::app::register_policy_command(app, commands);
    dspm::app::register_report_command(app, commands);
    dspm::app::register_checks_command(app, commands);
    dspm::app::register_runs_command(app, commands);
    dspm::app::register_fix_command(app, commands);
    dspm::app::register_worker_command(app, commands);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : dspm::app::exit_usage;
    }

    for (const auto& f : global_flags) {
        if (app.get_option(f.flag)->count() > 0) flag_values[f.env_name] = raw[f.env_name];
    }

    auto settings =
        dspm::app::load_settings(flag_values, [](const char* n) { return std::getenv(n); });
    if (!settings) {
        std::fprintf(stderr, "dspm-audit: %s\n", settings.error().message.c_str());
        return dspm::app::exit_usage;
    }
    dspm::log::Level level{};
    if (dspm::log::parse_level(settings->log_level, level)) dspm::log::set_level(level);

    try {
        for (const auto& command : commands) {
            if (command.subcommand != nullptr && command.subcommand->parsed()) {
                return command.run(*settings);
            }
        }
    } catch (const std::exception& e) {
        dspm::log::error("fatal error", {{"error", e.what()}});
        std::fprintf(stderr, "dspm-audit: %s\n", e.what());
        return dspm::app::exit_error;
    }
    std::fprintf(stderr, "dspm-audit: no command given; see --help\n");
    return dspm::app::exit_usage;
}
