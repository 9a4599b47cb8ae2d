#include "kro/cli/version.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace kro::cli {

std::string VersionText(const BuildInfo& info) {
  return "kro-cpp " + info.version + "\n" +
         "  git commit:          " + info.git_commit + "\n" +
         "  build date:          " + info.build_date + "\n" +
         "  compatible with kro: " + info.upstream + "\n";
}

void AddVersionCommand(CLI::App& app, int& exit_code) {
  std::string text = VersionText(GetBuildInfo());
  // CLI11 prints the flag's text and exits 0 (it appends its own newline).
  app.set_version_flag("--version", text.substr(0, text.size() - 1),
                       "print the version and exit");
  auto* cmd = app.add_subcommand("version", "print the version, git commit, build date and "
                                            "the compatible upstream kro release");
  cmd->callback([&exit_code, text] {
    std::cout << text;
    exit_code = 0;
  });
}

}  // namespace kro::cli
