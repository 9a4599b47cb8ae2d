#include "kro/cel/parser/parser.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "kro/cel/parser/internal/expr_factory.h"
#include "kro/cel/parser/internal/lexer.h"
#include "kro/cel/parser/internal/macros.h"

namespace kro::cel {
namespace {

using internal::ExprFactory;
using internal::Lexer;
using internal::Token;
using internal::TokenKind;

// Nesting beyond this could exhaust the stack in the parser or in recursive AST walks.
constexpr int kHardMaxDepth = 1000;
constexpr int kDefaultMaxDepth = 250;
constexpr size_t kMaxErrors = 100;

// What may start an expression, spelled as ANTLR spells it in cel-go's messages.
constexpr std::string_view kExpectingExpr =
    "{'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, "
    "STRING, BYTES, IDENTIFIER}";

// Words that cannot name a variable or global function (cel-go parser.go reservedIds; true,
// false, null and in are tokens of their own). They remain valid after a dot.
bool IsReserved(std::string_view s) {
  static constexpr std::string_view kReserved[] = {
      "as",     "break",  "const",     "continue", "else", "for",  "function", "if",   "import",
      "let",    "loop",   "package",   "namespace", "return", "var", "void",  "while"};
  for (std::string_view r : kReserved) {
    if (s == r) return true;
  }
  return false;
}

struct ParseError {
  int32_t offset = 0;
  std::string message;
};

class Parser {
 public:
  Parser(std::string_view text, const ParseOptions& options)
      : lexer_(text), options_(options) {
    int d = options.max_recursion_depth;
    max_depth_ = d <= 0 ? kDefaultMaxDepth : std::min(d, kHardMaxDepth);
    macros_.optional = options.enable_optional_syntax;
  }

  // Parses the whole input; the result is meaningful only if errors() is empty.
  ExprPtr ParseAll() {
    Advance();
    ExprPtr e = ParseExpr();
    if (e && tok_.kind != TokenKind::kEof) Mismatched("<EOF>");
    return e;
  }

  std::vector<ParseError>& errors() { return errors_; }
  size_t dropped_errors() const { return dropped_errors_; }
  int64_t next_id() const { return factory_.next_id(); }

 private:
  // Counts nesting for one parse function and undoes it when the function returns.
  class DepthScope {
   public:
    explicit DepthScope(Parser* p) : p_(p) {}
    ~DepthScope() { p_->depth_ -= n_; }
    DepthScope(const DepthScope&) = delete;
    DepthScope& operator=(const DepthScope&) = delete;
    // Adds one level; false (with a fatal error) when the limit is exceeded.
    bool Push(int32_t offset) {
      ++n_;
      if (++p_->depth_ <= p_->max_depth_) return true;
      p_->Fatal(offset, "expression recursion limit exceeded: " + std::to_string(p_->max_depth_));
      return false;
    }

   private:
    Parser* p_;
    int n_ = 0;
  };

  // 1. Tokens and errors.

  void Advance() {
    tok_ = lexer_.Next();
    if (tok_.kind == TokenKind::kError) Fatal(tok_.offset, "Syntax error: " + lexer_.error());
  }
  bool At(TokenKind k) const { return tok_.kind == k; }

  // Keeps the first kMaxErrors errors (as cel-go's error reporting limit) so that an input full
  // of mistakes cannot produce a huge message; the rest are only counted.
  void Error(int32_t offset, std::string message) {
    if (errors_.size() >= kMaxErrors) {
      ++dropped_errors_;
      return;
    }
    errors_.push_back(ParseError{offset, std::move(message)});
  }
  // An error after which parsing stops; later syntax errors would only be noise.
  void Fatal(int32_t offset, std::string message) {
    if (fatal_) return;
    fatal_ = true;
    Error(offset, std::move(message));
  }

  std::string TokenText(const Token& t) const {
    if (t.kind == TokenKind::kEof) return "<EOF>";
    std::string out;
    for (char c : lexer_.TextOf(t)) {
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else {
        out += c;
      }
    }
    return out;
  }

  // "Syntax error: mismatched input 'x' expecting <expected>" at the current token.
  std::nullptr_t Mismatched(std::string_view expected) {
    Fatal(tok_.offset, "Syntax error: mismatched input '" + TokenText(tok_) + "' expecting " +
                           std::string(expected));
    return nullptr;
  }

