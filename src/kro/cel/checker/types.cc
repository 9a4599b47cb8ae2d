#include "kro/cel/checker/types.h"

#include <cctype>
#include <utility>

namespace kro::cel {

struct Type::Rep {
  TypeKind kind;
  std::string name;
  std::vector<Type> params;
};

namespace {

const std::string& KindName(TypeKind kind) {
  static const auto* const kNames = new std::vector<std::string>{
      "dyn",      "*error*",
      "null_type", "bool",
      "int",      "uint",
      "double",   "string",
      "bytes",    "google.protobuf.Timestamp",
      "google.protobuf.Duration", "google.protobuf.Any",
      "list",     "map",
      "type",     "",
      "",         "",
      "wrapper"};
  return (*kNames)[static_cast<size_t>(kind)];
}

const std::vector<Type>& NoParams() {
  static const auto* const kEmpty = new std::vector<Type>();
  return *kEmpty;
}

}  // namespace

Type Type::Make(TypeKind kind, std::string name, std::vector<Type> params) {
  return Type(std::make_shared<const Rep>(Rep{kind, std::move(name), std::move(params)}));
}

// The parameterless types are shared immutable singletons (thread-safe static initialisation).
#define KRO_CEL_SIMPLE_TYPE(Fn, Kind)                                    \
  Type Type::Fn() {                                                      \
    static const Type* const kType = new Type(Make(Kind, KindName(Kind), {})); \
    return *kType;                                                       \
  }
KRO_CEL_SIMPLE_TYPE(Error, TypeKind::kError)
KRO_CEL_SIMPLE_TYPE(Null, TypeKind::kNull)
KRO_CEL_SIMPLE_TYPE(Bool, TypeKind::kBool)
KRO_CEL_SIMPLE_TYPE(Int, TypeKind::kInt)
KRO_CEL_SIMPLE_TYPE(Uint, TypeKind::kUint)
KRO_CEL_SIMPLE_TYPE(Double, TypeKind::kDouble)
KRO_CEL_SIMPLE_TYPE(String, TypeKind::kString)
KRO_CEL_SIMPLE_TYPE(Bytes, TypeKind::kBytes)
KRO_CEL_SIMPLE_TYPE(Timestamp, TypeKind::kTimestamp)
KRO_CEL_SIMPLE_TYPE(Duration, TypeKind::kDuration)
KRO_CEL_SIMPLE_TYPE(Any, TypeKind::kAny)
KRO_CEL_SIMPLE_TYPE(TypeType, TypeKind::kType)
#undef KRO_CEL_SIMPLE_TYPE

Type Type::List(Type elem) { return Make(TypeKind::kList, "list", {std::move(elem)}); }
Type Type::Map(Type key, Type value) {
  return Make(TypeKind::kMap, "map", {std::move(key), std::move(value)});
}
Type Type::TypeOf(Type t) { return Make(TypeKind::kType, "type", {std::move(t)}); }
Type Type::Optional(Type t) { return Make(TypeKind::kOpaque, "optional_type", {std::move(t)}); }
Type Type::Opaque(std::string name, std::vector<Type> params) {
  return Make(TypeKind::kOpaque, std::move(name), std::move(params));
}
Type Type::Struct(std::string name) { return Make(TypeKind::kStruct, std::move(name), {}); }
Type Type::Param(std::string name) { return Make(TypeKind::kTypeParam, std::move(name), {}); }
Type Type::Wrapper(Type primitive) {
  return Make(TypeKind::kWrapper, "wrapper", {std::move(primitive)});
}

TypeKind Type::kind() const { return rep_ ? rep_->kind : TypeKind::kDyn; }
const std::string& Type::name() const { return rep_ ? rep_->name : KindName(TypeKind::kDyn); }
const std::vector<Type>& Type::params() const { return rep_ ? rep_->params : NoParams(); }

bool Type::IsOptional() const {
  return kind() == TypeKind::kOpaque && name() == "optional_type" && params().size() == 1;
}

Type Type::UnwrapOptional() const { return IsOptional() ? params()[0] : *this; }

bool Type::operator==(const Type& other) const {
  if (rep_ == other.rep_) {
    return true;
  }
  return kind() == other.kind() && name() == other.name() && params() == other.params();
}

// ---------------------------------------------------------------------------------------------
// Formatting

namespace {

std::string FormatImpl(const Type& t, bool cel_go_style) {
  switch (t.kind()) {
    case TypeKind::kTimestamp:
      return cel_go_style ? "timestamp" : t.name();
    case TypeKind::kDuration:
      return cel_go_style ? "duration" : t.name();
    case TypeKind::kAny:
      return cel_go_style ? "any" : t.name();
    case TypeKind::kNull:
      return cel_go_style ? "null" : t.name();
    case TypeKind::kError:
      return cel_go_style ? "!error!" : t.name();
    default:
      break;
  }
  if (t.params().empty()) {
    return t.name();
  }
  std::string out = t.name();
  out += '(';
  for (size_t i = 0; i < t.params().size(); ++i) {
    if (i > 0) {
      out += ", ";
    }
    out += FormatImpl(t.params()[i], cel_go_style);
  }
  out += ')';
  return out;
}

}  // namespace

std::string FormatType(const Type& type) { return FormatImpl(type, false); }
std::string FormatCelType(const Type& type) { return FormatImpl(type, true); }

// ---------------------------------------------------------------------------------------------
// Parsing

namespace {

class TypeParser {
 public:
  TypeParser(std::string_view text, const std::vector<std::string>& type_params)
      : text_(text), type_params_(type_params) {}

