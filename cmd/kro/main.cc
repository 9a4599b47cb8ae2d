// The `kro` command: every subcommand lives in src/kro/cli (or its module); this file only wires
// them into one CLI11 application.
#include <CLI/CLI.hpp>

#include <iostream>

#include "kro/cel/conformance/serve.h"

#if __has_include("kro/cli/commands.h")
#include "kro/cli/commands.h"  // validate, render, graph, generate crd
#include "kro/cli/version.h"   // version, --version
#define KRO_HAVE_CLI_COMMANDS 1
#endif

#if __has_include("kro/controller/command.h")
#include "kro/controller/command.h"  // controller
#define KRO_HAVE_CONTROLLER_COMMAND 1
#endif

int main(int argc, char** argv) {
  CLI::App app{"kro-cpp: the Kubernetes Resource Orchestrator, in C++"};
  app.require_subcommand(1);
  int exit_code = 0;

  // --- subcommands (one block each; keep them in this order) ---
  auto* cel = app.add_subcommand("cel", "CEL tools");
  auto* serve = cel->add_subcommand("serve", "conformance protocol on stdin/stdout");
  serve->callback([&] { exit_code = kro::cel::ServeConformance(std::cin, std::cout); });

#ifdef KRO_HAVE_CLI_COMMANDS
  kro::cli::AddValidateCommand(app, exit_code);
  kro::cli::AddGenerateCommand(app, exit_code);
  kro::cli::AddRenderCommand(app, exit_code);
  kro::cli::AddGraphCommand(app, exit_code);
  kro::cli::AddVersionCommand(app, exit_code);
#endif

#ifdef KRO_HAVE_CONTROLLER_COMMAND
  kro::controller::AddControllerCommand(app, exit_code);
#endif

  // --- end of subcommands ---

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
