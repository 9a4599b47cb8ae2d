// GzipDecoder: decompresses a gzip-encoded HTTP body (Content-Encoding: gzip) incrementally,
// so a streamed body can be decoded chunk by chunk as it arrives. zlib. Thread-compatible.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "kro/base/result.h"

namespace kro::kube {

class GzipDecoder {
 public:
  GzipDecoder();
  ~GzipDecoder();
  GzipDecoder(const GzipDecoder&) = delete;
  GzipDecoder& operator=(const GzipDecoder&) = delete;

  // Decompresses `in` (the next bytes of the encoded body) and appends the result to `out`.
  // Concatenated gzip members are decoded in turn. Errors: kUnavailable for data that is not
  // gzip or is corrupt (the body was damaged in transit).
  Status Feed(std::string_view in, std::string& out);

  // True when the input so far ends exactly at the end of a gzip member (a complete body).
  bool complete() const { return complete_; }

 private:
  struct Stream;
  std::unique_ptr<Stream> stream_;
  bool complete_ = false;
};

// Decodes a whole gzip body. Errors as for Feed, and kUnavailable for a truncated body.
Result<std::string> GunzipAll(std::string_view in);

}  // namespace kro::kube
