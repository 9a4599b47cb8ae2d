#include "kro/kube/client.h"

#include <utility>

#include "kro/json/split.h"
#include "kro/kube/api_error.h"
#include "kro/kube/beast_transport.h"

namespace kro::kube {
namespace {

std::string_view MetaString(const json::Value& obj, const char* key) {
  if (!obj.is_object()) {
    return {};
  }
  const auto* meta = obj.get_object().if_contains("metadata");
  if (meta == nullptr || !meta->is_object()) {
    return {};
  }
  const auto* v = meta->get_object().if_contains(key);
  if (v == nullptr || !v->is_string()) {
    return {};
  }
  return std::string_view(v->get_string());
}

// Appends "k=v" to a query string being built.
void AddParam(std::string& query, std::string_view key, std::string_view value) {
  if (value.empty()) {
    return;
  }
  query += query.empty() ? '?' : '&';
  query += key;
  query += '=';
  query += UrlEncode(value);
}

// The query every write carries: the field manager and, when asked, a server-side dry run.
std::string WriteQuery(std::string_view field_manager, bool dry_run) {
  std::string query;
  AddParam(query, "fieldManager", field_manager);
  if (dry_run) {
    AddParam(query, "dryRun", "All");
  }
  return query;
}

std::string Describe(std::string_view verb, const Gvr& gvr, std::string_view ns,
                     std::string_view name) {
  std::string out(verb);
  out += " " + gvr.ToString() + " ";
  if (!ns.empty()) {
    out += std::string(ns) + "/";
  }
  out += name.empty() ? std::string("*") : std::string(name);
  return out;
}

const char* PatchContentType(PatchType type) {
  switch (type) {
    case PatchType::kMerge:
      return "application/merge-patch+json";
    case PatchType::kJson:
      return "application/json-patch+json";
    case PatchType::kStrategicMerge:
      return "application/strategic-merge-patch+json";
  }
  return "application/merge-patch+json";
}

}  // namespace

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string_view NameOf(const json::Value& obj) { return MetaString(obj, "name"); }
std::string_view NamespaceOf(const json::Value& obj) { return MetaString(obj, "namespace"); }
std::string_view ResourceVersionOf(const json::Value& obj) {
  return MetaString(obj, "resourceVersion");
}
std::string_view UidOf(const json::Value& obj) { return MetaString(obj, "uid"); }

Result<std::unique_ptr<Client>> Client::Create(const RestConfig& config, ClientOptions options) {
  BeastTransportOptions topts;
  topts.request_timeout = options.timeout;
  KRO_ASSIGN_OR_RETURN(auto transport, BeastTransport::Create(config, topts));
  return std::make_unique<Client>(std::move(transport), config.server, std::move(options));
}

Client::Client(std::unique_ptr<HttpTransport> transport, std::string server,
               ClientOptions options)
    : transport_(std::move(transport)),
      server_(std::move(server)),
      options_(std::move(options)),
      limiter_(options_.qps, options_.burst) {}

std::string Client::ResourcePath(const Gvr& gvr, std::string_view ns, std::string_view name,
                                 std::string_view subresource) {
  std::string path = gvr.ApiPrefix();
  if (!ns.empty()) {
    path += "/namespaces/";
    path += ns;
  }
  path += "/" + gvr.resource;
  if (!name.empty()) {
    path += "/";
    path += name;
    if (!subresource.empty()) {
      path += "/";
      path += subresource;
    }
  }
  return path;
}

void Client::Count(std::string_view verb, int code) {
  std::lock_guard<std::mutex> lock(counts_mu_);
  ++counts_[{std::string(verb), code}];
}

RequestCounts Client::request_counts() const {
  std::lock_guard<std::mutex> lock(counts_mu_);
  return counts_;
}

Result<std::string> Client::SendRaw(std::string_view verb, HttpRequest req,
                                    std::string_view what) {
  limiter_.Wait();
  req.headers.emplace_back("Accept", "application/json");
  auto resp = transport_->Do(req);
  if (!resp.ok()) {
    Count(verb, 0);
    return resp.status().WithPrefix(what);
  }
  Count(verb, resp->status);
  if (resp->status < 200 || resp->status >= 300) {
    return StatusFromResponse(resp->status, resp->body, what);
  }
  return std::move(resp->body);
}

Result<json::Value> Client::Send(std::string_view verb, HttpRequest req, std::string_view what) {
  KRO_ASSIGN_OR_RETURN(std::string body, SendRaw(verb, std::move(req), what));
  if (body.empty()) {
    return json::Value();
  }
  auto doc = json::Parse(body);
  if (!doc.ok()) {
    return Internal(std::string(what) + ": malformed JSON from the server: " +
                    doc.status().message());
  }
  return std::move(*doc);
}

Result<json::Value> Client::Get(const Gvr& gvr, std::string_view ns, std::string_view name) {
  HttpRequest req;
  req.path = ResourcePath(gvr, ns, name);
  return Send("get", std::move(req), Describe("get", gvr, ns, name));
}

Result<ListResult> Client::ListPage(const Gvr& gvr, std::string_view ns,
                                    const ListOptions& opts) {
  return DoListPage(gvr, ns, opts, nullptr);
}

Result<ListResult> Client::DoListPage(const Gvr& gvr, std::string_view ns,
                                      const ListOptions& opts, const ListItemFn* each) {
  std::string query;
  AddParam(query, "labelSelector", opts.label_selector);
  AddParam(query, "fieldSelector", opts.field_selector);
  if (opts.limit > 0) {
    AddParam(query, "limit", std::to_string(opts.limit));
  }
  AddParam(query, "continue", opts.continue_token);
  AddParam(query, "resourceVersion", opts.resource_version);
  AddParam(query, "resourceVersionMatch", opts.resource_version_match);
  HttpRequest req;
  req.path = ResourcePath(gvr, ns) + query;
  std::string what = Describe("list", gvr, ns, {});
  KRO_ASSIGN_OR_RETURN(std::string body, SendRaw("list", std::move(req), what));
  auto malformed = [&](const Status& s) {
    return Internal(what + ": malformed JSON from the server: " + s.message());
  };
  // The list is split, not parsed whole: each item is parsed on its own and handed on.
  std::string_view items_text;
  std::string api_version, kind;
  ListResult out;
  Status walked = json::ForEachMember(body, [&](std::string_view key, std::string_view value) {
    if (key == "items") {
      items_text = value;
      return Status::Ok();
    }
    if (key != "metadata" && key != "apiVersion" && key != "kind") {
      return Status::Ok();
    }
    KRO_ASSIGN_OR_RETURN(json::Value v, json::Parse(value));
    if (key == "apiVersion" && v.is_string()) {
      api_version = std::string(v.get_string());
    } else if (key == "kind" && v.is_string()) {
      // Items of a list lack apiVersion/kind; fill them in from the list's kind ("FooList").
      kind = std::string(v.get_string());
      if (kind.size() > 4 && kind.ends_with("List")) {
        kind.resize(kind.size() - 4);
      }
    } else if (key == "metadata" && v.is_object()) {
      const json::Object& meta = v.get_object();
      if (auto* rv = meta.if_contains("resourceVersion"); rv && rv->is_string()) {
        out.resource_version = std::string(rv->get_string());
      }
      if (auto* c = meta.if_contains("continue"); c && c->is_string()) {
        out.continue_token = std::string(c->get_string());
      }
    }
    return Status::Ok();
  });
  if (!walked.ok()) {
    return malformed(walked);
  }
  if (items_text.empty() || items_text == "null") {
    return out;
  }
  Status handed = Status::Ok();  // an error from `each`, returned as it is
  Status split = json::ForEachElement(items_text, [&](std::string_view text) {
    KRO_ASSIGN_OR_RETURN(json::Value item, json::Parse(text));
    if (item.is_object()) {
      json::Object& io = item.get_object();
      if (!io.contains("apiVersion") && !api_version.empty()) {
        io["apiVersion"] = api_version;
      }
      if (!io.contains("kind") && !kind.empty()) {
        io["kind"] = kind;
      }
    }
    if (each == nullptr) {
      out.items.push_back(std::move(item));
      return Status::Ok();
    }
    handed = (*each)(std::move(item));
    return handed.ok() ? Status::Ok() : Aborted("stopped");
  });
  if (!handed.ok()) {
    return handed;
  }
  if (!split.ok()) {
    return malformed(split);
  }
  return out;
}

Result<ListResult> Client::List(const Gvr& gvr, std::string_view ns, ListOptions opts) {
  ListResult all;
  KRO_ASSIGN_OR_RETURN(
      ListResult meta, ListEach(gvr, ns, std::move(opts), [&](json::Value&& item) {
        all.items.push_back(std::move(item));
        return Status::Ok();
      }));
  all.resource_version = std::move(meta.resource_version);
  return all;
}

Result<ListResult> Client::ListEach(const Gvr& gvr, std::string_view ns, ListOptions opts,
                                    const ListItemFn& each) {
  if (opts.limit <= 0) {
    opts.limit = 500;
  }
  KRO_ASSIGN_OR_RETURN(ListResult first, DoListPage(gvr, ns, opts, &each));
  // Later pages come from the same snapshot; resourceVersion must not be sent with continue.
  opts.resource_version.clear();
  opts.resource_version_match.clear();
  std::string next = std::move(first.continue_token);
  while (!next.empty()) {
    opts.continue_token = std::move(next);
    KRO_ASSIGN_OR_RETURN(ListResult page, DoListPage(gvr, ns, opts, &each));
    next = std::move(page.continue_token);
  }
  first.continue_token.clear();
  return first;
}

Result<json::Value> Client::Create(const Gvr& gvr, std::string_view ns, const json::Value& obj,
                                   const WriteOptions& opts) {
  std::string_view target_ns = ns.empty() ? NamespaceOf(obj) : ns;
  std::string query = WriteQuery(
      opts.field_manager.empty() ? options_.field_manager : opts.field_manager, opts.dry_run);
  HttpRequest req;
  req.method = "POST";
  req.path = ResourcePath(gvr, target_ns) + query;
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = json::Serialize(obj);
  return Send("create", std::move(req), Describe("create", gvr, target_ns, NameOf(obj)));
}

Result<json::Value> Client::DoPut(const Gvr& gvr, std::string_view ns, const json::Value& obj,
                                  const WriteOptions& opts, std::string_view subresource) {
  std::string_view target_ns = ns.empty() ? NamespaceOf(obj) : ns;
  std::string_view name = NameOf(obj);
  if (name.empty()) {
    return InvalidArgument("update " + gvr.ToString() + ": metadata.name is required");
  }
  std::string query = WriteQuery(
      opts.field_manager.empty() ? options_.field_manager : opts.field_manager, opts.dry_run);
  HttpRequest req;
  req.method = "PUT";
  req.path = ResourcePath(gvr, target_ns, name, subresource) + query;
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = json::Serialize(obj);
  std::string verb = subresource.empty() ? "update" : "update " + std::string(subresource) + "";
  return Send("update", std::move(req), Describe(verb, gvr, target_ns, name));
}

Result<json::Value> Client::Update(const Gvr& gvr, std::string_view ns, const json::Value& obj,
                                   const WriteOptions& opts) {
  return DoPut(gvr, ns, obj, opts, {});
}

Result<json::Value> Client::UpdateStatus(const Gvr& gvr, std::string_view ns,
                                         const json::Value& obj, const WriteOptions& opts) {
  return DoPut(gvr, ns, obj, opts, "status");
}

Result<json::Value> Client::Patch(const Gvr& gvr, std::string_view ns, std::string_view name,
                                  PatchType type, const json::Value& patch,
                                  const WriteOptions& opts, std::string_view subresource) {
  std::string query = WriteQuery(
      opts.field_manager.empty() ? options_.field_manager : opts.field_manager, opts.dry_run);
  HttpRequest req;
  req.method = "PATCH";
  req.path = ResourcePath(gvr, ns, name, subresource) + query;
  req.headers.emplace_back("Content-Type", PatchContentType(type));
  req.body = json::Serialize(patch);
  return Send("patch", std::move(req), Describe("patch", gvr, ns, name));
}

Result<json::Value> Client::DoApply(const Gvr& gvr, std::string_view ns, const json::Value& obj,
                                    const ApplyOptions& opts, std::string_view subresource) {
  std::string_view target_ns = ns.empty() ? NamespaceOf(obj) : ns;
  std::string_view name = NameOf(obj);
  if (name.empty()) {
    return InvalidArgument("apply " + gvr.ToString() + ": metadata.name is required");
  }
  std::string query = WriteQuery(
      opts.field_manager.empty() ? options_.field_manager : opts.field_manager, opts.dry_run);
  if (opts.force) {
    AddParam(query, "force", "true");
  }
  HttpRequest req;
  req.method = "PATCH";
  req.path = ResourcePath(gvr, target_ns, name, subresource) + query;
  // JSON is YAML, so the apply content type accepts a JSON body.
  req.headers.emplace_back("Content-Type", "application/apply-patch+yaml");
  req.body = json::Serialize(obj);
  std::string verb = subresource.empty() ? "apply" : "apply status";
  return Send("apply", std::move(req), Describe(verb, gvr, target_ns, name));
}

Result<json::Value> Client::Apply(const Gvr& gvr, std::string_view ns, const json::Value& obj,
                                  const ApplyOptions& opts) {
  return DoApply(gvr, ns, obj, opts, {});
}

Result<json::Value> Client::ApplyStatus(const Gvr& gvr, std::string_view ns,
                                        const json::Value& obj, const ApplyOptions& opts) {
  return DoApply(gvr, ns, obj, opts, "status");
}

Status Client::Delete(const Gvr& gvr, std::string_view ns, std::string_view name,
                      const DeleteOptions& opts) {
  json::Object body;
  body["apiVersion"] = "v1";
  body["kind"] = "DeleteOptions";
  switch (opts.propagation) {
    case PropagationPolicy::kDefault:
      break;
    case PropagationPolicy::kForeground:
      body["propagationPolicy"] = "Foreground";
      break;
    case PropagationPolicy::kBackground:
      body["propagationPolicy"] = "Background";
      break;
    case PropagationPolicy::kOrphan:
      body["propagationPolicy"] = "Orphan";
      break;
  }
  if (!opts.precondition_uid.empty() || !opts.precondition_resource_version.empty()) {
    json::Object pre;
    if (!opts.precondition_uid.empty()) {
      pre["uid"] = opts.precondition_uid;
    }
    if (!opts.precondition_resource_version.empty()) {
      pre["resourceVersion"] = opts.precondition_resource_version;
    }
    body["preconditions"] = std::move(pre);
  }
  if (opts.grace_period_seconds) {
    body["gracePeriodSeconds"] = *opts.grace_period_seconds;
  }
  HttpRequest req;
  req.method = "DELETE";
  req.path = ResourcePath(gvr, ns, name);
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = json::Serialize(json::Value(std::move(body)));
  auto r = Send("delete", std::move(req), Describe("delete", gvr, ns, name));
  return r.status();
}

Result<json::Value> Client::GetPath(std::string_view path) {
  HttpRequest req;
  req.path = std::string(path);
  return Send("get", std::move(req), "get " + std::string(path));
}

Status Client::StreamPath(std::string_view path, std::string_view verb, std::stop_token stop,
                          const std::function<bool(std::string_view)>& on_data) {
  limiter_.Wait();
  HttpRequest req;
  req.path = std::string(path);
  req.headers.emplace_back("Accept", "application/json");
  std::string what = std::string(verb) + " " + std::string(path);
  auto resp = transport_->Stream(req, std::move(stop), on_data);
  if (!resp.ok()) {
    Count(verb, 0);
    return resp.status().WithPrefix(what);
  }
  Count(verb, resp->status);
  if (resp->status < 200 || resp->status >= 300) {
    return StatusFromResponse(resp->status, resp->body, what);
  }
  return Status::Ok();
}

}  // namespace kro::kube
