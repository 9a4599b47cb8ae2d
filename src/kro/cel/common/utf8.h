// UTF-8 encoding of one code point, shared by the lexer (string literal escapes) and the
// strings library. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace kro::cel {

// Appends the UTF-8 encoding of `cp` to `out`. REQUIRES: cp <= 0x10FFFF.
void AppendUtf8(uint32_t cp, std::string* out);

}  // namespace kro::cel
