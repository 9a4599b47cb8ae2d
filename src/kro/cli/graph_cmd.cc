// `kro graph`: the dependency graph as Mermaid, Graphviz DOT or SVG (via `dot -Tsvg`).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "kro/cli/commands.h"
#include "kro/cli/common.h"

namespace kro::cli {

namespace {

std::string Label(const graph::Node& n) {
  std::string l = n.id + "\\n" + n.gvk.ApiVersion() + " " + n.gvk.kind;
  if (n.type == graph::NodeType::kCollection) l += "\\n(forEach)";
  if (n.type == graph::NodeType::kExternal || n.type == graph::NodeType::kExternalCollection) {
    l += "\\n(external)";
  }
  if (!n.include_when.empty()) l += "\\n(conditional)";
  return l;
}

void WriteDot(const graph::Graph& g, std::ostream& os) {
  os << "digraph \"" << g.name << "\" {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n";
  os << "  \"schema\" [label=\"schema\\n" << g.kind << "\", shape=ellipse];\n";
  for (const graph::Node& n : g.nodes) {
    os << "  \"" << n.id << "\" [label=\"" << Label(n) << "\"";
    if (n.type == graph::NodeType::kCollection) os << ", shape=box3d";
    if (n.type == graph::NodeType::kExternal || n.type == graph::NodeType::kExternalCollection) {
      os << ", style=dashed";
    }
    if (!n.include_when.empty()) os << ", color=gray40";
    os << "];\n";
  }
  for (const graph::Node& n : g.nodes) {
    bool uses_schema = false;
    auto scan = [&](const std::vector<graph::Expression>& es) {
      for (const auto& e : es) {
        for (const auto& r : e.references) uses_schema = uses_schema || r == "schema";
      }
    };
    scan(n.variables);
    scan(n.include_when);
    for (const auto& d : n.for_each) scan({d.expression});
    if (uses_schema && n.dependencies.empty()) os << "  \"schema\" -> \"" << n.id << "\";\n";
    for (const std::string& d : n.dependencies) {
      os << "  \"" << d << "\" -> \"" << n.id << "\";\n";
    }
  }
  os << "}\n";
}

void WriteMermaid(const graph::Graph& g, std::ostream& os) {
  os << "flowchart LR\n";
  os << "  schema([\"schema: " << g.kind << "\"])\n";
  for (const graph::Node& n : g.nodes) {
    std::string label = n.id + "<br/>" + n.gvk.ApiVersion() + " " + n.gvk.kind;
    if (n.type == graph::NodeType::kCollection) {
      os << "  " << n.id << "[[\"" << label << "<br/>(forEach)\"]]\n";
    } else if (n.type == graph::NodeType::kExternal ||
               n.type == graph::NodeType::kExternalCollection) {
      os << "  " << n.id << "[/\"" << label << "<br/>(external)\"/]\n";
    } else if (!n.include_when.empty()) {
      os << "  " << n.id << "{{\"" << label << "<br/>(conditional)\"}}\n";
    } else {
      os << "  " << n.id << "[\"" << label << "\"]\n";
    }
  }
  for (const graph::Node& n : g.nodes) {
    bool uses_schema = false;
    for (const auto& e : n.variables) {
      for (const auto& r : e.references) uses_schema = uses_schema || r == "schema";
    }
    if (uses_schema && n.dependencies.empty()) os << "  schema --> " << n.id << "\n";
    for (const std::string& d : n.dependencies) os << "  " << d << " --> " << n.id << "\n";
  }
}

bool HaveDot() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::stringstream ss(path);
  std::string dir;
  std::error_code ec;
  while (std::getline(ss, dir, ':')) {
    if (!dir.empty() && std::filesystem::exists(std::filesystem::path(dir) / "dot", ec)) {
      return true;
    }
  }
  return false;
}

}  // namespace

int RunGraph(const std::string& file, const std::string& format, const CompileFlags& flags,
             std::ostream& out, std::ostream& err) {
  if (format != "mermaid" && format != "dot" && format != "svg") {
    err << "kro graph: unknown --format " << format << " (want mermaid, dot or svg)\n";
    return 2;
  }
  LoadResult r = LoadAndCompile(file, flags);
  if (PrintDiagnostics(r, err)) return 1;
  for (const CompiledRgd& c : r.rgds) {
    const graph::Graph& g = *c.result.graph;
    if (format == "mermaid") {
      WriteMermaid(g, out);
    } else if (format == "dot") {
      WriteDot(g, out);
    } else {
      if (!HaveDot()) {
        err << "kro graph: --format svg needs Graphviz ('dot' not found in PATH); install "
               "graphviz or use --format dot\n";
        return 2;
      }
      std::ostringstream dot;
      WriteDot(g, dot);
      std::filesystem::path tmp =
          std::filesystem::temp_directory_path() / ("kro-graph-" + std::to_string(::getpid()));
      {
        std::ofstream f(tmp.string() + ".dot");
        f << dot.str();
      }
      std::string cmd = "dot -Tsvg '" + tmp.string() + ".dot'";
      FILE* p = ::popen(cmd.c_str(), "r");
      if (p == nullptr) {
        err << "kro graph: cannot run dot\n";
        return 2;
      }
      char buf[4096];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.write(buf, static_cast<long>(n));
      int rc = ::pclose(p);
      std::error_code ec;
      std::filesystem::remove(tmp.string() + ".dot", ec);
      if (rc != 0) {
        err << "kro graph: dot failed\n";
        return 2;
      }
    }
  }
  return 0;
}

void AddGraphCommand(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand("graph", "Draw the dependency graph of an RGD");
  auto file = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("mermaid");
  auto flags = std::make_shared<CompileFlags>();
  AddCompileFlags(cmd, flags.get());
  cmd->add_option("file", *file, "RGD YAML file")->required();
  cmd->add_option("--format", *format, "mermaid (default), dot or svg");
  cmd->callback([file, format, flags, &exit_code]() {
    exit_code = RunGraph(*file, *format, *flags, std::cout, std::cerr);
  });
}

}  // namespace kro::cli
