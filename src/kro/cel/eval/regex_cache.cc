#include "kro/cel/eval/regex_cache.h"

#include <re2/re2.h>

namespace kro::cel {

std::shared_ptr<const RE2> RegexCache::Compile(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  return std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
}

std::shared_ptr<const RE2> RegexCache::CompileCounted(std::string_view pattern) {
  compilations_.fetch_add(1, std::memory_order_relaxed);
  return Compile(pattern);
}

void RegexCache::Pin(std::string_view pattern) {
  for (const Entry& e : pinned_) {
    if (e.first == pattern) return;
  }
  pinned_.emplace_back(std::string(pattern), CompileCounted(pattern));
}

std::shared_ptr<const RE2> RegexCache::Get(std::string_view pattern) {
  for (const Entry& e : pinned_) {
    if (e.first == pattern) return e.second;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = recent_.size(); i-- > 0;) {
      if (recent_[i].first != pattern) continue;
      std::shared_ptr<const RE2> re = recent_[i].second;
      if (i + 1 != recent_.size()) {
        Entry hit = std::move(recent_[i]);
        recent_.erase(recent_.begin() + static_cast<std::ptrdiff_t>(i));
        recent_.push_back(std::move(hit));
      }
      return re;
    }
  }
  // Compiled outside the lock; two threads may both compile a new pattern, which is harmless.
  std::shared_ptr<const RE2> re = CompileCounted(pattern);
  if (capacity_ == 0) return re;
  std::lock_guard<std::mutex> lock(mu_);
  for (const Entry& e : recent_) {
    if (e.first == pattern) return e.second;
  }
  if (recent_.size() >= capacity_) recent_.erase(recent_.begin());
  recent_.emplace_back(std::string(pattern), re);
  return re;
}

std::shared_ptr<const RE2> CompileRegex(RegexCache* cache, std::string_view pattern) {
  return cache != nullptr ? cache->Get(pattern) : RegexCache::Compile(pattern);
}

}  // namespace kro::cel
