#include "kro/cel/lib/omit.h"

#include <memory>

namespace kro::cel {

namespace {

class OmitRep : public OpaqueValue {
 public:
  std::string_view TypeName() const override { return kOmitTypeName; }
  bool Equals(const OpaqueValue&) const override { return true; }  // there is only one
  std::string DebugString() const override { return "omit()"; }
};

}  // namespace

Value OmitValue() {
  static const Value* const kOmit = new Value(Value::Opaque(std::make_shared<const OmitRep>()));
  return *kOmit;
}

bool IsOmit(const Value& v) {
  return v.is(ValueKind::kOpaque) && v.opaque().TypeName() == kOmitTypeName;
}

void AddOmitFunction(Registry& r) {
  r.AddGlobal("omit", {}, [](const Value*, size_t, EvalContext&) { return OmitValue(); });
}

}  // namespace kro::cel
