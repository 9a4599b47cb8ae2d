#include "kro/kube/curl_transport.h"

#include <curl/curl.h>

#include <array>
#include <atomic>
#include <optional>
#include <utility>

#include "kro/kube/server_name.h"

namespace kro::kube {

struct CurlTransport::Impl {
  RestConfig config;
  CurlTransportOptions options;
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks;
  std::mutex pool_mu;
  std::vector<CURL*> idle;  // guarded by pool_mu
  std::atomic<long> connections{0};
  // Set when the kubeconfig names a tls-server-name (see server_name.h).
  std::optional<ServerNameRoute> route;
  curl_slist* connect_to = nullptr;

  ~Impl() {
    curl_slist_free_all(connect_to);
    for (CURL* h : idle) {
      curl_easy_cleanup(h);
    }
    if (share != nullptr) {
      curl_share_cleanup(share);
    }
    curl_global_cleanup();
  }

  CURL* Acquire() {
    {
      std::lock_guard<std::mutex> lock(pool_mu);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        return h;
      }
    }
    return curl_easy_init();
  }

  void Release(CURL* h) {
    std::lock_guard<std::mutex> lock(pool_mu);
    if (idle.size() < options.max_idle_handles) {
      idle.push_back(h);
      return;
    }
    curl_easy_cleanup(h);
  }
};

namespace {

void LockShare(CURL*, curl_lock_data data, curl_lock_access, void* user) {
  static_cast<CurlTransport::Impl*>(user)->share_locks[data].lock();
}

void UnlockShare(CURL*, curl_lock_data data, void* user) {
  static_cast<CurlTransport::Impl*>(user)->share_locks[data].unlock();
}

struct Blob {
  explicit Blob(const std::string& s)
      : blob{const_cast<char*>(s.data()), s.size(), CURL_BLOB_NOCOPY} {}
  curl_blob blob;
};

// Per-transfer state seen by the curl callbacks.
struct Transfer {
  CURL* handle = nullptr;
  HttpResponse response;
  const std::function<bool(std::string_view)>* on_data = nullptr;  // streaming only
  bool stopped_by_consumer = false;
  char errbuf[CURL_ERROR_SIZE] = {0};
};

size_t WriteCallback(char* ptr, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * nmemb;
  if (t->on_data != nullptr) {
    long code = 0;
    curl_easy_getinfo(t->handle, CURLINFO_RESPONSE_CODE, &code);
    if (code >= 200 && code < 300) {
      if (!(*t->on_data)(std::string_view(ptr, n))) {
        t->stopped_by_consumer = true;
        return 0;  // aborts the transfer
      }
      return n;
    }
  }
  t->response.body.append(ptr, n);
  return n;
}

bool IsTlsError(CURLcode rc) {
  switch (rc) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<std::unique_ptr<CurlTransport>> CurlTransport::Create(const RestConfig& config,
                                                             CurlTransportOptions options) {
  // curl_global_init is reference-counted and, in curl >= 7.84 built "threadsafe", safe to
  // call from any thread.
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    return Internal("curl_global_init failed");
  }
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  impl->options = std::move(options);
  if (!config.tls_server_name.empty()) {
    KRO_ASSIGN_OR_RETURN(ServerNameRoute route,
                         RouteForServerName(config.server, config.tls_server_name));
    impl->connect_to = curl_slist_append(nullptr, route.connect_to.c_str());
    impl->route = std::move(route);
  }
  impl->share = curl_share_init();
  if (impl->share == nullptr) {
    return Internal("curl_share_init failed");
  }
  curl_share_setopt(impl->share, CURLSHOPT_LOCKFUNC, LockShare);
  curl_share_setopt(impl->share, CURLSHOPT_UNLOCKFUNC, UnlockShare);
  curl_share_setopt(impl->share, CURLSHOPT_USERDATA, impl.get());
  curl_share_setopt(impl->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  curl_share_setopt(impl->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  curl_share_setopt(impl->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  return std::unique_ptr<CurlTransport>(new CurlTransport(std::move(impl)));
}

CurlTransport::CurlTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CurlTransport::~CurlTransport() = default;

long CurlTransport::connections_opened() const { return impl_->connections.load(); }

namespace {

// Configures `h` for `req`; returns the header list the caller must free after the transfer.
curl_slist* Setup(CurlTransport::Impl& impl, CURL* h, const HttpRequest& req, Transfer& t,
                  bool streaming, const Blob& ca, const Blob& cert, const Blob& key) {
  const RestConfig& cfg = impl.config;
  curl_easy_reset(h);
  // curl_easy_reset restores MAXCONNECTS=5; with more requests in flight than that, every
  // finished request would close an idle connection and the next one would pay a new TLS
  // handshake (bench: 994 of 1,000 parallel creates opened a connection). Keep a larger pool.
  curl_easy_setopt(h, CURLOPT_MAXCONNECTS, 64L);
  t.handle = h;
  curl_easy_setopt(h, CURLOPT_SHARE, impl.share);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  std::string url = (impl.route ? impl.route->url_base : cfg.server) + req.path;
  if (impl.route) {
    curl_easy_setopt(h, CURLOPT_CONNECT_TO, impl.connect_to);
  }
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());  // curl copies the string
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(impl.options.connect_timeout.count()));
  if (!streaming) {
    auto timeout = req.timeout.count() > 0 ? req.timeout : impl.options.request_timeout;
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  }
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t.errbuf);
  curl_easy_setopt(h, CURLOPT_USERAGENT, impl.options.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // gzip if the server offers it
  if (!cfg.ca_pem.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca.blob);
  }
  if (!cfg.client_cert_pem.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cert.blob);
    curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &key.blob);
    curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
  }
  if (cfg.insecure_skip_tls_verify) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!cfg.username.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, cfg.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, cfg.password.c_str());
  }
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Expect:");
  if (impl.route) {
    headers = curl_slist_append(headers, impl.route->host_header.c_str());
  }
  if (!cfg.bearer_token.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + cfg.bearer_token).c_str());
  }
  for (const auto& [name, value] : req.headers) {
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  if (req.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    if (!req.body.empty() || req.method != "DELETE") {
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
    }
  }
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, WriteCallback);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  return headers;
}

