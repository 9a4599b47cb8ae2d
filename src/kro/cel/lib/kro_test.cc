// kro's library switches: deepMerge and omit() exist only when the environment turns them on.
#include <gtest/gtest.h>

#include <string>

#include "kro/cel/environment.h"
#include "kro/cel/lib/omit.h"

namespace kro::cel {
namespace {

// DebugString of `expr` evaluated with `libs`, "compile: ..." when it does not compile.
std::string Eval(std::string_view expr, KroLibraryOptions libs,
                 Value x = Value::Map({{Value::String("a"), Value::Int(1)}})) {
  auto env = Environment::New({.variables = {{"x", Type::Dyn()}}, .libraries = libs});
  if (!env.ok()) return "env: " + env.status().message();
  auto checked = env->Compile(expr);
  if (!checked.ok()) return "compile: " + checked.status().message();
  auto program = env->Plan(*checked);
  if (!program.ok()) return "plan: " + program.status().message();
  Activation act(*program);
  act.BindSlot(program->SlotOf("x"), std::move(x));
  Value v = program->Evaluate(act);
  return v.is_error() ? "error: " + v.error_message() : v.DebugString();
}

constexpr KroLibraryOptions kDeepMerge{.deep_merge = true};

TEST(DeepMergeTest, OffUnlessSwitchedOn) {
  EXPECT_EQ(Eval("{'a': 1}.deepMerge({'b': 2})", {}),
            "compile: ERROR: <input>:1:19: undeclared reference to 'deepMerge' (in container '')\n"
            " | {'a': 1}.deepMerge({'b': 2})\n"
            " | ..................^");
}

TEST(DeepMergeTest, MergesMapsRecursively) {
  EXPECT_EQ(Eval("{'a': {'x': 1}}.deepMerge({'a': {'y': 2}})", kDeepMerge),
            "{\"a\": {\"x\": 1, \"y\": 2}}");
  EXPECT_EQ(Eval("{'a': {'x': 1}}.deepMerge({'a': {'x': 9}})", kDeepMerge), "{\"a\": {\"x\": 9}}");
  EXPECT_EQ(Eval("{'a': 1, 'b': {'c': {'d': 1, 'e': 2}}}.deepMerge({'b': {'c': {'e': 3}}, "
                 "'f': 4})",
                 kDeepMerge),
            "{\"a\": 1, \"b\": {\"c\": {\"d\": 1, \"e\": 3}}, \"f\": 4}");
  EXPECT_EQ(Eval("{}.deepMerge({'a': 1})", kDeepMerge), "{\"a\": 1}");
  EXPECT_EQ(Eval("{'a': 1}.deepMerge({})", kDeepMerge), "{\"a\": 1}");
  // Borrowed JSON maps (Kubernetes objects) merge like the others.
  Result<json::Value> doc = json::Parse(R"({"labels": {"app": "web", "tier": "db"}})");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(Eval("x.deepMerge({'labels': {'tier': 'cache'}})", kDeepMerge, Value::FromJson(*doc)),
            "{\"labels\": {\"app\": \"web\", \"tier\": \"cache\"}}");
}

TEST(DeepMergeTest, ListsAndScalarsAreReplaced) {
  EXPECT_EQ(Eval("{'l': [1, 2]}.deepMerge({'l': [3]})", kDeepMerge), "{\"l\": [3]}");
  EXPECT_EQ(Eval("{'m': {'x': 1}}.deepMerge({'m': 'flat'})", kDeepMerge), "{\"m\": \"flat\"}");
  EXPECT_EQ(Eval("{'m': 'flat'}.deepMerge({'m': {'x': 1}})", kDeepMerge), "{\"m\": {\"x\": 1}}");
  EXPECT_EQ(Eval("{'m': {'x': 1}}.deepMerge({'m': null})", kDeepMerge), "{\"m\": null}");
}

TEST(DeepMergeTest, BothSidesMustBeMaps) {
  EXPECT_EQ(Eval("x.deepMerge({'a': 1})", kDeepMerge, Value()),
            "error: no such overload: deepMerge(null_type, map)");
  EXPECT_EQ(Eval("x.deepMerge([1])", kDeepMerge), "error: no such overload: deepMerge(map, list)");
}

TEST(OmitFunctionTest, OffUnlessSwitchedOn) {
  EXPECT_EQ(Eval("omit()", {}).rfind("compile: ERROR: <input>:1:5: undeclared reference to "
                                     "'omit'",
                                     0),
            0u)
      << Eval("omit()", {});
  auto env = Environment::New({.libraries = {.omit = true}});
  ASSERT_TRUE(env.ok());
  auto checked = env->Compile("true ? omit() : 1");
  ASSERT_TRUE(checked.ok()) << checked.status().message();
  auto program = env->Plan(*checked);
  ASSERT_TRUE(program.ok());
  Value v = program->Evaluate(Activation(*program));
  EXPECT_TRUE(IsOmit(v));
  EXPECT_EQ(v.TypeName(), "kro.omit");
  EXPECT_FALSE(IsOmit(Value::String("kro.omit")));
  EXPECT_EQ(Eval("'a' + omit()", {.omit = true}), "error: no such overload: _+_(string, kro.omit)");
}

}  // namespace
}  // namespace kro::cel
