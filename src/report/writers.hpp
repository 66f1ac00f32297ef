#pragma once
// One function per format, each from the view alone (report.cpp picks one).
#include <string>

#include "report/report.hpp"
#include "report/view.hpp"

namespace dspm::report {

std::string render_csv(const RunView& view, const Options& options);
std::string render_markdown(const RunView& view);
std::string render_junit(const RunView& view);
std::string render_sarif(const RunView& view);
std::string render_ocsf(const RunView& view);
std::string render_html(const RunView& view);
std::string render_slack(const RunView& view, std::size_t worst);

}  // namespace dspm::report
