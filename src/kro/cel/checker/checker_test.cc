#include "kro/cel/checker/checker.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kro::cel {
namespace {

// A tiny AST builder (the parser has its own tests; these build post-macro ASTs by hand).
class B {
 public:
  ExprPtr Node(ExprKind kind, int32_t offset = 0) {
    auto e = std::make_unique<Expr>();
    e->id = ++next_id_;
    e->kind = kind;
    e->offset = offset;
    return e;
  }
  ExprPtr Lit(Constant c, int32_t offset = 0) {
    auto e = Node(ExprKind::kConstant, offset);
    e->constant = std::move(c);
    return e;
  }
  ExprPtr Int(int64_t v) { return Lit(v); }
  ExprPtr Str(std::string v) { return Lit(std::move(v)); }
  ExprPtr Id(std::string name, int32_t offset = 0) {
    auto e = Node(ExprKind::kIdent, offset);
    e->name = std::move(name);
    return e;
  }
  ExprPtr Sel(ExprPtr operand, std::string field, int32_t offset = 0, bool test_only = false) {
    auto e = Node(ExprKind::kSelect, offset);
    e->operand = std::move(operand);
    e->name = std::move(field);
    e->test_only = test_only;
    return e;
  }
  ExprPtr Call(std::string fn, std::vector<ExprPtr> args, int32_t offset = 0) {
    auto e = Node(ExprKind::kCall, offset);
    e->name = std::move(fn);
    e->args = std::move(args);
    return e;
  }
  ExprPtr Member(ExprPtr target, std::string fn, std::vector<ExprPtr> args, int32_t offset = 0) {
    auto e = Call(std::move(fn), std::move(args), offset);
    e->operand = std::move(target);
    return e;
  }
  ExprPtr List(std::vector<ExprPtr> elems, std::vector<int32_t> optional = {}) {
    auto e = Node(ExprKind::kList);
    e->args = std::move(elems);
    e->optional_indices = std::move(optional);
    return e;
  }
  ExprPtr Map(std::vector<std::pair<ExprPtr, ExprPtr>> entries) {
    auto e = Node(ExprKind::kMap);
    for (auto& [k, v] : entries) {
      Entry entry;
      entry.id = ++next_id_;
      entry.key = std::move(k);
      entry.value = std::move(v);
      e->entries.push_back(std::move(entry));
    }
    return e;
  }
  ExprPtr Struct(std::string name, std::vector<std::pair<std::string, ExprPtr>> fields) {
    auto e = Node(ExprKind::kStruct);
    e->name = std::move(name);
    for (auto& [f, v] : fields) {
      Entry entry;
      entry.id = ++next_id_;
      entry.field = f;
      entry.value = std::move(v);
      e->entries.push_back(std::move(entry));
    }
    return e;
  }
  ExprPtr Bin(const char* op, ExprPtr a, ExprPtr b, int32_t offset = 0) {
    std::vector<ExprPtr> args;
    args.push_back(std::move(a));
    args.push_back(std::move(b));
    return Call(op, std::move(args), offset);
  }
  ExprPtr Un(const char* fn, ExprPtr a, int32_t offset = 0) {
    std::vector<ExprPtr> args;
    args.push_back(std::move(a));
    return Call(fn, std::move(args), offset);
  }
  // range.exists(v, pred) as cel-go expands it.
  ExprPtr Exists(ExprPtr range, std::string var, std::function<ExprPtr(B&)> pred) {
    auto e = Node(ExprKind::kComprehension);
    e->iter_var = var;
    e->accu_var = "@result";
    e->iter_range = std::move(range);
    e->accu_init = Lit(false);
    e->loop_condition = Un(op::kNotStrictlyFalse, Un(op::kLogicalNot, Id("@result")));
    e->loop_step = Bin(op::kLogicalOr, Id("@result"), pred(*this));
    e->result = Id("@result");
    return e;
  }
  // range.map(v, f) as cel-go expands it.
  ExprPtr MapMacro(ExprPtr range, std::string var, std::function<ExprPtr(B&)> f,
                   std::string var2 = "") {
    auto e = Node(ExprKind::kComprehension);
    e->iter_var = var;
    e->iter_var2 = std::move(var2);
    e->accu_var = "@result";
    e->iter_range = std::move(range);
    e->accu_init = List({});
    e->loop_condition = Lit(true);
    std::vector<ExprPtr> one;
    one.push_back(f(*this));
    e->loop_step = Bin(op::kAdd, Id("@result"), List(std::move(one)));
    e->result = Id("@result");
    return e;
  }

