#include "kro/cel/parser/parser.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "kro/cel/parser/ast_printer.h"

namespace kro::cel {
namespace {

std::string ParseToString(std::string_view text, const ParseOptions& options = {}) {
  Result<ParsedExpr> r = Parse(text, options);
  if (!r.ok()) return "ERROR: " + r.status().message();
  return AstToString(*r->expr);
}

// The first error's message line (without the snippet), or "" when parsing succeeds.
std::string FirstError(std::string_view text, const ParseOptions& options = {}) {
  Result<ParsedExpr> r = Parse(text, options);
  if (r.ok()) return "";
  const std::string& m = r.status().message();
  return m.substr(0, m.find('\n'));
}

struct Case {
  std::string name;
  std::string expr;
  std::string want;
};

void RunCases(const std::vector<Case>& cases, const ParseOptions& options = {}) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name + ": " + c.expr);
    EXPECT_EQ(ParseToString(c.expr, options), c.want);
  }
}

TEST(ParserTest, Literals) {
  RunCases({
      {"int", "42", "42"},
      {"int_zero_prefix", "007", "7"},
      {"hex", "0x1F", "31"},
      {"negative", "-42", "-42"},
      {"min_int", "-9223372036854775808", "-9223372036854775808"},
      {"max_int", "9223372036854775807", "9223372036854775807"},
      {"neg_hex", "-0x10", "-16"},
      {"uint", "1u", "1u"},
      {"uint_upper", "2U", "2u"},
      {"hex_uint", "0x1fu", "31u"},
      {"max_uint", "18446744073709551615u", "18446744073709551615u"},
      {"double", "1.5", "1.5"},
      {"double_exp", "1e3", "1000.0"},
      {"double_exp_neg", "2.5E-1", "0.25"},
      {"double_leading_dot", ".5", "0.5"},
      {"double_leading_dot_exp", ".5e1", "5.0"},
      {"neg_double", "-1.5", "-1.5"},
      {"double_underflow", "1e-400", "0.0"},
      {"true", "true", "true"},
      {"false", "false", "false"},
      {"null", "null", "null"},
      {"string_dq", "\"abc\"", "\"abc\""},
      {"string_sq", "'abc'", "\"abc\""},
      {"string_empty", "''", "\"\""},
      {"triple_dq", "\"\"\"a\"b\nc\"\"\"", "\"a\\\"b\\nc\""},
      {"triple_sq", "'''it's'''", "\"it's\""},
      {"triple_empty", "''''''", "\"\""},
      {"triple_crlf", "'''a\r\nb\rc'''", "\"a\\nb\\nc\""},
      {"raw", "r'\\n\\d'", "\"\\\\n\\\\d\""},
      {"raw_upper", "R\"\\t\"", "\"\\\\t\""},
      {"raw_triple", "r'''a\\'''", "\"a\\\\\""},
      {"escapes", R"('\a\b\f\n\r\t\v\\\'\"\`\?')", "\"\\x07\\x08\\x0c\\n\\r\\t\\x0b\\\\'\\\"`?\""},
      {"octal", R"('\101\000\377')", "\"A\\x00\xc3\xbf\""},
      {"hex_escape", R"('\x41\X42\xff')", "\"AB\xc3\xbf\""},
      {"unicode", R"('\u00e9\U0001F600')", "\"\xc3\xa9\xf0\x9f\x98\x80\""},
      {"utf8_text", "'h\xc3\xa9'", "\"h\xc3\xa9\""},
      {"bytes", "b'abc'", "b\"abc\""},
      {"bytes_upper", "B\"abc\"", "b\"abc\""},
      {"bytes_hex", R"(b'\xff\x00')", "b\"\\xff\\x00\""},
      {"bytes_octal", R"(b'\377\101')", "b\"\\xffA\""},
      {"bytes_utf8", "b'\xc3\xbf'", "b\"\\xc3\\xbf\""},
      {"bytes_raw", R"(br'\x00')", "b\"\\\\x00\""},
      {"bytes_raw_upper", R"(BR'\x00')", "b\"\\\\x00\""},
      {"bytes_triple", "b'''a\nb'''", "b\"a\\nb\""},
  });
}

