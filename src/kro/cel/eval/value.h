// kro::cel::Value: a CEL run-time value.
//
// Scalars (null, bool, int, uint, double, timestamp, duration) are stored inline. Strings, bytes,
// lists, maps, optionals, type values, opaque values and errors live in immutable, refcounted heap
// representations, so copying a Value is cheap. A Value can also *borrow* a JSON document
// (json::Value object/array/string): field selection on a bound Kubernetes object then costs a
// hash lookup and no copy. A borrowing Value is valid only while the document it points into is
// alive (the caller of Program::Evaluate keeps the bound documents alive).
//
// Errors are values (ValueKind::kError) carrying an ErrorKind and a message; they propagate
// through strict functions. Thread-compatible; immutable values may be shared across threads.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kro/json/json.h"

namespace kro::cel {

__extension__ typedef __int128 Int128;
__extension__ typedef unsigned __int128 Uint128;

enum class ValueKind : uint8_t {
  kNull,
  kBool,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kList,
  kMap,
  kTimestamp,
  kDuration,
  kType,
  kOptional,
  kOpaque,
  kError,
};

enum class ErrorKind : uint8_t {
  kGeneric,
  kNoSuchKey,
  kNoSuchField,
  kNoSuchAttribute,  // unbound or undeclared variable
  kIndexOutOfBounds,
  kNoMatchingOverload,
  kDivisionByZero,
  kOverflow,
  kInvalidArgument,
  kBudgetExceeded,
  kUnsupported,
};

// Name of a kind for messages ("int", "list", ...).
std::string_view KindName(ValueKind kind);

class Value;

// Base of every heap representation.
struct HeapRep {
  virtual ~HeapRep() = default;
};

// An opaque (library-defined) value: kubernetes.Quantity, net.IP, ...
class OpaqueValue : public HeapRep {
 public:
  // Full CEL type name, e.g. "kubernetes.Quantity". Must be a stable string.
  virtual std::string_view TypeName() const = 0;
  // Equality with another opaque value of the same TypeName().
  virtual bool Equals(const OpaqueValue& other) const = 0;
  // Debug text.
  virtual std::string DebugString() const { return std::string(TypeName()); }
};

// Timestamps and durations are nanosecond counts (timestamps: since the Unix epoch).
inline constexpr int64_t kNanosPerSecond = 1000000000;
// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z in Unix seconds.
inline constexpr int64_t kMinTimestampSeconds = -62135596800;
inline constexpr int64_t kMaxTimestampSeconds = 253402300799;
// cel-spec: durations cover about +-10000 years.
inline constexpr int64_t kMaxDurationSeconds = 315576000000;

class Value {
 public:
  Value() = default;  // null

  // Factories.
  static Value Null() { return Value(); }
  static Value Bool(bool b);
  static Value Int(int64_t i);
  static Value Uint(uint64_t u);
  static Value Double(double d);
  static Value String(std::string s);
  // Borrows `s`: the characters must outlive the value.
  static Value StringView(std::string_view s);
  static Value Bytes(std::string b);
  static Value List(std::vector<Value> elems);
  // Entries in insertion order; keys must be unique (see MapBuilder for checking).
  static Value Map(std::vector<std::pair<Value, Value>> entries);
  // Callers check ranges (see ValidTimestamp / ValidDuration).
  static Value Timestamp(Int128 nanos);
  static Value Duration(Int128 nanos);
  static Value Type(std::string name);
  static Value OptionalNone();
  static Value OptionalOf(Value v);
  static Value Opaque(std::shared_ptr<const OpaqueValue> v);
  static Value Error(ErrorKind kind, std::string message);
  // Borrows `v` (no copy): objects act as maps with string keys, arrays as lists; integral numbers
  // become int (uint beyond int64), other numbers double.
  static Value FromJson(const json::Value& v);

  ValueKind kind() const { return kind_; }
  bool is_error() const { return kind_ == ValueKind::kError; }
  bool is(ValueKind k) const { return kind_ == k; }

  bool bool_value() const { return p_.b; }
  int64_t int_value() const { return p_.i; }
  uint64_t uint_value() const { return p_.u; }
  double double_value() const { return p_.d; }
  Int128 nanos() const;  // timestamp / duration
  // string / bytes payload.
  std::string_view str() const;

  // Lists.
  size_t list_size() const;
  Value list_at(size_t i) const;
  // Maps.
  size_t map_size() const;
  // Looks up a key with heterogeneous numeric equality; nullopt when absent.
  std::optional<Value> map_find(const Value& key) const;
  std::optional<Value> map_find_string(std::string_view key) const;
  // Calls f(key, value) for every entry until it returns false.
  template <typename F>
  void map_for_each(F&& f) const;
  // Key list (iteration order).
  std::vector<Value> map_keys() const;

