// `dspm-audit checks [--format table|json]`: every implemented mapping code with its title,
// service, severity, applicability, reach and the IAM actions it reads: what an audit can judge.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <memory>

#include "app/commands.hpp"
#include "checks/check.hpp"
#include "common/utf8.hpp"

namespace dspm::app {

void register_checks_command(CLI::App& app, Commands& out) {
    auto format = std::make_shared<std::string>("table");
    auto* sub = app.add_subcommand("checks", "list the implemented checks (mapping codes)");
    sub->add_option("--format", *format, "table (default) or json")
        ->check(CLI::IsMember({"table", "json"}));
    out.push_back(Command{sub, [format](const Settings&) {
                              const auto all = checks::all_checks();
                              std::string text;
                              if (*format == "json") {
                                  boost::json::array arr;
                                  for (const auto* c : all) {
                                      const auto& i = c->info();
                                      boost::json::array actions;
                                      for (const auto& a : i.iam_actions)
                                          actions.push_back(boost::json::string(a));
                                      arr.push_back(boost::json::object{
                                          {"code", i.code},
                                          {"title", i.title},
                                          {"service", i.service},
                                          {"severity", i.severity},
                                          {"applicability", checks::to_string(i.applicability)},
                                          {"reach", checks::to_string(i.reach)},
                                          {"iam_actions", std::move(actions)}});
                                  }
                                  text = boost::json::serialize(arr) + "\n";
                              } else {
                                  text = pad_to_width("CODE", 9) + pad_to_width("SEVERITY", 10) +
                                         pad_to_width("APPLICABILITY", 18) +
                                         pad_to_width("REACH", 10) + "SERVICE / TITLE\n";
                                  for (const auto* c : all) {
                                      const auto& i = c->info();
                                      text +=
                                          pad_to_width(i.code, 9) + pad_to_width(i.severity, 10) +
                                          pad_to_width(checks::to_string(i.applicability), 18) +
                                          pad_to_width(checks::to_string(i.reach), 10) + i.service +
                                          (i.title != i.service ? " / " + i.title : "") + "\n";
                                  }
                                  text += std::to_string(all.size()) + " checks\n";
                              }
                              std::fwrite(text.data(), 1, text.size(), stdout);
                              return exit_ok;
                          }});
}

}  // namespace dspm::app
