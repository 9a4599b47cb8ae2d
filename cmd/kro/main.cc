// The `kro` command: every subcommand lives in src/kro/cli (or its module); this file only wires
// them into one CLI11 application.
#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"kro-cpp: the Kubernetes Resource Orchestrator, in C++"};
  app.require_subcommand(1);
  int exit_code = 0;

  // --- subcommands (one block each; keep them in this order) ---

  // --- end of subcommands ---

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
