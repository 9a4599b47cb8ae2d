// TypeProvider: where the checker finds struct (object) types and their fields.
//
// kro's schema module implements it from OpenAPI schemas (object types named
// "__type_<var>.<path>"); MapTypeProvider is a plain in-memory implementation. Implementations
// must be thread-safe for concurrent const use.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kro/cel/checker/types.h"

namespace kro::cel {

struct FieldType {
  Type type;
};

class TypeProvider {
 public:
  virtual ~TypeProvider() = default;

  // The struct type called `name` (a Type of kind kStruct), if this provider defines it.
  virtual std::optional<Type> FindStructType(std::string_view name) const = 0;

  // The type of `field` in struct `struct_name`; nullopt when the struct or field is unknown.
  virtual std::optional<FieldType> FindFieldType(std::string_view struct_name,
                                                 std::string_view field) const = 0;

  // kro divergence (x-kubernetes-preserve-unknown-fields): selecting a field the struct does not
  // declare yields dyn instead of the error "undefined field".
  virtual bool PreservesUnknownFields(std::string_view struct_name) const {
    (void)struct_name;
    return false;
  }
};

// An in-memory TypeProvider, filled before use (thread-compatible while filling, then
// thread-safe for const use).
class MapTypeProvider : public TypeProvider {
 public:
  struct StructDef {
    std::map<std::string, Type, std::less<>> fields;
    bool preserve_unknown_fields = false;
  };

  // Adds (or replaces) struct `name`.
  void AddStruct(std::string name, std::map<std::string, Type, std::less<>> fields,
                 bool preserve_unknown_fields = false);

  std::optional<Type> FindStructType(std::string_view name) const override;
  std::optional<FieldType> FindFieldType(std::string_view struct_name,
                                         std::string_view field) const override;
  bool PreservesUnknownFields(std::string_view struct_name) const override;

 private:
  std::map<std::string, StructDef, std::less<>> structs_;
};

// Consults several providers in order (the first one that knows a struct answers for it).
class CompositeTypeProvider : public TypeProvider {
 public:
  explicit CompositeTypeProvider(std::vector<std::shared_ptr<const TypeProvider>> providers)
      : providers_(std::move(providers)) {}

  std::optional<Type> FindStructType(std::string_view name) const override;
  std::optional<FieldType> FindFieldType(std::string_view struct_name,
                                         std::string_view field) const override;
  bool PreservesUnknownFields(std::string_view struct_name) const override;

 private:
  const TypeProvider* Owner(std::string_view struct_name) const;
  std::vector<std::shared_ptr<const TypeProvider>> providers_;
};

}  // namespace kro::cel
