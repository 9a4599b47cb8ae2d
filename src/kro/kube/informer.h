// Informer: list+watch of one GVR (optionally one namespace) into a Store, with event handlers.
// InformerFactory: one shared Informer per (GVR, namespace).
//
// The informer's thread lists (paginated), then watches from the list's resourceVersion with
// bookmarks. A watch that ends is re-opened from the last seen resourceVersion; "410 Gone / too
// old resource version" triggers a relist that diffs against the cache (adds, updates and
// deletes are delivered for what changed meanwhile; an object whose resourceVersion is unchanged
// stays the cached pointer, so the store only ever holds objects a handler was given); other
// failures (apiserver down) back off exponentially and retry. Handlers run on the informer's
// thread, must not block, and must not call AddEventHandler/RemoveEventHandler of the same
// informer.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "kro/base/status.h"
#include "kro/kube/client.h"
#include "kro/kube/gvr.h"
#include "kro/kube/store.h"
#include "kro/kube/watch.h"

namespace kro::kube {

struct InformerOptions {
  std::string ns;  // "" = all namespaces
  std::string label_selector;
  std::string field_selector;
  int64_t page_size = 500;
  // Default on: metadata.managedFields is dropped before caching (saves most of the memory of
  // typical objects; kro never reads it from the cache).
  bool drop_managed_fields = true;
  // Back-off between failed list/watch attempts: initial, doubled per failure, capped at max.
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{10000};
  // Server-side timeout of each watch request.
  int watch_timeout_seconds = 300;
  // Called on the informer's thread after each failed list or watch, before the back-off, with
  // the number of failures in a row (1 for the first). Without it failures are only counted.
  std::function<void(const Gvr& gvr, const Status& error, uint64_t in_a_row)> on_error;
};

struct EventHandler {
  std::function<void(const ObjectPtr&)> on_add;
  std::function<void(const ObjectPtr& old_obj, const ObjectPtr& new_obj)> on_update;
  std::function<void(const ObjectPtr&)> on_delete;
};

struct InformerStats {
  uint64_t lists = 0;           // successful (re)lists
  uint64_t relists_gone = 0;    // relists caused by 410
  uint64_t watches = 0;         // watch requests opened
  uint64_t watch_failures = 0;  // watches or lists that ended in an error (back-off)
  uint64_t events = 0;          // watch events applied
  std::string resource_version; // last seen
  Status last_error;
};

class Informer {
 public:
  // `client` must outlive the informer.
  Informer(Client& client, Gvr gvr, InformerOptions options = {});
  ~Informer();  // Stop()
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Registers handlers and returns an id for RemoveEventHandler. If objects are already cached
  // they are delivered to `handler.on_add` first, on the calling thread, so the handler sees
  // every object exactly once as an add.
  int AddEventHandler(EventHandler handler);
  void RemoveEventHandler(int id);

  // Starts the list+watch thread; idempotent.
  void Start();
  // Stops the thread and waits for it; idempotent. The cache keeps its contents.
  void Stop();

  // True once the first list has been stored.
  bool HasSynced() const { return synced_.load(); }
  // Waits until synced; false on timeout.
  bool WaitForSync(std::chrono::milliseconds timeout) const;

  const Store& store() const { return store_; }
  const Gvr& gvr() const { return gvr_; }
  const std::string& ns() const { return options_.ns; }
  InformerStats stats() const;

 private:
  void Run(std::stop_token stop);
  Status ListAndReplace(std::string* rv);
  void Apply(WatchEvent& event);
  ObjectPtr Ingest(json::Value&& obj) const;
  // Stores `obj` and tells the handlers (add, or update from the object it replaced).
  // REQUIRES: handlers_mu_ held.
  void StoreAndNotify(const ObjectPtr& obj);
  bool Sleep(std::stop_token& stop, std::chrono::milliseconds d);

  Client& client_;
  const Gvr gvr_;
  const InformerOptions options_;
  Store store_;

  std::mutex handlers_mu_;  // also serialises cache updates with handler replays
  std::map<int, EventHandler> handlers_;  // guarded by handlers_mu_
  int next_handler_id_ = 0;               // guarded by handlers_mu_

  mutable std::mutex stats_mu_;
  InformerStats stats_;  // guarded by stats_mu_

  std::atomic<bool> synced_{false};
  mutable std::mutex sync_mu_;
  mutable std::condition_variable sync_cv_;

  std::mutex thread_mu_;
  std::jthread thread_;  // guarded by thread_mu_
};

class InformerFactory {
 public:
  // `client` must outlive the factory. `defaults` apply to every informer (ns is overridden).
  explicit InformerFactory(Client& client, InformerOptions defaults = {});
  ~InformerFactory();

  // The shared informer for `gvr` in `ns` ("" = all namespaces), created on first use and
  // started at once if the factory has been started.
  std::shared_ptr<Informer> ForResource(const Gvr& gvr, std::string_view ns = {});

  // Starts every informer, present and future.
  void Start();
  void Stop();
  // Waits until every informer has synced; false on timeout.
  bool WaitForCacheSync(std::chrono::milliseconds timeout);

 private:
  Client& client_;
  InformerOptions defaults_;
  std::mutex mu_;
  bool started_ = false;  // guarded by mu_
  std::map<std::pair<Gvr, std::string>, std::shared_ptr<Informer>> informers_;  // guarded by mu_
};

}  // namespace kro::kube