  Result<std::vector<Type>> ParseAll(bool list) {
    std::vector<Type> out;
    SkipSpace();
    if (list && pos_ == text_.size()) {
      return out;
    }
    while (true) {
      KRO_ASSIGN_OR_RETURN(Type t, ParseOne());
      out.push_back(std::move(t));
      SkipSpace();
      if (list && pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      break;
    }
    if (pos_ != text_.size()) {
      return Error("unexpected '" + std::string(text_.substr(pos_, 1)) + "'");
    }
    return out;
  }

 private:
  Status Error(const std::string& what) const {
    return InvalidArgument("invalid type '" + std::string(text_) + "': " + what);
  }

  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) {
      ++pos_;
    }
  }

  Result<Type> ParseOne() {
    SkipSpace();
    size_t start = pos_;
    if (text_.substr(pos_, 7) == "*error*" || text_.substr(pos_, 7) == "!error!") {
      pos_ += 7;
      return Type::Error();
    }
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '@') {
        ++pos_;
      } else {
        break;
      }
    }
    if (start == pos_) {
      return Error(pos_ < text_.size() ? "unexpected '" + std::string(1, text_[pos_]) + "'"
                                       : "unexpected end");
    }
    std::string name(text_.substr(start, pos_ - start));
    std::vector<Type> params;
    SkipSpace();
    bool has_parens = false;
    if (pos_ < text_.size() && text_[pos_] == '(') {
      has_parens = true;
      ++pos_;
      SkipSpace();
      if (pos_ < text_.size() && text_[pos_] == ')') {
        ++pos_;
      } else {
        while (true) {
          KRO_ASSIGN_OR_RETURN(Type p, ParseOne());
          params.push_back(std::move(p));
          SkipSpace();
          if (pos_ < text_.size() && text_[pos_] == ',') {
            ++pos_;
            continue;
          }
          if (pos_ < text_.size() && text_[pos_] == ')') {
            ++pos_;
            break;
          }
          return Error("expected ',' or ')'");
        }
      }
    }
    return Build(name, std::move(params), has_parens);
  }

  Result<Type> Build(const std::string& name, std::vector<Type> params, bool has_parens) {
    auto arity = [&](size_t n) -> Status {
      if (params.size() != n) {
        return Error("'" + name + "' takes " + std::to_string(n) + " parameter(s)");
      }
      return Status::Ok();
    };
    if (!has_parens) {
      for (const auto& p : type_params_) {
        if (p == name) {
          return Type::Param(name);
        }
      }
      static const auto* const kSimple = new std::map<std::string, Type, std::less<>>{
          {"dyn", Type::Dyn()},
          {"google.protobuf.Value", Type::Dyn()},
          {"null_type", Type::Null()},
          {"null", Type::Null()},
          {"google.protobuf.NullValue", Type::Null()},
          {"bool", Type::Bool()},
          {"int", Type::Int()},
          {"uint", Type::Uint()},
          {"double", Type::Double()},
          {"string", Type::String()},
          {"bytes", Type::Bytes()},
          {"timestamp", Type::Timestamp()},
          {"google.protobuf.Timestamp", Type::Timestamp()},
          {"duration", Type::Duration()},
          {"google.protobuf.Duration", Type::Duration()},
          {"any", Type::Any()},
          {"google.protobuf.Any", Type::Any()},
          {"type", Type::TypeType()},
          {"list", Type::List(Type::Dyn())},
          {"map", Type::Map(Type::Dyn(), Type::Dyn())},
          {"google.protobuf.Struct", Type::Map(Type::String(), Type::Dyn())},
          {"google.protobuf.ListValue", Type::List(Type::Dyn())},
          {"google.protobuf.BoolValue", Type::Wrapper(Type::Bool())},
          {"google.protobuf.BytesValue", Type::Wrapper(Type::Bytes())},
          {"google.protobuf.DoubleValue", Type::Wrapper(Type::Double())},
          {"google.protobuf.FloatValue", Type::Wrapper(Type::Double())},
          {"google.protobuf.Int32Value", Type::Wrapper(Type::Int())},
          {"google.protobuf.Int64Value", Type::Wrapper(Type::Int())},
          {"google.protobuf.StringValue", Type::Wrapper(Type::String())},
          {"google.protobuf.UInt32Value", Type::Wrapper(Type::Uint())},
          {"google.protobuf.UInt64Value", Type::Wrapper(Type::Uint())},
          {"net.IP", Type::Opaque("net.IP")},
          {"net.CIDR", Type::Opaque("net.CIDR")},
          {"kubernetes.Quantity", Type::Opaque("kubernetes.Quantity")},
          {"kubernetes.URL", Type::Opaque("kubernetes.URL")},
          {"kubernetes.Semver", Type::Opaque("kubernetes.Semver")},
      };
      auto it = kSimple->find(name);
      if (it != kSimple->end()) {
        return it->second;
      }
      return Type::Struct(name);
    }
    if (name == "list") {
      KRO_RETURN_IF_ERROR(arity(1));
      return Type::List(params[0]);
    }
    if (name == "map") {
      KRO_RETURN_IF_ERROR(arity(2));
      return Type::Map(params[0], params[1]);
    }
    if (name == "type") {
      if (params.empty()) {
        return Type::TypeType();
      }
      KRO_RETURN_IF_ERROR(arity(1));
      return Type::TypeOf(params[0]);
    }
    if (name == "optional_type" || name == "optional") {
      KRO_RETURN_IF_ERROR(arity(1));
      return Type::Optional(params[0]);
    }
    if (name == "wrapper") {
      KRO_RETURN_IF_ERROR(arity(1));
      return Type::Wrapper(params[0]);
    }
    return Type::Opaque(name, std::move(params));
  }

  std::string_view text_;
  const std::vector<std::string>& type_params_;
  size_t pos_ = 0;
};

}  // namespace