TEST(ParserTest, Operators) {
  RunCases({
      {"add", "a + 1", "_+_(a, 1)"},
      {"sub_left_assoc", "a - b - c", "_-_(_-_(a, b), c)"},
      {"mul_before_add", "a + b * c", "_+_(a, _*_(b, c))"},
      {"div_mod", "a / b % c", "_%_(_/_(a, b), c)"},
      {"parens", "(a + b) * c", "_*_(_+_(a, b), c)"},
      {"relations", "a < b == c >= d", "_>=_(_==_(_<_(a, b), c), d)"},
      {"le_gt_ne", "a <= b != c > d", "_>_(_!=_(_<=_(a, b), c), d)"},
      {"in", "a in [1, 2]", "@in(a, [1, 2])"},
      {"and_binds_tighter", "a || b && c", "_||_(a, _&&_(b, c))"},
      {"and_chain_balanced", "a && b && c && d",
       "_&&_(_&&_(a, b), _&&_(c, d))"},
      {"or_chain_balanced_3", "a || b || c", "_||_(_||_(a, b), c)"},
      {"or_chain_5", "a || b || c || d || e", "_||_(_||_(_||_(a, b), c), _||_(d, e))"},
      {"ternary", "a ? b : c", "_?_:_(a, b, c)"},
      {"ternary_right_assoc", "a ? b : c ? d : e", "_?_:_(a, b, _?_:_(c, d, e))"},
      {"ternary_lowest", "a || b ? c + 1 : d", "_?_:_(_||_(a, b), _+_(c, 1), d)"},
      {"not", "!a", "!_(a)"},
      {"not_not", "!!a", "a"},
      {"not3", "!!!a", "!_(a)"},
      {"neg", "-a", "-_(a)"},
      {"neg_neg", "--a", "a"},
      {"neg_neg_lit", "--1", "1"},
      {"neg3_lit", "---1", "-_(1)"},
      {"neg_uint", "-1u", "-_(1u)"},
      {"neg_paren", "-(1)", "-_(1)"},
      {"neg_literal_member", "-1.5.abs()", "-1.5.abs()"},
      {"not_neg_literal", "!-1", "!_(-1)"},
      {"sub_neg", "1 - -1", "_-_(1, -1)"},
      {"sub_nospace", "a-1", "_-_(a, 1)"},
      {"unary_in_mul", "-a * !b", "_*_(-_(a), !_(b))"},
  });
}

TEST(ParserTest, MembersAndCalls) {
  RunCases({
      {"select", "a.b.c", "a.b.c"},
      {"reserved_field", "x.metadata.namespace", "x.metadata.namespace"},
      {"reserved_fields", "a.as.break.if.package.var", "a.as.break.if.package.var"},
      {"escaped_field", "a.`b-c.d/e f`", "a.b-c.d/e f"},
      {"leading_dot", ".a.b", ".a.b"},
      {"leading_dot_call", ".f(1)", ".f(1)"},
      {"global_call", "f()", "f()"},
      {"global_call_args", "f(a, 1)", "f(a, 1)"},
      {"member_call", "a.f(1)", "a.f(1)"},
      {"member_call_reserved", "a.namespace()", "a.namespace()"},
      {"chained_calls", "a.b().c(d).e", "a.b().c(d).e"},
      {"index", "a[0]", "_[_](a, 0)"},
      {"index_chain", "a[0][b.c]", "_[_](_[_](a, 0), b.c)"},
      {"index_then_select", "a['x'].y", "_[_](a, \"x\").y"},
      {"opt_select", "a.?b", "_?._(a, \"b\")"},
      {"opt_index", "a[?b]", "_[?_](a, b)"},
      {"opt_chain", "a.?b.c[?0]", "_[?_](_?._(a, \"b\").c, 0)"},
      {"size", "size(a) > 0", "_>_(size(a), 0)"},
      {"has_not_macro_2args", "has(a, b)", "has(a, b)"},
      {"paren_select", "(a).b", "a.b"},
      {"literal_call", "'abc'.size()", "\"abc\".size()"},
      {"comment", "a // comment\n + b // more", "_+_(a, b)"},
      {"whitespace", " \t\r\n\fa\f", "a"},
  });
}