  bool Expect(TokenKind k) {
    if (At(k)) {
      Advance();
      return true;
    }
    Mismatched(internal::TokenKindName(k));
    return false;
  }

  // A placeholder for a node whose error was reported but does not stop parsing.
  ExprPtr ErrorNode(int32_t offset) { return factory_.Const(offset, NullValue{}); }

  // 2. Expressions, loosest binding first.

  // expr: or ('?' or ':' expr)?
  ExprPtr ParseExpr() {
    DepthScope depth(this);
    if (!depth.Push(tok_.offset)) return nullptr;
    ExprPtr cond = ParseOr();
    if (!cond || !At(TokenKind::kQuestion)) return cond;
    int32_t off = tok_.offset;
    int64_t id = factory_.NextId();
    Advance();
    ExprPtr if_true = ParseOr();
    if (!if_true || !Expect(TokenKind::kColon)) return nullptr;
    ExprPtr if_false = ParseExpr();
    if (!if_false) return nullptr;
    ExprPtr e = factory_.New(ExprKind::kCall, off, id);
    e->name = op::kConditional;
    e->args.reserve(3);
    e->args.push_back(std::move(cond));
    e->args.push_back(std::move(if_true));
    e->args.push_back(std::move(if_false));
    return e;
  }

  ExprPtr ParseOr() { return ParseLogical(TokenKind::kOr, op::kLogicalOr, &Parser::ParseAnd); }
  ExprPtr ParseAnd() {
    return ParseLogical(TokenKind::kAnd, op::kLogicalAnd, &Parser::ParseRelation);
  }

  // A chain of && or || becomes a balanced tree (cel-go's balancing logic manager), so long
  // chains stay shallow.
  ExprPtr ParseLogical(TokenKind kind, const char* function, ExprPtr (Parser::*operand)()) {
    ExprPtr first = (this->*operand)();
    if (!first || !At(kind)) return first;
    std::vector<ExprPtr> terms;
    std::vector<std::pair<int64_t, int32_t>> ops;  // id, offset
    terms.push_back(std::move(first));
    while (At(kind)) {
      int32_t off = tok_.offset;
      Advance();
      ExprPtr next = (this->*operand)();
      if (!next) return nullptr;
      ops.emplace_back(factory_.NextId(), off);
      terms.push_back(std::move(next));
    }
    return Balance(terms, ops, function, 0, ops.size() - 1);
  }

  ExprPtr Balance(std::vector<ExprPtr>& terms, const std::vector<std::pair<int64_t, int32_t>>& ops,
                  const char* function, size_t lo, size_t hi) {
    size_t mid = (lo + hi + 1) / 2;
    ExprPtr left = mid == lo ? std::move(terms[mid]) : Balance(terms, ops, function, lo, mid - 1);
    ExprPtr right =
        mid == hi ? std::move(terms[mid + 1]) : Balance(terms, ops, function, mid + 1, hi);
    ExprPtr e = factory_.New(ExprKind::kCall, ops[mid].second, ops[mid].first);
    e->name = function;
    e->args.reserve(2);
    e->args.push_back(std::move(left));
    e->args.push_back(std::move(right));
    return e;
  }

  static const char* RelationOp(TokenKind k) {
    switch (k) {
      case TokenKind::kEq: return op::kEquals;
      case TokenKind::kNe: return op::kNotEquals;
      case TokenKind::kLt: return op::kLess;
      case TokenKind::kLe: return op::kLessEquals;
      case TokenKind::kGt: return op::kGreater;
      case TokenKind::kGe: return op::kGreaterEquals;
      case TokenKind::kIn: return op::kIn;
      default: return nullptr;
    }
  }
  static const char* AdditiveOp(TokenKind k) {
    if (k == TokenKind::kPlus) return op::kAdd;
    if (k == TokenKind::kMinus) return op::kSubtract;
    return nullptr;
  }
  static const char* MultiplicativeOp(TokenKind k) {
    if (k == TokenKind::kStar) return op::kMultiply;
    if (k == TokenKind::kSlash) return op::kDivide;
    if (k == TokenKind::kPercent) return op::kModulo;
    return nullptr;
  }