Result<Type> ParseType(std::string_view text, const std::vector<std::string>& type_params) {
  TypeParser parser(text, type_params);
  KRO_ASSIGN_OR_RETURN(std::vector<Type> types, parser.ParseAll(false));
  return types[0];
}

Result<std::vector<Type>> ParseTypeList(std::string_view text,
                                        const std::vector<std::string>& type_params) {
  TypeParser parser(text, type_params);
  return parser.ParseAll(true);
}

// ---------------------------------------------------------------------------------------------
// Unification (cel-go checker/types.go)

const Type* TypeMapping::Find(const Type& param) const {
  if (param.kind() != TypeKind::kTypeParam) {
    return nullptr;
  }
  auto it = map_.find(param.name());
  return it == map_.end() ? nullptr : &it->second;
}

Type Substitute(const TypeMapping& mapping, const Type& type, bool params_to_dyn) {
  if (const Type* sub = mapping.Find(type)) {
    return Substitute(mapping, *sub, params_to_dyn);
  }
  switch (type.kind()) {
    case TypeKind::kTypeParam:
      return params_to_dyn ? Type::Dyn() : type;
    case TypeKind::kList:
      return Type::List(Substitute(mapping, type.params()[0], params_to_dyn));
    case TypeKind::kMap:
      return Type::Map(Substitute(mapping, type.params()[0], params_to_dyn),
                       Substitute(mapping, type.params()[1], params_to_dyn));
    case TypeKind::kType:
      if (type.params().empty()) {
        return type;
      }
      return Type::TypeOf(Substitute(mapping, type.params()[0], params_to_dyn));
    case TypeKind::kOpaque: {
      if (type.params().empty()) {
        return type;
      }
      std::vector<Type> params;
      params.reserve(type.params().size());
      for (const auto& p : type.params()) {
        params.push_back(Substitute(mapping, p, params_to_dyn));
      }
      return Type::Opaque(type.name(), std::move(params));
    }
    default:
      return type;
  }
}

