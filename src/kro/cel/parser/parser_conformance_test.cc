// Runs every expression of the cel-spec conformance data (converted to JSON under
// <shared>/cel/conformance) through the parser: all of them must parse. Where an expression is a
// single literal, its value must also match the expected result.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "kro/cel/parser/ast_printer.h"
#include "kro/cel/parser/parser.h"
#include "kro/json/json.h"

namespace kro::cel {
namespace {

namespace fs = std::filesystem;

fs::path ConformanceDir() {
  if (const char* env = std::getenv("KRO_SHARED_DIR"); env != nullptr && *env != '\0') {
    fs::path p = fs::path(env) / "cel" / "conformance";
    if (fs::exists(p)) return p;
  }
  fs::path p = fs::path(KRO_SOURCE_DIR) / ".." / "shared" / "cel" / "conformance";
  if (fs::exists(p)) return p;
  return {};
}

std::string Base64Decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = value(c);
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

// The expected value as a constant, when it is a scalar the parser can produce.
bool ExpectedConstant(const json::Value& v, Constant* out) {
  if (v.is_bool()) {
    *out = v.get_bool();
  } else if (v.is_null()) {
    *out = NullValue{};
  } else if (const json::String* s = v.if_string()) {
    *out = std::string(s->data(), s->size());
  } else if (const json::Object* o = v.if_object(); o != nullptr && o->size() == 1) {
    const auto& [key, inner] = *o->begin();
    const json::String* str = inner.if_string();
    if (key == "int" && str != nullptr) {
      *out = static_cast<int64_t>(std::stoll(std::string(str->c_str())));
    } else if (key == "uint" && str != nullptr) {
      *out = static_cast<uint64_t>(std::stoull(std::string(str->c_str())));
    } else if (key == "bytes" && str != nullptr) {
      *out = Bytes{Base64Decode(std::string_view(str->data(), str->size()))};
    } else if (key == "double" && inner.is_double()) {
      *out = inner.get_double();
    } else {
      return false;
    }
  } else {
    return false;
  }
  return true;
}

TEST(ParserConformanceTest, AllExpressionsParse) {
  fs::path dir = ConformanceDir();
  if (dir.empty()) GTEST_SKIP() << "no cel conformance data (set KRO_SHARED_DIR)";
  int files = 0;
  int parsed = 0;
  int literals = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    std::stringstream buf;
    buf << in.rdbuf();
    Result<json::Value> doc = json::Parse(buf.str());
    ASSERT_TRUE(doc.ok()) << entry.path() << ": " << doc.status().ToString();
    const json::Object* root = doc->if_object();
    ASSERT_NE(root, nullptr);
    const json::Value* tests = root->if_contains("tests");
    ASSERT_TRUE(tests != nullptr && tests->is_array()) << entry.path();
    ++files;
    for (const json::Value& t : tests->get_array()) {
      const json::Object& test = t.get_object();
      const json::Value* expr = test.if_contains("expr");
      if (expr == nullptr || !expr->is_string()) continue;
      std::string text(expr->get_string().data(), expr->get_string().size());
      std::string id = test.contains("id") ? std::string(test.at("id").get_string()) : text;
      ParseOptions options;
      if (const json::Value* dm = test.if_contains("disable_macros"); dm && dm->is_bool()) {
        options.enable_macros = !dm->get_bool();
      }
      Result<ParsedExpr> r = Parse(text, options);
      EXPECT_TRUE(r.ok()) << id << ": " << r.status().message();
      if (!r.ok()) continue;
      ++parsed;
      // Literal-only expressions: compare the parsed constant with the expected value.
      const json::Value* expect = test.if_contains("expect");
      if (r->expr->kind != ExprKind::kConstant || expect == nullptr) continue;
      const json::Object& e = expect->get_object();
      if (!e.contains("kind") || e.at("kind") != "value" || !e.contains("value")) continue;
      Constant want;
      if (!ExpectedConstant(e.at("value"), &want)) continue;
      ++literals;
      EXPECT_EQ(ConstantToString(r->expr->constant), ConstantToString(want)) << id;
    }
  }
  EXPECT_GT(files, 0);
  RecordProperty("parsed", parsed);
  RecordProperty("literals_compared", literals);
  std::printf("conformance: %d files, %d expressions parsed, %d literal values compared\n", files,
              parsed, literals);
}

}  // namespace
}  // namespace kro::cel