  ExprPtr ParseRelation() { return ParseBinary(&Parser::RelationOp, &Parser::ParseAdditive); }
  ExprPtr ParseAdditive() {
    return ParseBinary(&Parser::AdditiveOp, &Parser::ParseMultiplicative);
  }
  ExprPtr ParseMultiplicative() {
    return ParseBinary(&Parser::MultiplicativeOp, &Parser::ParseUnary);
  }

  // A left-associative chain; each operator adds a level of nesting.
  ExprPtr ParseBinary(const char* (*op_of)(TokenKind), ExprPtr (Parser::*operand)()) {
    DepthScope depth(this);
    ExprPtr lhs = (this->*operand)();
    if (!lhs) return nullptr;
    while (const char* function = op_of(tok_.kind)) {
      int32_t off = tok_.offset;
      if (!depth.Push(off)) return nullptr;
      Advance();
      int64_t id = factory_.NextId();
      ExprPtr rhs = (this->*operand)();
      if (!rhs) return nullptr;
      ExprPtr e = factory_.New(ExprKind::kCall, off, id);
      e->name = function;
      e->args.reserve(2);
      e->args.push_back(std::move(lhs));
      e->args.push_back(std::move(rhs));
      lhs = std::move(e);
    }
    return lhs;
  }

  static bool IsNumber(TokenKind k) { return k == TokenKind::kInt || k == TokenKind::kFloat; }

  // unary: member | '!'+ member | '-'+ member. An even run of operators cancels out (cel-go).
  ExprPtr ParseUnary() {
    if (!At(TokenKind::kExclam) && !At(TokenKind::kMinus)) return ParseMember();
    if (At(TokenKind::kMinus)) {
      Lexer peek = lexer_;
      if (IsNumber(peek.Next().kind)) return ParseMember();  // a negative literal
    }
    const TokenKind kind = tok_.kind;
    const int32_t off = tok_.offset;
    DepthScope depth(this);
    int n = 0;
    while (At(kind)) {
      if (!depth.Push(tok_.offset)) return nullptr;
      ++n;
      Advance();
    }
    int64_t id = n % 2 == 1 ? factory_.NextId() : 0;
    ExprPtr operand = ParseMember();
    if (!operand || n % 2 == 0) return operand;
    ExprPtr e = factory_.New(ExprKind::kCall, off, id);
    e->name = kind == TokenKind::kExclam ? op::kLogicalNot : op::kNegate;
    e->args.push_back(std::move(operand));
    return e;
  }

  // member: primary ('.' '?'? name | '.' name '(' args ')' | '[' '?'? expr ']')*
  ExprPtr ParseMember() {
    DepthScope depth(this);
    ExprPtr e = ParsePrimary();
    if (!e) return nullptr;
    while (true) {
      if (At(TokenKind::kDot)) {
        int32_t dot = tok_.offset;
        if (!depth.Push(dot)) return nullptr;
        Advance();
        bool optional = false;
        if (At(TokenKind::kQuestion)) {
          optional = true;
          Advance();
        }
        if (!At(TokenKind::kIdent) && !At(TokenKind::kEscIdent)) {
          return Mismatched("{IDENTIFIER, ESC_IDENTIFIER}");
        }
        Token name_tok = tok_;
        std::string name = FieldName(name_tok);
        Advance();
        if (name_tok.kind == TokenKind::kIdent && !optional && At(TokenKind::kLParen)) {
          int32_t open = tok_.offset;
          int64_t id = factory_.NextId();
          Advance();
          std::vector<ExprPtr> args;
          if (!ParseArgs(&args)) return nullptr;
          e = CallOrMacro(id, open, name, std::move(e), std::move(args));
          continue;
        }
        if (!optional) {
          e = factory_.Select(dot, std::move(e), std::move(name));
        } else if (!options_.enable_optional_syntax) {
          Error(dot, "unsupported syntax '.?'");
          e = ErrorNode(dot);
        } else {
          int64_t id = factory_.NextId();
          ExprPtr field = factory_.Const(name_tok.offset, std::move(name));
          ExprPtr call = factory_.New(ExprKind::kCall, dot, id);
          call->name = op::kOptSelect;
          call->args.push_back(std::move(e));
          call->args.push_back(std::move(field));
          e = std::move(call);
        }
      } else if (At(TokenKind::kLBracket)) {
        int32_t open = tok_.offset;
        if (!depth.Push(open)) return nullptr;
        Advance();
        int64_t id = factory_.NextId();
        bool optional = false;
        if (At(TokenKind::kQuestion)) {
          optional = true;
          Advance();
        }
        ExprPtr index = ParseExpr();
        if (!index || !Expect(TokenKind::kRBracket)) return nullptr;
        if (optional && !options_.enable_optional_syntax) {
          Error(open, "unsupported syntax '[?'");
          e = ErrorNode(open);
          continue;
        }
        ExprPtr call = factory_.New(ExprKind::kCall, open, id);
        call->name = optional ? op::kOptIndex : op::kIndex;
        call->args.push_back(std::move(e));
        call->args.push_back(std::move(index));
        e = std::move(call);
      } else {
        return e;
      }
    }
  }