 private:
  int64_t next_id_ = 0;
};

template <typename... T>
std::vector<ExprPtr> Args(T&&... args) {
  std::vector<ExprPtr> v;
  (v.push_back(std::forward<T>(args)), ...);
  return v;
}

CheckerEnv KroEnv() {
  CheckerEnv env;
  EXPECT_TRUE(AddKroLibraries(env, {.runtime = true}).ok());
  auto provider = std::make_shared<MapTypeProvider>();
  provider->AddStruct("__type_schema", {{"spec", Type::Struct("__type_schema.spec")},
                                        {"metadata", Type::Map(Type::String(), Type::Dyn())}});
  provider->AddStruct("__type_schema.spec", {{"replicas", Type::Int()},
                                             {"name", Type::String()},
                                             {"ratio", Type::Double()},
                                             {"labels", Type::Map(Type::String(),
                                                                  Type::String())},
                                             {"ports", Type::List(Type::Int())},
                                             {"extra", Type::Struct("__type_schema.spec.extra")}});
  provider->AddStruct("__type_schema.spec.extra", {{"known", Type::Bool()}},
                      /*preserve_unknown_fields=*/true);
  env.AddProvider(provider);
  EXPECT_TRUE(env.AddVariable({"schema", Type::Struct("__type_schema")}).ok());
  EXPECT_TRUE(env.AddVariable({"x", Type::Int()}).ok());
  EXPECT_TRUE(env.AddVariable({"d", Type::Dyn()}).ok());
  EXPECT_TRUE(env.AddVariable({"s", Type::String()}).ok());
  EXPECT_TRUE(env.AddVariable({"l", Type::List(Type::String())}).ok());
  EXPECT_TRUE(env.AddVariable({"m", Type::Map(Type::String(), Type::Int())}).ok());
  EXPECT_TRUE(env.AddVariable({"a.b.c", Type::Bool()}).ok());
  EXPECT_TRUE(env.AddVariable({"a.b", Type::Map(Type::String(), Type::Int())}).ok());
  EXPECT_TRUE(env.AddVariable({"o", Type::Optional(Type::Int())}).ok());
  return env;
}

struct Case {
  std::string name;
  std::function<ExprPtr(B&)> build;
  std::string type;   // expected result type (FormatType); empty when an error is expected
  std::string error;  // expected first issue message
};

class CheckerTableTest : public ::testing::TestWithParam<Case> {};

TEST_P(CheckerTableTest, Checks) {
  const Case& c = GetParam();
  CheckerEnv env = KroEnv();
  B b;
  ExprPtr e = c.build(b);
  CheckResult r = Check(*e, env);
  if (c.error.empty()) {
    ASSERT_TRUE(r.ok()) << r.issues[0].message;
    EXPECT_EQ(FormatType(r.result_type), c.type);
  } else {
    ASSERT_FALSE(r.ok()) << FormatType(r.result_type);
    EXPECT_EQ(r.issues[0].message, c.error);
  }
}

const Case kCases[] = {
    {"int_literal", [](B& b) { return b.Int(1); }, "int", ""},
    {"add_ints", [](B& b) { return b.Bin(op::kAdd, b.Int(1), b.Id("x")); }, "int", ""},
    {"add_string_int",
     [](B& b) { return b.Bin(op::kAdd, b.Str("a"), b.Id("x")); }, "",
     "found no matching overload for '_+_' applied to '(string, int)'"},
    {"int_less_double",
     [](B& b) {
       return b.Bin(op::kLess, b.Sel(b.Sel(b.Id("schema"), "spec"), "replicas"), b.Lit(1.5));
     },
     "", "found no matching overload for '_<_' applied to '(int, double)'"},
    {"undeclared", [](B& b) { return b.Id("nope"); }, "",
     "undeclared reference to 'nope' (in container '')"},
    {"undeclared_function", [](B& b) { return b.Call("nope", Args(b.Int(1))); }, "",
     "undeclared reference to 'nope' (in container '')"},
    {"schema_field", [](B& b) { return b.Sel(b.Sel(b.Id("schema"), "spec"), "name"); },
     "string", ""},
    {"schema_unknown_field",
     [](B& b) { return b.Sel(b.Sel(b.Id("schema"), "spec"), "nonExistentField"); }, "",
     "undefined field 'nonExistentField'"},
    {"preserve_unknown_fields",
     [](B& b) { return b.Sel(b.Sel(b.Sel(b.Id("schema"), "spec"), "extra"), "whatever"); },
     "dyn", ""},
    {"map_select", [](B& b) { return b.Sel(b.Sel(b.Id("schema"), "metadata"), "name"); },
     "dyn", ""},
    {"has_field",
     [](B& b) { return b.Sel(b.Sel(b.Id("schema"), "spec"), "name", 0, /*test_only=*/true); },
     "bool", ""},
    {"select_on_int", [](B& b) { return b.Sel(b.Id("x"), "f"); }, "",
     "type 'int' does not support field selection"},
    {"qualified_var", [](B& b) { return b.Sel(b.Sel(b.Id("a"), "b"), "c"); }, "bool", ""},
    {"qualified_prefix_var", [](B& b) { return b.Sel(b.Sel(b.Id("a"), "b"), "z"); }, "int", ""},
    {"string_template",
     [](B& b) {
       return b.Bin(op::kAdd, b.Str("prefix-"), b.Sel(b.Sel(b.Id("schema"), "spec"), "replicas"));
     },
     "", "found no matching overload for '_+_' applied to '(string, int)'"},
    {"string_conversion",
     [](B& b) {
       return b.Bin(op::kAdd, b.Str("prefix-"),
                    b.Un("string", b.Sel(b.Sel(b.Id("schema"), "spec"), "replicas")));
     },
     "string", ""},
    {"mixed_list", [](B& b) { return b.List(Args(b.Int(1), b.Str("a"))); }, "list(dyn)", ""},
    {"int_list", [](B& b) { return b.List(Args(b.Int(1), b.Int(2))); }, "list(int)", ""},
    {"empty_list", [](B& b) { return b.List({}); }, "list(dyn)", ""},
    {"map_literal",
     [](B& b) {
       std::vector<std::pair<ExprPtr, ExprPtr>> entries;
       entries.emplace_back(b.Str("a"), b.Int(1));
       return b.Map(std::move(entries));
     },
     "map(string, int)", ""},
    {"index_list", [](B& b) { return b.Bin(op::kIndex, b.Id("l"), b.Int(0)); }, "string", ""},
    {"index_map", [](B& b) { return b.Bin(op::kIndex, b.Id("m"), b.Str("k")); }, "int", ""},
    {"dyn_plus_int", [](B& b) { return b.Bin(op::kAdd, b.Id("d"), b.Int(1)); }, "int", ""},
    {"dyn_eq", [](B& b) { return b.Bin(op::kEquals, b.Id("d"), b.Int(1)); }, "bool", ""},
    {"eq_mismatch", [](B& b) { return b.Bin(op::kEquals, b.Str("a"), b.Int(1)); }, "",
     "found no matching overload for '_==_' applied to '(string, int)'"},
    {"size_member", [](B& b) { return b.Member(b.Id("s"), "size", {}); }, "int", ""},
    {"member_no_overload", [](B& b) { return b.Member(b.Id("x"), "startsWith", Args(b.Str("a"))); },
     "", "found no matching overload for 'startsWith' applied to 'int.(string)'"},
    {"ternary", [](B& b) {
       std::vector<ExprPtr> args = Args(b.Lit(true), b.Int(1), b.Int(2));
       return b.Call(op::kConditional, std::move(args));
     }, "int", ""},
    {"and_not_bool",
     [](B& b) { return b.Bin(op::kLogicalAnd, b.Lit(true), b.Lit(int64_t{1}, 5)); }, "",
     "expected type 'bool' but found 'int'"},
    {"type_ident", [](B& b) { return b.Id("int"); }, "type(int)", ""},
    {"type_of", [](B& b) { return b.Un("type", b.Id("x")); }, "type(int)", ""},
    {"namespaced_fn",
     [](B& b) { return b.Member(b.Id("base64"), "encode", Args(b.Lit(Bytes{"x"}))); }, "string",
     ""},
    {"optional_of", [](B& b) { return b.Call("optional.of", Args(b.Int(1))); },
     "optional_type(int)", ""},
    {"opt_select_map",
     [](B& b) { return b.Call(op::kOptSelect, Args(b.Id("m"), b.Str("k"))); },
     "optional_type(int)", ""},
    {"opt_chain_select",
     [](B& b) {
       return b.Sel(b.Call(op::kOptSelect, Args(b.Sel(b.Id("schema"), "spec"), b.Str("labels"))),
                    "app");
     },
     "optional_type(string)", ""},
    {"or_value",
     [](B& b) {
       return b.Member(b.Call(op::kOptSelect, Args(b.Id("m"), b.Str("k"))), "orValue",
                       Args(b.Int(0)));
     },
     "int", ""},
    {"opt_index", [](B& b) { return b.Bin(op::kOptIndex, b.Id("l"), b.Int(0)); },
     "optional_type(string)", ""},
    {"optional_list_entry", [](B& b) { return b.List(Args(b.Id("o")), {0}); }, "list(int)", ""},
    {"optional_list_entry_not_optional", [](B& b) { return b.List(Args(b.Id("x")), {0}); }, "",
     "expected type 'optional_type(int)' but found 'int'"},
    {"exists",
     [](B& b) {
       return b.Exists(b.Id("l"), "v", [](B& bb) { return bb.Bin(op::kEquals, bb.Id("v"),
                                                                 bb.Str("a")); });
     },
     "bool", ""},
    {"exists_wrong_type",
     [](B& b) {
       return b.Exists(b.Id("l"), "v", [](B& bb) { return bb.Bin(op::kEquals, bb.Id("v"),
                                                                 bb.Int(1)); });
     },
     "", "found no matching overload for '_==_' applied to '(string, int)'"},
    {"map_macro",
     [](B& b) {
       return b.MapMacro(b.Id("l"), "v", [](B& bb) { return bb.Member(bb.Id("v"), "size", {}); });
     },
     "list(int)", ""},
    {"two_var_map_over_list",
     [](B& b) {
       return b.MapMacro(b.Id("l"), "i", [](B& bb) { return bb.Id("i"); }, "v");
     },
     "list(int)", ""},
    {"two_var_over_map",
     [](B& b) {
       return b.MapMacro(b.Id("m"), "k", [](B& bb) { return bb.Id("v"); }, "v");
     },
     "list(int)", ""},
    {"comprehension_over_int",
     [](B& b) {
       return b.MapMacro(b.Id("x"), "v", [](B& bb) { return bb.Id("v"); });
     },
     "",
     "expression of type 'int' cannot be range of a comprehension (must be list, map, or "
     "dynamic)"},
    {"quantity",
     [](B& b) {
       return b.Member(b.Un("quantity", b.Str("1Gi")), "isGreaterThan",
                       Args(b.Un("quantity", b.Str("1"))));
     },
     "bool", ""},
    {"semver_compare",
     [](B& b) {
       return b.Member(b.Un("semver", b.Str("1.0.0")), "compareTo",
                       Args(b.Un("semver", b.Str("1.0.1"))));
     },
     "int", ""},
    {"cidr_ip", [](B& b) { return b.Member(b.Un("cidr", b.Str("10.0.0.0/8")), "ip", {}); },
     "net.IP", ""},
    {"ip_global", [](B& b) { return b.Un("ip", b.Str("10.0.0.1")); }, "net.IP", ""},
    {"list_index_of", [](B& b) { return b.Member(b.Id("l"), "indexOf", Args(b.Str("a"))); },
     "int", ""},
    {"string_index_of", [](B& b) { return b.Member(b.Id("s"), "indexOf", Args(b.Str("a"))); },
     "int", ""},
    {"reverse_list", [](B& b) { return b.Member(b.Id("l"), "reverse", {}); }, "list(string)", ""},
    {"join", [](B& b) { return b.Member(b.Id("l"), "join", Args(b.Str(","))); }, "string", ""},
    {"hash", [](B& b) { return b.Call("hash.sha256", Args(b.Str("x"))); }, "bytes", ""},
    {"json_unmarshal", [](B& b) { return b.Call("json.unmarshal", Args(b.Str("{}"))); }, "dyn",
     ""},
    {"set_at_index",
     [](B& b) { return b.Call("lists.setAtIndex", Args(b.Id("l"), b.Int(0), b.Str("z"))); },
     "list(string)", ""},
    {"merge", [](B& b) { return b.Member(b.Id("m"), "merge", Args(b.Id("m"))); },
     "map(string, int)", ""},
    {"runtime_condition",
     [](B& b) {
       return b.Sel(b.Member(b.Id("runtime"), "condition", Args(b.Id("d"), b.Str("Ready"))),
                    "status");
     },
     "string", ""},
    {"sort_by_associated_keys",
     [](B& b) {
       return b.Call("@sortByAssociatedKeys", Args(b.Id("l"), b.List(Args(b.Int(2)))));
     },
     "list(string)", ""},
    {"not_strictly_false", [](B& b) { return b.Un(op::kNotStrictlyFalse, b.Lit(true)); }, "bool",
     ""},
    {"struct_literal",
     [](B& b) {
       std::vector<std::pair<std::string, ExprPtr>> fields;
       fields.emplace_back("replicas", b.Int(3));
       return b.Struct("__type_schema.spec", std::move(fields));
     },
     "__type_schema.spec", ""},
    {"struct_literal_bad_field",
     [](B& b) {
       std::vector<std::pair<std::string, ExprPtr>> fields;
       fields.emplace_back("replicas", b.Str("3"));
       return b.Struct("__type_schema.spec", std::move(fields));
     },
     "", "expected type of field 'replicas' is 'int' but provided type is 'string'"},
    {"struct_unknown_type",
     [](B& b) { return b.Struct("Nope", {}); }, "",
     "undeclared reference to 'Nope' (in container '')"},
    {"timestamp_minus",
     [](B& b) {
       return b.Bin(op::kSubtract, b.Un("timestamp", b.Str("2020-01-01T00:00:00Z")),
                    b.Un("timestamp", b.Str("2020-01-01T00:00:00Z")));
     },
     "google.protobuf.Duration", ""},
    {"int_plus_double_error", [](B& b) { return b.Bin(op::kAdd, b.Int(1), b.Lit(1.0)); }, "",
     "found no matching overload for '_+_' applied to '(int, double)'"},
    {"null_to_optional_eq", [](B& b) { return b.Bin(op::kEquals, b.Id("o"), b.Lit(NullValue{})); },
     "bool", ""},
};

INSTANTIATE_TEST_SUITE_P(Kro, CheckerTableTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& param) {
                           return param.param.name;
                         });

