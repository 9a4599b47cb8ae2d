#include "kro/api/diagnostic.h"

#include <algorithm>

namespace kro::api {

namespace {

// Drops the last path segment: "a.b[0]" -> "a.b", "a.b" -> "a", "a[\"x.y\"]" -> "a".
std::string_view Parent(std::string_view path) {
  if (path.empty()) return path;
  if (path.back() == ']') {
    // Find the matching '[' (not inside a quoted key).
    size_t i = path.size() - 1;
    bool in_quote = false;
    while (i > 0) {
      --i;
      if (path[i] == '"') in_quote = !in_quote;
      if (!in_quote && path[i] == '[') return path.substr(0, i);
    }
    return {};
  }
  size_t dot = path.find_last_of(".]");
  if (dot == std::string_view::npos) return {};
  if (path[dot] == ']') return path.substr(0, dot + 1);
  return path.substr(0, dot);
}

}  // namespace

json::Position SourceInfo::Find(std::string_view path, bool key) const {
  std::string_view p = path;
  while (true) {
    if (key) {
      auto it = positions.find(std::string(p) + "#key");
      if (it != positions.end()) return it->second;
    }
    auto it = positions.find(std::string(p));
    if (it != positions.end()) return it->second;
    if (p.empty()) return {};
    p = Parent(p);
  }
}

std::string_view SourceInfo::Line(int line) const {
  if (line <= 0) return {};
  size_t start = 0;
  for (int l = 1; l < line; ++l) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) return {};
    start = nl + 1;
  }
  size_t end = text.find('\n', start);
  if (end == std::string::npos) end = text.size();
  std::string_view out(text.data() + start, end - start);
  if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
  return out;
}

json::Position SourceInfo::FindInString(std::string_view path, size_t offset) const {
  auto it = positions.find(std::string(path));
  if (it == positions.end()) return Find(path);
  json::Position pos = it->second;
  std::string_view line = Line(pos.line);
  size_t col = static_cast<size_t>(pos.column - 1);
  if (col >= line.size()) return pos;
  char c = line[col];
  if (c == '|' || c == '>') return pos;  // block scalar: keep the indicator's position
  if (c == '"' || c == '\'') ++col;
  if (col + offset > line.size()) return pos;  // spans lines: give the scalar's start
  pos.column = static_cast<int>(col + offset + 1);
  return pos;
}

void Locate(Diagnostic& d, const SourceInfo& src) {
  if (d.line != 0 || d.path.empty()) return;
  json::Position p = src.Find(d.path);
  // A block value (object/list) starts on a later line than its key: point at the key.
  auto key = src.positions.find(d.path + "#key");
  if (key != src.positions.end() && key->second.line != p.line) p = key->second;
  d.line = p.line;
  d.column = p.column;
}

std::string Format(const Diagnostic& d, const SourceInfo* src) {
  std::string out;
  if (src != nullptr && !src->file.empty()) out += src->file + ":";
  if (d.line > 0) out += std::to_string(d.line) + ":" + std::to_string(d.column) + ":";
  if (!out.empty()) out += " ";
  out += d.severity == Severity::kError ? "error: " : "warning: ";
  out += d.message;
  out += '\n';
  if (src != nullptr && d.line > 0) {
    std::string_view line = src->Line(d.line);
    if (!line.empty()) {
      out += "  ";
      out += line;
      out += "\n  ";
      for (int i = 1; i < d.column && static_cast<size_t>(i - 1) < line.size(); ++i) {
        out += line[i - 1] == '\t' ? '\t' : ' ';
      }
      out += "^\n";
    }
  }
  return out;
}

void SortDiagnostics(std::vector<Diagnostic>& diags) {
  std::stable_sort(diags.begin(), diags.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.severity != b.severity) return a.severity == Severity::kError;
    return a.cls < b.cls;
  });
}

bool HasErrors(const std::vector<Diagnostic>& diags) {
  return std::any_of(diags.begin(), diags.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

}  // namespace kro::api