  // The field name of an IDENTIFIER or `escaped identifier` token.
  std::string FieldName(const Token& t) const {
    std::string_view text = lexer_.TextOf(t);
    if (t.kind == TokenKind::kEscIdent) text = text.substr(1, text.size() - 2);
    return std::string(text);
  }

  ExprPtr ParsePrimary() {
    switch (tok_.kind) {
      case TokenKind::kMinus: {
        int32_t sign = tok_.offset;
        Advance();
        if (!IsNumber(tok_.kind)) return Mismatched("{NUM_FLOAT, NUM_INT}");
        return ParseLiteral(true, sign);
      }
      case TokenKind::kInt:
      case TokenKind::kUint:
      case TokenKind::kFloat:
      case TokenKind::kString:
      case TokenKind::kBytes:
      case TokenKind::kTrue:
      case TokenKind::kFalse:
      case TokenKind::kNull:
        return ParseLiteral(false, tok_.offset);
      case TokenKind::kDot: {
        int32_t dot = tok_.offset;
        Advance();
        if (!At(TokenKind::kIdent)) return Mismatched("IDENTIFIER");
        return ParseIdentOrCall(true, dot);
      }
      case TokenKind::kIdent:
        return ParseIdentOrCall(false, tok_.offset);
      case TokenKind::kLParen: {
        Advance();
        ExprPtr e = ParseExpr();
        if (!e || !Expect(TokenKind::kRParen)) return nullptr;
        return e;
      }
      case TokenKind::kLBracket:
        return ParseList();
      case TokenKind::kLBrace:
        return ParseMap();
      default:
        return Mismatched(kExpectingExpr);
    }
  }

  // Literal at tok_; `negative` when a '-' at `start` precedes it.
  ExprPtr ParseLiteral(bool negative, int32_t start) {
    Token t = tok_;
    std::string_view text = lexer_.TextOf(t);
    Advance();
    switch (t.kind) {
      case TokenKind::kInt: {
        int64_t v = 0;
        if (!internal::ParseIntLiteral(text, negative, &v)) {
          Error(start, "invalid int literal");
          return ErrorNode(start);
        }
        return factory_.Const(start, v);
      }
      case TokenKind::kUint: {
        uint64_t v = 0;
        if (!internal::ParseUintLiteral(text, &v)) {
          Error(start, "invalid uint literal");
          return ErrorNode(start);
        }
        return factory_.Const(start, v);
      }
      case TokenKind::kFloat: {
        double v = 0;
        if (!internal::ParseDoubleLiteral(text, negative, &v)) {
          Error(start, "invalid double literal");
          return ErrorNode(start);
        }
        return factory_.Const(start, v);
      }
      case TokenKind::kString:
      case TokenKind::kBytes: {
        bool bytes = t.kind == TokenKind::kBytes;
        std::string value;
        int32_t err_off = 0;
        std::string err;
        if (!internal::DecodeStringLiteral(text, t.offset, bytes, &value, &err_off, &err)) {
          Error(err_off, std::move(err));
          return ErrorNode(start);
        }
        if (bytes) return factory_.Const(start, Bytes{std::move(value)});
        return factory_.Const(start, std::move(value));
      }
      case TokenKind::kTrue: return factory_.Const(start, true);
      case TokenKind::kFalse: return factory_.Const(start, false);
      default: return factory_.Const(start, NullValue{});
    }
  }

