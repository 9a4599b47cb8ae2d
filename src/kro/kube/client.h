// Client: a dynamic (unstructured) Kubernetes API client addressed by GVR and namespace.
//
// Objects are json::Value documents. Every failure is a Status (see api_error.h for how API
// server answers map to codes); nothing throws. A client-side token bucket limits the request
// rate, and request counts by verb and HTTP code are kept for metrics.
//
// Thread-safe: one Client is meant to be shared by every informer and worker of a process.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kro/base/result.h"
#include "kro/json/json.h"
#include "kro/kube/gvr.h"
#include "kro/kube/rest_config.h"
#include "kro/kube/token_bucket.h"
#include "kro/kube/transport.h"

namespace kro::kube {

struct ClientOptions {
  // Client-side rate limit. Default: 50 qps, burst 100. qps <= 0 disables it.
  double qps = 50;
  int burst = 100;
  // Default field manager for Create/Update/Patch/Apply when the call gives none.
  std::string field_manager = "kro";
  // Default: 30 s per non-streaming request.
  std::chrono::milliseconds timeout{30000};
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  // Page size; 0 = no limit (the server may still page).
  int64_t limit = 0;
  std::string continue_token;
  std::string resource_version;
  std::string resource_version_match;  // "NotOlderThan" / "Exact"
};

struct ListResult {
  std::vector<json::Value> items;
  std::string resource_version;  // of the list (the collection), to start a watch from
  std::string continue_token;    // empty on the last page
};

struct WriteOptions {
  std::string field_manager;  // empty = ClientOptions::field_manager
  bool dry_run = false;
};

enum class PatchType {
  kMerge,           // application/merge-patch+json (RFC 7386)
  kJson,            // application/json-patch+json (RFC 6902)
  kStrategicMerge,  // application/strategic-merge-patch+json (built-in types only)
};

struct ApplyOptions {
  std::string field_manager;  // empty = ClientOptions::field_manager
  bool force = false;         // take ownership of conflicting fields
  bool dry_run = false;
};

enum class PropagationPolicy { kDefault, kForeground, kBackground, kOrphan };

struct DeleteOptions {
  PropagationPolicy propagation = PropagationPolicy::kDefault;
  // Preconditions: the delete fails with kAborted if the object's uid/resourceVersion differ.
  std::string precondition_uid;
  std::string precondition_resource_version;
  std::optional<int64_t> grace_period_seconds;
};

// Request counts, by verb ("get", "list", "create", "update", "patch", "apply", "delete",
// "watch") and HTTP code (0 when no response was received).
using RequestCounts = std::map<std::pair<std::string, int>, uint64_t>;

class Client {
 public:
  // Builds a client over a BeastTransport for `config`.
  static Result<std::unique_ptr<Client>> Create(const RestConfig& config,
                                                ClientOptions options = {});
  // Builds a client over any transport (tests).
  Client(std::unique_ptr<HttpTransport> transport, std::string server, ClientOptions options);

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // `ns` is "" for cluster-scoped resources (and for List/Watch across all namespaces).
  Result<json::Value> Get(const Gvr& gvr, std::string_view ns, std::string_view name);

  // One page (opts.limit/continue_token are honoured as given).
  Result<ListResult> ListPage(const Gvr& gvr, std::string_view ns, const ListOptions& opts);
  // Every page, following continue tokens; `opts.limit` is the page size (default 500).
  // The result's resource_version is that of the first page (a consistent snapshot).
  // Errors: kOutOfRange if the continue token expired (410) mid-way.
  Result<ListResult> List(const Gvr& gvr, std::string_view ns, ListOptions opts = {});
  // As List, but each item goes to `each` as soon as it is decoded and none is kept (the result
  // has no items): the memory of one item at a time, not of the whole list. An error from
  // `each` stops the list and is returned.
  using ListItemFn = std::function<Status(json::Value&& item)>;
  Result<ListResult> ListEach(const Gvr& gvr, std::string_view ns, ListOptions opts,
                              const ListItemFn& each);

