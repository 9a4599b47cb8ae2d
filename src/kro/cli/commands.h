// The `kro` subcommands implemented by this module. Each Add*Command registers a CLI11
// subcommand on `app`; when it runs it writes its output to stdout, diagnostics to stderr, and
// sets `exit_code` (0 ok, 1 invalid input, 2 usage/environment problem). `exit_code` must outlive
// app.parse(). Thread-compatible.
#pragma once

#include <iosfwd>
#include <string>

#include "kro/cli/common.h"

namespace CLI {
class App;
}  // namespace CLI

namespace kro::cli {

// kro validate FILE [--openapi-dir DIR] [--crd FILE]... [--strict] [--feature-gates GATES]
void AddValidateCommand(CLI::App& app, int& exit_code);

// kro render FILE [--instance INSTANCE.yaml]: the objects an instance would create, in apply
// order, as YAML documents; values that depend on other resources show as <pending: expr>.
// Without an instance file, an example instance (ExampleInstance) is printed and rendered.
void AddRenderCommand(CLI::App& app, int& exit_code);

// kro graph FILE --format mermaid|dot|svg
void AddGraphCommand(CLI::App& app, int& exit_code);

// kro generate crd FILE
void AddGenerateCommand(CLI::App& app, int& exit_code);

// The command bodies, callable from tests. Return the exit code. RunRender with an empty
// `instance_file` renders an example instance.
int RunValidate(const std::string& file, const CompileFlags& flags, std::ostream& out,
                std::ostream& err);
int RunRender(const std::string& file, const std::string& instance_file,
              const CompileFlags& flags, std::ostream& out, std::ostream& err);
int RunGraph(const std::string& file, const std::string& format, const CompileFlags& flags,
             std::ostream& out, std::ostream& err);
int RunGenerateCrd(const std::string& file, const CompileFlags& flags, std::ostream& out,
                   std::ostream& err);

// Registers --openapi-dir, --crd, --strict and --feature-gates on `cmd`.
void AddCompileFlags(CLI::App* cmd, CompileFlags* flags);

}  // namespace kro::cli