namespace {

bool IsEqualOrLessSpecific(const Type& t1, const Type& t2) {
  TypeKind k1 = t1.kind();
  TypeKind k2 = t2.kind();
  if (t1.IsDyn() || k1 == TypeKind::kTypeParam) {
    return true;
  }
  if (t2.IsDyn() || k2 == TypeKind::kTypeParam) {
    return false;
  }
  if (k1 != k2) {
    return false;
  }
  switch (k1) {
    case TypeKind::kOpaque:
    case TypeKind::kList:
    case TypeKind::kMap:
      if (t1.name() != t2.name() || t1.params().size() != t2.params().size()) {
        return false;
      }
      for (size_t i = 0; i < t1.params().size(); ++i) {
        if (!IsEqualOrLessSpecific(t1.params()[i], t2.params()[i])) {
          return false;
        }
      }
      return true;
    case TypeKind::kType:
      return true;
    default:
      return t1 == t2;
  }
}

bool NotReferencedIn(const TypeMapping& m, const Type& t, const Type& within) {
  if (t == within) {
    return false;
  }
  switch (within.kind()) {
    case TypeKind::kTypeParam: {
      const Type* sub = m.Find(within);
      return sub == nullptr || NotReferencedIn(m, t, *sub);
    }
    case TypeKind::kOpaque:
    case TypeKind::kList:
    case TypeKind::kMap:
    case TypeKind::kType:
      for (const auto& p : within.params()) {
        if (!NotReferencedIn(m, t, p)) {
          return false;
        }
      }
      return true;
    default:
      return true;
  }
}

bool IsNullable(const Type& t) {
  switch (t.kind()) {
    case TypeKind::kOpaque:
    case TypeKind::kStruct:
    case TypeKind::kAny:
    case TypeKind::kDuration:
    case TypeKind::kTimestamp:
    case TypeKind::kWrapper:
    case TypeKind::kNull:
    case TypeKind::kDyn:
      return true;
    default:
      return false;
  }
}

// cel-go's Type.IsAssignableType for the non-parametric kinds; wrapper(P) behaves like P.
bool Accepts(const Type& to, const Type& from) {
  const Type& a = to.kind() == TypeKind::kWrapper ? to.params()[0] : to;
  const Type& b = from.kind() == TypeKind::kWrapper ? from.params()[0] : from;
  if (a.IsDyn()) {
    return true;
  }
  return a.kind() == b.kind() && a.name() == b.name() && a.params().size() == b.params().size();
}

bool InternalIsAssignable(TypeMapping& m, const Type& t1, const Type& t2);

bool InternalIsAssignableList(TypeMapping& m, const std::vector<Type>& l1,
                              const std::vector<Type>& l2) {
  if (l1.size() != l2.size()) {
    return false;
  }
  for (size_t i = 0; i < l1.size(); ++i) {
    if (!InternalIsAssignable(m, l1[i], l2[i])) {
      return false;
    }
  }
  return true;
}

// Returns {valid, has_substitution}: whether t2 (a type parameter) may stand for t1.
std::pair<bool, bool> IsValidTypeSubstitution(TypeMapping& m, const Type& t1, const Type& t2) {
  if (t1 == t2) {
    return {true, true};
  }
  if (const Type* found = m.Find(t2)) {
    Type t2_sub = *found;
    if (t1 == t2_sub) {
      return {true, true};
    }
    if (InternalIsAssignable(m, t1, t2_sub)) {
      Type t2_new = MostGeneral(t1, t2_sub);
      if (NotReferencedIn(m, t2, t2_new)) {
        m.Add(t2, std::move(t2_new));
      }
      return {true, true};
    }
    return {false, true};
  }
  if (NotReferencedIn(m, t2, t1)) {
    m.Add(t2, t1);
    return {true, false};
  }
  return {false, false};
}

bool InternalIsAssignable(TypeMapping& m, const Type& t1, const Type& t2) {
  TypeKind k1 = t1.kind();
  TypeKind k2 = t2.kind();
  if (k2 == TypeKind::kTypeParam) {
    auto [valid, has_sub] = IsValidTypeSubstitution(m, t1, t2);
    if (valid) {
      return true;
    }
    if (has_sub) {
      return false;
    }
  }
  if (k1 == TypeKind::kTypeParam) {
    return IsValidTypeSubstitution(m, t2, t1).first;
  }
  if (t1.IsDynOrError() || t2.IsDynOrError()) {
    return true;
  }
  if (k1 == TypeKind::kNull) {
    return IsNullable(t2);
  }
  if (k2 == TypeKind::kNull) {
    return IsNullable(t1);
  }
  switch (k1) {
    case TypeKind::kBool:
    case TypeKind::kBytes:
    case TypeKind::kDouble:
    case TypeKind::kInt:
    case TypeKind::kString:
    case TypeKind::kUint:
    case TypeKind::kDuration:
    case TypeKind::kTimestamp:
    case TypeKind::kStruct:
    case TypeKind::kWrapper:
      return Accepts(t2, t1);
    case TypeKind::kType:
      return k2 == TypeKind::kType;
    case TypeKind::kOpaque:
    case TypeKind::kList:
    case TypeKind::kMap:
      return k1 == k2 && t1.name() == t2.name() &&
             InternalIsAssignableList(m, t1.params(), t2.params());
    default:
      return false;
  }
}

}  // namespace

