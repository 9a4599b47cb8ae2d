// Declaration tables of kro's own CEL libraries (kro pkg/cel/library): hash, json, random, maps
// (merge, deepMerge), index-mutation lists, omit and runtime conditions. Overload ids are kro's.
// kro.run.Runtime and kro.run.Condition are struct types (see AddLibrary(kKroRuntime)).
#include "kro/cel/checker/decls.h"

namespace kro::cel::internal {

std::span<const OverloadSpec> KroHashOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"hash.fnv64a", "hash.fnv64a_string", false, "string", "bytes"},
      {"hash.sha256", "hash.sha256_string", false, "string", "bytes"},
      {"hash.md5", "hash.md5_string", false, "string", "bytes"},
  };
  return kTable;
}

std::span<const OverloadSpec> KroJsonOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"json.unmarshal", "json.unmarshal_string", false, "string", "dyn"},
      {"json.marshal", "json.marshal_dyn", false, "dyn", "string"},
  };
  return kTable;
}

std::span<const OverloadSpec> KroRandomOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"random.seededString", "random.seededString_int_string", false, "int, string", "string"},
      {"random.seededInt", "random.seededInt_int_int_string", false, "int, int, string", "int"},
  };
  return kTable;
}

std::span<const OverloadSpec> KroMapsOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"merge", "map_merge", true, "map(K, V), map(K, V)", "map(K, V)"},
  };
  return kTable;
}

std::span<const OverloadSpec> KroDeepMergeOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"deepMerge", "dyn_deepmerge_dyn", true, "dyn, dyn", "dyn"},
  };
  return kTable;
}

std::span<const OverloadSpec> KroListsOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"lists.setAtIndex", "lists.setAtIndex_list_int_T", false, "list(T), int, T", "list(T)"},
      {"lists.insertAtIndex", "lists.insertAtIndex_list_int_T", false,
       "list(T), int, T", "list(T)"},
      {"lists.removeAtIndex", "lists.removeAtIndex_list_int", false, "list(T), int", "list(T)"},
  };
  return kTable;
}

std::span<const OverloadSpec> KroOmitOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"omit", "omit_void", false, "", "dyn"},
  };
  return kTable;
}

std::span<const OverloadSpec> KroRuntimeOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"newCondition", "runtime_newCondition_map", true,
       "kro.run.Runtime, map(string, string)", "kro.run.Condition"},
      {"condition", "runtime_condition_dyn_string", true,
       "kro.run.Runtime, dyn, string", "kro.run.Condition"},
  };
  return kTable;
}

}  // namespace kro::cel::internal