TEST(ParserTest, Aggregates) {
  RunCases({
      {"empty_list", "[]", "[]"},
      {"list", "[1, 'a', b]", "[1, \"a\", b]"},
      {"list_trailing_comma", "[1, 2,]", "[1, 2]"},
      {"list_lone_comma", "[,]", "[]"},
      {"list_optional", "[?a, b, ?c]", "[?a, b, ?c]"},
      {"empty_map", "{}", "{}"},
      {"map", "{'a': 1, b: c}", "{\"a\": 1, b: c}"},
      {"map_trailing", "{1: 2,}", "{1: 2}"},
      {"map_optional", "{?'k': v, 'k2': w}", "{?\"k\": v, \"k2\": w}"},
      {"message", "Msg{}", "Msg{}"},
      {"message_fields", "a.b.Msg{f: 1, ?g: x, }", "a.b.Msg{f: 1, ?g: x}"},
      {"message_leading_dot", ".a.Msg{f: 1}", ".a.Msg{f: 1}"},
      {"message_reserved_field", "Msg{namespace: 1, if: 2}", "Msg{namespace: 1, if: 2}"},
      {"message_escaped_field", "Msg{`a-b`: 1}", "Msg{a-b: 1}"},
      {"message_then_select", "Msg{f: 1}.f", "Msg{f: 1}.f"},
      {"nested", "[{'a': [1]}]", "[{\"a\": [1]}]"},
  });
}

TEST(ParserTest, Macros) {
  RunCases({
      {"has", "has(a.b)", "a.b~test-only"},
      {"all",
       "[1].all(x, x > 0)",
       "__comprehension__(x, [1], @result, true, @not_strictly_false(@result), "
       "_&&_(@result, _>_(x, 0)), @result)"},
      {"exists",
       "l.exists(x, p)",
       "__comprehension__(x, l, @result, false, @not_strictly_false(!_(@result)), "
       "_||_(@result, p), @result)"},
      {"exists_one",
       "l.exists_one(x, p)",
       "__comprehension__(x, l, @result, 0, true, _?_:_(p, _+_(@result, 1), @result), "
       "_==_(@result, 1))"},
      {"existsOne",
       "l.existsOne(x, p)",
       "__comprehension__(x, l, @result, 0, true, _?_:_(p, _+_(@result, 1), @result), "
       "_==_(@result, 1))"},
      {"map",
       "l.map(x, x * 2)",
       "__comprehension__(x, l, @result, [], true, _+_(@result, [_*_(x, 2)]), @result)"},
      {"map_filter",
       "l.map(x, x > 1, x * 2)",
       "__comprehension__(x, l, @result, [], true, "
       "_?_:_(_>_(x, 1), _+_(@result, [_*_(x, 2)]), @result), @result)"},
      {"filter",
       "l.filter(x, x > 1)",
       "__comprehension__(x, l, @result, [], true, _?_:_(_>_(x, 1), _+_(@result, [x]), @result), "
       "@result)"},
      {"all2",
       "m.all(k, v, v > k)",
       "__comprehension__(k, v, m, @result, true, @not_strictly_false(@result), "
       "_&&_(@result, _>_(v, k)), @result)"},
      {"exists2",
       "m.exists(k, v, p)",
       "__comprehension__(k, v, m, @result, false, @not_strictly_false(!_(@result)), "
       "_||_(@result, p), @result)"},
      {"exists_one2",
       "m.exists_one(k, v, p)",
       "__comprehension__(k, v, m, @result, 0, true, _?_:_(p, _+_(@result, 1), @result), "
       "_==_(@result, 1))"},
      {"transformList",
       "l.transformList(i, v, v + i)",
       "__comprehension__(i, v, l, @result, [], true, _+_(@result, [_+_(v, i)]), @result)"},
      {"transformList_filter",
       "l.transformList(i, v, i > 0, v)",
       "__comprehension__(i, v, l, @result, [], true, "
       "_?_:_(_>_(i, 0), _+_(@result, [v]), @result), @result)"},
      {"transformMap",
       "m.transformMap(k, v, v + 1)",
       "__comprehension__(k, v, m, @result, {}, true, "
       "cel.@mapInsert(@result, k, _+_(v, 1)), @result)"},
      {"transformMap_filter",
       "m.transformMap(k, v, f, v)",
       "__comprehension__(k, v, m, @result, {}, true, "
       "_?_:_(f, cel.@mapInsert(@result, k, v), @result), @result)"},
      {"transformMapEntry",
       "m.transformMapEntry(k, v, {v: k})",
       "__comprehension__(k, v, m, @result, {}, true, cel.@mapInsert(@result, {v: k}), "
       "@result)"},
      {"bind",
       "cel.bind(x, 1, x + 1)",
       "__comprehension__(#unused, [], x, 1, false, x, _+_(x, 1))"},
      {"bind_other_target", "foo.bind(x, 1, x)", "foo.bind(x, 1, x)"},
      {"optMap",
       "o.optMap(x, x + 1)",
       "_?_:_(o.hasValue(), optional.of(__comprehension__(#unused, [], x, o.value(), false, x, "
       "_+_(x, 1))), optional.none())"},
      {"optFlatMap",
       "o.optFlatMap(x, f(x))",
       "_?_:_(o.hasValue(), __comprehension__(#unused, [], x, o.value(), false, x, f(x)), "
       "optional.none())"},
      {"sortBy",
       "l.sortBy(x, -x)",
       "__comprehension__(#unused, [], @__sortBy_input__, l, false, @__sortBy_input__, "
       "@sortByAssociatedKeys(@__sortBy_input__, __comprehension__(x, @__sortBy_input__, "
       "@result, [], true, _+_(@result, [-_(x)]), @result)))"},
      {"newCondition",
       "runtime.newCondition({type: 'Ready', status: s, reason: 'r', message: m})",
       "runtime.newCondition({\"type\": \"Ready\", \"status\": s, \"reason\": \"r\", "
       "\"message\": m})"},
      {"newCondition_other_target", "x.newCondition({a: 1})", "x.newCondition({a: 1})"},
      {"nested_macros",
       "a.all(x, x.exists(y, y))",
       "__comprehension__(x, a, @result, true, @not_strictly_false(@result), "
       "_&&_(@result, __comprehension__(y, x, @result, false, "
       "@not_strictly_false(!_(@result)), _||_(@result, y), @result)), @result)"},
  });
}

