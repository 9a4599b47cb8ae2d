// The CEL conformance protocol (shared/cel/PROTOCOL.md): JSON requests on `in`, one JSON
// response line per request on `out`.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

#include "kro/base/result.h"
#include "kro/cel/eval/value.h"
#include "kro/json/json.h"

namespace kro::cel {

// Serves until EOF; returns the process exit code (0).
int ServeConformance(std::istream& in, std::ostream& out);

// Answers one request line (exposed for tests).
std::string HandleConformanceRequest(std::string_view line);

// Typed JSON encoding of values (PROTOCOL.md §4).
Result<Value> DecodeTypedJson(const json::Value& v);
Result<json::Value> EncodeTypedJson(const Value& v);

}  // namespace kro::cel
