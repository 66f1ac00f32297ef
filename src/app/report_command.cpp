// `dspm-audit report RESULT.json --format html|csv|ocsf|sarif|junit|md|json [--output FILE]
// [--bom]`: renders a stored audit answer (a file `audit --output` or RESULTS_DIR wrote, or the
// body of POST /audit/...; "-" reads standard input) in a report format.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

#include "app/commands.hpp"
#include "report/report.hpp"

namespace dspm::app {
namespace {

struct ReportArgs {
    std::string input;
    std::string format = "html";
    std::string output;
    bool bom = false;
};

// A result of a large account is tens of MB; past this the file is not an audit answer.
constexpr std::size_t kMaxResultBytes = std::size_t{1} << 30;

int run_report(const ReportArgs& args) {
    const auto format = report::parse_format(args.format);
    if (!format) {
        std::fprintf(stderr, "dspm-audit report: --format %s: expected one of %s\n",
                     args.format.c_str(), std::string(report::kFormatNames).c_str());
        return exit_usage;
    }
    std::string text;
    if (args.input == "-") {
        std::ostringstream ss;
        ss << std::cin.rdbuf();
        text = ss.str();
    } else {
        std::ifstream in(args.input, std::ios::binary);
        if (!in) {
            std::fprintf(stderr, "dspm-audit report: cannot read %s\n", args.input.c_str());
            return exit_usage;
        }
        text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    if (text.size() > kMaxResultBytes) {
        std::fprintf(stderr, "dspm-audit report: %s is larger than 1 GiB: not an audit result\n",
                     args.input.c_str());
        return exit_usage;
    }
    boost::system::error_code ec;
    auto doc = boost::json::parse(text, ec);
    if (ec) {
        std::fprintf(stderr, "dspm-audit report: %s is not JSON: %s\n", args.input.c_str(),
                     ec.message().c_str());
        return exit_usage;
    }
    report::Options options;
    options.csv_bom = args.bom;
    auto rendered = report::render(doc, *format, options);
    if (!rendered) {
        std::fprintf(stderr, "dspm-audit report: %s: %s\n", args.input.c_str(),
                     rendered.error().c_str());
        return exit_usage;
    }
    if (args.output.empty()) {
        std::fwrite(rendered->data(), 1, rendered->size(), stdout);
        return exit_ok;
    }
    std::ofstream out(args.output, std::ios::binary | std::ios::trunc);
    out << *rendered;
    out.close();
    if (!out) {
        std::fprintf(stderr, "dspm-audit report: cannot write %s\n", args.output.c_str());
        return exit_error;
    }
    std::fprintf(stderr, "%s report written to %s\n",
                 std::string(report::to_string(*format)).c_str(), args.output.c_str());
    return exit_ok;
}

}  // namespace

void register_report_command(CLI::App& app, Commands& out) {
    auto args = std::make_shared<ReportArgs>();
    auto* sub = app.add_subcommand("report", "render a stored audit result as a report");
    sub->add_option("result", args->input, "audit result JSON (from audit --output), - for stdin")
        ->required();
    sub->add_option("--format", args->format,
                    "html (default), csv, ocsf, sarif, junit, md or json");
    sub->add_option("--output", args->output, "write the report to FILE instead of stdout");
    sub->add_flag("--bom", args->bom, "csv: start with a UTF-8 byte order mark (for Excel)");
    out.push_back(Command{sub, [args](const Settings&) { return run_report(*args); }});
}

}  // namespace dspm::app
