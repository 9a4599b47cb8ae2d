// Watch: one streaming watch request, decoded into events.
//
// The API server sends one JSON object per line: {"type":"ADDED","object":{...}}. LineSplitter
// turns the transport's arbitrary chunks into lines, ParseWatchEvent decodes one line, and Watch
// runs a whole request. Reconnects and relists are the informer's job (informer.h).
// LineSplitter is thread-compatible; the functions are thread-safe.
#pragma once

#include <functional>
#include <stop_token>
#include <string>
#include <string_view>

#include "kro/base/result.h"
#include "kro/json/json.h"
#include "kro/kube/client.h"
#include "kro/kube/gvr.h"

namespace kro::kube {

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark, kError };

std::string_view WatchEventTypeName(WatchEventType type);

struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  // The object; for kError a metav1.Status; for kBookmark only metadata.resourceVersion.
  json::Value object;
};

// Decodes one line of a watch stream. Errors: kInvalidArgument for malformed JSON, a missing or
// unknown "type", or a missing object.
Result<WatchEvent> ParseWatchEvent(std::string_view line);

// The Status carried by an ERROR event: 410 Expired/Gone becomes kOutOfRange.
Status StatusFromErrorEvent(const WatchEvent& event, std::string_view what);

// Splits a byte stream into '\n'-terminated lines (empty lines are skipped).
class LineSplitter {
 public:
  // Appends `chunk` and calls `on_line` for every complete line. Stops early and returns false
  // as soon as `on_line` returns false.
  bool Feed(std::string_view chunk, const std::function<bool(std::string_view)>& on_line);
  // Bytes of an incomplete line kept for the next Feed.
  size_t buffered() const { return buffer_.size(); }

 private:
  std::string buffer_;
};

struct WatchOptions {
  std::string resource_version;  // "" = start from "most recent" (sends the current state)
  bool allow_bookmarks = true;
  std::string label_selector;
  std::string field_selector;
  // Server-side timeout of the request; 0 = the server's default. Default: 300 s.
  int timeout_seconds = 300;
};

// The watch URL path for `gvr` in `ns` with `options`.
std::string WatchPath(const Gvr& gvr, std::string_view ns, const WatchOptions& options);

// Runs one watch request, calling `handler` for every event (ERROR events end the watch and are
// returned as a Status, not passed to the handler). Returns OK when the server ended the stream
// or the handler returned false; kCancelled when `stop` was requested; kOutOfRange when the
// resourceVersion is too old (410, as an HTTP answer or an ERROR event); other errors as Status.
Status Watch(Client& client, const Gvr& gvr, std::string_view ns, const WatchOptions& options,
             std::stop_token stop, const std::function<bool(WatchEvent&)>& handler);

}  // namespace kro::kube
