// cel::Source: an expression's text plus the line table that turns byte offsets into positions.
//
// Lines are numbered from 1, columns from 1 (counted in code points). Immutable after
// construction, so thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kro::cel {

struct SourceLocation {
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based, in code points
};

class Source {
 public:
  // `description` names the origin in messages ("<input>", "rgd.yaml:12:7").
  explicit Source(std::string text, std::string description = "<input>");

  const std::string& text() const { return text_; }
  const std::string& description() const { return description_; }

  // Position of byte `offset` (clamped to the text).
  SourceLocation Location(int32_t offset) const;

  // The text of 1-based line `line`, without its newline.
  std::string_view Line(int line) const;

  // "ERROR: <description>:L:C: message\n | source line\n | ....^" (cel-go's format).
  std::string FormatError(int32_t offset, std::string_view message) const;

 private:
  std::string text_;
  std::string description_;
  std::vector<int32_t> line_starts_;  // byte offset of the start of each line
};

}  // namespace kro::cel
