#include "ctl/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lvsd::ctl {
namespace {

class Fd {
public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }

private:
  int fd_;
};

Unexpected<ClientError> fail(bool connect, std::string msg) {
  return Unexpected(ClientError{connect, std::move(msg)});
}

}  // namespace

Expected<std::string, ClientError> roundTrip(const std::string& socketPath,
                                             const std::string& requestLine,
                                             std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socketPath.size() >= sizeof addr.sun_path) {
    return fail(true, "socket path too long: " + socketPath);
  }
  std::memcpy(addr.sun_path, socketPath.c_str(), socketPath.size() + 1);
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) {
    return fail(true, std::string("socket: ") + std::strerror(errno));
  }
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    return fail(true, "cannot connect to " + socketPath + ": " + std::strerror(errno));
  }
  auto waitFor = [&](short events) -> bool {
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        return false;
      }
      pollfd p{fd.get(), events, 0};
      const int n = ::poll(&p, 1, static_cast<int>(left.count()));
      if (n > 0) {
        return true;
      }
      if (n < 0 && errno != EINTR) {
        return false;
      }
    }
  };
  size_t sent = 0;
  while (sent < requestLine.size()) {
    if (!waitFor(POLLOUT)) {
      return fail(false, "timed out sending the request");
    }
    const ssize_t n =
        ::send(fd.get(), requestLine.data() + sent, requestLine.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue;
      }
      return fail(false, std::string("send: ") + std::strerror(errno));
    }
    sent += static_cast<size_t>(n);
  }
  std::string in;
  size_t searched = 0;  // bytes of `in` already known to hold no newline (answers can be MBs)
  char buf[65536];
  for (;;) {
    const size_t nl = in.find('\n', searched);
    if (nl != std::string::npos) {
      in.resize(nl);
      return in;
    }
    searched = in.size();
    if (!waitFor(POLLIN)) {
      return fail(false, "timed out waiting for the daemon's answer");
    }
    const ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue;
      }
      return fail(false, std::string("recv: ") + std::strerror(errno));
    }
    if (n == 0) {
      if (!in.empty()) {
        return in;
      }
      return fail(false, "daemon closed the connection without answering");
    }
    in.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace lvsd::ctl