TEST(ParserTest, MacrosDisabled) {
  ParseOptions options;
  options.enable_macros = false;
  RunCases({
      {"has", "has(a.b)", "has(a.b)"},
      {"all", "l.all(x, x)", "l.all(x, x)"},
      {"bind", "cel.bind(x, 1, x)", "cel.bind(x, 1, x)"},
  }, options);
}

TEST(ParserTest, MacroErrors) {
  struct ErrCase {
    std::string expr;
    std::string want;
  };
  std::vector<ErrCase> cases = {
      {"l.all(1, x)", "ERROR: <input>:1:7: argument must be a simple name"},
      {"l.exists(a.b, x)", "ERROR: <input>:1:11: argument must be a simple name"},
      {"l.map(1, x)", "ERROR: <input>:1:7: argument is not an identifier"},
      {"l.filter(f(), x)", "ERROR: <input>:1:11: argument is not an identifier"},
      {"has(a)", "ERROR: <input>:1:5: invalid argument to has() macro"},
      {"has(a[0])", "ERROR: <input>:1:6: invalid argument to has() macro"},
      {"m.all(k, k, p)", "ERROR: <input>:1:10: duplicate variable name: k"},
      {"m.transformMap(1, v, v)", "ERROR: <input>:1:16: argument must be a simple name"},
      {"cel.bind(a.b, 1, 2)",
       "ERROR: <input>:1:11: cel.bind() variable names must be simple identifiers"},
      {"o.optMap(1, 2)", "ERROR: <input>:1:10: optMap() variable name must be a simple identifier"},
      {"1.sortBy(x, x)",
       "ERROR: <input>:1:1: sortBy can only be applied to a list, identifier, comprehension, "
       "call or select expression"},
      {"runtime.newCondition(x)",
       "ERROR: <input>:1:22: runtime.newCondition: argument must be a map literal"},
      {"runtime.newCondition({'type': 'A', status: 'True'})",
       "ERROR: <input>:1:23: runtime.newCondition: keys must be bare identifiers (type, status, "
       "reason, message); quoted or computed keys are not allowed"},
      {"runtime.newCondition({type: 'A', stat: 'True'})",
       "ERROR: <input>:1:34: runtime.newCondition: unknown key \"stat\" (allowed: type, status, "
       "reason, message)"},
      {"runtime.newCondition({type: 'A', type: 'B', status: 'True'})",
       "ERROR: <input>:1:34: runtime.newCondition: duplicate key \"type\""},
      {"runtime.newCondition({status: 'True'})",
       "ERROR: <input>:1:22: runtime.newCondition: 'type' is required"},
      {"runtime.newCondition({type: 'X'})",
       "ERROR: <input>:1:22: runtime.newCondition: 'status' is required"},
      {"l.map(__result__, 1)",
       "ERROR: <input>:1:7: iteration variable overwrites accumulator variable"},
      {"l.all(__result__, true)",
       "ERROR: <input>:1:7: iteration variable overwrites accumulator variable"},
      {"m.exists(k, __result__, true)",
       "ERROR: <input>:1:13: iteration variable overwrites accumulator variable"},
      {"[1, 2, 3].map(var, var * var)", "ERROR: <input>:1:15: reserved identifier: var"},
  };
  for (const ErrCase& c : cases) {
    SCOPED_TRACE(c.expr);
    EXPECT_EQ(FirstError(c.expr), c.want);
  }
}

