// Placeholder: replaced by the configuration work of the foundation issue.
#include "app/config.hpp"

namespace dspm::app {
Expected<Settings, ConfigError> load_settings(const FlagValues&,
                                              const std::function<const char*(const char*)>&,
                                              const std::string&) {
    return Settings{};
}
bool is_secret_setting(const std::string& name) {
    return name == "AUDIT_API_TOKEN";
}
}  // namespace dspm::app
