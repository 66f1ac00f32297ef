// `dspm-audit config`: the effective value of every setting and where it came from, so that a
// surprising value can be traced to the flag, variable or .env line that set it.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "app/commands.hpp"
#include "app/config.hpp"

namespace dspm::app {
namespace {

std::string render_table(const std::vector<SettingView>& views) {
    std::size_t name_w = 4, value_w = 5;
    for (const auto& v : views) {
        name_w = std::max(name_w, v.name.size());
        value_w = std::max(value_w, v.value.size());
    }
    const auto pad = [](std::string s, std::size_t w) {
        s.resize(std::max(s.size(), w), ' ');
        return s;
    };
    std::string out = pad("NAME", name_w) + "  " + pad("VALUE", value_w) + "  ORIGIN\n";
    for (const auto& v : views)
        out += pad(v.name, name_w) + "  " + pad(v.value, value_w) + "  " + v.origin + "\n";
    return out;
}

std::string render_json(const std::vector<SettingView>& views) {
    boost::json::array settings;
    for (const auto& v : views) {
        settings.push_back(boost::json::object{
            {"name", v.name}, {"value", v.value}, {"origin", v.origin}, {"help", v.help}});
    }
    return boost::json::serialize(boost::json::object{{"settings", std::move(settings)}}) + "\n";
}

}  // namespace

void register_config_command(CLI::App& app, Commands& out) {
    auto* sub = app.add_subcommand(
        "config", "print every setting, its effective value and where it came from");
    auto format = std::make_shared<std::string>("table");
    sub->add_option("--format", *format, "table (default) or json")
        ->check(CLI::IsMember({"table", "json"}));
    out.push_back(Command{sub, [format](const Settings& settings) {
                              const auto views = describe_settings(settings);
                              const std::string text =
                                  *format == "json" ? render_json(views) : render_table(views);
                              std::fwrite(text.data(), 1, text.size(), stdout);
                              return exit_ok;
                          }});
}

}  // namespace dspm::app