TEST(ParserTest, SyntaxErrors) {
  struct ErrCase {
    std::string expr;
    std::string want;
  };
  std::vector<ErrCase> cases = {
      {"", "ERROR: <input>:1:1: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', "
           "'.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, "
           "IDENTIFIER}"},
      {"a +", "ERROR: <input>:1:4: Syntax error: mismatched input '<EOF>' expecting {'[', '{', "
              "'(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, "
              "BYTES, IDENTIFIER}"},
      {"a b", "ERROR: <input>:1:3: Syntax error: mismatched input 'b' expecting <EOF>"},
      {"(a", "ERROR: <input>:1:3: Syntax error: mismatched input '<EOF>' expecting ')'"},
      {"f(a,)", "ERROR: <input>:1:5: Syntax error: mismatched input ')' expecting {'[', '{', '(', "
                "'.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, "
                "BYTES, IDENTIFIER}"},
      {"a ? b", "ERROR: <input>:1:6: Syntax error: mismatched input '<EOF>' expecting ':'"},
      {"a.true", "ERROR: <input>:1:3: Syntax error: mismatched input 'true' expecting "
                 "{IDENTIFIER, ESC_IDENTIFIER}"},
      {"a.in", "ERROR: <input>:1:3: Syntax error: mismatched input 'in' expecting "
               "{IDENTIFIER, ESC_IDENTIFIER}"},
      {"a.?b()", "ERROR: <input>:1:5: Syntax error: mismatched input '(' expecting <EOF>"},
      {"a = b", "ERROR: <input>:1:3: Syntax error: token recognition error at: '='"},
      {"a & b", "ERROR: <input>:1:3: Syntax error: token recognition error at: '&'"},
      {"a # b", "ERROR: <input>:1:3: Syntax error: token recognition error at: '#'"},
      {"\xc3\xa9", "ERROR: <input>:1:1: Syntax error: token recognition error at: '\xc3\xa9'"},
      {"'abc", "ERROR: <input>:1:1: Syntax error: unterminated string literal"},
      {"x + \"abc\ndef\"", "ERROR: <input>:1:5: Syntax error: unterminated string literal"},
      {"'''abc''", "ERROR: <input>:1:1: Syntax error: unterminated string literal"},
      {"r'abc", "ERROR: <input>:1:1: Syntax error: unterminated string literal"},
      {"'abc\\'", "ERROR: <input>:1:1: Syntax error: unterminated string literal"},
      {"`a", "ERROR: <input>:1:1: Syntax error: token recognition error at: '`a'"},
      {"a.``", "ERROR: <input>:1:3: Syntax error: token recognition error at: '``'"},
      {"- a.b", ""},
      {"-!a", "ERROR: <input>:1:2: Syntax error: mismatched input '!' expecting {'[', '{', '(', "
              "'.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, "
              "BYTES, IDENTIFIER}"},
      {"!-a", "ERROR: <input>:1:3: Syntax error: mismatched input 'a' expecting "
              "{NUM_FLOAT, NUM_INT}"},
      {"1.", "ERROR: <input>:1:3: Syntax error: mismatched input '<EOF>' expecting "
             "{IDENTIFIER, ESC_IDENTIFIER}"},
      {"a.0", "ERROR: <input>:1:2: Syntax error: mismatched input '.0' expecting <EOF>"},
      {"{1}", "ERROR: <input>:1:3: Syntax error: mismatched input '}' expecting ':'"},
      {"Msg{1: 2}", "ERROR: <input>:1:5: Syntax error: mismatched input '1' expecting "
                    "{IDENTIFIER, ESC_IDENTIFIER}"},
      {"[1 2]", "ERROR: <input>:1:4: Syntax error: mismatched input '2' expecting ']'"},
      {"a.b{c: 1}.d{e: 2}", "ERROR: <input>:1:12: Syntax error: mismatched input '{' expecting "
                            "<EOF>"},
  };
  for (const ErrCase& c : cases) {
    SCOPED_TRACE(c.expr);
    EXPECT_EQ(FirstError(c.expr), c.want);
  }
}

