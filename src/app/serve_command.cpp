// `dspm-audit serve`: the HTTP API. Runs until SIGINT/SIGTERM, then drains in-flight requests and
// exits 0; a port that cannot be bound is reported plainly with exit code 1.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <memory>
#include <stdexcept>
#include <thread>

#include "api/cors.hpp"
#include "api/routes.hpp"
#include "app/commands.hpp"
#include "catalog/source.hpp"
#include "common/log.hpp"
#include "net/http_client.hpp"
#include "net/http_server.hpp"
#include "store/store.hpp"

namespace dspm::app {
namespace {

bool is_loopback(const std::string& host) {
    return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

net::ServerOptions server_options(const Settings& settings, unsigned short port,
                                  std::shared_ptr<api::Router> router) {
    net::ServerOptions options;
    options.host = settings.host == "localhost" ? "127.0.0.1" : settings.host;
    options.port = port;
    options.worker_threads = settings.server_worker_threads;
    options.heavy_threads = settings.audit_max_runs;
    options.is_heavy = [router](const net::ServerRequest& request) {
        return router->is_heavy(request);
    };
    options.heavy_retry_after =
        std::chrono::seconds(static_cast<long long>(settings.audit_retry_after_s));
    options.heavy_busy_detail = "Too many audits running (at most " +
                                std::to_string(settings.audit_max_runs) +
                                " at once, AUDIT_MAX_RUNS), retry later";
    options.max_connections_per_client = settings.max_connections_per_client;
    auto cors = std::make_shared<api::Cors>(settings.cors_allow_origins);
    if (cors->enabled())
        options.response_headers = [cors](const net::ServerRequest& request) {
            return cors->response_headers(request);
        };
    return options;
}

int run_serve(const Settings& settings) {
    api::ApiContext context;
    context.settings = settings;
    context.http = std::make_shared<net::HttpClient>();
    context.catalog = catalog::make_catalog_source(settings, context.http);
    // Opened now, connected on first use: a database that is down at start-up only means the
    // first audits say they were not stored, and the store reconnects when it is back.
    context.runs = store::open_store(settings);
    if (auto v = context.runs->schema_version(); v)
        log::info("run store", {{"engine", context.runs->engine()},
                                {"location", context.runs->location()},
                                {"schema_version", std::to_string(*v)}});
    else
        log::warn("run store unavailable: audits are answered but not stored until it is back",
                  {{"engine", context.runs->engine()}, {"error", v.error()}});
    auto router = std::make_shared<api::Router>(api::build_router(context));

    net::HttpServer server(
        server_options(settings, settings.port, router),
        [router](const net::ServerRequest& request) { return router->dispatch(request); });
    // The original's clients call the catalog on a port of its own (its Mapping API's 8003).
    std::unique_ptr<net::HttpServer> catalog_server;
    std::shared_ptr<api::Router> catalog_router;
    if (settings.mapping_port != 0) {
        catalog_router = std::make_shared<api::Router>(api::build_catalog_router(context));
        catalog_server = std::make_unique<net::HttpServer>(
            server_options(settings, settings.mapping_port, catalog_router),
            [catalog_router](const net::ServerRequest& request) {
                return catalog_router->dispatch(request);
            });
    }
    // Before the port opens: a supervisor's SIGTERM during start-up is a graceful stop too.
    server.handle_signals();
    try {
        server.start();
        if (catalog_server) catalog_server->start();
    } catch (const std::runtime_error& e) {
        log::error("cannot start the server", {{"error", e.what()}});
        std::fprintf(stderr, "dspm-audit: %s\n", e.what());
        return exit_error;
    }
    if (!is_loopback(settings.host) && settings.audit_api_token.empty())
        log::warn(
            "listening on a non-loopback address without AUDIT_API_TOKEN: the API is open "
            "to anyone who can reach it",
            {{"host", settings.host}});
    // The original's default; a browser then lets any page it shows read the answers of a
    // service that asks for no token (the page needs no credentials to call it).
    const bool any_origin =
        std::find(settings.cors_allow_origins.begin(), settings.cors_allow_origins.end(), "*") !=
        settings.cors_allow_origins.end();
    if (any_origin && settings.audit_api_token.empty())
        log::warn(
            "CORS_ALLOW_ORIGINS=* without AUDIT_API_TOKEN: any web page open in a browser that "
            "can reach this port may run audits and read their results; list the dashboard's "
            "origin in CORS_ALLOW_ORIGINS or set AUDIT_API_TOKEN",
            {{"host", settings.host}});
    log::info("listening", {{"host", settings.host},
                            {"port", server.port()},
                            {"version", DSPM_VERSION},
                            {"routes", router->routes().size()},
                            {"audit_max_runs", settings.audit_max_runs},
                            {"connections_per_client", settings.max_connections_per_client}});
    // The catalog port runs on its own threads and stops when the main one does.
    std::jthread catalog_thread;
    if (catalog_server) {
        log::info("listening (catalog routes)",
                  {{"host", settings.host}, {"port", catalog_server->port()}});
        catalog_thread = std::jthread([&catalog_server] { catalog_server->run(false); });
    }
    server.run(true);
    if (catalog_server) catalog_server->stop();
    if (catalog_thread.joinable()) catalog_thread.join();
    log::info("stopped");
    return exit_ok;
}

}  // namespace

void register_serve_command(CLI::App& app, Commands& out) {
    auto* sub = app.add_subcommand("serve", "run the HTTP API (port 8103 by default)");
    out.push_back(Command{sub, run_serve});
}

}  // namespace dspm::app
