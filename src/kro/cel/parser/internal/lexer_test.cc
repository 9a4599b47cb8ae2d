#include "kro/cel/parser/internal/lexer.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace kro::cel::internal {
namespace {

std::vector<TokenKind> Kinds(std::string_view text) {
  Lexer lexer(text);
  std::vector<TokenKind> out;
  while (true) {
    Token t = lexer.Next();
    out.push_back(t.kind);
    if (t.kind == TokenKind::kEof || t.kind == TokenKind::kError) return out;
  }
}

TEST(LexerTest, Tokens) {
  using K = TokenKind;
  EXPECT_EQ(Kinds("a.b(1, 2u, 3.0) // x"),
            (std::vector<K>{K::kIdent, K::kDot, K::kIdent, K::kLParen, K::kInt, K::kComma,
                            K::kUint, K::kComma, K::kFloat, K::kRParen, K::kEof}));
  EXPECT_EQ(Kinds("== != < <= > >= && || ! - + * / % ? : [ ] { }"),
            (std::vector<K>{K::kEq, K::kNe, K::kLt, K::kLe, K::kGt, K::kGe, K::kAnd, K::kOr,
                            K::kExclam, K::kMinus, K::kPlus, K::kStar, K::kSlash, K::kPercent,
                            K::kQuestion, K::kColon, K::kLBracket, K::kRBracket, K::kLBrace,
                            K::kRBrace, K::kEof}));
  EXPECT_EQ(Kinds("true false null in inx"),
            (std::vector<K>{K::kTrue, K::kFalse, K::kNull, K::kIn, K::kIdent, K::kEof}));
  EXPECT_EQ(Kinds("r'a' R\"b\" b'c' B'd' br'e' Br\"f\" rb'g'"),
            (std::vector<K>{K::kString, K::kString, K::kBytes, K::kBytes, K::kBytes, K::kBytes,
                            K::kIdent, K::kString, K::kEof}));
  // Numbers follow the ANTLR grammar's longest match.
  EXPECT_EQ(Kinds("1.e3"), (std::vector<K>{K::kInt, K::kDot, K::kIdent, K::kEof}));
  EXPECT_EQ(Kinds("1e"), (std::vector<K>{K::kInt, K::kIdent, K::kEof}));
  EXPECT_EQ(Kinds("1e+5 .5 0x1Fu 0x"),
            (std::vector<K>{K::kFloat, K::kFloat, K::kUint, K::kInt, K::kIdent, K::kEof}));
  EXPECT_EQ(Kinds("`a b`"), (std::vector<K>{K::kEscIdent, K::kEof}));
  // A lone \r does not end a comment.
  EXPECT_EQ(Kinds("// a\r b\nc"), (std::vector<K>{K::kIdent, K::kEof}));
}

TEST(LexerTest, Errors) {
  Lexer lexer("a ~");
  EXPECT_EQ(lexer.Next().kind, TokenKind::kIdent);
  Token t = lexer.Next();
  EXPECT_EQ(t.kind, TokenKind::kError);
  EXPECT_EQ(t.offset, 2);
  EXPECT_EQ(lexer.error(), "token recognition error at: '~'");
  EXPECT_EQ(lexer.Next().kind, TokenKind::kError);
}

TEST(LexerTest, IntLiterals) {
  int64_t v = 0;
  EXPECT_TRUE(ParseIntLiteral("9223372036854775807", false, &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(ParseIntLiteral("9223372036854775808", true, &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::min());
  EXPECT_FALSE(ParseIntLiteral("9223372036854775808", false, &v));
  EXPECT_FALSE(ParseIntLiteral("9223372036854775809", true, &v));
  EXPECT_TRUE(ParseIntLiteral("0x7fffffffffffffff", false, &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(ParseIntLiteral("0x8000000000000000", true, &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::min());
  EXPECT_FALSE(ParseIntLiteral("0x8000000000000000", false, &v));
  uint64_t u = 0;
  EXPECT_TRUE(ParseUintLiteral("0xffffffffffffffffu", &u));
  EXPECT_EQ(u, std::numeric_limits<uint64_t>::max());
  EXPECT_FALSE(ParseUintLiteral("0x10000000000000000u", &u));
  double d = 0;
  EXPECT_TRUE(ParseDoubleLiteral("1.7976931348623157e308", true, &d));
  EXPECT_EQ(d, -std::numeric_limits<double>::max());
  EXPECT_FALSE(ParseDoubleLiteral("1.8e308", false, &d));
}

TEST(LexerTest, Utf8Validation) {
  EXPECT_EQ(FindInvalidUtf8("abc \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), -1);
  EXPECT_EQ(FindInvalidUtf8("ab\x80"), 2);           // stray continuation byte
  EXPECT_EQ(FindInvalidUtf8("a\xc3"), 1);            // truncated
  EXPECT_EQ(FindInvalidUtf8("\xe0\x80\x80"), 0);     // overlong
  EXPECT_EQ(FindInvalidUtf8("\xed\xbf\xbf"), 0);     // surrogate
  EXPECT_EQ(FindInvalidUtf8("\xf4\x90\x80\x80"), 0);  // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("\xff"), 0);
}

TEST(LexerTest, DecodeStrings) {
  std::string out;
  int32_t off = 0;
  std::string err;
  EXPECT_TRUE(DecodeStringLiteral(R"('a\x41\101')", 0, false, &out, &off, &err));
  EXPECT_EQ(out, "aAA");
  EXPECT_TRUE(DecodeStringLiteral(R"(b'\xff\377')", 0, true, &out, &off, &err));
  EXPECT_EQ(out, "\xff\xff");
  EXPECT_TRUE(DecodeStringLiteral(R"('\xff')", 0, false, &out, &off, &err));
  EXPECT_EQ(out, "\xc3\xbf");
  EXPECT_FALSE(DecodeStringLiteral(R"('ab\z')", 10, false, &out, &off, &err));
  EXPECT_EQ(off, 13);
}

}  // namespace
}  // namespace kro::cel::internal
