#include "kro/kube/informer.h"

#include <algorithm>
#include <set>

#include "kro/kube/watch.h"

namespace kro::kube {

Informer::Informer(Client& client, Gvr gvr, InformerOptions options)
    : client_(client), gvr_(std::move(gvr)), options_(std::move(options)) {}

Informer::~Informer() { Stop(); }

int Informer::AddEventHandler(EventHandler handler) {
  std::lock_guard<std::mutex> lock(handlers_mu_);
  if (handler.on_add) {
    for (const ObjectPtr& obj : store_.List()) {
      handler.on_add(obj);
    }
  }
  int id = next_handler_id_++;
  handlers_.emplace(id, std::move(handler));
  return id;
}

void Informer::RemoveEventHandler(int id) {
  std::lock_guard<std::mutex> lock(handlers_mu_);
  handlers_.erase(id);
}

void Informer::Start() {
  std::lock_guard<std::mutex> lock(thread_mu_);
  if (thread_.joinable()) {
    return;
  }
  thread_ = std::jthread([this](std::stop_token stop) { Run(std::move(stop)); });
}

void Informer::Stop() {
  std::jthread t;
  {
    std::lock_guard<std::mutex> lock(thread_mu_);
    t = std::move(thread_);
  }
  if (t.joinable()) {
    t.request_stop();
    t.join();
  }
}

bool Informer::WaitForSync(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(sync_mu_);
  return sync_cv_.wait_for(lock, timeout, [this] { return synced_.load(); });
}

InformerStats Informer::stats() const {
  std::lock_guard<std::mutex> lock(stats_mu_);
  return stats_;
}

ObjectPtr Informer::Ingest(json::Value&& obj) const {
  if (options_.drop_managed_fields) {
    DropManagedFields(obj);
  }
  return std::make_shared<const json::Value>(std::move(obj));
}

Status Informer::ListAndReplace(std::string* rv) {
  ListOptions lo;
  lo.label_selector = options_.label_selector;
  lo.field_selector = options_.field_selector;
  lo.limit = options_.page_size;
  std::set<std::pair<std::string, std::string>> seen;
  // Items are taken one at a time as the list is decoded, so a relist of many objects never
  // holds them all as documents.
  KRO_ASSIGN_OR_RETURN(
      ListResult list, client_.ListEach(gvr_, options_.ns, lo, [&](json::Value&& item) {
        ObjectPtr obj = Ingest(std::move(item));
        seen.emplace(std::string(NamespaceOf(*obj)), std::string(NameOf(*obj)));
        std::lock_guard<std::mutex> lock(handlers_mu_);
        ObjectPtr cached = store_.Get(NamespaceOf(*obj), NameOf(*obj));
        if (cached != nullptr && ResourceVersionOf(*cached) == ResourceVersionOf(*obj)) {
          return Status::Ok();  // unchanged: nothing to store or tell
        }
        StoreAndNotify(obj);
        return Status::Ok();
      }));
  std::lock_guard<std::mutex> lock(handlers_mu_);
  for (const ObjectKey& key : store_.Keys()) {
    if (seen.count({key.ns, key.name}) != 0) {
      continue;
    }
    ObjectPtr gone = store_.Erase(key.ns, key.name);
    for (auto& [id, h] : handlers_) {
      if (h.on_delete) {
        h.on_delete(gone);
      }
    }
  }
  *rv = list.resource_version;
  {
    std::lock_guard<std::mutex> slock(stats_mu_);
    ++stats_.lists;
    stats_.resource_version = *rv;
  }
  return Status::Ok();
}

void Informer::Apply(WatchEvent& event) {
  std::string_view rv = ResourceVersionOf(event.object);
  {
    std::lock_guard<std::mutex> slock(stats_mu_);
    ++stats_.events;
    if (!rv.empty()) {
      stats_.resource_version = std::string(rv);
    }
  }
  if (event.type == WatchEventType::kBookmark) {
    return;
  }
  std::lock_guard<std::mutex> lock(handlers_mu_);
  if (event.type == WatchEventType::kDeleted) {
    ObjectPtr gone = store_.Erase(NamespaceOf(event.object), NameOf(event.object));
    ObjectPtr last = Ingest(std::move(event.object));
    for (auto& [id, h] : handlers_) {
      if (h.on_delete) {
        h.on_delete(last);
      }
    }
    return;
  }
  StoreAndNotify(Ingest(std::move(event.object)));
}

void Informer::StoreAndNotify(const ObjectPtr& obj) {
  ObjectPtr old = store_.Upsert(*obj);
  for (auto& [id, h] : handlers_) {
    if (old == nullptr) {
      if (h.on_add) {
        h.on_add(obj);
      }
    } else if (h.on_update) {
      h.on_update(old, obj);
    }
  }
}

bool Informer::Sleep(std::stop_token& stop, std::chrono::milliseconds d) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> lock(m);
  cv.wait_for(lock, stop, d, [] { return false; });
  return !stop.stop_requested();
}