TEST(CheckerTest, ReferencesAndNodeTypes) {
  CheckerEnv env = KroEnv();
  B b;
  ExprPtr e = b.Bin(op::kAdd, b.Sel(b.Sel(b.Id("a"), "b"), "z"), b.Int(1));
  CheckResult r = Check(*e, env);
  ASSERT_TRUE(r.ok());
  const Expr& sel = *e->args[0];
  ASSERT_NE(r.ReferenceOf(sel.operand->id), nullptr);
  EXPECT_EQ(r.ReferenceOf(sel.operand->id)->name, "a.b");
  ASSERT_NE(r.ReferenceOf(e->id), nullptr);
  EXPECT_EQ(r.ReferenceOf(e->id)->overload_ids, std::vector<std::string>{"add_int64"});
  EXPECT_EQ(FormatType(*r.TypeOf(sel.id)), "int");
}

TEST(CheckerTest, DynArgumentMatchesSeveralOverloads) {
  CheckerEnv env = KroEnv();
  B b;
  ExprPtr e = b.Bin(op::kAdd, b.Id("d"), b.Id("d"));
  CheckResult r = Check(*e, env);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(FormatType(r.result_type), "dyn");
  EXPECT_EQ(r.ReferenceOf(e->id)->overload_ids.size(), 9u);
}

