// The CEL abstract syntax tree, after macro expansion (cel-spec's Expr model).
//
// Every node has a unique id (per expression) and the byte offset where it starts in its Source.
// A tree is immutable once the parser returns it; the checker records types in a side table keyed
// by node id. Thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace kro::cel {

// bytes literal payload (distinct from string).
struct Bytes {
  std::string data;
  bool operator==(const Bytes&) const = default;
};

struct NullValue {
  bool operator==(const NullValue&) const = default;
};

// A literal: null, bool, int, uint, double, string or bytes.
using Constant = std::variant<NullValue, bool, int64_t, uint64_t, double, std::string, Bytes>;

enum class ExprKind {
  kConstant,       // constant
  kIdent,          // name
  kSelect,         // operand.name ; test_only for has(operand.name)
  kCall,           // [target.]name(args...) ; operators are calls (_+_, _?_:_, _[_], ...)
  kList,           // [args...] ; optional_indices marks [?x] elements
  kMap,            // {key: value, ...} ; entries (entry.optional for {?k: v})
  kStruct,         // Name{field: value, ...} ; name + entries (key is null, field in entry)
  kComprehension,  // fold (see below)
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Entry {
  int64_t id = 0;
  int32_t offset = 0;
  std::string field;  // kStruct only
  ExprPtr key;        // kMap only
  ExprPtr value;
  bool optional = false;
};

struct Expr {
  int64_t id = 0;
  int32_t offset = 0;  // byte offset in the Source
  ExprKind kind = ExprKind::kConstant;

  Constant constant;                  // kConstant
  std::string name;                   // kIdent name, kSelect field, kCall function, kStruct type
  ExprPtr operand;                    // kSelect operand, kCall receiver (null for global calls)
  bool test_only = false;             // kSelect: has() presence test
  std::vector<ExprPtr> args;          // kCall arguments, kList elements
  std::vector<int32_t> optional_indices;  // kList: indices of [?x] elements
  std::vector<Entry> entries;         // kMap / kStruct

  // kComprehension, with cel-spec semantics:
  //   accu = accu_init
  //   for (iter_var[, iter_var2] in iter_range) { if (!loop_condition) break; accu = loop_step }
  //   return result
  // iter_var2 is set for two-variable comprehensions (index/key, value).
  std::string iter_var;
  std::string iter_var2;
  std::string accu_var;
  ExprPtr iter_range;
  ExprPtr accu_init;
  ExprPtr loop_condition;
  ExprPtr loop_step;
  ExprPtr result;

  // Deep copy (ids and offsets preserved).
  ExprPtr Clone() const;
};

// Operator function names, as in cel-spec (operators are calls with these names).
namespace op {
inline constexpr const char* kConditional = "_?_:_";
inline constexpr const char* kLogicalAnd = "_&&_";
inline constexpr const char* kLogicalOr = "_||_";
inline constexpr const char* kLogicalNot = "!_";
inline constexpr const char* kEquals = "_==_";
inline constexpr const char* kNotEquals = "_!=_";
inline constexpr const char* kLess = "_<_";
inline constexpr const char* kLessEquals = "_<=_";
inline constexpr const char* kGreater = "_>_";
inline constexpr const char* kGreaterEquals = "_>=_";
inline constexpr const char* kAdd = "_+_";
inline constexpr const char* kSubtract = "_-_";
inline constexpr const char* kMultiply = "_*_";
inline constexpr const char* kDivide = "_/_";
inline constexpr const char* kModulo = "_%_";
inline constexpr const char* kNegate = "-_";
inline constexpr const char* kIndex = "_[_]";
inline constexpr const char* kIn = "@in";
inline constexpr const char* kOptIndex = "_[?_]";   // a[?b]
inline constexpr const char* kOptSelect = "_?._";   // a.?b  (args: operand, string constant)
inline constexpr const char* kNotStrictlyFalse = "@not_strictly_false";  // comprehension loops
}  // namespace op

}  // namespace kro::cel
