#include "kro/cel/checker/types.h"

#include <gtest/gtest.h>

#include "kro/cel/checker/decls.h"

namespace kro::cel {
namespace {

TEST(TypesTest, FormatAndParseRoundTrip) {
  for (const char* text :
       {"int", "uint", "double", "bool", "string", "bytes", "null_type", "dyn",
        "list(int)", "map(string, dyn)", "type(int)", "type", "optional_type(list(string))",
        "google.protobuf.Timestamp", "google.protobuf.Duration", "wrapper(int)", "net.IP",
        "kubernetes.Quantity", "my.pkg.Message", "*error*", "vector(int, string)"}) {
    auto t = ParseType(text);
    ASSERT_TRUE(t.ok()) << text << ": " << t.status().ToString();
    EXPECT_EQ(FormatType(*t), text);
  }
}

TEST(TypesTest, ParseAliases) {
  EXPECT_EQ(FormatType(*ParseType("timestamp")), "google.protobuf.Timestamp");
  EXPECT_EQ(FormatType(*ParseType("optional(int)")), "optional_type(int)");
  EXPECT_EQ(FormatType(*ParseType("google.protobuf.Struct")), "map(string, dyn)");
  EXPECT_EQ(FormatType(*ParseType("google.protobuf.Int64Value")), "wrapper(int)");
  EXPECT_EQ(FormatType(*ParseType(" map ( string , list( T ) ) ", {"T"})), "map(string, list(T))");
  EXPECT_EQ(ParseType("list(T)", {"T"})->params()[0].kind(), TypeKind::kTypeParam);
  EXPECT_FALSE(ParseType("list(int").ok());
  EXPECT_FALSE(ParseType("map(int)").ok());
  EXPECT_FALSE(ParseType("").ok());
}

TEST(TypesTest, CelGoMessageFormat) {
  EXPECT_EQ(FormatCelType(Type::List(Type::Timestamp())), "list(timestamp)");
  EXPECT_EQ(FormatCelType(Type::Null()), "null");
  EXPECT_EQ(FormatCelType(Type::Error()), "!error!");
}

TEST(TypesTest, Assignability) {
  TypeMapping m;
  EXPECT_TRUE(IsAssignable(m, Type::Int(), Type::Int()));
  EXPECT_FALSE(IsAssignable(m, Type::Int(), Type::Double()));
  EXPECT_TRUE(IsAssignable(m, Type::Dyn(), Type::Double()));
  EXPECT_TRUE(IsAssignable(m, Type::Double(), Type::Dyn()));
  EXPECT_TRUE(IsAssignable(m, Type::Null(), Type::Optional(Type::Int())));
  EXPECT_TRUE(IsAssignable(m, Type::Null(), Type::Struct("a.B")));
  EXPECT_FALSE(IsAssignable(m, Type::Null(), Type::Int()));
  EXPECT_TRUE(IsAssignable(m, Type::Null(), Type::Wrapper(Type::Int())));
  EXPECT_TRUE(IsAssignable(m, Type::Int(), Type::Wrapper(Type::Int())));
  EXPECT_FALSE(IsAssignable(m, Type::Struct("a.B"), Type::Struct("a.C")));
  EXPECT_TRUE(IsAssignable(m, Type::List(Type::Dyn()), Type::List(Type::Int())));
  EXPECT_FALSE(IsAssignable(m, Type::List(Type::String()), Type::List(Type::Int())));
  EXPECT_TRUE(IsAssignable(m, Type::TypeOf(Type::Int()), Type::TypeType()));
}

TEST(TypesTest, IsAssignableType) {
  EXPECT_TRUE(IsAssignableType(Type::Int(), Type::Int()));
  EXPECT_TRUE(IsAssignableType(Type::Int(), Type::Dyn()));
  EXPECT_TRUE(IsAssignableType(Type::List(Type::Dyn()), Type::List(Type::String())));
  EXPECT_FALSE(IsAssignableType(Type::List(Type::Int()), Type::List(Type::String())));
  EXPECT_TRUE(IsAssignableType(Type::Map(Type::String(), Type::Int()),
                               Type::Map(Type::String(), Type::Int())));
  EXPECT_FALSE(IsAssignableType(Type::String(), Type::Int()));
  EXPECT_TRUE(IsAssignableType(Type::Optional(Type::Int()), Type::Null()));
  EXPECT_FALSE(IsAssignableType(Type::Int(), Type::Null()));
  EXPECT_FALSE(IsAssignableType(Type::Struct("a"), Type::Struct("b")));
}

TEST(TypesTest, TypeParameterBinding) {
  TypeMapping m;
  Type a = Type::Param("A");
  EXPECT_TRUE(IsAssignable(m, Type::List(Type::Int()), Type::List(a)));
  EXPECT_EQ(FormatType(Substitute(m, a, false)), "int");
  EXPECT_FALSE(IsAssignable(m, Type::String(), a));
  EXPECT_EQ(FormatType(Substitute(m, a, false)), "int");  // unchanged after a failed attempt
  EXPECT_EQ(FormatType(Substitute(m, Type::Param("B"), true)), "dyn");
}

TEST(DeclsTest, KroLibrariesLoad) {
  CheckerEnv env;
  ASSERT_TRUE(AddKroLibraries(env, {.runtime = true, .omit = true, .deep_merge = true}).ok());
  ASSERT_TRUE(AddConformanceLibraries(env).ok());
  ASSERT_NE(env.FindFunction("_+_"), nullptr);
  EXPECT_EQ(env.FindFunction("_+_")->overloads.size(), 9u);
  ASSERT_NE(env.FindFunction("indexOf"), nullptr);
  EXPECT_EQ(env.FindFunction("indexOf")->overloads.size(), 3u);  // strings ext + k8s lists
  EXPECT_NE(env.FindVariable("runtime"), nullptr);
}

TEST(DeclsTest, KroDialectHasNoCrossTypeComparisons) {
  CheckerEnv env;
  ASSERT_TRUE(AddKroLibraries(env).ok());
  for (const auto& o : env.FindFunction("_<_")->overloads) {
    EXPECT_NE(o.id, "less_int64_double");
  }
  EXPECT_EQ(env.FindVariable("runtime"), nullptr);
  EXPECT_EQ(env.FindFunction("omit"), nullptr);
}

TEST(DeclsTest, ConflictingDeclarations) {
  CheckerEnv env;
  ASSERT_TRUE(env.AddVariable({"x", Type::Int()}).ok());
  EXPECT_TRUE(env.AddVariable({"x", Type::Int()}).ok());
  EXPECT_FALSE(env.AddVariable({"x", Type::String()}).ok());
  ASSERT_TRUE(env.AddFunction({"f", {{"f_int", false, {Type::Int()}, Type::Int()}}}).ok());
  EXPECT_FALSE(env.AddFunction({"f", {{"f_int", false, {Type::String()}, Type::Int()}}}).ok());
}

TEST(DeclsTest, CandidateNames) {
  CheckerEnv env;
  env.set_container("a.b");
  EXPECT_EQ(env.CandidateNames("x"), (std::vector<std::string>{"a.b.x", "a.x", "x"}));
  EXPECT_EQ(env.CandidateNames(".x"), (std::vector<std::string>{"x"}));
}

}  // namespace
}  // namespace kro::cel
