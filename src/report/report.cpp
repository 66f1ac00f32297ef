#include "report/report.hpp"

#include <boost/json/serialize.hpp>

#include "report/writers.hpp"

namespace dspm::report {

namespace {
std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}
}  // namespace

std::optional<Format> parse_format(std::string_view name) {
    const std::string n = lower(name);
    if (n == "json") return Format::json;
    if (n == "html") return Format::html;
    if (n == "csv") return Format::csv;
    if (n == "ocsf") return Format::ocsf;
    if (n == "sarif") return Format::sarif;
    if (n == "junit") return Format::junit;
    if (n == "md" || n == "markdown") return Format::md;
    return std::nullopt;
}

std::string_view to_string(Format format) {
    switch (format) {
        case Format::json:
            return "json";
        case Format::html:
            return "html";
        case Format::csv:
            return "csv";
        case Format::ocsf:
            return "ocsf";
        case Format::sarif:
            return "sarif";
        case Format::junit:
            return "junit";
        case Format::md:
            return "md";
    }
    return "json";
}

std::string_view content_type(Format format) {
    switch (format) {
        case Format::json:
        case Format::ocsf:
            return "application/json";
        case Format::sarif:
            return "application/sarif+json";
        case Format::html:
            return "text/html; charset=utf-8";
        case Format::csv:
            return "text/csv; charset=utf-8";
        case Format::junit:
            return "application/xml";
        case Format::md:
            return "text/markdown; charset=utf-8";
    }
    return "application/json";
}

Expected<std::string, std::string> render(const boost::json::value& result, Format format,
                                          const Options& options) {
    auto view = make_view(result);
    if (!view) return unexpected(view.error());
    switch (format) {
        case Format::json:
            return boost::json::serialize(result);
        case Format::html:
            return render_html(*view);
        case Format::csv:
            return render_csv(*view, options);
        case Format::ocsf:
            return render_ocsf(*view);
        case Format::sarif:
            return render_sarif(*view);
        case Format::junit:
            return render_junit(*view);
        case Format::md:
            return render_markdown(*view);
    }
    return unexpected(std::string("unknown format"));
}

Expected<std::string, std::string> slack_message(const boost::json::value& result,
                                                 std::size_t worst) {
    auto view = make_view(result);
    if (!view) return unexpected(view.error());
    return render_slack(*view, worst);
}

}  // namespace dspm::report
