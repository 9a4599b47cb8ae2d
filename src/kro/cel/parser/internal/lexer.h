// The CEL lexer: turns expression text into tokens on demand, plus the literal decoders the
// parser applies to number and string tokens.
//
// A Lexer is a cursor over a string_view it does not own (the text must outlive it); copying a
// Lexer is cheap and is how the parser looks ahead. Tokens hold byte offsets only, so lexing
// allocates nothing. Thread-compatible.
#pragma once

#include "kro/cel/common/utf8.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace kro::cel::internal {

enum class TokenKind : uint8_t {
  kEof,
  kError,  // lexing failed; Lexer::error() says why
  kIdent,
  kEscIdent,  // `a-b` (backquoted field name)
  kInt,
  kUint,
  kFloat,
  kString,
  kBytes,
  kTrue,
  kFalse,
  kNull,
  kIn,
  kEq,
  kNe,
  kLt,
  kLe,
  kGe,
  kGt,
  kAnd,
  kOr,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kLParen,
  kRParen,
  kDot,
  kComma,
  kMinus,
  kExclam,
  kQuestion,
  kColon,
  kPlus,
  kStar,
  kSlash,
  kPercent,
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  int32_t offset = 0;  // first byte
  int32_t end = 0;     // one past the last byte
};

// A short description of a token kind for messages ("'&&'", "IDENTIFIER").
std::string_view TokenKindName(TokenKind kind);

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  // Returns the next token, skipping whitespace and `//` comments. After kError or kEof, further
  // calls return the same kind again.
  Token Next();

  // For a kError token: the message (without the "Syntax error: " prefix).
  const std::string& error() const { return error_; }

  std::string_view text() const { return text_; }
  std::string_view TextOf(const Token& t) const {
    return text_.substr(static_cast<size_t>(t.offset), static_cast<size_t>(t.end - t.offset));
  }

 private:
  Token Make(TokenKind kind, size_t start, size_t end);
  Token Fail(size_t start, std::string message);
  Token LexNumber(size_t start);
  Token LexString(size_t start, size_t quote, bool raw, bool bytes);

  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

// Decodes a kString/kBytes token's text (prefix and quotes included) into `out`. Applies CEL's
// escapes unless raw, normalises "\r\n" and "\r" to "\n". For strings, \x, octal, \u and \U give
// code points (encoded as UTF-8); for bytes, \x and octal give raw bytes and \u, \U are errors.
// On failure returns false with `*error_offset` (absolute, using `token_offset`) and `*error`.
bool DecodeStringLiteral(std::string_view token_text, int32_t token_offset, bool bytes,
                         std::string* out, int32_t* error_offset, std::string* error);

// Parses integer token text (decimal or 0x hex, no sign) with an optional leading minus.
// Returns false on overflow.
bool ParseIntLiteral(std::string_view text, bool negative, int64_t* out);
// Parses uint token text (trailing u/U included). Returns false on overflow.
bool ParseUintLiteral(std::string_view text, uint64_t* out);
// Parses a float token; false if out of double range (as Go's strconv.ParseFloat reports).
bool ParseDoubleLiteral(std::string_view text, bool negative, double* out);

// Returns the byte offset of the first invalid UTF-8 sequence in `text`, or -1 if valid
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
int64_t FindInvalidUtf8(std::string_view text);

// Appends the UTF-8 encoding of `cp` (REQUIRES: a valid scalar value); see common/utf8.h.
using ::kro::cel::AppendUtf8;

}  // namespace kro::cel::internal