TEST(CheckerTest, NamespacedCallReference) {
  CheckerEnv env = KroEnv();
  B b;
  ExprPtr e = b.Member(b.Id("base64"), "encode", Args(b.Lit(Bytes{"x"})));
  CheckResult r = Check(*e, env);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.ReferenceOf(e->id)->name, "base64.encode");
  EXPECT_TRUE(r.ReferenceOf(e->id)->namespaced);
}

TEST(CheckerTest, Container) {
  CheckerEnv env;
  ASSERT_TRUE(env.AddLibrary(Library::kStandard).ok());
  ASSERT_TRUE(env.AddVariable({"com.example.y", Type::Int()}).ok());
  env.set_container("com.example");
  B b;
  ExprPtr e = b.Id("y");
  CheckResult r = Check(*e, env);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.ReferenceOf(e->id)->name, "com.example.y");
  ExprPtr missing = b.Id("z");
  CheckResult r2 = Check(*missing, env);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.issues[0].message, "undeclared reference to 'z' (in container 'com.example')");
}

TEST(CheckerTest, LocalShadowsGlobalUnlessLeadingDot) {
  CheckerEnv env = KroEnv();
  B b;
  // l.exists(x, x == 'a'): x is the local string, not the global int.
  ExprPtr e = b.Exists(b.Id("l"), "x", [](B& bb) {
    return bb.Bin(op::kEquals, bb.Id("x"), bb.Str("a"));
  });
  EXPECT_TRUE(Check(*e, env).ok());
  ExprPtr e2 = b.Exists(b.Id("l"), "x", [](B& bb) {
    return bb.Bin(op::kEquals, bb.Id(".x"), bb.Int(1));
  });
  CheckResult r = Check(*e2, env);
  ASSERT_TRUE(r.ok()) << r.issues[0].message;
}

TEST(CheckerTest, FormatIssuesSortsAndDrawsCaret) {
  CheckerEnv env = KroEnv();
  Source source("\"prefix-\" + x");
  B b;
  ExprPtr e = b.Bin(op::kAdd, b.Lit(std::string("prefix-"), 0), b.Id("x", 12), 10);
  CheckResult r = Check(*e, env);
  EXPECT_EQ(r.FormatIssues(source),
            "ERROR: <input>:1:11: found no matching overload for '_+_' applied to '(string, int)'\n"
            " | \"prefix-\" + x\n"
            " | ..........^");
}

}  // namespace
}  // namespace kro::cel
