#include "kro/cel/common/source.h"

#include <algorithm>

namespace kro::cel {
namespace {

// Counts UTF-8 code points in s (continuation bytes are not counted).
int CodePoints(std::string_view s) {
  int n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace

Source::Source(std::string text, std::string description)
    : text_(std::move(text)), description_(std::move(description)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(static_cast<int32_t>(i + 1));
  }
}

SourceLocation Source::Location(int32_t offset) const {
  offset = std::clamp<int32_t>(offset, 0, static_cast<int32_t>(text_.size()));
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  int line = static_cast<int>(it - line_starts_.begin());
  int32_t start = line_starts_[static_cast<size_t>(line - 1)];
  int column = 1 + CodePoints(std::string_view(text_).substr(
                       static_cast<size_t>(start), static_cast<size_t>(offset - start)));
  return SourceLocation{line, column};
}

std::string_view Source::Line(int line) const {
  if (line < 1 || line > static_cast<int>(line_starts_.size())) return {};
  size_t start = static_cast<size_t>(line_starts_[static_cast<size_t>(line - 1)]);
  size_t end = line < static_cast<int>(line_starts_.size())
                   ? static_cast<size_t>(line_starts_[static_cast<size_t>(line)]) - 1
                   : text_.size();
  return std::string_view(text_).substr(start, end - start);
}

std::string Source::FormatError(int32_t offset, std::string_view message) const {
  SourceLocation loc = Location(offset);
  std::string out = "ERROR: " + description_ + ":" + std::to_string(loc.line) + ":" +
                    std::to_string(loc.column) + ": " + std::string(message);
  std::string_view line = Line(loc.line);
  out += "\n | ";
  out += line;
  out += "\n | ";
  out += std::string(static_cast<size_t>(loc.column - 1), '.');
  out += '^';
  return out;
}

}  // namespace kro::cel