  // After an optional leading dot at `start`, tok_ is an IDENTIFIER: a variable, a global call
  // or (when IDENT ('.' IDENT)* '{' follows) a message construction.
  ExprPtr ParseIdentOrCall(bool leading_dot, int32_t start) {
    {
      Lexer ahead = lexer_;
      Token t = ahead.Next();
      while (t.kind == TokenKind::kDot) {
        if (ahead.Next().kind != TokenKind::kIdent) break;
        t = ahead.Next();
      }
      if (t.kind == TokenKind::kLBrace) return ParseMessage(leading_dot);
    }
    Token id_tok = tok_;
    std::string_view word = lexer_.TextOf(id_tok);
    std::string name = leading_dot ? "." : "";
    name += word;
    Advance();
    const bool reserved = IsReserved(word);
    if (reserved) Error(start, "reserved identifier: " + std::string(word));
    if (!At(TokenKind::kLParen)) {
      if (reserved) return ErrorNode(start);
      return factory_.Ident(id_tok.offset, std::move(name));
    }
    int32_t open = tok_.offset;
    int64_t id = factory_.NextId();
    Advance();
    std::vector<ExprPtr> args;
    if (!ParseArgs(&args)) return nullptr;
    if (reserved) return ErrorNode(start);
    return CallOrMacro(id, open, name, nullptr, std::move(args));
  }

  // Arguments after '(' up to and including ')'. No trailing comma (exprList).
  bool ParseArgs(std::vector<ExprPtr>* args) {
    if (At(TokenKind::kRParen)) {
      Advance();
      return true;
    }
    while (true) {
      ExprPtr e = ParseExpr();
      if (!e) return false;
      args->push_back(std::move(e));
      if (!At(TokenKind::kComma)) break;
      Advance();
    }
    return Expect(TokenKind::kRParen);
  }

  // Returns false (fatal) on a syntax error; reports a disabled '?' without stopping.
  bool ParseOptionalMark(bool* optional) {
    *optional = false;
    if (!At(TokenKind::kQuestion)) return true;
    if (!options_.enable_optional_syntax) Error(tok_.offset, "unsupported syntax '?'");
    *optional = options_.enable_optional_syntax;
    Advance();
    return true;
  }

  // Runs `element` for each comma-separated element up to `close` (a trailing comma and the
  // lone-comma form `[,]` are allowed, as in the grammar's `elems? ','?`).
  template <typename F>
  bool ParseElements(TokenKind close, F element) {
    if (At(TokenKind::kComma)) {
      Advance();
      return Expect(close);
    }
    while (!At(close)) {
      if (!element()) return false;
      if (!At(TokenKind::kComma)) break;
      Advance();
    }
    return Expect(close);
  }

  ExprPtr ParseList() {
    ExprPtr list = factory_.New(ExprKind::kList, tok_.offset);
    Advance();
    bool ok = ParseElements(TokenKind::kRBracket, [&] {
      bool optional = false;
      ParseOptionalMark(&optional);
      ExprPtr e = ParseExpr();
      if (!e) return false;
      if (optional) list->optional_indices.push_back(static_cast<int32_t>(list->args.size()));
      list->args.push_back(std::move(e));
      return true;
    });
    return ok ? std::move(list) : nullptr;
  }

  ExprPtr ParseMap() {
    ExprPtr map = factory_.New(ExprKind::kMap, tok_.offset);
    Advance();
    bool ok = ParseElements(TokenKind::kRBrace, [&] {
      bool optional = false;
      ParseOptionalMark(&optional);
      ExprPtr key = ParseExpr();
      if (!key) return false;
      Entry entry;
      entry.offset = tok_.offset;
      entry.id = factory_.NextId();
      if (!Expect(TokenKind::kColon)) return false;
      entry.key = std::move(key);
      entry.value = ParseExpr();
      if (!entry.value) return false;
      entry.optional = optional;
      map->entries.push_back(std::move(entry));
      return true;
    });
    return ok ? std::move(map) : nullptr;
  }