bool IsAssignable(TypeMapping& mapping, const Type& t1, const Type& t2) {
  TypeMapping copy = mapping;
  if (InternalIsAssignable(copy, t1, t2)) {
    mapping = std::move(copy);
    return true;
  }
  return false;
}

bool IsAssignableList(TypeMapping& mapping, const std::vector<Type>& l1,
                      const std::vector<Type>& l2) {
  TypeMapping copy = mapping;
  if (InternalIsAssignableList(copy, l1, l2)) {
    mapping = std::move(copy);
    return true;
  }
  return false;
}

bool IsAssignableType(const Type& to, const Type& from) {
  if (to.IsDyn() || from.IsDyn() || to == from) {
    return true;
  }
  if (from.kind() == TypeKind::kNull) {
    return IsNullable(to);
  }
  if (to.kind() == TypeKind::kWrapper || from.kind() == TypeKind::kWrapper) {
    return Accepts(to, from);
  }
  if (to.kind() != from.kind() || to.name() != from.name() ||
      to.params().size() != from.params().size()) {
    return false;
  }
  for (size_t i = 0; i < to.params().size(); ++i) {
    if (!IsAssignableType(to.params()[i], from.params()[i])) {
      return false;
    }
  }
  return true;
}

Type MostGeneral(const Type& a, const Type& b) { return IsEqualOrLessSpecific(a, b) ? a : b; }

}  // namespace kro::cel
