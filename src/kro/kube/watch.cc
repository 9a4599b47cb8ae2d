#include "kro/kube/watch.h"

#include <utility>

#include "kro/kube/api_error.h"

namespace kro::kube {

std::string_view WatchEventTypeName(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded:
      return "ADDED";
    case WatchEventType::kModified:
      return "MODIFIED";
    case WatchEventType::kDeleted:
      return "DELETED";
    case WatchEventType::kBookmark:
      return "BOOKMARK";
    case WatchEventType::kError:
      return "ERROR";
  }
  return "UNKNOWN";
}

Result<WatchEvent> ParseWatchEvent(std::string_view line) {
  auto doc = json::Parse(line);
  if (!doc.ok()) {
    return InvalidArgument("malformed watch event: " + doc.status().message());
  }
  if (!doc->is_object()) {
    return InvalidArgument("malformed watch event: not a JSON object");
  }
  json::Object& o = doc->get_object();
  auto* type = o.if_contains("type");
  if (type == nullptr || !type->is_string()) {
    return InvalidArgument("malformed watch event: missing \"type\"");
  }
  WatchEvent ev;
  std::string_view t = type->get_string();
  if (t == "ADDED") {
    ev.type = WatchEventType::kAdded;
  } else if (t == "MODIFIED") {
    ev.type = WatchEventType::kModified;
  } else if (t == "DELETED") {
    ev.type = WatchEventType::kDeleted;
  } else if (t == "BOOKMARK") {
    ev.type = WatchEventType::kBookmark;
  } else if (t == "ERROR") {
    ev.type = WatchEventType::kError;
  } else {
    return InvalidArgument("malformed watch event: unknown type \"" + std::string(t) + "\"");
  }
  auto* obj = o.if_contains("object");
  if (obj == nullptr || !obj->is_object()) {
    return InvalidArgument("malformed watch event: missing \"object\"");
  }
  ev.object = std::move(*obj);
  return ev;
}

Status StatusFromErrorEvent(const WatchEvent& event, std::string_view what) {
  int code = 500;
  if (event.object.is_object()) {
    if (auto* c = event.object.get_object().if_contains("code"); c && c->is_int64()) {
      code = static_cast<int>(c->get_int64());
    }
  }
  return StatusFromResponse(code, json::Serialize(event.object), what);
}

bool LineSplitter::Feed(std::string_view chunk,
                        const std::function<bool(std::string_view)>& on_line) {
  // Fast path: whole lines straight from the chunk without copying.
  size_t start = 0;
  while (start < chunk.size()) {
    size_t nl = chunk.find('\n', start);
    if (nl == std::string_view::npos) {
      buffer_.append(chunk.substr(start));
      return true;
    }
    std::string_view piece = chunk.substr(start, nl - start);
    start = nl + 1;
    bool keep_going = true;
    if (!buffer_.empty()) {
      buffer_.append(piece);
      std::string line = std::move(buffer_);
      buffer_.clear();
      if (!line.empty() && line.back() == '\r') {
        line.pop_back();
      }
      if (!line.empty()) {
        keep_going = on_line(line);
      }
    } else {
      if (!piece.empty() && piece.back() == '\r') {
        piece.remove_suffix(1);
      }
      if (!piece.empty()) {
        keep_going = on_line(piece);
      }
    }
    if (!keep_going) {
      return false;
    }
  }
  return true;
}

std::string WatchPath(const Gvr& gvr, std::string_view ns, const WatchOptions& options) {
  std::string path = Client::ResourcePath(gvr, ns) + "?watch=true";
  if (!options.resource_version.empty()) {
    path += "&resourceVersion=" + UrlEncode(options.resource_version);
  }
  if (options.allow_bookmarks) {
    path += "&allowWatchBookmarks=true";
  }
  if (!options.label_selector.empty()) {
    path += "&labelSelector=" + UrlEncode(options.label_selector);
  }
  if (!options.field_selector.empty()) {
    path += "&fieldSelector=" + UrlEncode(options.field_selector);
  }
  if (options.timeout_seconds > 0) {
    path += "&timeoutSeconds=" + std::to_string(options.timeout_seconds);
  }
  return path;
}

Status Watch(Client& client, const Gvr& gvr, std::string_view ns, const WatchOptions& options,
             std::stop_token stop, const std::function<bool(WatchEvent&)>& handler) {
  std::string path = WatchPath(gvr, ns, options);
  std::string what = "watch " + gvr.ToString() + (ns.empty() ? "" : " in " + std::string(ns));
  LineSplitter splitter;
  Status event_error;
  auto on_line = [&](std::string_view line) {
    auto ev = ParseWatchEvent(line);
    if (!ev.ok()) {
      event_error = ev.status().WithPrefix(what);
      return false;
    }
    if (ev->type == WatchEventType::kError) {
      event_error = StatusFromErrorEvent(*ev, what);
      return false;
    }
    return handler(*ev);
  };
  Status s = client.StreamPath(path, "watch", stop, [&](std::string_view chunk) {
    return splitter.Feed(chunk, on_line);
  });
  if (!event_error.ok()) {
    return event_error;
  }
  if (stop.stop_requested()) {
    return Status(ErrorCode::kCancelled, what + ": stopped");
  }
  return s;
}

}  // namespace kro::kube
