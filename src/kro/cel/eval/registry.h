// kro::cel::Registry: the function overloads an evaluator can call, keyed by name.
//
// A Registry is filled once (see kro/cel/lib/library.h) and then shared read-only by every
// Program planned against it, so it must outlive those Programs (Programs hold a shared_ptr).
// Dispatch is by the run-time kinds of the arguments; Plan() narrows the candidates by name,
// arity and call style once, so evaluation never looks a name up.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kro/cel/eval/value.h"

namespace kro::cel {

class RegexCache;

// Per-evaluation state handed to functions.
struct EvalContext {
  int64_t budget = 0;  // remaining comprehension iterations / cost units
  // The evaluated Program's compiled patterns (null when it calls no regex function).
  RegexCache* regexes = nullptr;
  bool Spend(int64_t n) {
    budget -= n;
    return budget >= 0;
  }
};

using Function = Value (*)(const Value* args, size_t nargs, EvalContext& ctx);

// One parameter: a value kind, or any kind; opaque parameters may name their type.
struct Param {
  enum Tag : uint8_t { kKind, kAny };
  Tag tag = kAny;
  ValueKind kind = ValueKind::kNull;
  std::string_view opaque_type;  // for kOpaque: required TypeName(), empty = any opaque

  static Param Any() { return Param{}; }
  static Param Of(ValueKind k) { return Param{kKind, k, {}}; }
  static Param OfOpaque(std::string_view type) { return Param{kKind, ValueKind::kOpaque, type}; }
  bool Matches(const Value& v) const {
    if (tag == kAny) return true;
    if (v.kind() != kind) return false;
    return kind != ValueKind::kOpaque || opaque_type.empty() || OpaqueMatches(v);
  }

 private:
  bool OpaqueMatches(const Value& v) const;
};

struct Overload {
  std::string id;
  bool member = false;  // receiver style: args[0] is the receiver
  std::vector<Param> params;
  Function fn = nullptr;
  // Non-strict overloads receive error arguments instead of propagating them.
  bool strict = true;
  // Index of the argument that is a regular expression, or -1. Plan() compiles it when it is a
  // constant; the function gets the compiled form from EvalContext::regexes.
  int pattern_arg = -1;
};

class Registry {
 public:
  void Add(std::string name, Overload overload);
  // Shorthands. Kinds are ValueKind or Param.
  void AddGlobal(std::string name, std::vector<Param> params, Function fn);
  void AddMember(std::string name, std::vector<Param> params, Function fn);

  // Candidates for a call; nullptr when the name is unknown.
  const std::vector<Overload>* Find(std::string_view name) const;

 private:
  std::unordered_map<std::string, std::vector<Overload>> functions_;
};

// Invokes the first overload among `cands` matching the argument kinds (errors propagate).
Value Dispatch(std::string_view name, const std::vector<const Overload*>& cands, const Value* args,
               size_t nargs, EvalContext& ctx);

}  // namespace kro::cel
