// Field selection and indexing on run-time values (shared by the evaluator and libraries).
#pragma once

#include <string_view>

#include "kro/cel/eval/value.h"

namespace kro::cel {

// operand.field (maps: key lookup; optionals: optional result).
Value SelectField(const Value& operand, std::string_view field);
// has(operand.field).
Value TestField(const Value& operand, std::string_view field);
// operand.?field
Value OptSelectField(const Value& operand, std::string_view field);
// operand[index]
Value IndexValue(const Value& operand, const Value& index);
// operand[?index]
Value OptIndexValue(const Value& operand, const Value& index);

}  // namespace kro::cel
