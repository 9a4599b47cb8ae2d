// SimpleSchema markers: the `key=value` pairs after the `|` of a field ("integer | default=1
// minimum=0 description=\"a | b\""), parsed and applied to an OpenAPI schema.
//
// Matches upstream kro v0.9.3 `pkg/simpleschema/markers.go`: the same marker names, the same
// quoting rules (double quotes group text and allow \" and \\ escapes; {} and [] group text; other
// whitespace separates markers) and the same per-marker validation. All functions are pure and
// thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kro/base/result.h"
#include "kro/json/json.h"

namespace kro::schema::simpleschema {

enum class MarkerType {
  kRequired,
  kDefault,
  kDescription,
  kMinimum,
  kMaximum,
  kValidation,
  kEnum,
  kImmutable,
  kPattern,
  kUniqueItems,
  kMinLength,
  kMaxLength,
  kMinItems,
  kMaxItems,
  kListType,
  kListMapKey,
};

// The marker's spelling in SimpleSchema ("minLength").
std::string_view MarkerName(MarkerType type);

struct Marker {
  MarkerType type;
  std::string key;    // as written
  std::string value;  // unquoted and unescaped when it was quoted, else trimmed
};

// Parses the text after `|`. Fails (InvalidArgument, message without a field path) on an unknown
// marker name ("unknown marker 'minimun'"), an empty key, a key without `=`, an unclosed quote or
// bracket, or an unmatched closing bracket. Note that, as upstream, an empty marker text ("" or
// only spaces) is an error too.
Result<std::vector<Marker>> ParseMarkers(std::string_view text);

// Applies `markers` in order to `schema` (an OpenAPI schema object whose "type" is already set).
// `required` markers append `field_name` to `parent`'s "required" list. Fails with the
// upstream-equivalent message when a marker does not fit the type or its value does not parse.
Status ApplyMarkers(const std::vector<Marker>& markers, std::string_view field_name,
                    json::Object& schema, json::Object& parent);

}  // namespace kro::schema::simpleschema
