// Declaration tables of the cel-go extension libraries kro enables (ext.Strings, ext.Lists,
// ext.Encoders, ext.TwoVarComprehensions, all at their latest version) plus ext.Math (used only by
// the conformance environment). Overload ids are cel-go's; one row per overload:
// {function, overload id, member?, params, result}.
//
// math.greatest/math.least repeat math.@max/@min's rows: kro-cpp's parser does not expand those
// macros, so the calls are checked directly (3+ arguments are handled by the checker).
//
// `@sortByAssociatedKeys` (the expansion of sortBy) is declared both receiver-style, as in cel-go,
// and as a global function with the same ids, so either parser output checks.
#include "kro/cel/checker/decls.h"

namespace kro::cel::internal {

std::span<const OverloadSpec> StringsOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"charAt", "string_char_at_int", true, "string, int", "string"},
      {"indexOf", "string_index_of_string", true, "string, string", "int"},
      {"indexOf", "string_index_of_string_int", true, "string, string, int", "int"},
      {"lastIndexOf", "string_last_index_of_string", true, "string, string", "int"},
      {"lastIndexOf", "string_last_index_of_string_int", true, "string, string, int", "int"},
      {"lowerAscii", "string_lower_ascii", true, "string", "string"},
      {"replace", "string_replace_string_string", true, "string, string, string", "string"},
      {"replace", "string_replace_string_string_int", true,
       "string, string, string, int", "string"},
      {"split", "string_split_string", true, "string, string", "list(string)"},
      {"split", "string_split_string_int", true, "string, string, int", "list(string)"},
      {"substring", "string_substring_int", true, "string, int", "string"},
      {"substring", "string_substring_int_int", true, "string, int, int", "string"},
      {"trim", "string_trim", true, "string", "string"},
      {"upperAscii", "string_upper_ascii", true, "string", "string"},
      {"format", "string_format", true, "string, list(dyn)", "string"},
      {"strings.quote", "strings_quote", false, "string", "string"},
      {"join", "list_join", true, "list(string)", "string"},
      {"join", "list_join_string", true, "list(string), string", "string"},
      {"reverse", "string_reverse", true, "string", "string"},
  };
  return kTable;
}

std::span<const OverloadSpec> ListsOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"slice", "list_slice", true, "list(T), int, int", "list(T)"},
      {"flatten", "list_flatten", true, "list(list(T))", "list(T)"},
      {"flatten", "list_flatten_int", true, "list(dyn), int", "list(dyn)"},
      {"sort", "list_int_sort", true, "list(int)", "list(int)"},
      {"sort", "list_uint_sort", true, "list(uint)", "list(uint)"},
      {"sort", "list_double_sort", true, "list(double)", "list(double)"},
      {"sort", "list_bool_sort", true, "list(bool)", "list(bool)"},
      {"sort", "list_duration_sort", true, "list(duration)", "list(duration)"},
      {"sort", "list_timestamp_sort", true, "list(timestamp)", "list(timestamp)"},
      {"sort", "list_string_sort", true, "list(string)", "list(string)"},
      {"sort", "list_bytes_sort", true, "list(bytes)", "list(bytes)"},
      {"@sortByAssociatedKeys", "list_int_sortByAssociatedKeys", true,
       "list(T), list(int)", "list(T)"},
      {"@sortByAssociatedKeys", "list_uint_sortByAssociatedKeys", true,
       "list(T), list(uint)", "list(T)"},
      {"@sortByAssociatedKeys", "list_double_sortByAssociatedKeys", true,
       "list(T), list(double)", "list(T)"},
      {"@sortByAssociatedKeys", "list_bool_sortByAssociatedKeys", true,
       "list(T), list(bool)", "list(T)"},
      {"@sortByAssociatedKeys", "list_duration_sortByAssociatedKeys", true,
       "list(T), list(duration)", "list(T)"},
      {"@sortByAssociatedKeys", "list_timestamp_sortByAssociatedKeys", true,
       "list(T), list(timestamp)", "list(T)"},
      {"@sortByAssociatedKeys", "list_string_sortByAssociatedKeys", true,
       "list(T), list(string)", "list(T)"},
      {"@sortByAssociatedKeys", "list_bytes_sortByAssociatedKeys", true,
       "list(T), list(bytes)", "list(T)"},
      {"@sortByAssociatedKeys", "list_int_sortByAssociatedKeys", false,
       "list(T), list(int)", "list(T)"},
      {"@sortByAssociatedKeys", "list_uint_sortByAssociatedKeys", false,
       "list(T), list(uint)", "list(T)"},
      {"@sortByAssociatedKeys", "list_double_sortByAssociatedKeys", false,
       "list(T), list(double)", "list(T)"},
      {"@sortByAssociatedKeys", "list_bool_sortByAssociatedKeys", false,
       "list(T), list(bool)", "list(T)"},
      {"@sortByAssociatedKeys", "list_duration_sortByAssociatedKeys", false,
       "list(T), list(duration)", "list(T)"},
      {"@sortByAssociatedKeys", "list_timestamp_sortByAssociatedKeys", false,
       "list(T), list(timestamp)", "list(T)"},
      {"@sortByAssociatedKeys", "list_string_sortByAssociatedKeys", false,
       "list(T), list(string)", "list(T)"},
      {"@sortByAssociatedKeys", "list_bytes_sortByAssociatedKeys", false,
       "list(T), list(bytes)", "list(T)"},
      {"lists.range", "lists_range", false, "int", "list(int)"},
      {"reverse", "list_reverse", true, "list(T)", "list(T)"},
      {"distinct", "list_distinct", true, "list(T)", "list(T)"},
  };
  return kTable;
}

