// Placeholder until the owning issue lands: the command is not registered yet.
#include "app/commands.hpp"

namespace dspm::app {
void register_audit_command(CLI::App&, Commands&) {}
}  // namespace dspm::app
