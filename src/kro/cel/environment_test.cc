#include "kro/cel/environment.h"

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>

#include "kro/json/json.h"

namespace kro::cel {
namespace {

std::shared_ptr<const TypeProvider> SchemaProvider() {
  auto p = std::make_shared<MapTypeProvider>();
  p->AddStruct("__type_schema", {{"spec", Type::Struct("__type_schema.spec")},
                                 {"metadata", Type::Struct("__type_schema.metadata")}});
  p->AddStruct("__type_schema.metadata", {{"name", Type::String()},
                                          {"namespace", Type::String()},
                                          {"labels", Type::Map(Type::String(), Type::String())}});
  p->AddStruct("__type_schema.spec",
               {{"replicas", Type::Int()},
                {"name", Type::String()},
                {"enabled", Type::Bool()},
                {"ratio", Type::Double()},
                {"created", Type::Timestamp()},
                {"ports", Type::List(Type::Struct("__type_schema.spec.ports.@idx"))},
                {"values", Type::Struct("__type_schema.spec.values")},
                {"tags", Type::List(Type::String())}});
  p->AddStruct("__type_schema.spec.ports.@idx", {{"port", Type::Int()}, {"name", Type::String()}});
  p->AddStruct("__type_schema.spec.values", {}, /*preserve_unknown_fields=*/true);
  p->AddStruct("__type_deployment", {{"status", Type::Struct("__type_deployment.status")}});
  p->AddStruct("__type_deployment.status",
               {{"availableReplicas", Type::Int()},
                {"conditions", Type::List(Type::Map(Type::String(), Type::String()))}});
  return p;
}

Environment KroEnv(bool runtime = false) {
  auto env = Environment::New({
      .variables = {{"schema", Type::Struct("__type_schema")},
                    {"deployment", Type::Struct("__type_deployment")},
                    {"anything", Type::Dyn()}},
      .providers = {SchemaProvider()},
      .libraries = {.runtime = runtime},
  });
  EXPECT_TRUE(env.ok()) << env.status().ToString();
  return std::move(*env);
}

struct Case {
  const char* expr;
  const char* type;   // expected type (FormatType) or nullptr when an error is expected
  const char* error;  // expected full error message (FormatIssues) when type is nullptr
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.expr; }

class CompileTest : public ::testing::TestWithParam<Case> {};

TEST_P(CompileTest, Compiles) {
  const Case& c = GetParam();
  Environment env = KroEnv();
  auto checked = env.Compile(c.expr);
  if (c.type != nullptr) {
    ASSERT_TRUE(checked.ok()) << c.expr << "\n" << checked.status().message();
    EXPECT_EQ(FormatType(checked->result_type), c.type) << c.expr;
  } else {
    ASSERT_FALSE(checked.ok()) << c.expr << " -> " << FormatType(checked->result_type);
    EXPECT_EQ(checked.status().message(), c.error) << c.expr;
    EXPECT_EQ(checked.status().code(), ErrorCode::kInvalidArgument);
  }
}

const Case kTyped[] = {
    // literals and operators
    {"1 + 2", "int", nullptr},
    {"1u * 3u", "uint", nullptr},
    {"2.0 / 4.0", "double", nullptr},
    {"'a' + 'b'", "string", nullptr},
    {"b'a' + b'b'", "bytes", nullptr},
    {"[1, 2] + [3]", "list(int)", nullptr},
    {"[1, 'a']", "list(dyn)", nullptr},
    {"[]", "list(dyn)", nullptr},
    {"{}", "map(dyn, dyn)", nullptr},
    {"{'a': 1, 'b': 2}", "map(string, int)", nullptr},
    {"{'a': 1, 2: 'b'}", "map(dyn, dyn)", nullptr},
    {"null", "null_type", nullptr},
    {"true ? 1 : 2", "int", nullptr},
    {"!true || false && true", "bool", nullptr},
    {"-1", "int", nullptr},
    {"1 in [1, 2]", "bool", nullptr},
    {"'a' in {'a': 1}", "bool", nullptr},
    {"size('abc') + 'abc'.size()", "int", nullptr},
    {"int", "type(int)", nullptr},
    {"type(1)", "type(int)", nullptr},
    {"type(1) == int", "bool", nullptr},
    {"dyn(1)", "dyn", nullptr},
    {"timestamp('2020-01-01T00:00:00Z') - duration('1h')", "google.protobuf.Timestamp", nullptr},
    {"timestamp('2020-01-01T00:00:00Z').getHours('UTC')", "int", nullptr},
    {"duration('1h').getMinutes()", "int", nullptr},
    {"'abc'.matches('a.*')", "bool", nullptr},
    // schema-typed selection
    {"schema.spec.replicas", "int", nullptr},
    {"schema.spec.replicas + 1", "int", nullptr},
    {"schema.metadata.namespace", "string", nullptr},
    {"schema.metadata.labels", "map(string, string)", nullptr},
    {"schema.metadata.labels['app']", "string", nullptr},
    {"schema.spec.ports[0].port", "int", nullptr},
    {"schema.spec.ports.map(p, p.port)", "list(int)", nullptr},
    {"schema.spec.ports.filter(p, p.port > 80)", "list(__type_schema.spec.ports.@idx)", nullptr},
    {"schema.spec.ports.exists(p, p.name == 'http')", "bool", nullptr},
    {"schema.spec.ports.all(p, p.port > 0)", "bool", nullptr},
    {"schema.spec.ports.exists_one(p, p.port > 0)", "bool", nullptr},
    {"schema.spec.values.anything.goes", "dyn", nullptr},
    {"has(schema.spec.name)", "bool", nullptr},
    {"has(schema.spec.values.x)", "bool", nullptr},
    {"'prefix-' + string(schema.spec.replicas)", "string", nullptr},
    {"deployment.status.availableReplicas == schema.spec.replicas", "bool", nullptr},
    {"anything.foo.bar", "dyn", nullptr},
    {"anything + 1", "int", nullptr},
    {"anything < 1.5", "bool", nullptr},
    // optionals
    {"deployment.?status.?availableReplicas", "optional_type(int)", nullptr},
    {"deployment.?status.?availableReplicas.orValue(0)", "int", nullptr},
    {"deployment.?status.?conditions.orValue([]).exists(c, c.type == 'Available')", "bool",
     nullptr},
    {"schema.metadata.labels[?'app']", "optional_type(string)", nullptr},
    {"schema.spec.tags[?0].hasValue()", "bool", nullptr},
    {"[?optional.of(1), 2]", "list(int)", nullptr},
    {"{?'a': optional.none()}", "map(string, dyn)", nullptr},
    {"optional.of(1).optMap(x, x + 1)", "optional_type(int)", nullptr},
    {"schema.spec.tags.first()", "optional_type(string)", nullptr},
    {"optional.none()", "optional_type(dyn)", nullptr},
    // extensions
    {"schema.spec.tags.join(',')", "string", nullptr},
    {"schema.spec.name.split('-')", "list(string)", nullptr},
    {"'%s-%d'.format(['a', 1])", "string", nullptr},
    {"schema.spec.name.lowerAscii().upperAscii()", "string", nullptr},
    {"lists.range(3)", "list(int)", nullptr},
    {"schema.spec.tags.sortBy(t, t.size())", "list(string)", nullptr},
    {"schema.spec.tags.sort()", "list(string)", nullptr},
    {"schema.spec.tags.distinct().reverse()", "list(string)", nullptr},
    {"[[1], [2]].flatten()", "list(int)", nullptr},
    {"base64.encode(b'abc')", "string", nullptr},
    {"base64.decode('YWJj')", "bytes", nullptr},
    {"cel.bind(x, 1, x + 1)", "int", nullptr},
    {"schema.spec.tags.all(i, t, i < 3 && t != '')", "bool", nullptr},
    {"schema.spec.tags.transformList(i, t, t + string(i))", "list(string)", nullptr},
    {"schema.metadata.labels.transformMap(k, v, v + k)", "map(string, string)", nullptr},
    {"schema.spec.tags.transformMapEntry(i, t, {t: i})", "map(string, int)", nullptr},
    // Kubernetes libraries
    {"quantity('1Gi').isGreaterThan(quantity('1Mi'))", "bool", nullptr},
    {"quantity('1Gi').add(1).asInteger()", "int", nullptr},
    {"sign(quantity('-1'))", "int", nullptr},
    {"semver('1.2.3').major()", "int", nullptr},
    {"url('https://a/b').getQuery()", "map(string, list(string))", nullptr},
    {"ip('10.0.0.1').family()", "int", nullptr},
    {"cidr('10.0.0.0/8').containsIP('10.1.2.3')", "bool", nullptr},
    {"string(cidr('10.0.0.0/8').ip())", "string", nullptr},
    {"'abc'.find('b')", "string", nullptr},
    {"[1, 2].sum()", "int", nullptr},
    {"[1, 2].isSorted()", "bool", nullptr},
    {"[1, 2].indexOf(2)", "int", nullptr},
    {"'abc'.indexOf('b')", "int", nullptr},
    // kro libraries
    {"hash.fnv64a('x')", "bytes", nullptr},
    {"json.marshal({'a': 1})", "string", nullptr},
    {"json.unmarshal('{}').a", "dyn", nullptr},
    {"random.seededString(8, schema.metadata.name)", "string", nullptr},
    {"random.seededInt(1, 10, 'seed')", "int", nullptr},
    {"schema.metadata.labels.merge({'a': 'b'})", "map(string, string)", nullptr},
    {"lists.setAtIndex(schema.spec.tags, 0, 'a')", "list(string)", nullptr},
    {"lists.insertAtIndex([1], 0, 2)", "list(int)", nullptr},
    {"lists.removeAtIndex([1], 0)", "list(int)", nullptr},
};

INSTANTIATE_TEST_SUITE_P(Typed, CompileTest, ::testing::ValuesIn(kTyped));

const Case kErrors[] = {
    {"true ? 1 : 'a'", nullptr,
     "ERROR: <input>:1:6: found no matching overload for '_?_:_' applied to '(bool, int, string)'\n"
     " | true ? 1 : 'a'\n"
     " | .....^"},
    {"schema.spec.replicas < 1.5", nullptr,
     "ERROR: <input>:1:22: found no matching overload for '_<_' applied to '(int, double)'\n"
     " | schema.spec.replicas < 1.5\n"
     " | .....................^"},
    {"\"prefix-\" + schema.spec.replicas", nullptr,
     "ERROR: <input>:1:11: found no matching overload for '_+_' applied to '(string, int)'\n"
     " | \"prefix-\" + schema.spec.replicas\n"
     " | ..........^"},
    {"schema.spec.nonExistentField", nullptr,
     "ERROR: <input>:1:12: undefined field 'nonExistentField'\n"
     " | schema.spec.nonExistentField\n"
     " | ...........^"},
    {"missing + 1", nullptr,
     "ERROR: <input>:1:1: undeclared reference to 'missing' (in container '')\n"
     " | missing + 1\n"
     " | ^"},
    {"nofn(1)", nullptr,
     "ERROR: <input>:1:5: undeclared reference to 'nofn' (in container '')\n"
     " | nofn(1)\n"
     " | ....^"},
    {"1 + 'a' + missing", nullptr,
     "ERROR: <input>:1:3: found no matching overload for '_+_' applied to '(int, string)'\n"
     " | 1 + 'a' + missing\n"
     " | ..^\n"
     "ERROR: <input>:1:11: undeclared reference to 'missing' (in container '')\n"
     " | 1 + 'a' + missing\n"
     " | ..........^"},
    {"schema.spec.replicas.foo", nullptr,
     "ERROR: <input>:1:21: type 'int' does not support field selection\n"
     " | schema.spec.replicas.foo\n"
     " | ....................^"},
    {"schema.spec.tags.all(t, t)", nullptr,
     "ERROR: <input>:1:25: expected type 'bool' but found 'string'\n"
     " | schema.spec.tags.all(t, t)\n"
     " | ........................^"},
    {"1.exists(x, true)", nullptr,
     "ERROR: <input>:1:1: expression of type 'int' cannot be range of a comprehension (must be "
     "list, map, or dynamic)\n"
     " | 1.exists(x, true)\n"
     " | ^"},
    {"schema.spec.name.startsWith(1)", nullptr,
     "ERROR: <input>:1:28: found no matching overload for 'startsWith' applied to "
     "'string.(int)'\n"
     " | schema.spec.name.startsWith(1)\n"
     " | ...........................^"},
    {"[1].sum() + 1.0", nullptr,
     "ERROR: <input>:1:11: found no matching overload for '_+_' applied to '(int, double)'\n"
     " | [1].sum() + 1.0\n"
     " | ..........^"},
    {"semver('1.0.0', true)", nullptr,
     "ERROR: <input>:1:7: found no matching overload for 'semver' applied to '(string, bool)'\n"
     " | semver('1.0.0', true)\n"
     " | ......^"},
    {"runtime.condition(deployment, 'Ready')", nullptr,
     "ERROR: <input>:1:1: undeclared reference to 'runtime' (in container '')\n"
     " | runtime.condition(deployment, 'Ready')\n"
     " | ^\n"
     "ERROR: <input>:1:18: undeclared reference to 'condition' (in container '')\n"
     " | runtime.condition(deployment, 'Ready')\n"
     " | .................^"},
};

INSTANTIATE_TEST_SUITE_P(Errors, CompileTest, ::testing::ValuesIn(kErrors));

TEST(EnvironmentTest, ErrorLocation) {
  Environment env = KroEnv();
  auto checked = env.Compile("schema.spec.replicas < 1.5");
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.status().location(), "1:22");
}

TEST(EnvironmentTest, ParseErrorsPassThrough) {
  Environment env = KroEnv();
  auto checked = env.Compile("1 +");
  ASSERT_FALSE(checked.ok());
  EXPECT_EQ(checked.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(checked.status().message().find("ERROR: <input>:1:"), std::string::npos);
}

TEST(EnvironmentTest, RuntimeLibrary) {
  Environment env = KroEnv(/*runtime=*/true);
  auto checked = env.Compile("runtime.condition(deployment, 'Available').status == 'True'");
  ASSERT_TRUE(checked.ok()) << checked.status().message();
  EXPECT_EQ(FormatType(checked->result_type), "bool");
  auto cond = env.Compile("runtime.newCondition({type: 'Ready', status: 'True'})");
  ASSERT_TRUE(cond.ok()) << cond.status().message();
  EXPECT_EQ(FormatType(cond->result_type), "kro.run.Condition");
  auto bad = env.Compile("runtime.condition(deployment, 'Available').nope");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("undefined field 'nope'"), std::string::npos);
}

// runtime.newCondition builds a condition; runtime.condition reads obj.status.conditions by type
// (an absent type gives empty fields); bad values are evaluation errors.
TEST(EnvironmentTest, RuntimeLibraryEvaluates) {
  auto env = Environment::New({.variables = {{"obj", Type::Dyn()}}, .libraries = {.runtime = true}});
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  json::Value obj = json::Parse(
      R"({"status":{"conditions":[{"type":"Ready","status":"False","reason":"R","message":"m"}]}})")
      .value();
  auto eval = [&](const char* expr) -> std::string {
    auto checked = env->Compile(expr);
    EXPECT_TRUE(checked.ok()) << checked.status().message();
    if (!checked.ok()) return "";
    auto program = env->Plan(*checked);
    EXPECT_TRUE(program.ok());
    if (!program.ok()) return "";
    Activation act(*program);
    (void)act.Bind("runtime", Value::Map({}));
    (void)act.Bind("obj", Value::FromJson(obj));
    Value v = program->Evaluate(act);
    return v.is_error() ? "error: " + v.error_message() : v.DebugString();
  };
  EXPECT_EQ(eval("runtime.newCondition({type: 'X', status: 'True', reason: 'R'}).reason"), "\"R\"");
  EXPECT_EQ(eval("runtime.newCondition({type: 'X', status: 'True'}).message"), "\"\"");
  EXPECT_EQ(eval("runtime.condition(obj, 'Ready').status + '/' + "
                 "runtime.condition(obj, 'Ready').reason + '/' + runtime.condition(obj, 'Ready').message"),
            "\"False/R/m\"");
  EXPECT_EQ(eval("runtime.condition(obj, 'Other').status"), "\"\"");
  EXPECT_EQ(eval("runtime.newCondition({type: 'X', status: 'Maybe'}).type"),
            "error: runtime.newCondition: status must be one of True, False, Unknown (got \"Maybe\")");
  EXPECT_EQ(eval("runtime.newCondition({type: '', status: 'True'}).type"),
            "error: runtime.newCondition: type must not be empty");
}

TEST(EnvironmentTest, ReferencesForQualifiedNames) {
  auto env = Environment::New({.variables = {{"a.b.c", Type::Int()}}});
  ASSERT_TRUE(env.ok());
  auto checked = env->Compile("a.b.c + 1");
  ASSERT_TRUE(checked.ok()) << checked.status().message();
  const Expr& sel = *checked->parsed.expr->args[0];
  ASSERT_NE(checked->check.ReferenceOf(sel.id), nullptr);
  EXPECT_EQ(checked->check.ReferenceOf(sel.id)->name, "a.b.c");
}

TEST(EnvironmentTest, Extend) {
  Environment env = KroEnv();
  auto extended = env.Extend({{"each", Type::Struct("__type_schema.spec.ports.@idx")}});
  ASSERT_TRUE(extended.ok());
  auto checked = extended->Compile("each.port > 0 && schema.spec.replicas > 0");
  ASSERT_TRUE(checked.ok()) << checked.status().message();
  EXPECT_FALSE(env.Compile("each.port > 0").ok());
  EXPECT_FALSE(env.Extend({{"schema", Type::Int()}}).ok());
}

// Plan() picks overloads from the checked types; values of another kind than declared (JSON
// that does not follow its schema) still dispatch on what they are.
TEST(EnvironmentTest, ValuesOfUndeclaredKinds) {
  auto env = Environment::New({.variables = {{"x", Type::Int()}, {"s", Type::String()}}});
  ASSERT_TRUE(env.ok());
  auto eval = [&](std::string_view expr, Value x, Value s) {
    auto checked = env->Compile(expr);
    EXPECT_TRUE(checked.ok()) << checked.status().ToString();
    auto program = env->Plan(*checked);
    EXPECT_TRUE(program.ok());
    Activation act(*program);
    act.BindSlot(program->SlotOf("x"), std::move(x));
    act.BindSlot(program->SlotOf("s"), std::move(s));
    return program->Evaluate(act);
  };
  EXPECT_EQ(eval("x + 1", Value::Int(1), Value()).DebugString(), "2");
  EXPECT_EQ(eval("x + 1", Value::String("1"), Value()).error_message(),
            "no such overload: _+_(string, int)");
  EXPECT_EQ(eval("x == 1", Value::Double(1.0), Value()).DebugString(), "true");
  EXPECT_EQ(eval("x > 0", Value::Uint(1), Value()).DebugString(), "true");
  EXPECT_EQ(eval("s + 'b'", Value(), Value::String("a")).DebugString(), "\"ab\"");
  EXPECT_EQ(eval("s + 'b'", Value(), Value::Bytes("a")).error_message(),
            "no such overload: _+_(bytes, string)");
  EXPECT_EQ(eval("size(s)", Value(), Value::List({})).DebugString(), "0");
  EXPECT_EQ(eval("x + 1", Value::Error(ErrorKind::kGeneric, "boom"), Value()).error_message(),
            "boom");
}

TEST(EnvironmentTest, PlanAndEvaluate) {
  auto env = Environment::New({.variables = {{"x", Type::Int()}}});
  ASSERT_TRUE(env.ok());
  auto checked = env->Compile("x + 1");
  ASSERT_TRUE(checked.ok());
  auto program = env->Plan(*checked);
  ASSERT_TRUE(program.ok()) << program.status().ToString();
  EXPECT_EQ(program->SlotOf("x"), 0);
  Activation act(*program);
  ASSERT_TRUE(act.Bind("x", Value::Int(41)).ok());
  Value v = program->Evaluate(act);
  ASSERT_FALSE(v.is_error());
  EXPECT_EQ(v.int_value(), 42);
}

}  // namespace
}  // namespace kro::cel

