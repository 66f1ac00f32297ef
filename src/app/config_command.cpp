// Placeholder until the owning issue lands: the command is not registered yet.
#include "app/commands.hpp"

namespace dspm::app {
void register_config_command(CLI::App&, Commands&) {}
}  // namespace dspm::app
