// `kro controller`: the flags of upstream cmd/controller and the process around the Manager
// (signals, exit code). Thread-compatible: call from main() once.
#pragma once

#include <CLI/CLI.hpp>

namespace kro::controller {

// Adds the `controller` subcommand to `app`; its callback runs the controller until SIGINT or
// SIGTERM and stores the process exit code in `exit_code` (which must outlive `app`).
void AddControllerCommand(CLI::App& app, int& exit_code);

}  // namespace kro::controller
