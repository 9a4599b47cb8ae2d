// `kro version` / `kro --version`: what this binary is (version, git commit, build date) and the
// upstream kro release whose API and behaviour it implements. The values are fixed when CMake
// configures the build (build_info.cc.in); only that one generated file changes with them.
#pragma once

#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace kro::cli {

struct BuildInfo {
  std::string version;     // the CMake project VERSION, e.g. "0.1.0"
  std::string git_commit;  // `git rev-parse --short=12 HEAD` at configure time, or "unknown"
  std::string build_date;  // UTC, RFC 3339, at configure time
  std::string upstream;    // the compatible upstream kro release, e.g. "v0.9.3 (+ main@0302e659)"
};

// This binary's build information.
const BuildInfo& GetBuildInfo();

// The multi-line text `kro version` prints ("kro-cpp 0.1.0\n  git commit: ...\n...").
std::string VersionText(const BuildInfo& info);

// Registers `kro version` on `app` and the `--version` flag (which prints the same text).
void AddVersionCommand(CLI::App& app, int& exit_code);

}  // namespace kro::cli
