// ConnectProxy: a small HTTP CONNECT proxy for tests, listening on 127.0.0.1 in the test
// process. It answers each CONNECT with 200 and then relays bytes both ways between the client
// and `upstream_port` on 127.0.0.1, whatever name the client asked for (so a test can reach the
// local apiserver under a name that resolves nowhere, as a corporate proxy resolves names the
// client cannot). It records each CONNECT target and counts the tunnels. Thread-safe.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kro::kube::testing {

class ConnectProxy {
 public:
  explicit ConnectProxy(int upstream_port) : upstream_port_(upstream_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
        ::listen(listen_fd_, 16) == 0 &&
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
    acceptor_ = std::thread([this] { Accept(); });
  }

  ~ConnectProxy() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_fd_);
    std::vector<std::thread> relays;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
      relays.swap(relays_);
    }
    for (auto& t : relays) t.join();
    for (int fd : open_fds_) ::close(fd);
  }

  // "http://127.0.0.1:<port>", for HTTPS_PROXY.
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  int tunnels() const { return tunnels_.load(); }
  // The CONNECT request lines received ("CONNECT kubernetes.default.svc:6443 HTTP/1.1").
  std::vector<std::string> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  void Accept() {
    while (!stopping_) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) {
        if (stopping_) return;
        continue;
      }
      std::lock_guard<std::mutex> lock(mu_);
      open_fds_.push_back(fd);
      relays_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  void Serve(int client) {
    std::string head;
    char ch;
    while (head.find("\r\n\r\n") == std::string::npos && ::read(client, &ch, 1) == 1) {
      head.push_back(ch);  // byte by byte: nothing after the header is consumed
    }
    std::string line = head.substr(0, head.find("\r\n"));
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(line);
    }
    if (line.rfind("CONNECT ", 0) != 0) {
      Send(client, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    int upstream = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(upstream_port_));
    if (::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      Send(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
      ::close(upstream);
      return;
    }
    ++tunnels_;
    Send(client, "HTTP/1.1 200 Connection established\r\n\r\n");
    pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    char buf[16384];
    while (!stopping_ && ::poll(fds, 2, 200) >= 0) {
      bool done = false;
      for (int i = 0; i < 2 && !done; ++i) {
        if (fds[i].revents == 0) continue;
        ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
        done = n <= 0 || !Send(fds[1 - i].fd, std::string_view(buf, static_cast<size_t>(n)));
      }
      if (done) break;
    }
    ::close(upstream);
    ::shutdown(client, SHUT_RDWR);
  }

  static bool Send(int fd, std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  const int upstream_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> tunnels_{0};
  mutable std::mutex mu_;
  std::vector<std::string> requests_;  // guarded by mu_
  std::vector<int> open_fds_;          // guarded by mu_
  std::vector<std::thread> relays_;    // guarded by mu_
  std::thread acceptor_;
};

}  // namespace kro::kube::testing