  // Name{field: value, ?field: value}; tok_ is the first IDENTIFIER of the name.
  ExprPtr ParseMessage(bool leading_dot) {
    std::string name = leading_dot ? "." : "";
    name += lexer_.TextOf(tok_);
    Advance();
    while (At(TokenKind::kDot)) {
      Advance();
      name += '.';
      name += lexer_.TextOf(tok_);
      Advance();
    }
    ExprPtr msg = factory_.New(ExprKind::kStruct, tok_.offset);
    msg->name = std::move(name);
    Advance();  // '{'
    bool ok = ParseElements(TokenKind::kRBrace, [&] {
      bool optional = false;
      ParseOptionalMark(&optional);
      if (!At(TokenKind::kIdent) && !At(TokenKind::kEscIdent)) {
        Mismatched("{IDENTIFIER, ESC_IDENTIFIER}");
        return false;
      }
      Entry entry;
      entry.field = FieldName(tok_);
      Advance();
      entry.offset = tok_.offset;
      entry.id = factory_.NextId();
      if (!Expect(TokenKind::kColon)) return false;
      entry.value = ParseExpr();
      if (!entry.value) return false;
      entry.optional = optional;
      msg->entries.push_back(std::move(entry));
      return true;
    });
    return ok ? std::move(msg) : nullptr;
  }

  // 3. Calls and macros.

  ExprPtr CallOrMacro(int64_t id, int32_t offset, const std::string& function, ExprPtr target,
                      std::vector<ExprPtr> args) {
    if (options_.enable_macros) {
      ExprPtr out;
      int32_t err_off = 0;
      std::string err;
      switch (internal::ExpandMacro(factory_, macros_, offset, function, target, args, &out,
                                    &err_off, &err)) {
        case internal::MacroOutcome::kExpanded:
          return out;
        case internal::MacroOutcome::kError:
          Error(err_off, std::move(err));
          return ErrorNode(offset);
        case internal::MacroOutcome::kNotMacro:
          break;
      }
    }
    ExprPtr e = factory_.New(ExprKind::kCall, offset, id);
    e->name = function;
    e->operand = std::move(target);
    e->args = std::move(args);
    return e;
  }

  Lexer lexer_;
  const ParseOptions& options_;
  internal::MacroSet macros_;
  ExprFactory factory_;
  Token tok_;
  int depth_ = 0;
  int max_depth_ = kDefaultMaxDepth;
  bool fatal_ = false;
  std::vector<ParseError> errors_;
  size_t dropped_errors_ = 0;
};

Status ErrorStatus(const Source& source, std::vector<ParseError>& errors,
                   size_t dropped = 0) {
  std::stable_sort(errors.begin(), errors.end(),
                   [](const ParseError& a, const ParseError& b) { return a.offset < b.offset; });
  std::string message;
  for (const ParseError& e : errors) {
    if (!message.empty()) message += '\n';
    message += source.FormatError(e.offset, e.message);
  }
  if (dropped > 0) message += "\n" + std::to_string(dropped) + " more errors were truncated";
  SourceLocation loc = source.Location(errors.front().offset);
  return InvalidArgument(std::move(message),
                         std::to_string(loc.line) + ":" + std::to_string(loc.column));
}

}  // namespace

Result<ParsedExpr> Parse(std::shared_ptr<const Source> source, const ParseOptions& options) {
  const std::string& text = source->text();
  std::vector<ParseError> errors;
  if (text.size() > options.max_expression_size) {
    errors.push_back(ParseError{0, "expression size exceeds limit: size: " +
                                       std::to_string(text.size()) + ", limit " +
                                       std::to_string(options.max_expression_size)});
    return ErrorStatus(*source, errors);
  }
  if (int64_t bad = internal::FindInvalidUtf8(text); bad >= 0) {
    errors.push_back(ParseError{static_cast<int32_t>(bad), "invalid UTF-8 in expression"});
    return ErrorStatus(*source, errors);
  }
  Parser parser(text, options);
  ExprPtr expr = parser.ParseAll();
  if (!parser.errors().empty()) {
    return ErrorStatus(*source, parser.errors(), parser.dropped_errors());
  }
  ParsedExpr out;
  out.expr = std::move(expr);
  out.source = std::move(source);
  out.next_id = parser.next_id();
  return out;
}

Result<ParsedExpr> Parse(std::string_view text, const ParseOptions& options) {
  return Parse(std::make_shared<const Source>(std::string(text)), options);
}

}  // namespace kro::cel