// Turns a finished transfer into a response or a transport error.
Result<HttpResponse> Finish(CurlTransport::Impl& impl, CURL* h, CURLcode rc, Transfer& t,
                            bool cancelled) {
  long opened = 0;
  curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &opened);
  impl.connections += opened;
  if (cancelled) {
    return Status(ErrorCode::kCancelled, "request to " + impl.config.server + " cancelled");
  }
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && t.stopped_by_consumer)) {
    std::string cause = t.errbuf[0] != '\0' ? std::string(t.errbuf) : curl_easy_strerror(rc);
    const std::string& addr = impl.config.server;
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      return DeadlineExceeded("request to " + addr + " timed out: " + cause, addr);
    }
    if (IsTlsError(rc)) {
      return Unavailable("TLS error talking to " + addr + ": " + cause, addr);
    }
    if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST) {
      return Unavailable("cannot connect to " + addr + ": " + cause, addr);
    }
    return Unavailable("request to " + addr + " failed: " + cause, addr);
  }
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  t.response.status = static_cast<int>(code);
  char* ct = nullptr;
  curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct);
  if (ct != nullptr) {
    t.response.content_type = ct;
  }
  return std::move(t.response);
}

}  // namespace

Result<HttpResponse> CurlTransport::Do(const HttpRequest& request) {
  CURL* h = impl_->Acquire();
  if (h == nullptr) {
    return Internal("curl_easy_init failed");
  }
  Transfer t;
  Blob ca(impl_->config.ca_pem), cert(impl_->config.client_cert_pem),
      key(impl_->config.client_key_pem);
  curl_slist* headers = Setup(*impl_, h, request, t, /*streaming=*/false, ca, cert, key);
  CURLcode rc = curl_easy_perform(h);
  auto result = Finish(*impl_, h, rc, t, /*cancelled=*/false);
  curl_slist_free_all(headers);
  impl_->Release(h);
  return result;
}

Result<HttpResponse> CurlTransport::Stream(const HttpRequest& request, std::stop_token stop,
                                           const std::function<bool(std::string_view)>& on_data) {
  CURL* h = impl_->Acquire();
  CURLM* multi = curl_multi_init();
  if (h == nullptr || multi == nullptr) {
    if (h != nullptr) {
      curl_easy_cleanup(h);
    }
    if (multi != nullptr) {
      curl_multi_cleanup(multi);
    }
    return Internal("curl init failed");
  }
  Transfer t;
  t.on_data = &on_data;
  Blob ca(impl_->config.ca_pem), cert(impl_->config.client_cert_pem),
      key(impl_->config.client_key_pem);
  curl_slist* headers = Setup(*impl_, h, request, t, /*streaming=*/true, ca, cert, key);
  // The multi interface lets a stop request interrupt an idle watch at once (curl_multi_wakeup
  // is thread-safe), instead of waiting for the next progress callback.
  curl_multi_add_handle(multi, h);
  CURLcode rc = CURLE_OK;
  bool cancelled = false;
  {
    std::stop_callback wake(stop, [multi] { curl_multi_wakeup(multi); });
    int running = 1;
    while (true) {
      CURLMcode mc = curl_multi_perform(multi, &running);
      if (mc != CURLM_OK) {
        rc = CURLE_RECV_ERROR;
        break;
      }
      if (running == 0) {
        int left = 0;
        rc = CURLE_GOT_NOTHING;
        while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
          if (msg->msg == CURLMSG_DONE) {
            rc = msg->data.result;
          }
        }
        break;
      }
      if (stop.stop_requested()) {
        cancelled = true;
        break;
      }
      curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
  }
  curl_multi_remove_handle(multi, h);
  curl_multi_cleanup(multi);
  auto result = Finish(*impl_, h, rc, t, cancelled);
  curl_slist_free_all(headers);
  impl_->Release(h);
  return result;
}

}  // namespace kro::kube