namespace kro::cel {
namespace {

// `list` (like `map`, `int`, ...) is a type name only where a type is expected: a declared
// variable of that name shadows the type identifier (cel-go resolves variables first).
TEST(EnvironmentTest, VariableNamedList) {
  auto env = Environment::New({.variables = {{"list", Type::List(Type::Int())},
                                             {"map", Type::Map(Type::String(), Type::Int())}}});
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  auto eval = [&](std::string_view expr) -> std::string {
    auto checked = env->Compile(expr);
    if (!checked.ok()) return "compile: " + checked.status().message();
    auto program = env->Plan(*checked);
    if (!program.ok()) return "plan: " + program.status().message();
    Activation act(*program);
    (void)act.Bind("list", Value::List({Value::Int(1), Value::Int(2), Value::Int(3)}));
    (void)act.Bind("map", Value::Map({{Value::String("a"), Value::Int(1)}}));
    return FormatType(checked->result_type) + " " + program->Evaluate(act).DebugString();
  };
  EXPECT_EQ(eval("list.map(x, x * 2)"), "list(int) [2, 4, 6]");
  EXPECT_EQ(eval("size(list)"), "int 3");
  EXPECT_EQ(eval("list[1] + map.a"), "int 3");
  EXPECT_EQ(eval("list.filter(list, list > 1)"), "list(int) [2, 3]");
  // `list` is the variable here, so this compares a type with a list, as in cel-go.
  EXPECT_EQ(eval("type(list) == list"),
            "compile: ERROR: <input>:1:12: found no matching overload for '_==_' applied to "
            "'(type(list(int)), list(int))'\n | type(list) == list\n | ...........^");
  // Without a variable, `list` is still the type.
  auto plain = Environment::New({});
  ASSERT_TRUE(plain.ok());
  auto checked = plain->Compile("type([1]) == list");
  ASSERT_TRUE(checked.ok()) << checked.status().message();
  EXPECT_EQ(FormatType(checked->result_type), "bool");
}

}  // namespace
}  // namespace kro::cel
