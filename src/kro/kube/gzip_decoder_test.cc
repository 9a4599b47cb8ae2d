#include "kro/kube/gzip_decoder.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace kro::kube {
namespace {

// A gzip member of `text` (zlib's deflate with a gzip wrapper).
std::string Gzip(const std::string& text) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, text.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

std::string Sample() {
  std::string s;
  for (int i = 0; i < 20000; ++i) {
    s += "{\"type\":\"ADDED\",\"object\":{\"n\":" + std::to_string(i) + "}}\n";
  }
  return s;
}

TEST(GzipDecoder, WholeBody) {
  std::string text = Sample();
  std::string gz = Gzip(text);
  ASSERT_LT(gz.size(), text.size() / 5);
  auto out = GunzipAll(gz);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, text);
  auto empty = GunzipAll(Gzip(""));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

TEST(GzipDecoder, ByteByByteAndInOddChunks) {
  std::string text = Sample().substr(0, 50000);
  std::string gz = Gzip(text);
  for (size_t step : {size_t{1}, size_t{7}, size_t{4096}}) {
    SCOPED_TRACE(step);
    GzipDecoder d;
    std::string out;
    for (size_t i = 0; i < gz.size(); i += step) {
      ASSERT_TRUE(d.Feed(std::string_view(gz).substr(i, step), out).ok());
      EXPECT_EQ(d.complete(), i + step >= gz.size());
    }
    EXPECT_EQ(out, text);
  }
}

TEST(GzipDecoder, ConcatenatedMembers) {
  auto out = GunzipAll(Gzip("hello, ") + Gzip("world"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "hello, world");
}

TEST(GzipDecoder, CorruptAndTruncatedBodiesAreErrors) {
  std::string gz = Gzip(Sample());
  EXPECT_FALSE(GunzipAll("plain text, not gzip").ok());
  EXPECT_FALSE(GunzipAll(gz.substr(0, gz.size() / 2)).ok());
  std::string damaged = gz;
  damaged[damaged.size() / 2] ^= 0x55;
  EXPECT_FALSE(GunzipAll(damaged).ok());
}

}  // namespace
}  // namespace kro::kube