std::span<const OverloadSpec> EncodersOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"base64.decode", "base64_decode_string", false, "string", "bytes"},
      {"base64.encode", "base64_encode_bytes", false, "bytes", "string"},
  };
  return kTable;
}

std::span<const OverloadSpec> MathOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"math.@min", "math_@min_double", false, "double", "double"},
      {"math.@min", "math_@min_int", false, "int", "int"},
      {"math.@min", "math_@min_uint", false, "uint", "uint"},
      {"math.@min", "math_@min_double_double", false, "double, double", "double"},
      {"math.@min", "math_@min_int_int", false, "int, int", "int"},
      {"math.@min", "math_@min_uint_uint", false, "uint, uint", "uint"},
      {"math.@min", "math_@min_int_uint", false, "int, uint", "dyn"},
      {"math.@min", "math_@min_int_double", false, "int, double", "dyn"},
      {"math.@min", "math_@min_double_int", false, "double, int", "dyn"},
      {"math.@min", "math_@min_double_uint", false, "double, uint", "dyn"},
      {"math.@min", "math_@min_uint_int", false, "uint, int", "dyn"},
      {"math.@min", "math_@min_uint_double", false, "uint, double", "dyn"},
      {"math.@min", "math_@min_list_double", false, "list(double)", "double"},
      {"math.@min", "math_@min_list_int", false, "list(int)", "int"},
      {"math.@min", "math_@min_list_uint", false, "list(uint)", "uint"},
      {"math.@max", "math_@max_double", false, "double", "double"},
      {"math.@max", "math_@max_int", false, "int", "int"},
      {"math.@max", "math_@max_uint", false, "uint", "uint"},
      {"math.@max", "math_@max_double_double", false, "double, double", "double"},
      {"math.@max", "math_@max_int_int", false, "int, int", "int"},
      {"math.@max", "math_@max_uint_uint", false, "uint, uint", "uint"},
      {"math.@max", "math_@max_int_uint", false, "int, uint", "dyn"},
      {"math.@max", "math_@max_int_double", false, "int, double", "dyn"},
      {"math.@max", "math_@max_double_int", false, "double, int", "dyn"},
      {"math.@max", "math_@max_double_uint", false, "double, uint", "dyn"},
      {"math.@max", "math_@max_uint_int", false, "uint, int", "dyn"},
      {"math.@max", "math_@max_uint_double", false, "uint, double", "dyn"},
      {"math.@max", "math_@max_list_double", false, "list(double)", "double"},
      {"math.@max", "math_@max_list_int", false, "list(int)", "int"},
      {"math.@max", "math_@max_list_uint", false, "list(uint)", "uint"},
      {"math.ceil", "math_ceil_double", false, "double", "double"},
      {"math.floor", "math_floor_double", false, "double", "double"},
      {"math.round", "math_round_double", false, "double", "double"},
      {"math.trunc", "math_trunc_double", false, "double", "double"},
      {"math.isInf", "math_isInf_double", false, "double", "bool"},
      {"math.isNaN", "math_isNaN_double", false, "double", "bool"},
      {"math.isFinite", "math_isFinite_double", false, "double", "bool"},
      {"math.abs", "math_abs_double", false, "double", "double"},
      {"math.abs", "math_abs_int", false, "int", "int"},
      {"math.abs", "math_abs_uint", false, "uint", "uint"},
      {"math.sign", "math_sign_double", false, "double", "double"},
      {"math.sign", "math_sign_int", false, "int", "int"},
      {"math.sign", "math_sign_uint", false, "uint", "uint"},
      {"math.bitAnd", "math_bitAnd_int_int", false, "int, int", "int"},
      {"math.bitAnd", "math_bitAnd_uint_uint", false, "uint, uint", "uint"},
      {"math.bitOr", "math_bitOr_int_int", false, "int, int", "int"},
      {"math.bitOr", "math_bitOr_uint_uint", false, "uint, uint", "uint"},
      {"math.bitXor", "math_bitXor_int_int", false, "int, int", "int"},
      {"math.bitXor", "math_bitXor_uint_uint", false, "uint, uint", "uint"},
      {"math.bitNot", "math_bitNot_int_int", false, "int", "int"},
      {"math.bitNot", "math_bitNot_uint_uint", false, "uint", "uint"},
      {"math.bitShiftLeft", "math_bitShiftLeft_int_int", false, "int, int", "int"},
      {"math.bitShiftLeft", "math_bitShiftLeft_uint_int", false, "uint, int", "uint"},
      {"math.bitShiftRight", "math_bitShiftRight_int_int", false, "int, int", "int"},
      {"math.bitShiftRight", "math_bitShiftRight_uint_int", false, "uint, int", "uint"},
      {"math.sqrt", "math_sqrt_double", false, "double", "double"},
      {"math.sqrt", "math_sqrt_int", false, "int", "double"},
      {"math.sqrt", "math_sqrt_uint", false, "uint", "double"},
      {"math.least", "math_@min_double", false, "double", "double"},
      {"math.least", "math_@min_int", false, "int", "int"},
      {"math.least", "math_@min_uint", false, "uint", "uint"},
      {"math.least", "math_@min_double_double", false, "double, double", "double"},
      {"math.least", "math_@min_int_int", false, "int, int", "int"},
      {"math.least", "math_@min_uint_uint", false, "uint, uint", "uint"},
      {"math.least", "math_@min_int_uint", false, "int, uint", "dyn"},
      {"math.least", "math_@min_int_double", false, "int, double", "dyn"},
      {"math.least", "math_@min_double_int", false, "double, int", "dyn"},
      {"math.least", "math_@min_double_uint", false, "double, uint", "dyn"},
      {"math.least", "math_@min_uint_int", false, "uint, int", "dyn"},
      {"math.least", "math_@min_uint_double", false, "uint, double", "dyn"},
      {"math.least", "math_@min_list_double", false, "list(double)", "double"},
      {"math.least", "math_@min_list_int", false, "list(int)", "int"},
      {"math.least", "math_@min_list_uint", false, "list(uint)", "uint"},
      {"math.greatest", "math_@max_double", false, "double", "double"},
      {"math.greatest", "math_@max_int", false, "int", "int"},
      {"math.greatest", "math_@max_uint", false, "uint", "uint"},
      {"math.greatest", "math_@max_double_double", false, "double, double", "double"},
      {"math.greatest", "math_@max_int_int", false, "int, int", "int"},
      {"math.greatest", "math_@max_uint_uint", false, "uint, uint", "uint"},
      {"math.greatest", "math_@max_int_uint", false, "int, uint", "dyn"},
      {"math.greatest", "math_@max_int_double", false, "int, double", "dyn"},
      {"math.greatest", "math_@max_double_int", false, "double, int", "dyn"},
      {"math.greatest", "math_@max_double_uint", false, "double, uint", "dyn"},
      {"math.greatest", "math_@max_uint_int", false, "uint, int", "dyn"},
      {"math.greatest", "math_@max_uint_double", false, "uint, double", "dyn"},
      {"math.greatest", "math_@max_list_double", false, "list(double)", "double"},
      {"math.greatest", "math_@max_list_int", false, "list(int)", "int"},
      {"math.greatest", "math_@max_list_uint", false, "list(uint)", "uint"},
  };
  return kTable;
}

std::span<const OverloadSpec> TwoVarComprehensionOverloads() {
  static constexpr OverloadSpec kTable[] = {
      {"cel.@mapInsert", "@mapInsert_map_key_value", false, "map(K, V), K, V", "map(K, V)"},
      {"cel.@mapInsert", "@mapInsert_map_map", false, "map(K, V), map(K, V)", "map(K, V)"},
  };
  return kTable;
}

}  // namespace kro::cel::internal