void Informer::Run(std::stop_token stop) {
  std::chrono::milliseconds backoff = options_.backoff_initial;
  uint64_t in_a_row = 0;
  auto fail = [&](const Status& s) {
    {
      std::lock_guard<std::mutex> slock(stats_mu_);
      ++stats_.watch_failures;
      stats_.last_error = s;
    }
    if (options_.on_error) {
      options_.on_error(gvr_, s, ++in_a_row);
    }
    bool keep = Sleep(stop, backoff);
    backoff = std::min(backoff * 2, options_.backoff_max);
    return keep;
  };
  bool need_list = true;
  std::string rv;
  while (!stop.stop_requested()) {
    if (need_list) {
      Status s = ListAndReplace(&rv);
      if (!s.ok()) {
        if (!fail(s)) {
          return;
        }
        continue;
      }
      need_list = false;
      in_a_row = 0;
      if (!synced_.exchange(true)) {
        std::lock_guard<std::mutex> lock(sync_mu_);
        sync_cv_.notify_all();
      }
    }
    WatchOptions wo;
    wo.resource_version = rv;
    wo.allow_bookmarks = true;
    wo.label_selector = options_.label_selector;
    wo.field_selector = options_.field_selector;
    wo.timeout_seconds = options_.watch_timeout_seconds;
    {
      std::lock_guard<std::mutex> slock(stats_mu_);
      ++stats_.watches;
    }
    bool got_event = false;
    Status s = Watch(client_, gvr_, options_.ns, wo, stop, [&](WatchEvent& ev) {
      std::string_view ev_rv = ResourceVersionOf(ev.object);
      if (!ev_rv.empty()) {
        rv = std::string(ev_rv);
      }
      got_event = true;
      Apply(ev);
      return true;
    });
    if (stop.stop_requested()) {
      return;
    }
    if (got_event) {
      backoff = options_.backoff_initial;
      in_a_row = 0;
    }
    if (s.ok()) {
      continue;  // the server ended the watch (timeout); resume from rv
    }
    if (s.code() == ErrorCode::kOutOfRange) {
      // Our resourceVersion was compacted away: relist and diff against the cache.
      std::lock_guard<std::mutex> slock(stats_mu_);
      ++stats_.relists_gone;
      stats_.last_error = s;
      need_list = true;
      continue;
    }
    if (!fail(s)) {
      return;
    }
  }
}

InformerFactory::InformerFactory(Client& client, InformerOptions defaults)
    : client_(client), defaults_(std::move(defaults)) {}

InformerFactory::~InformerFactory() { Stop(); }

std::shared_ptr<Informer> InformerFactory::ForResource(const Gvr& gvr, std::string_view ns) {
  std::lock_guard<std::mutex> lock(mu_);
  auto key = std::make_pair(gvr, std::string(ns));
  auto it = informers_.find(key);
  if (it != informers_.end()) {
    return it->second;
  }
  InformerOptions opts = defaults_;
  opts.ns = std::string(ns);
  auto inf = std::make_shared<Informer>(client_, gvr, std::move(opts));
  informers_.emplace(std::move(key), inf);
  if (started_) {
    inf->Start();
  }
  return inf;
}

void InformerFactory::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  started_ = true;
  for (auto& [key, inf] : informers_) {
    inf->Start();
  }
}

void InformerFactory::Stop() {
  std::vector<std::shared_ptr<Informer>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    started_ = false;
    for (auto& [key, inf] : informers_) {
      all.push_back(inf);
    }
  }
  for (auto& inf : all) {
    inf->Stop();
  }
}

bool InformerFactory::WaitForCacheSync(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::shared_ptr<Informer>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [key, inf] : informers_) {
      all.push_back(inf);
    }
  }
  for (auto& inf : all) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!inf->WaitForSync(std::max(left, std::chrono::milliseconds(0)))) {
      return false;
    }
  }
  return true;
}

}  // namespace kro::kube
