// Split: the members of an object, or the elements of an array, as raw JSON text, found without
// building a document.
//
// A list response of 500 Kubernetes objects parses into a document of several megabytes; split,
// each item can be parsed, used and dropped in turn. The scan checks the structure it walks
// (brackets, strings, separators); the values it hands out are not checked inside: parse them.
#pragma once

#include <functional>
#include <string_view>

#include "kro/base/result.h"

namespace kro::json {

// `fn(key, value_text)` for each member of the object `text`, in order; `key` is unescaped.
// Stops at the first error `fn` returns and returns it. Errors: kInvalidArgument (with the byte
// offset) when `text` is not a well-formed object at this level.
Status ForEachMember(std::string_view text,
                     const std::function<Status(std::string_view key, std::string_view value)>& fn);

// `fn(element_text)` for each element of the array `text`, in order; errors as above.
Status ForEachElement(std::string_view text,
                      const std::function<Status(std::string_view element)>& fn);

}  // namespace kro::json
