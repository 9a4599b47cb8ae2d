#include "kro/kube/gzip_decoder.h"

#include <zlib.h>

#include <algorithm>

namespace kro::kube {

struct GzipDecoder::Stream {
  z_stream z{};
  bool open = false;
};

GzipDecoder::GzipDecoder() : stream_(std::make_unique<Stream>()) {}

GzipDecoder::~GzipDecoder() {
  if (stream_->open) {
    inflateEnd(&stream_->z);
  }
}

Status GzipDecoder::Feed(std::string_view in, std::string& out) {
  z_stream& z = stream_->z;
  while (!in.empty()) {
    if (!stream_->open) {
      z = z_stream{};
      // 16 + MAX_WBITS: a gzip header and trailer, not raw zlib.
      if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        return Status(ErrorCode::kInternal, "gzip: inflateInit2 failed");
      }
      stream_->open = true;
      complete_ = false;
    }
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    int rc = Z_OK;
    while (rc == Z_OK && (z.avail_in > 0 || z.avail_out == 0)) {
      size_t before = out.size();
      size_t room = std::max<size_t>(16 * 1024, in.size() * 4);
      out.resize(before + room);
      z.next_out = reinterpret_cast<Bytef*>(out.data() + before);
      z.avail_out = static_cast<uInt>(room);
      rc = inflate(&z, Z_NO_FLUSH);
      out.resize(before + room - z.avail_out);
      if (rc == Z_BUF_ERROR && z.avail_in == 0) {
        rc = Z_OK;  // needs more input
        break;
      }
    }
    if (rc != Z_OK && rc != Z_STREAM_END) {
      std::string why = z.msg != nullptr ? z.msg : "error " + std::to_string(rc);
      return Unavailable("gzip response body is corrupt: " + why);
    }
    in.remove_prefix(in.size() - z.avail_in);
    if (rc == Z_STREAM_END) {
      inflateEnd(&z);
      stream_->open = false;
      complete_ = true;  // another member may follow
    }
  }
  return Status::Ok();
}

Result<std::string> GunzipAll(std::string_view in) {
  GzipDecoder decoder;
  std::string out;
  KRO_RETURN_IF_ERROR(decoder.Feed(in, out));
  if (!decoder.complete()) {
    return Unavailable("gzip response body is truncated");
  }
  return out;
}

}  // namespace kro::kube
