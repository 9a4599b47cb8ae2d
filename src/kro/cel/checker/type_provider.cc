#include "kro/cel/checker/type_provider.h"

namespace kro::cel {

void MapTypeProvider::AddStruct(std::string name, std::map<std::string, Type, std::less<>> fields,
                                bool preserve_unknown_fields) {
  structs_[std::move(name)] = StructDef{std::move(fields), preserve_unknown_fields};
}

std::optional<Type> MapTypeProvider::FindStructType(std::string_view name) const {
  auto it = structs_.find(name);
  if (it == structs_.end()) {
    return std::nullopt;
  }
  return Type::Struct(it->first);
}

std::optional<FieldType> MapTypeProvider::FindFieldType(std::string_view struct_name,
                                                        std::string_view field) const {
  auto it = structs_.find(struct_name);
  if (it == structs_.end()) {
    return std::nullopt;
  }
  auto f = it->second.fields.find(field);
  if (f == it->second.fields.end()) {
    return std::nullopt;
  }
  return FieldType{f->second};
}

bool MapTypeProvider::PreservesUnknownFields(std::string_view struct_name) const {
  auto it = structs_.find(struct_name);
  return it != structs_.end() && it->second.preserve_unknown_fields;
}

const TypeProvider* CompositeTypeProvider::Owner(std::string_view struct_name) const {
  for (const auto& p : providers_) {
    if (p && p->FindStructType(struct_name)) {
      return p.get();
    }
  }
  return nullptr;
}

std::optional<Type> CompositeTypeProvider::FindStructType(std::string_view name) const {
  const TypeProvider* owner = Owner(name);
  return owner ? owner->FindStructType(name) : std::nullopt;
}

std::optional<FieldType> CompositeTypeProvider::FindFieldType(std::string_view struct_name,
                                                              std::string_view field) const {
  const TypeProvider* owner = Owner(struct_name);
  return owner ? owner->FindFieldType(struct_name, field) : std::nullopt;
}

bool CompositeTypeProvider::PreservesUnknownFields(std::string_view struct_name) const {
  const TypeProvider* owner = Owner(struct_name);
  return owner != nullptr && owner->PreservesUnknownFields(struct_name);
}

}  // namespace kro::cel
