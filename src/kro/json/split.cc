#include "kro/json/split.h"

#include <string>

#include "kro/json/json.h"

namespace kro::json {
namespace {

constexpr size_t kBad = std::string_view::npos;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t SkipSpace(std::string_view t, size_t i) {
  while (i < t.size() && IsSpace(t[i])) ++i;
  return i;
}

// `i` is at an opening quote; returns the index after the closing one, or kBad.
size_t SkipString(std::string_view t, size_t i) {
  for (++i; i < t.size(); ++i) {
    if (t[i] == '\\') {
      ++i;
    } else if (t[i] == '"') {
      return i + 1;
    }
  }
  return kBad;
}

// `i` is at the first byte of a value; returns the index after it, or kBad. Containers are
// matched bracket for bracket (strings skipped); scalars run to the next separator.
size_t SkipValue(std::string_view t, size_t i) {
  if (i >= t.size()) return kBad;
  if (t[i] == '"') return SkipString(t, i);
  if (t[i] != '{' && t[i] != '[') {
    size_t start = i;
    while (i < t.size() && t[i] != ',' && t[i] != '}' && t[i] != ']' && !IsSpace(t[i])) ++i;
    return i > start ? i : kBad;
  }
  std::string open;  // the brackets still open, innermost last
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (c == '"') {
      i = SkipString(t, i);
      if (i == kBad) return kBad;
      --i;
    } else if (c == '{' || c == '[') {
      open.push_back(c);
    } else if (c == '}' || c == ']') {
      if (open.empty() || open.back() != (c == '}' ? '{' : '[')) return kBad;
      open.pop_back();
      if (open.empty()) return i + 1;
    }
  }
  return kBad;
}

Status Malformed(std::string_view what, size_t at) {
  return InvalidArgument("malformed JSON " + std::string(what) + " at byte " + std::to_string(at));
}

// Walks the members (object) or elements (array) of `text`; `key` is empty for arrays.
Status Walk(std::string_view text, bool object,
            const std::function<Status(std::string_view, std::string_view)>& fn) {
  const char open = object ? '{' : '[', close = object ? '}' : ']';
  std::string_view what = object ? "object" : "array";
  size_t i = SkipSpace(text, 0);
  if (i >= text.size() || text[i] != open) return Malformed(what, i);
  i = SkipSpace(text, i + 1);
  if (i < text.size() && text[i] == close) {
    return SkipSpace(text, i + 1) == text.size() ? Status::Ok() : Malformed(what, i + 1);
  }
  for (;;) {
    std::string key;
    if (object) {
      if (i >= text.size() || text[i] != '"') return Malformed(what, i);
      size_t end = SkipString(text, i);
      if (end == kBad) return Malformed(what, i);
      std::string_view raw = text.substr(i + 1, end - i - 2);
      if (raw.find('\\') == std::string_view::npos) {
        key.assign(raw);
      } else {
        auto v = Parse(text.substr(i, end - i));
        if (!v.ok() || !v->is_string()) return Malformed(what, i);
        key.assign(v->get_string().c_str(), v->get_string().size());
      }
      i = SkipSpace(text, end);
      if (i >= text.size() || text[i] != ':') return Malformed(what, i);
      i = SkipSpace(text, i + 1);
    }
    size_t end = SkipValue(text, i);
    if (end == kBad) return Malformed(what, i);
    KRO_RETURN_IF_ERROR(fn(key, text.substr(i, end - i)));
    i = SkipSpace(text, end);
    if (i < text.size() && text[i] == ',') {
      i = SkipSpace(text, i + 1);
      continue;
    }
    if (i < text.size() && text[i] == close) {
      return SkipSpace(text, i + 1) == text.size() ? Status::Ok() : Malformed(what, i + 1);
    }
    return Malformed(what, i);
  }
}

}  // namespace

Status ForEachMember(std::string_view text,
                     const std::function<Status(std::string_view, std::string_view)>& fn) {
  return Walk(text, true, fn);
}

Status ForEachElement(std::string_view text, const std::function<Status(std::string_view)>& fn) {
  return Walk(text, false, [&](std::string_view, std::string_view v) { return fn(v); });
}

}  // namespace kro::json
