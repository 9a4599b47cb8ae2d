// The "unstructured" document model: Kubernetes objects, RGD templates and CEL inputs as JSON.
//
// kro::json::Value is Boost.JSON's value (an alias, not a wrapper). This module is the only one
// that includes the JSON and YAML libraries' parsers; their exceptions are caught here and become
// Status values. All functions are thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "kro/base/result.h"

namespace kro::json {

using Value = boost::json::value;
using Object = boost::json::object;
using Array = boost::json::array;
using String = boost::json::string;

// A 1-based line and column in a source text.
struct Position {
  int line = 0;
  int column = 0;
};

// Field path (as written by FieldPath below) -> where its key or value starts in the source.
using PositionMap = std::map<std::string, Position>;

// Parses one JSON document. Errors name the line and column.
Result<Value> Parse(std::string_view text);

// Parses one YAML document (YAML 1.2 core schema: plain scalars become null/bool/int/double,
// quoted scalars stay strings). If `positions` is given, it receives the position of every node.
Result<Value> ParseYaml(std::string_view text, PositionMap* positions = nullptr);

// Parses every document of a multi-document YAML stream (empty documents are skipped).
// `positions`, if given, receives one map per returned document.
Result<std::vector<Value>> ParseYamlDocuments(std::string_view text,
                                              std::vector<PositionMap>* positions = nullptr);

// Compact JSON.
std::string Serialize(const Value& v);

// YAML for humans (block style, keys in the object's order).
std::string ToYaml(const Value& v);

// Path helpers: "spec.template.metadata", "containers[0]", keys that are not identifiers are
// written as ["a.b"].
std::string AppendField(std::string_view path, std::string_view field);
std::string AppendIndex(std::string_view path, size_t index);

// Returns the value at `path` (dot/bracket syntax as above) or nullptr.
const Value* Find(const Value& root, std::string_view path);

// Structural equality where objects compare regardless of key order and numbers compare by
// value (1 == 1.0 is false: int and double differ as in JSON Schema "integer" vs "number").
bool Equal(const Value& a, const Value& b);

}  // namespace kro::json
