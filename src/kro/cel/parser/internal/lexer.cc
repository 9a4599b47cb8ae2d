#include "kro/cel/parser/internal/lexer.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <system_error>

namespace kro::cel::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsIdentStart(char c) { return IsLetter(c) || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Byte length of the UTF-8 sequence starting with lead byte `c` (1 for ASCII or junk).
size_t Utf8Length(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

}  // namespace

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEof: return "<EOF>";
    case TokenKind::kError: return "<error>";
    case TokenKind::kIdent: return "IDENTIFIER";
    case TokenKind::kEscIdent: return "ESC_IDENTIFIER";
    case TokenKind::kInt: return "NUM_INT";
    case TokenKind::kUint: return "NUM_UINT";
    case TokenKind::kFloat: return "NUM_FLOAT";
    case TokenKind::kString: return "STRING";
    case TokenKind::kBytes: return "BYTES";
    case TokenKind::kTrue: return "'true'";
    case TokenKind::kFalse: return "'false'";
    case TokenKind::kNull: return "'null'";
    case TokenKind::kIn: return "'in'";
    case TokenKind::kEq: return "'=='";
    case TokenKind::kNe: return "'!='";
    case TokenKind::kLt: return "'<'";
    case TokenKind::kLe: return "'<='";
    case TokenKind::kGe: return "'>='";
    case TokenKind::kGt: return "'>'";
    case TokenKind::kAnd: return "'&&'";
    case TokenKind::kOr: return "'||'";
    case TokenKind::kLBracket: return "'['";
    case TokenKind::kRBracket: return "']'";
    case TokenKind::kLBrace: return "'{'";
    case TokenKind::kRBrace: return "'}'";
    case TokenKind::kLParen: return "'('";
    case TokenKind::kRParen: return "')'";
    case TokenKind::kDot: return "'.'";
    case TokenKind::kComma: return "','";
    case TokenKind::kMinus: return "'-'";
    case TokenKind::kExclam: return "'!'";
    case TokenKind::kQuestion: return "'?'";
    case TokenKind::kColon: return "':'";
    case TokenKind::kPlus: return "'+'";
    case TokenKind::kStar: return "'*'";
    case TokenKind::kSlash: return "'/'";
    case TokenKind::kPercent: return "'%'";
  }
  return "?";
}

Token Lexer::Make(TokenKind kind, size_t start, size_t end) {
  pos_ = end;
  return Token{kind, static_cast<int32_t>(start), static_cast<int32_t>(end)};
}

Token Lexer::Fail(size_t start, std::string message) {
  error_ = std::move(message);
  pos_ = text_.size();
  Token t{TokenKind::kError, static_cast<int32_t>(start), static_cast<int32_t>(text_.size())};
  return t;
}