TEST(ParserTest, LiteralErrors) {
  struct ErrCase {
    std::string expr;
    std::string want;
  };
  std::vector<ErrCase> cases = {
      {"9223372036854775808", "ERROR: <input>:1:1: invalid int literal"},
      {"-9223372036854775809", "ERROR: <input>:1:1: invalid int literal"},
      {"--9223372036854775808", "ERROR: <input>:1:3: invalid int literal"},
      {"0x10000000000000000", "ERROR: <input>:1:1: invalid int literal"},
      {"18446744073709551616u", "ERROR: <input>:1:1: invalid uint literal"},
      {"1e400", "ERROR: <input>:1:1: invalid double literal"},
      {"x + -1e999", "ERROR: <input>:1:5: invalid double literal"},
      {"'\\q'", "ERROR: <input>:1:2: unable to unescape string: invalid escape sequence"},
      {"'ab\\x4'", "ERROR: <input>:1:4: unable to unescape string"},
      {"'\\u12'", "ERROR: <input>:1:2: unable to unescape string"},
      {"'\\uD800'", "ERROR: <input>:1:2: invalid unicode code point"},
      {"'\\U00110000'", "ERROR: <input>:1:2: invalid unicode code point"},
      {"'\\400'", "ERROR: <input>:1:2: unable to unescape string: invalid escape sequence"},
      {"'\\18'", "ERROR: <input>:1:2: unable to unescape octal sequence in string"},
      {"'\\1'", "ERROR: <input>:1:2: unable to unescape octal sequence in string"},
      {"b'\\u0041'",
       "ERROR: <input>:1:3: unable to unescape string: \\u and \\U are not allowed in bytes"},
      {"if", "ERROR: <input>:1:1: reserved identifier: if"},
      {"namespace.x", "ERROR: <input>:1:1: reserved identifier: namespace"},
      {"a + while(1)", "ERROR: <input>:1:5: reserved identifier: while"},
      {".package", "ERROR: <input>:1:1: reserved identifier: package"},
  };
  for (const ErrCase& c : cases) {
    SCOPED_TRACE(c.expr);
    EXPECT_EQ(FirstError(c.expr), c.want);
  }
}

TEST(ParserTest, ErrorFormatAndMultipleErrors) {
  Result<ParsedExpr> r = Parse("a +\n  9223372036854775808 + if");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.status().location(), "2:3");
  EXPECT_EQ(r.status().message(),
            "ERROR: <input>:2:3: invalid int literal\n"
            " |   9223372036854775808 + if\n"
            " | ..^\n"
            "ERROR: <input>:2:25: reserved identifier: if\n"
            " |   9223372036854775808 + if\n"
            " | ........................^");
}

