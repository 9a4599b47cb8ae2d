#include <CLI/CLI.hpp>

#include <iostream>

#include "kro/cli/commands.h"
#include "kro/cli/common.h"

namespace kro::cli {

int RunValidate(const std::string& file, const CompileFlags& flags, std::ostream& out,
                std::ostream& err) {
  LoadResult r = LoadAndCompile(file, flags);
  bool error = PrintDiagnostics(r, err);
  if (error) return 1;
  for (const CompiledRgd& c : r.rgds) {
    out << file << ": ResourceGraphDefinition " << c.parsed.rgd.name << " is valid ("
        << c.result.graph->nodes.size() << " resources; order: ";
    const auto& order = c.result.graph->topological_order;
    for (size_t i = 0; i < order.size(); ++i) out << (i ? ", " : "") << order[i];
    out << ")\n";
  }
  return 0;
}

void AddCompileFlags(CLI::App* cmd, CompileFlags* flags) {
  cmd->add_option("--openapi-dir", flags->openapi_dir,
                  "bundled OpenAPI v3 documents (default: $KRO_OPENAPI_DIR or .cache/openapi)");
  cmd->add_option("--crd", flags->crd_files, "CRD file(s) for custom kinds");
  cmd->add_flag("--strict", flags->strict, "a kind without a known schema is an error");
  cmd->add_option_function<std::string>(
         "--feature-gates",
         [flags](const std::string& text) {
           Result<api::FeatureGates> gates = api::ParseFeatureGates(text);
           if (gates.ok()) flags->gates = *gates;
         },
         "feature gates as for kro controller, e.g. CELOmitFunction=true")
      ->check(CLI::Validator(
          [](std::string& text) {
            Result<api::FeatureGates> gates = api::ParseFeatureGates(text);
            return gates.ok() ? std::string() : gates.status().message();
          },
          "GATES"));
}

void AddValidateCommand(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("validate", "Validate ResourceGraphDefinition file(s)");
  auto files = std::make_shared<std::vector<std::string>>();
  auto flags = std::make_shared<CompileFlags>();
  cmd->add_option("file", *files, "RGD YAML file(s)")->required();
  AddCompileFlags(cmd, flags.get());
  cmd->callback([files, flags, &exit_code]() {
    for (const std::string& f : *files) {
      int rc = RunValidate(f, *flags, std::cout, std::cerr);
      if (rc > exit_code) exit_code = rc;
    }
  });
}

}  // namespace kro::cli
