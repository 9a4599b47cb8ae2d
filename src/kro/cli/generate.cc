// `kro generate crd`: the CRD kro would install for the RGD's instance kind.
#include <CLI/CLI.hpp>

#include <iostream>

#include "kro/cli/commands.h"
#include "kro/cli/common.h"

namespace kro::cli {

int RunGenerateCrd(const std::string& file, const CompileFlags& flags, std::ostream& out,
                   std::ostream& err) {
  LoadResult r = LoadAndCompile(file, flags);
  if (PrintDiagnostics(r, err)) return 1;
  for (const CompiledRgd& c : r.rgds) {
    if (c.result.graph->crd.is_null()) {
      err << file << ": error: CRD synthesis is not available in this build (schema module)\n";
      return 2;
    }
    out << "---\n" << json::ToYaml(c.result.graph->crd);
  }
  return 0;
}

void AddGenerateCommand(CLI::App& app, int& exit_code) {
  CLI::App* gen = app.add_subcommand("generate", "Generate artifacts from an RGD");
  gen->require_subcommand(1);
  CLI::App* crd = gen->add_subcommand("crd", "Print the CRD of the RGD's instance kind");
  auto file = std::make_shared<std::string>();
  auto flags = std::make_shared<CompileFlags>();
  crd->add_option("file", *file, "RGD YAML file")->required();
  AddCompileFlags(crd, flags.get());
  crd->callback([file, flags, &exit_code]() {
    exit_code = RunGenerateCrd(*file, *flags, std::cout, std::cerr);
  });
}

}  // namespace kro::cli