  // Namespace and name come from `ns` (or obj.metadata.namespace when `ns` is empty) and
  // obj.metadata.name. Errors: kAlreadyExists.
  Result<json::Value> Create(const Gvr& gvr, std::string_view ns, const json::Value& obj,
                             const WriteOptions& opts = {});
  // PUT. obj.metadata.resourceVersion makes it a compare-and-swap: kAborted on conflict (409).
  Result<json::Value> Update(const Gvr& gvr, std::string_view ns, const json::Value& obj,
                             const WriteOptions& opts = {});
  // PUT to the status subresource.
  Result<json::Value> UpdateStatus(const Gvr& gvr, std::string_view ns, const json::Value& obj,
                                   const WriteOptions& opts = {});
  Result<json::Value> Patch(const Gvr& gvr, std::string_view ns, std::string_view name,
                            PatchType type, const json::Value& patch,
                            const WriteOptions& opts = {}, std::string_view subresource = {});
  // Server-side apply (PATCH application/apply-patch+yaml with a JSON body). `obj` must carry
  // apiVersion, kind and metadata.name. Errors: kAborted with the conflicting fields and
  // managers in the message when another manager owns a field and force is false.
  Result<json::Value> Apply(const Gvr& gvr, std::string_view ns, const json::Value& obj,
                            const ApplyOptions& opts = {});
  Result<json::Value> ApplyStatus(const Gvr& gvr, std::string_view ns, const json::Value& obj,
                                  const ApplyOptions& opts = {});
  // Returns OK when the delete was accepted (the object may linger with finalizers).
  Status Delete(const Gvr& gvr, std::string_view ns, std::string_view name,
                const DeleteOptions& opts = {});

  // A raw GET of `path` ("/apis", "/openapi/v3") returning the parsed JSON body.
  Result<json::Value> GetPath(std::string_view path);

  // A streaming GET for watches: see HttpTransport::Stream. Non-2xx answers become Status
  // values (410 -> kOutOfRange). Counted under `verb`.
  Status StreamPath(std::string_view path, std::string_view verb, std::stop_token stop,
                    const std::function<bool(std::string_view)>& on_data);

  // "/apis/apps/v1/namespaces/ns/deployments[/name[/sub]]".
  static std::string ResourcePath(const Gvr& gvr, std::string_view ns, std::string_view name = {},
                                  std::string_view subresource = {});

  const std::string& server() const { return server_; }
  RequestCounts request_counts() const;
  HttpTransport& transport() { return *transport_; }

 private:
  Result<json::Value> Send(std::string_view verb, HttpRequest req, std::string_view what);
  // The response body of a 2xx answer, unparsed.
  Result<std::string> SendRaw(std::string_view verb, HttpRequest req, std::string_view what);
  // One page; items go to `each`, or into the result when `each` is null.
  Result<ListResult> DoListPage(const Gvr& gvr, std::string_view ns, const ListOptions& opts,
                                const ListItemFn* each);
  Result<json::Value> DoApply(const Gvr& gvr, std::string_view ns, const json::Value& obj,
                              const ApplyOptions& opts, std::string_view subresource);
  Result<json::Value> DoPut(const Gvr& gvr, std::string_view ns, const json::Value& obj,
                            const WriteOptions& opts, std::string_view subresource);
  void Count(std::string_view verb, int code);

  std::unique_ptr<HttpTransport> transport_;
  std::string server_;
  ClientOptions options_;
  TokenBucket limiter_;
  mutable std::mutex counts_mu_;
  RequestCounts counts_;  // guarded by counts_mu_
};

// Percent-encodes a query parameter value.
std::string UrlEncode(std::string_view s);

// Returns metadata.name / metadata.namespace / metadata.resourceVersion / metadata.uid, or "".
std::string_view NameOf(const json::Value& obj);
std::string_view NamespaceOf(const json::Value& obj);
std::string_view ResourceVersionOf(const json::Value& obj);
std::string_view UidOf(const json::Value& obj);

}  // namespace kro::kube
