// kro's `runtime` CEL library (spec.schema.status.conditions expressions): runtime.newCondition
// and runtime.condition. Condition values are maps with the four string keys type, status,
// reason and message (the checker's kro.run.Condition struct); `runtime` itself is an empty map.
#include <string>
#include <utility>
#include <vector>

#include "kro/cel/lib/internal/fn.h"
#include "kro/cel/lib/library.h"

namespace kro::cel {
namespace {

using internal::Any;
using internal::Err;
using internal::K;
using internal::P;

Value ConditionValue(std::string type, std::string status, std::string reason,
                     std::string message) {
  std::vector<std::pair<Value, Value>> e;
  e.emplace_back(Value::String("type"), Value::String(std::move(type)));
  e.emplace_back(Value::String("status"), Value::String(std::move(status)));
  e.emplace_back(Value::String("reason"), Value::String(std::move(reason)));
  e.emplace_back(Value::String("message"), Value::String(std::move(message)));
  return Value::Map(std::move(e));
}

std::string StringEntry(const Value& m, std::string_view key) {
  std::optional<Value> v = m.map_find_string(key);
  return v && v->is(K::kString) ? std::string(v->str()) : std::string();
}

Value NewCondition(const Value& arg) {
  std::string f[4];  // type, status, reason, message
  static constexpr std::string_view kKeys[4] = {"type", "status", "reason", "message"};
  Value failure;
  bool failed = false;
  arg.map_for_each([&](const Value& k, const Value& v) {
    std::string key = k.is(K::kString) ? std::string(k.str()) : std::string();
    if (v.is_error()) {
      failure = v;
    } else if (!v.is(K::kString)) {
      failure = Err("runtime.newCondition: " + key + " must be a string, got " +
                    std::string(v.TypeName()));
    } else {
      for (size_t i = 0; i < 4; ++i) {
        if (key == kKeys[i]) f[i] = std::string(v.str());
      }
      return true;
    }
    failed = true;
    return false;
  });
  if (failed) return failure;
  if (f[0].empty()) return Err("runtime.newCondition: type must not be empty");
  if (f[1] != "True" && f[1] != "False" && f[1] != "Unknown") {
    return Err("runtime.newCondition: status must be one of True, False, Unknown (got \"" + f[1] +
               "\")");
  }
  return ConditionValue(std::move(f[0]), std::move(f[1]), std::move(f[2]), std::move(f[3]));
}

// obj.status.conditions[type == wanted], or a condition with every field empty.
Value FindCondition(const Value& obj, const Value& wanted) {
  if (!obj.is(K::kMap)) {
    return Err("runtime.condition: obj must be an object, got " + std::string(obj.TypeName()));
  }
  std::optional<Value> status = obj.map_find_string("status");
  if (!status) return ConditionValue("", "", "", "");
  if (!status->is(K::kMap)) return Err("runtime.condition: obj.status must be an object");
  std::optional<Value> conds = status->map_find_string("conditions");
  if (!conds) return ConditionValue("", "", "", "");
  if (!conds->is(K::kList)) return Err("runtime.condition: obj.status.conditions must be a list");
  for (size_t i = 0; i < conds->list_size(); ++i) {
    Value c = conds->list_at(i);
    if (!c.is(K::kMap)) {
      return Err("runtime.condition: unexpected condition element type " +
                 std::string(c.TypeName()));
    }
    if (StringEntry(c, "type") == wanted.str()) {
      return ConditionValue(StringEntry(c, "type"), StringEntry(c, "status"),
                            StringEntry(c, "reason"), StringEntry(c, "message"));
    }
  }
  return ConditionValue("", "", "", "");
}

}  // namespace

void AddKroRuntimeLibrary(Registry& r) {
  r.AddMember("newCondition", {P(K::kMap), P(K::kMap)},
              KRO_CEL_FN { return NewCondition(a[1]); });
  r.AddMember("condition", {P(K::kMap), Any(), P(K::kString)},
              KRO_CEL_FN { return FindCondition(a[1], a[2]); });
}

}  // namespace kro::cel