Token Lexer::Next() {
  if (!error_.empty()) return Token{TokenKind::kError, static_cast<int32_t>(text_.size()),
                                    static_cast<int32_t>(text_.size())};
  const size_t n = text_.size();
  // Whitespace is ' ', \t, \r, \n, \f; a comment runs to '\n' (a lone \r does not end it).
  while (pos_ < n) {
    char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
      ++pos_;
    } else if (c == '/' && pos_ + 1 < n && text_[pos_ + 1] == '/') {
      while (pos_ < n && text_[pos_] != '\n') ++pos_;
    } else {
      break;
    }
  }
  if (pos_ >= n) return Make(TokenKind::kEof, n, n);
  const size_t start = pos_;
  const char c = text_[start];
  const char next = start + 1 < n ? text_[start + 1] : '\0';
  if (IsDigit(c) || (c == '.' && IsDigit(next))) return LexNumber(start);
  if (IsIdentStart(c)) {
    size_t p = start + 1;
    while (p < n && IsIdentChar(text_[p])) ++p;
    std::string_view word = text_.substr(start, p - start);
    if (p < n && (text_[p] == '"' || text_[p] == '\'') && word.size() <= 2) {
      // String prefixes: r/R (raw), b/B (bytes), and b followed by r (raw bytes).
      char a = word[0];
      bool is_b = a == 'b' || a == 'B';
      bool is_r = a == 'r' || a == 'R';
      if (word.size() == 1 && (is_b || is_r)) return LexString(start, p, is_r, is_b);
      if (word.size() == 2 && is_b && (word[1] == 'r' || word[1] == 'R')) {
        return LexString(start, p, true, true);
      }
    }
    TokenKind kind = TokenKind::kIdent;
    if (word == "true") {
      kind = TokenKind::kTrue;
    } else if (word == "false") {
      kind = TokenKind::kFalse;
    } else if (word == "null") {
      kind = TokenKind::kNull;
    } else if (word == "in") {
      kind = TokenKind::kIn;
    }
    return Make(kind, start, p);
  }
  switch (c) {
    case '"':
    case '\'':
      return LexString(start, start, false, false);
    case '`': {
      size_t p = start + 1;
      while (p < n && (IsIdentChar(text_[p]) || text_[p] == '.' || text_[p] == '-' ||
                       text_[p] == '/' || text_[p] == ' ')) {
        ++p;
      }
      if (p < n && text_[p] == '`' && p > start + 1) return Make(TokenKind::kEscIdent, start, p + 1);
      return Fail(start, "token recognition error at: '" +
                             std::string(text_.substr(start, p - start + (p < n ? 1 : 0))) + "'");
    }
    case '=':
      if (next == '=') return Make(TokenKind::kEq, start, start + 2);
      break;
    case '!':
      if (next == '=') return Make(TokenKind::kNe, start, start + 2);
      return Make(TokenKind::kExclam, start, start + 1);
    case '<':
      if (next == '=') return Make(TokenKind::kLe, start, start + 2);
      return Make(TokenKind::kLt, start, start + 1);
    case '>':
      if (next == '=') return Make(TokenKind::kGe, start, start + 2);
      return Make(TokenKind::kGt, start, start + 1);
    case '&':
      if (next == '&') return Make(TokenKind::kAnd, start, start + 2);
      break;
    case '|':
      if (next == '|') return Make(TokenKind::kOr, start, start + 2);
      break;
    case '[': return Make(TokenKind::kLBracket, start, start + 1);
    case ']': return Make(TokenKind::kRBracket, start, start + 1);
    case '{': return Make(TokenKind::kLBrace, start, start + 1);
    case '}': return Make(TokenKind::kRBrace, start, start + 1);
    case '(': return Make(TokenKind::kLParen, start, start + 1);
    case ')': return Make(TokenKind::kRParen, start, start + 1);
    case '.': return Make(TokenKind::kDot, start, start + 1);
    case ',': return Make(TokenKind::kComma, start, start + 1);
    case '-': return Make(TokenKind::kMinus, start, start + 1);
    case '?': return Make(TokenKind::kQuestion, start, start + 1);
    case ':': return Make(TokenKind::kColon, start, start + 1);
    case '+': return Make(TokenKind::kPlus, start, start + 1);
    case '*': return Make(TokenKind::kStar, start, start + 1);
    case '/': return Make(TokenKind::kSlash, start, start + 1);
    case '%': return Make(TokenKind::kPercent, start, start + 1);
    default:
      break;
  }
  size_t len = std::min(Utf8Length(static_cast<unsigned char>(c)), n - start);
  return Fail(start, "token recognition error at: '" + std::string(text_.substr(start, len)) + "'");
}

