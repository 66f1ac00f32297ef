// `dspm-audit aws whoami` and `dspm-audit aws call SERVICE OPERATION [key=value ...]`: debug
// commands that go through the same AWS client as the checks.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "app/commands.hpp"
#include "aws/client.hpp"
#include "net/http_client.hpp"

namespace dspm::app {
namespace {

struct AwsArgs {
    std::string service, operation, region;
    std::vector<std::string> params;
    bool all_pages = false;
};

std::string effective_region(const Settings& settings, const std::string& flag) {
    if (!flag.empty()) return flag;
    auto it = settings.origin.find("AWS_REGION");
    const bool defaulted = it == settings.origin.end() || it->second == "default";
    if (defaulted) {
        if (const char* r = std::getenv("AWS_DEFAULT_REGION"); r && *r) return r;
    }
    return settings.aws_region;
}

std::shared_ptr<aws::AwsClient> make_client(const Settings& settings, const std::string& region) {
    aws::AwsClientConfig config;
    config.region = effective_region(settings, region);
    return aws::make_aws_client(config, std::make_shared<net::HttpClient>());
}

int print_error(const aws::AwsError& e) {
    boost::json::object err{
        {"kind", aws::to_string(e.kind)}, {"service", e.service}, {"operation", e.operation},
        {"iam_action", e.iam_action},     {"code", e.code},       {"message", e.message},
        {"http_status", e.http_status},   {"region", e.region},   {"request_id", e.request_id},
        {"attempts", e.attempts}};
    const std::string text = boost::json::serialize(boost::json::object{{"error", err}});
    std::fprintf(stderr, "%s\n", text.c_str());
    return exit_error;
}

void print_json(const boost::json::value& v) {
    const std::string text = boost::json::serialize(v);
    std::fprintf(stdout, "%s\n", text.c_str());
}

// key=value: the value as JSON when it parses (numbers, booleans, lists, objects), else a string.
bool parse_params(const std::vector<std::string>& args, boost::json::object& out) {
    for (const auto& a : args) {
        const auto eq = a.find('=');
        if (eq == std::string::npos || eq == 0) {
            std::fprintf(stderr, "dspm-audit: parameter \"%s\" is not key=value\n", a.c_str());
            return false;
        }
        const std::string value = a.substr(eq + 1);
        boost::system::error_code ec;
        auto parsed = boost::json::parse(value, ec);
        out[a.substr(0, eq)] = ec ? boost::json::value(value) : std::move(parsed);
    }
    return true;
}

}  // namespace

void register_aws_commands(CLI::App& app, Commands& out) {
    auto* aws_cmd = app.add_subcommand("aws", "talk to AWS through the audit's own client");
    aws_cmd->require_subcommand(1);
    auto args = std::make_shared<AwsArgs>();
    auto* whoami = aws_cmd->add_subcommand("whoami", "STS GetCallerIdentity: account and ARN");
    whoami->add_option("--region", args->region, "region (default AWS_REGION)");
    auto* call = aws_cmd->add_subcommand(
        "call", "call SERVICE OPERATION with key=value parameters; prints the JSON document");
    call->add_option("service", args->service, "botocore service name (s3, sso-admin, ...)")
        ->required();
    call->add_option("operation", args->operation, "operation name (ListBuckets, ...)")->required();
    call->add_option("params", args->params, "key=value; values parse as JSON when they can");
    call->add_option("--region", args->region, "region (default AWS_REGION)");
    call->add_flag("--all-pages", args->all_pages, "follow the paginator and merge the pages");

    out.push_back(Command{
        aws_cmd, [args, whoami, call](const Settings& settings) {
            auto client = make_client(settings, args->region);
            if (whoami->parsed()) {
                auto r = client->call("sts", "GetCallerIdentity", {});
                if (!r) return print_error(r.error());
                const auto& o = r->as_object();
                boost::json::object shown;
                for (const char* k : {"Account", "Arn", "UserId"})
                    if (const auto* v = o.if_contains(k)) shown[k] = *v;
                print_json(shown);
                return exit_ok;
            }
            if (call->parsed()) {
                boost::json::object params;
                if (!parse_params(args->params, params)) return exit_usage;
                auto r = args->all_pages
                             ? client->call_all_pages(args->service, args->operation, params)
                             : client->call(args->service, args->operation, params);
                if (!r) return print_error(r.error());
                print_json(*r);
                return exit_ok;
            }
            return exit_usage;
        }});
}

}  // namespace dspm::app
