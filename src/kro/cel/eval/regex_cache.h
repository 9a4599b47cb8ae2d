// kro::cel::RegexCache: compiled RE2 patterns for the regex functions (matches, find, findAll),
// so an expression does not recompile its pattern on every evaluation.
//
// Each Program owns one. Patterns that are constants in the expression are compiled when the
// Program is planned (Pin) and kept for its lifetime; patterns computed at run time go through a
// small LRU of `capacity` entries. Get() is thread-safe (a Program may be evaluated from several
// threads); Pin() is for planning only, before the cache is shared.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace re2 {
class RE2;
}  // namespace re2

namespace kro::cel {

class RegexCache {
 public:
  static constexpr size_t kDefaultCapacity = 16;

  explicit RegexCache(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}
  RegexCache(const RegexCache&) = delete;
  RegexCache& operator=(const RegexCache&) = delete;

  // Compiles `pattern` now and keeps it. Not thread-safe.
  void Pin(std::string_view pattern);

  // The compiled pattern (check ok(): an invalid pattern is cached too, with its error).
  std::shared_ptr<const re2::RE2> Get(std::string_view pattern);

  // How many times a pattern was compiled (for tests).
  uint64_t compilations() const { return compilations_.load(std::memory_order_relaxed); }

  // A pattern compiled with the options every CEL regex function uses (UTF-8, no logging).
  static std::shared_ptr<const re2::RE2> Compile(std::string_view pattern);

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const re2::RE2>>;

  std::shared_ptr<const re2::RE2> CompileCounted(std::string_view pattern);

  size_t capacity_;
  std::vector<Entry> pinned_;  // immutable once planned
  std::mutex mu_;
  std::vector<Entry> recent_;  // guarded by mu_; most recently used last
  std::atomic<uint64_t> compilations_{0};
};

// The compiled `pattern`: through `cache` when there is one, else compiled now.
std::shared_ptr<const re2::RE2> CompileRegex(RegexCache* cache, std::string_view pattern);

}  // namespace kro::cel