  // Type values: the type name.
  std::string_view type_name() const;
  // Optionals.
  bool optional_has_value() const;
  const Value& optional_value() const;
  // Opaque.
  const OpaqueValue& opaque() const;
  // Errors.
  ErrorKind error_kind() const;
  const std::string& error_message() const;

  // The CEL type name of this value ("int", "list", "google.protobuf.Timestamp", ...).
  std::string_view TypeName() const;

  // Borrowed JSON backing (for lists/maps/strings), or null.
  const json::Value* json() const { return json_ ? p_.j : nullptr; }

  std::string DebugString() const;

 private:
  friend struct ValueAccess;
  ValueKind kind_ = ValueKind::kNull;
  bool json_ = false;  // list/map: p_.j borrowed; string: p_.sv borrowed
  union Payload {
    bool b;
    int64_t i;
    uint64_t u;
    double d;
    const json::Value* j;
    struct {
      const char* data;
      size_t size;
    } sv;
    struct {
      int64_t hi;
      uint64_t lo;
    } n;
  } p_{};
  std::shared_ptr<const HeapRep> heap_;
};

// Heap representations (exposed for the evaluator and libraries).
struct StringRep : HeapRep {
  std::string s;
};
struct ListRep : HeapRep {
  std::vector<Value> elems;
};
struct MapRep : HeapRep {
  std::vector<std::pair<Value, Value>> entries;
  // Lookup index built for larger maps: hash of key -> entry indexes.
  std::vector<std::vector<uint32_t>> buckets;
};

struct ValueAccess {
  static const ListRep* list(const Value& v) {
    return v.json_ ? nullptr : static_cast<const ListRep*>(v.heap_.get());
  }
  static const MapRep* map(const Value& v) {
    return v.json_ ? nullptr : static_cast<const MapRep*>(v.heap_.get());
  }
  // The list's representation when `v` is its only owner (so it may be changed in place without
  // anyone observing it), else null. Every owned list is created mutable by Value::List.
  static ListRep* unique_list(Value& v) {
    if (v.kind_ != ValueKind::kList || v.json_ || v.heap_.use_count() != 1) return nullptr;
    return const_cast<ListRep*>(static_cast<const ListRep*>(v.heap_.get()));
  }
};

template <typename F>
void Value::map_for_each(F&& f) const {
  if (json_) {
    for (const auto& kv : p_.j->get_object()) {
      if (!f(Value::StringView(std::string_view(kv.key().data(), kv.key().size())),
             Value::FromJson(kv.value()))) {
        return;
      }
    }
    return;
  }
  for (const auto& [k, v] : ValueAccess::map(*this)->entries) {
    if (!f(k, v)) return;
  }
}

// The value of `key` in a JSON object, or null. Small objects (most Kubernetes objects' levels)
// are scanned in place, comparing lengths and first bytes before memcmp; larger ones use
// Boost.JSON's index.
inline const json::Value* JsonField(const json::Object& o, std::string_view key) {
  if (o.size() > 16) return o.if_contains(key);
  for (const auto& kv : o) {
    std::string_view k(kv.key().data(), kv.key().size());
    if (k.size() == key.size() &&
        (key.empty() || (k[0] == key[0] && std::memcmp(k.data(), key.data(), key.size()) == 0))) {
      return &kv.value();
    }
  }
  return nullptr;
}

// Heterogeneous CEL equality (1 == 1u == 1.0; deep for lists and maps). Never errors.
bool Equal(const Value& a, const Value& b);
// Ordering for _<_ etc.: -1, 0, 1; nullopt when the kinds are not comparable or NaN involved.
// `comparable` is set to false when there is no overload for the pair of kinds.
std::optional<int> Compare(const Value& a, const Value& b, bool* comparable);
// Valid map key kinds: bool, int, uint, string.
bool IsValidMapKey(const Value& v);
size_t HashKey(const Value& key);

// Helpers for errors.
Value NoMatchingOverload(std::string_view function, const Value* args, size_t nargs);
Value ErrorOverflow(std::string_view what);
Value ErrorInvalid(std::string message);

bool ValidTimestamp(Int128 nanos);
bool ValidDuration(Int128 nanos);

// Builds a map checking for repeated keys (error value "Failed with repeated key").
class MapBuilder {
 public:
  // Returns false when the key is invalid or repeated (error available via error()).
  bool Add(Value key, Value value);
  Value Build();
  const Value& error() const { return error_; }

 private:
  std::vector<std::pair<Value, Value>> entries_;
  Value error_;
};

}  // namespace kro::cel