Token Lexer::LexNumber(size_t start) {
  const size_t n = text_.size();
  size_t p = start;
  auto digits = [&] {
    while (p < n && IsDigit(text_[p])) ++p;
  };
  // An exponent counts only when digits follow it (as the ANTLR grammar's EXPONENT fragment).
  auto exponent = [&]() -> bool {
    if (p >= n || (text_[p] != 'e' && text_[p] != 'E')) return false;
    size_t q = p + 1;
    if (q < n && (text_[q] == '+' || text_[q] == '-')) ++q;
    if (q >= n || !IsDigit(text_[q])) return false;
    p = q;
    digits();
    return true;
  };
  auto is_u = [&] { return p < n && (text_[p] == 'u' || text_[p] == 'U'); };
  if (text_[p] == '0' && p + 2 < n && text_[p + 1] == 'x' && HexValue(text_[p + 2]) >= 0) {
    p += 2;
    while (p < n && HexValue(text_[p]) >= 0) ++p;
    if (is_u()) return Make(TokenKind::kUint, start, p + 1);
    return Make(TokenKind::kInt, start, p);
  }
  if (text_[p] == '.') {
    ++p;
    digits();
    exponent();
    return Make(TokenKind::kFloat, start, p);
  }
  digits();
  bool is_float = false;
  if (p + 1 < n && text_[p] == '.' && IsDigit(text_[p + 1])) {
    ++p;
    digits();
    is_float = true;
  }
  if (exponent()) is_float = true;
  if (is_float) return Make(TokenKind::kFloat, start, p);
  if (is_u()) return Make(TokenKind::kUint, start, p + 1);
  return Make(TokenKind::kInt, start, p);
}

Token Lexer::LexString(size_t start, size_t quote, bool raw, bool bytes) {
  const size_t n = text_.size();
  const char q = text_[quote];
  const bool triple = quote + 2 < n && text_[quote + 1] == q && text_[quote + 2] == q;
  size_t p = quote + (triple ? 3 : 1);
  const TokenKind kind = bytes ? TokenKind::kBytes : TokenKind::kString;
  while (true) {
    if (p >= n) return Fail(start, "unterminated string literal");
    char c = text_[p];
    if (triple) {
      if (c == q && p + 2 < n && text_[p + 1] == q && text_[p + 2] == q) {
        return Make(kind, start, p + 3);
      }
    } else {
      if (c == q) return Make(kind, start, p + 1);
      if (c == '\n' || c == '\r') return Fail(start, "unterminated string literal");
    }
    if (c == '\\' && !raw) {
      if (p + 1 >= n) return Fail(start, "unterminated string literal");
      if (!triple && (text_[p + 1] == '\n' || text_[p + 1] == '\r')) {
        return Fail(start, "unterminated string literal");
      }
      p += 2;
      continue;
    }
    ++p;
  }
}

bool DecodeStringLiteral(std::string_view token_text, int32_t token_offset, bool bytes,
                         std::string* out, int32_t* error_offset, std::string* error) {
  size_t i = 0;
  if (bytes) ++i;  // b / B
  bool raw = false;
  if (i < token_text.size() && (token_text[i] == 'r' || token_text[i] == 'R')) {
    raw = true;
    ++i;
  }
  const char q = token_text[i];
  const size_t n = token_text.size();
  const bool triple = n - i >= 6 && token_text[i + 1] == q && token_text[i + 2] == q;
  const size_t qlen = triple ? 3 : 1;
  const size_t body_start = i + qlen;
  const size_t body_end = n - qlen;
  out->clear();
  out->reserve(body_end - body_start);
  auto fail = [&](size_t at, std::string msg) {
    *error_offset = token_offset + static_cast<int32_t>(at);
    *error = std::move(msg);
    return false;
  };
  for (size_t p = body_start; p < body_end;) {
    char c = token_text[p];
    if (c == '\r') {
      out->push_back('\n');
      p += (p + 1 < body_end && token_text[p + 1] == '\n') ? 2 : 1;
      continue;
    }
    if (c != '\\' || raw) {
      out->push_back(c);
      ++p;
      continue;
    }
    const size_t esc = p;
    if (p + 1 >= body_end) {
      return fail(esc, "unable to unescape string, found '\\' as last character");
    }
    char e = token_text[p + 1];
    p += 2;
    char simple = 0;
    switch (e) {
      case 'a': simple = '\a'; break;
      case 'b': simple = '\b'; break;
      case 'f': simple = '\f'; break;
      case 'n': simple = '\n'; break;
      case 'r': simple = '\r'; break;
      case 't': simple = '\t'; break;
      case 'v': simple = '\v'; break;
      case '\\': simple = '\\'; break;
      case '\'': simple = '\''; break;
      case '"': simple = '"'; break;
      case '`': simple = '`'; break;
      case '?': simple = '?'; break;
      default: break;
    }
    if (simple != 0) {
      out->push_back(simple);
      continue;
    }
    if (e == 'x' || e == 'X' || e == 'u' || e == 'U') {
      size_t digits = (e == 'x' || e == 'X') ? 2 : (e == 'u' ? 4 : 8);
      if (bytes && digits > 2) {
        return fail(esc, "unable to unescape string: \\u and \\U are not allowed in bytes");
      }
      if (body_end - p < digits) return fail(esc, "unable to unescape string");
      uint32_t v = 0;
      for (size_t j = 0; j < digits; ++j) {
        int h = HexValue(token_text[p + j]);
        if (h < 0) return fail(esc, "unable to unescape string");
        v = (v << 4) | static_cast<uint32_t>(h);
      }
      p += digits;
      if (bytes) {
        out->push_back(static_cast<char>(v));
        continue;
      }
      if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        return fail(esc, "invalid unicode code point");
      }
      AppendUtf8(v, out);
      continue;
    }
    if (e >= '0' && e <= '3') {
      if (body_end - p < 2) return fail(esc, "unable to unescape octal sequence in string");
      uint32_t v = static_cast<uint32_t>(e - '0');
      for (size_t j = 0; j < 2; ++j) {
        char d = token_text[p + j];
        if (d < '0' || d > '7') return fail(esc, "unable to unescape octal sequence in string");
        v = v * 8 + static_cast<uint32_t>(d - '0');
      }
      p += 2;
      if (bytes) {
        out->push_back(static_cast<char>(v));
      } else {
        AppendUtf8(v, out);
      }
      continue;
    }
    return fail(esc, "unable to unescape string: invalid escape sequence");
  }
  return true;
}

