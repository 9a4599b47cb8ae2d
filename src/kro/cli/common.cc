#include "kro/cli/common.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

namespace kro::cli {

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string DefaultOpenApiDir() {
  if (const char* env = std::getenv("KRO_OPENAPI_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  std::error_code ec;
  std::filesystem::path p = std::filesystem::current_path(ec);
  for (int i = 0; i < 8 && !ec && !p.empty(); ++i) {
    std::filesystem::path c = p / ".cache" / "openapi";
    if (std::filesystem::is_directory(c, ec)) return c.string();
    if (p == p.parent_path()) break;
    p = p.parent_path();
  }
#ifdef KRO_SOURCE_DIR_DEFAULT
  std::filesystem::path src = std::filesystem::path(KRO_SOURCE_DIR_DEFAULT) / ".cache" / "openapi";
  if (std::filesystem::is_directory(src, ec)) return src.string();
#endif
  return {};
}

namespace {

api::Diagnostic FileError(std::string message, const Status& st = Status::Ok()) {
  api::Diagnostic d;
  d.cls = api::DiagnosticClass::kSyntax;
  d.message = std::move(message);
  // Status locations from the YAML parser are "line:col".
  const std::string& loc = st.location();
  size_t colon = loc.find(':');
  if (colon != std::string::npos) {
    d.line = std::atoi(loc.substr(0, colon).c_str());
    d.column = std::atoi(loc.substr(colon + 1).c_str());
  }
  return d;
}

bool IsCrd(const json::Value& v) {
  if (!v.is_object()) return false;
  const json::Value* k = v.as_object().if_contains("kind");
  return k != nullptr && k->is_string() && k->as_string() == "CustomResourceDefinition";
}

// "not a ResourceGraphDefinition (kind X)" at the document's `kind` (or its start).
api::Diagnostic NotAnRgd(const json::Value& doc, const json::PositionMap& positions, bool error) {
  api::Diagnostic d;
  d.cls = api::DiagnosticClass::kStructure;
  d.severity = error ? api::Severity::kError : api::Severity::kWarning;
  std::string what;
  const json::Value* kind = doc.is_object() ? doc.as_object().if_contains("kind") : nullptr;
  if (kind != nullptr && kind->is_string()) {
    what = "kind " + std::string(kind->as_string());
  } else if (doc.is_object()) {
    what = "no kind";
  } else {
    what = doc.is_array() ? "a YAML list" : "a YAML scalar";
  }
  d.message = "not a ResourceGraphDefinition (" + what + ")";
  if (!error) d.message += "; skipped";
  auto at = positions.find(kind != nullptr ? "kind" : "");
  if (at != positions.end()) {
    d.line = at->second.line;
    d.column = at->second.column;
  }
  return d;
}

}  // namespace

LoadResult LoadAndCompile(const std::string& file, const CompileFlags& flags) {
  LoadResult out;
  out.file_source.file = file;
  std::string dir = flags.openapi_dir.empty() ? DefaultOpenApiDir() : flags.openapi_dir;
  out.resolver = std::make_shared<graph::OfflineResolver>(dir);

  Result<std::string> text = ReadFile(file);
  if (!text.ok()) {
    out.diagnostics.push_back(FileError(text.status().message()));
    return out;
  }
  out.file_source.text = *text;
  std::vector<json::PositionMap> positions;
  Result<std::vector<json::Value>> docs = json::ParseYamlDocuments(*text, &positions);
  if (!docs.ok()) {
    out.diagnostics.push_back(FileError(docs.status().message(), docs.status()));
    return out;
  }
  // CRDs: from --crd files, then from this file.
  for (const std::string& crd_file : flags.crd_files) {
    Result<std::string> crd_text = ReadFile(crd_file);
    Result<std::vector<json::Value>> crds =
        crd_text.ok() ? json::ParseYamlDocuments(*crd_text)
                      : Result<std::vector<json::Value>>(crd_text.status());
    if (!crds.ok()) {
      out.diagnostics.push_back(FileError(crd_file + ": " + crds.status().message()));
      continue;
    }
    for (const json::Value& c : *crds) {
      if (IsCrd(c)) (void)out.resolver->AddCrd(c);
    }
  }
  for (const json::Value& d : *docs) {
    if (IsCrd(d)) (void)out.resolver->AddCrd(d);
  }
  size_t rgd_count = 0;
  for (const json::Value& d : *docs) rgd_count += api::IsResourceGraphDefinition(d) ? 1 : 0;
  for (size_t i = 0; i < docs->size(); ++i) {
    const json::Value& d = (*docs)[i];
    if (!api::IsResourceGraphDefinition(d)) {
      // Another kind of document. Alone, that is an error; beside RGDs, CRDs serve as schemas
      // (above) and anything else is skipped with a warning.
      if (rgd_count == 0 || !IsCrd(d)) {
        out.diagnostics.push_back(NotAnRgd(d, positions[i], rgd_count == 0));
      }
      continue;
    }
    CompiledRgd c;
    c.source.file = file;
    c.source.text = *text;
    c.source.positions = std::move(positions[i]);
    out.rgds.push_back(std::move(c));
    CompiledRgd& cr = out.rgds.back();
    cr.parsed = api::ParseResourceGraphDefinition(d, &cr.source);
    graph::BuildOptions opts;
    opts.resolver = out.resolver.get();
    opts.allow_unknown_kinds = !flags.strict;
    opts.enable_omit = flags.gates.cel_omit_function;
    opts.source = &cr.source;
    cr.result = graph::Compile(cr.parsed.rgd, opts, cr.parsed.diagnostics);
  }
  if (docs->empty()) {
    out.diagnostics.push_back(FileError("no ResourceGraphDefinition found in " + file));
  }
  return out;
}

bool PrintDiagnostics(const LoadResult& r, std::ostream& os) {
  bool error = false;
  for (const api::Diagnostic& d : r.diagnostics) {
    os << api::Format(d, &r.file_source);
    error = error || d.severity == api::Severity::kError;
  }
  for (const CompiledRgd& c : r.rgds) {
    for (const api::Diagnostic& d : c.result.diagnostics) {
      os << api::Format(d, &c.source);
      error = error || d.severity == api::Severity::kError;
    }
  }
  return error;
}

}  // namespace kro::cli