TEST(ParserTest, ColumnsCountCodePoints) {
  // The caret is placed by code points, as cel-go does.
  Result<ParsedExpr> r = Parse("'\xc3\xa9\xf0\x9f\x98\x80' + if");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().location(), "1:8");
  EXPECT_EQ(r.status().message(),
            "ERROR: <input>:1:8: reserved identifier: if\n"
            " | '\xc3\xa9\xf0\x9f\x98\x80' + if\n"
            " | .......^");
}

TEST(ParserTest, KeepsTheSource) {
  auto source = std::make_shared<const Source>("a.b", "rgd.yaml");
  Result<ParsedExpr> r = Parse(source);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->source.get(), source.get());
  EXPECT_EQ(r->next_id, 3);
}

TEST(ParserTest, ErrorCountIsCapped) {
  std::string text = "[if";
  for (int i = 0; i < 500; ++i) text += ", if";
  text += "]";
  Result<ParsedExpr> r = Parse(text);
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  size_t count = 0;
  for (size_t pos = m.find("ERROR: "); pos != std::string::npos; pos = m.find("ERROR: ", pos + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 100u);
  EXPECT_NE(m.find("\n401 more errors were truncated"), std::string::npos);
}

TEST(ParserTest, OptionalSyntaxDisabled) {
  ParseOptions options;
  options.enable_optional_syntax = false;
  EXPECT_EQ(FirstError("a.?b", options), "ERROR: <input>:1:2: unsupported syntax '.?'");
  EXPECT_EQ(FirstError("a[?b]", options), "ERROR: <input>:1:2: unsupported syntax '[?'");
  EXPECT_EQ(FirstError("[?a]", options), "ERROR: <input>:1:2: unsupported syntax '?'");
  EXPECT_EQ(FirstError("{?a: b}", options), "ERROR: <input>:1:2: unsupported syntax '?'");
  EXPECT_EQ(FirstError("M{?a: b}", options), "ERROR: <input>:1:3: unsupported syntax '?'");
  EXPECT_EQ(ParseToString("o.optMap(x, x)", options), "o.optMap(x, x)");
}

TEST(ParserTest, InvalidUtf8) {
  EXPECT_EQ(FirstError("'a\xff'"), "ERROR: <input>:1:3: invalid UTF-8 in expression");
  EXPECT_EQ(FirstError("a +\n b\xc3"), "ERROR: <input>:2:3: invalid UTF-8 in expression");
  EXPECT_EQ(FirstError("'\xed\xa0\x80'"), "ERROR: <input>:1:2: invalid UTF-8 in expression");
  EXPECT_EQ(FirstError("'\xc0\x80'"), "ERROR: <input>:1:2: invalid UTF-8 in expression");
}

TEST(ParserTest, SizeLimit) {
  ParseOptions options;
  options.max_expression_size = 10;
  EXPECT_EQ(FirstError("aaaaaaaaaaa", options),
            "ERROR: <input>:1:1: expression size exceeds limit: size: 11, limit 10");
  EXPECT_EQ(FirstError("aaaaaaaaaa", options), "");
}

TEST(ParserTest, DepthLimits) {
  const std::string recursion = "expression recursion limit exceeded: 250";
  struct DeepCase {
    std::string name;
    std::string open;
    std::string middle;
    std::string close;
  };
  std::vector<DeepCase> cases = {
      {"parens", "(", "a", ")"},
      {"lists", "[", "a", "]"},
      {"maps", "{1: ", "a", "}"},
      {"calls", "f(", "a", ")"},
      {"not", "!", "a", ""},
      {"neg", "-", "a", ""},
      {"select", "", "a", ".b"},
      {"index", "", "a", "[0]"},
      {"member_call", "", "a", ".f()"},
      {"add", "", "a", " + 1"},
      {"mul", "", "a", " * 1"},
      {"relation", "", "a", " < 1"},
      {"ternary", "a ? b : ", "c", ""},
      {"messages", "M{f: ", "a", "}"},
  };
  for (const DeepCase& c : cases) {
    SCOPED_TRACE(c.name);
    for (int n : {10000, 251}) {
      std::string text;
      for (int i = 0; i < n; ++i) text += c.open;
      text += c.middle;
      for (int i = 0; i < n; ++i) text += c.close;
      std::string err = FirstError(text);
      EXPECT_NE(err.find(recursion), std::string::npos) << err;
    }
    // 200 levels parse.
    std::string text;
    for (int i = 0; i < 200; ++i) text += c.open;
    text += c.middle;
    for (int i = 0; i < 200; ++i) text += c.close;
    EXPECT_EQ(FirstError(text), "");
  }
  // Long && / || chains are balanced, so they are not deep.
  std::string chain = "a";
  for (int i = 0; i < 10000; ++i) chain += " && a";
  EXPECT_EQ(FirstError(chain), "");
  // The depth error points at the token where the limit was crossed.
  std::string parens(300, '(');
  EXPECT_EQ(FirstError(parens + "a"),
            "ERROR: <input>:1:251: expression recursion limit exceeded: 250");
  // A higher limit is honoured up to the hard cap.
  ParseOptions options;
  options.max_recursion_depth = 100000;
  std::string deep(5000, '[');
  EXPECT_EQ(FirstError(deep + "a" + std::string(5000, ']'), options),
            "ERROR: <input>:1:1001: expression recursion limit exceeded: 1000");
  std::string ok(900, '[');
  EXPECT_EQ(FirstError(ok + "a" + std::string(900, ']'), options), "");
}

TEST(ParserTest, IdsAndOffsets) {
  Result<ParsedExpr> r = Parse("a.b + f(c)[0]");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  AstPrintOptions print;
  print.offsets = true;
  // Operators and calls sit at their operator token; selects at the dot.
  EXPECT_EQ(AstToString(*r->expr, print), "_+_(a@0.b@1, _[_](f(c@8)@7, 0@11)@10)@4");
  // Ids are unique and below next_id.
  std::vector<int64_t> ids;
  std::vector<const Expr*> stack{r->expr.get()};
  while (!stack.empty()) {
    const Expr* e = stack.back();
    stack.pop_back();
    ids.push_back(e->id);
    if (e->operand) stack.push_back(e->operand.get());
    for (const auto& a : e->args) stack.push_back(a.get());
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
  EXPECT_GE(ids.front(), 1);
  EXPECT_LT(ids.back(), r->next_id);
  EXPECT_EQ(ids.size(), 7u);
  EXPECT_EQ(r->source->text(), "a.b + f(c)[0]");
}

TEST(ParserTest, MacroIdsAreUnique) {
  Result<ParsedExpr> r =
      Parse("o.optMap(x, [x].map(y, y)).orValue(l.sortBy(z, z).filter(w, has(w.f)))");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<int64_t> ids;
  std::vector<const Expr*> stack{r->expr.get()};
  while (!stack.empty()) {
    const Expr* e = stack.back();
    stack.pop_back();
    ids.push_back(e->id);
    for (const Expr* c : {e->operand.get(), e->iter_range.get(), e->accu_init.get(),
                          e->loop_condition.get(), e->loop_step.get(), e->result.get()}) {
      if (c) stack.push_back(c);
    }
    for (const auto& a : e->args) stack.push_back(a.get());
    for (const auto& en : e->entries) {
      ids.push_back(en.id);
      if (en.key) stack.push_back(en.key.get());
      stack.push_back(en.value.get());
    }
  }
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
  EXPECT_LT(ids.back(), r->next_id);
}

TEST(ParserTest, CustomSourceDescription) {
  auto source = std::make_shared<const Source>("a +", "rgd.yaml:12:7");
  Result<ParsedExpr> r = Parse(source);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().substr(0, 30), "ERROR: rgd.yaml:12:7:1:4: Synt");
}

TEST(ParserTest, Performance) {
  // Parsing a short path should take about a microsecond; allow slack for slow CI machines.
  constexpr int kIterations = 20000;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kIterations; ++i) {
    Result<ParsedExpr> r = Parse("schema.spec.name");
    ASSERT_TRUE(r.ok());
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  double us = std::chrono::duration<double, std::micro>(elapsed).count() / kIterations;
  RecordProperty("parse_schema_spec_name_us", std::to_string(us));
#if defined(NDEBUG) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  EXPECT_LT(us, 50.0);
#endif
}

}  // namespace
}  // namespace kro::cel