bool ParseIntLiteral(std::string_view text, bool negative, int64_t* out) {
  uint64_t base = 10;
  if (text.size() > 2 && text[0] == '0' && text[1] == 'x') {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty()) return false;
  const uint64_t limit = negative ? (uint64_t{1} << 63) : (uint64_t{1} << 63) - 1;
  uint64_t v = 0;
  for (char c : text) {
    int d = HexValue(c);
    if (d < 0 || static_cast<uint64_t>(d) >= base) return false;
    if (v > (limit - static_cast<uint64_t>(d)) / base) return false;
    v = v * base + static_cast<uint64_t>(d);
  }
  if (negative) {
    *out = v == (uint64_t{1} << 63) ? std::numeric_limits<int64_t>::min()
                                    : -static_cast<int64_t>(v);
  } else {
    *out = static_cast<int64_t>(v);
  }
  return true;
}

bool ParseUintLiteral(std::string_view text, uint64_t* out) {
  if (!text.empty() && (text.back() == 'u' || text.back() == 'U')) text.remove_suffix(1);
  uint64_t base = 10;
  if (text.size() > 2 && text[0] == '0' && text[1] == 'x') {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty()) return false;
  const uint64_t limit = std::numeric_limits<uint64_t>::max();
  uint64_t v = 0;
  for (char c : text) {
    int d = HexValue(c);
    if (d < 0 || static_cast<uint64_t>(d) >= base) return false;
    if (v > (limit - static_cast<uint64_t>(d)) / base) return false;
    v = v * base + static_cast<uint64_t>(d);
  }
  *out = v;
  return true;
}

bool ParseDoubleLiteral(std::string_view text, bool negative, double* out) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc::result_out_of_range) {
    // Overflow is an error (Go's ParseFloat reports ErrRange); underflow rounds towards zero.
    std::string copy(text);
    v = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(v)) return false;
  } else if (ec != std::errc() || ptr != text.data() + text.size()) {
    return false;
  }
  *out = negative ? -v : v;
  return true;
}

int64_t FindInvalidUtf8(std::string_view text) {
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return static_cast<int64_t>(i);
    }
    if (n - i < len) return static_cast<int64_t>(i);
    for (size_t j = 1; j < len; ++j) {
      unsigned char cc = static_cast<unsigned char>(text[i + j]);
      if ((cc & 0xC0) != 0x80) return static_cast<int64_t>(i);
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return static_cast<int64_t>(i);
    }
    i += len;
  }
  return -1;
}

}  // namespace kro::cel::internal
