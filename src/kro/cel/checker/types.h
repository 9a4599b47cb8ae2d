// cel::Type: the static types of the CEL checker, and the assignability rules between them.
//
// A Type is a small handle to an immutable, shared node, so it is cheap to copy and safe to share
// between threads. The kinds follow cel-go's checker (common/types.Type): primitives, well-known
// types (timestamp, duration, any), list/map, type(T), opaque/abstract types name(T...)
// (optional_type(T), net.IP, kubernetes.Quantity, ...), struct (object) types known by name to a
// TypeProvider, type parameters, nullable wrappers and the error type.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kro/base/result.h"

namespace kro::cel {

enum class TypeKind {
  kDyn,
  kError,
  kNull,
  kBool,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kTimestamp,  // google.protobuf.Timestamp
  kDuration,   // google.protobuf.Duration
  kAny,        // google.protobuf.Any (behaves like dyn in the checker)
  kList,       // list(E)
  kMap,        // map(K, V)
  kType,       // type or type(T)
  kOpaque,     // name(T...): optional_type(T), net.IP, kubernetes.Quantity, ...
  kStruct,     // an object type by name (fields come from a TypeProvider)
  kTypeParam,  // a type parameter (A, T, _var0, ...)
  kWrapper,    // wrapper(P): a nullable primitive (google.protobuf.Int64Value, ...)
};

class Type {
 public:
  // The default Type is dyn.
  Type() = default;

  static Type Dyn() { return Type(); }
  static Type Error();
  static Type Null();
  static Type Bool();
  static Type Int();
  static Type Uint();
  static Type Double();
  static Type String();
  static Type Bytes();
  static Type Timestamp();
  static Type Duration();
  static Type Any();
  static Type List(Type elem);
  static Type Map(Type key, Type value);
  static Type TypeType();                // type (no parameter)
  static Type TypeOf(Type t);            // type(T)
  static Type Optional(Type t);          // optional_type(T)
  static Type Opaque(std::string name, std::vector<Type> params = {});
  static Type Struct(std::string name);
  static Type Param(std::string name);
  static Type Wrapper(Type primitive);

  TypeKind kind() const;
  // cel-go's TypeName(): "int", "list", "map", "type", "optional_type",
  // "google.protobuf.Timestamp", the struct/opaque name or the type parameter name.
  const std::string& name() const;
  const std::vector<Type>& params() const;

  bool IsDyn() const { return kind() == TypeKind::kDyn || kind() == TypeKind::kAny; }
  bool IsError() const { return kind() == TypeKind::kError; }
  bool IsDynOrError() const { return IsDyn() || IsError(); }
  bool IsOptional() const;
  // For optional_type(T): T. For other types: the type itself.
  Type UnwrapOptional() const;

  // Exact structural equality (cel-go's IsExactType).
  bool operator==(const Type& other) const;
  bool operator!=(const Type& other) const { return !(*this == other); }

 private:
  struct Rep;
  explicit Type(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}
  static Type Make(TypeKind kind, std::string name, std::vector<Type> params);

  std::shared_ptr<const Rep> rep_;  // null means dyn
};

// The type in the conformance protocol's notation (PROTOCOL.md §5): list(int), map(string, dyn),
// type(int), optional_type(int), google.protobuf.Timestamp, null_type, wrapper(int), *error*.
std::string FormatType(const Type& type);

// The type as cel-go's checker prints it in messages (FormatCELType): like FormatType but
// "timestamp", "duration", "null", "any" and "!error!".
std::string FormatCelType(const Type& type);

// Parses FormatType's notation (also accepting cel-go's spellings: timestamp, duration, null,
// any, optional(T), google.protobuf.Value/Struct/ListValue and the wrapper message names).
// Names listed in `type_params` are type parameters. Any other dotted name without parameters is a
// struct type, except the known opaque names (net.IP, net.CIDR, kubernetes.Quantity,
// kubernetes.URL, kubernetes.Semver); a name with parameters is an opaque type.
Result<Type> ParseType(std::string_view text, const std::vector<std::string>& type_params = {});

// Parses a comma-separated list of types ("list(A), int"); an empty text is an empty list.
Result<std::vector<Type>> ParseTypeList(std::string_view text,
                                        const std::vector<std::string>& type_params = {});

// Type parameter substitutions built up during unification (cel-go's checker mapping).
class TypeMapping {
 public:
  void Add(const Type& param, Type to) { map_[param.name()] = std::move(to); }
  const Type* Find(const Type& param) const;

 private:
  std::map<std::string, Type, std::less<>> map_;
};

// Replaces bound type parameters (recursively). Unbound parameters become dyn when `params_to_dyn`.
Type Substitute(const TypeMapping& mapping, const Type& type, bool params_to_dyn);

// cel-go's isAssignable(m, t1, t2): whether t1 and t2 unify, updating `mapping` with the type
// parameter bindings this needs (on failure `mapping` is unchanged). The relation is nearly
// symmetric: dyn/error are assignable both ways, null is assignable to nullable types (wrappers,
// structs, opaque types incl. optional, timestamp, duration, any); for primitives and structs
// `t2` must accept `t1`. Callers pass (expected, actual) or (actual, declared) as cel-go does.
bool IsAssignable(TypeMapping& mapping, const Type& t1, const Type& t2);
bool IsAssignableList(TypeMapping& mapping, const std::vector<Type>& l1,
                      const std::vector<Type>& l2);

// cel-go's Type.IsAssignableType without type-parameter bindings: whether a value of type `from`
// may be stored where `to` is declared. dyn (either side) and equal types are assignable; null is
// assignable to nullable types; lists, maps, opaque types and type(T) compare their parameters
// the same way; wrapper(P) accepts P.
bool IsAssignableType(const Type& to, const Type& from);

// The more general of two types known to unify (dyn and type parameters are most general).
Type MostGeneral(const Type& a, const Type& b);

}  // namespace kro::cel
