#include "kro/cel/eval/regex_cache.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <string>
#include <thread>
#include <vector>

#include "kro/cel/eval/program.h"
#include "kro/cel/parser/parser.h"

namespace kro::cel {
namespace {

TEST(RegexCacheTest, PinnedPatternsAreCompiledOnce) {
  RegexCache cache;
  cache.Pin("^a+$");
  cache.Pin("^a+$");
  EXPECT_EQ(cache.compilations(), 1u);
  for (int i = 0; i < 10; ++i) {
    std::shared_ptr<const RE2> re = cache.Get("^a+$");
    ASSERT_TRUE(re->ok());
    EXPECT_TRUE(RE2::FullMatch("aaa", *re));
  }
  EXPECT_EQ(cache.compilations(), 1u);
}

TEST(RegexCacheTest, DynamicPatternsAreBoundedLeastRecentlyUsed) {
  RegexCache cache(2);
  cache.Get("a");
  cache.Get("b");
  cache.Get("a");  // hit; "b" is now the least recently used
  EXPECT_EQ(cache.compilations(), 2u);
  cache.Get("c");  // evicts "b"
  cache.Get("a");
  EXPECT_EQ(cache.compilations(), 3u);
  cache.Get("b");
  EXPECT_EQ(cache.compilations(), 4u);
  RegexCache none(0);
  none.Get("a");
  none.Get("a");
  EXPECT_EQ(none.compilations(), 2u);
}

TEST(RegexCacheTest, InvalidPatternsKeepTheirError) {
  RegexCache cache;
  std::shared_ptr<const RE2> re = cache.Get("(");
  EXPECT_FALSE(re->ok());
  EXPECT_EQ(cache.Get("(")->error(), re->error());
  EXPECT_EQ(cache.compilations(), 1u);
}

TEST(RegexCacheTest, ConcurrentGets) {
  RegexCache cache(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 500; ++i) {
        std::string p = "x" + std::to_string((i + t) % 6) + "y";
        std::shared_ptr<const RE2> re = cache.Get(p);
        EXPECT_TRUE(RE2::FullMatch(p, *re));
      }
    });
  }
  for (std::thread& t : threads) t.join();
}

Value EvalWith(const Program& p, Value s) {
  Activation act(p);
  act.BindSlot(p.SlotOf("s"), std::move(s));
  return p.Evaluate(act);
}

Program PlanText(std::string_view text) {
  auto parsed = Parse(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  auto p = Plan(*parsed->expr, {.variables = {"s", "p"}});
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return std::move(*p);
}

TEST(RegexCacheTest, ProgramsCompileConstantPatternsWhenPlanned) {
  Program p = PlanText("s.matches('^[a-z]+-[0-9]+$') && s.find('[0-9]+') == '42' && "
                       "s.findAll('[a-z]').size() == 3 && matches(s, '^[a-z]+-[0-9]+$')");
  ASSERT_NE(p.regex_cache(), nullptr);
  EXPECT_EQ(p.regex_cache()->compilations(), 3u);  // three distinct patterns
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(EvalWith(p, Value::String("abc-42")).DebugString(), "true");
    EXPECT_EQ(EvalWith(p, Value::String("abc")).DebugString(), "false");
  }
  EXPECT_EQ(p.regex_cache()->compilations(), 3u);
  EXPECT_EQ(PlanText("s.startsWith('a')").regex_cache(), nullptr);
}

TEST(RegexCacheTest, ProgramsCacheDynamicPatterns) {
  Program p = PlanText("['^a', '^b', '^a'].filter(x, s.matches(x)).size()");
  ASSERT_NE(p.regex_cache(), nullptr);
  EXPECT_EQ(p.regex_cache()->compilations(), 0u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(EvalWith(p, Value::String("abc")).DebugString(), "2");
  EXPECT_EQ(p.regex_cache()->compilations(), 2u);
  // An invalid constant pattern is an error value at evaluation, as before.
  Program bad = PlanText("s.matches('(')");
  Value v = EvalWith(bad, Value::String("x"));
  ASSERT_TRUE(v.is_error());
  EXPECT_EQ(v.error_message().rfind("invalid regular expression: ", 0), 0u) << v.error_message();
}

}  // namespace
}  // namespace kro::cel
