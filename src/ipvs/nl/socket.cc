#include "ipvs/nl/socket.h"

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace lvsd::ipvs::nl {

namespace {
constexpr size_t kBatchBytes = 96 * 1024;  // below the default 208 KiB socket buffers
constexpr int kBufBytes = 4 * 1024 * 1024;

Unexpected<Error> sysFail(const std::string& what, int err) {
  return fail(what + ": " + std::strerror(err), std::error_code(err, std::generic_category()));
}
}  // namespace

Result<std::unique_ptr<GenlSocket>> GenlSocket::open() {
  std::unique_ptr<GenlSocket> s(new GenlSocket());
  s->sock_ = nl_socket_alloc();
  if (s->sock_ == nullptr) {
    return fail("netlink: cannot allocate a socket");
  }
  if (int e = genl_connect(s->sock_); e < 0) {
    return fail(std::string("netlink: genl_connect: ") + nl_geterror(e));
  }
  const int fam = genl_ctrl_resolve(s->sock_, "IPVS");
  if (fam < 0) {
    return fail(std::string("netlink: generic netlink family IPVS not found (ip_vs module not "
                            "loaded or kernel without IPVS): ") +
                    nl_geterror(fam),
                std::error_code(ENOENT, std::generic_category()));
  }
  s->family_ = static_cast<uint16_t>(fam);
  s->fd_ = nl_socket_get_fd(s->sock_);
  // Larger buffers when privileged (FORCE ignores the sysctl maxima); plain ones otherwise.
  const int size = kBufBytes;
  if (setsockopt(s->fd_, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) {
    (void)setsockopt(s->fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }
  if (setsockopt(s->fd_, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0) {
    (void)setsockopt(s->fd_, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  }
  const int one = 1;
  (void)setsockopt(s->fd_, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  s->seq_ = 0x1000;
  s->rx_.resize(1 << 20);
  return s;
}

GenlSocket::~GenlSocket() {
  if (sock_ != nullptr) {
    nl_socket_free(sock_);
  }
}

Result<size_t> GenlSocket::receive() {
  for (;;) {
    const ssize_t n = ::recv(fd_, rx_.data(), rx_.size(), 0);
    if (n >= 0) {
      return static_cast<size_t>(n);
    }
    if (errno != EINTR) {
      return sysFail("netlink recv", errno);
    }
  }
}

Result<std::vector<int>> GenlSocket::transact(std::span<const uint8_t> reqs, uint32_t firstSeq,
                                              size_t count) {
  std::vector<int> results(count, -1);
  size_t pos = 0;
  size_t pending = 0;
  while (pos < reqs.size()) {
    // Cut a batch on message boundaries.
    size_t end = pos;
    while (end < reqs.size()) {
      uint32_t len = 0;
      std::memcpy(&len, &reqs[end], 4);
      if (len < NLMSG_HDRLEN) {
        return fail("netlink: malformed request buffer");
      }
      if (end > pos && end + len - pos > kBatchBytes) {
        break;
      }
      end += (len + 3U) & ~3U;
      ++pending;
    }
    end = std::min(end, reqs.size());
    const ssize_t sent = ::send(fd_, &reqs[pos], end - pos, 0);
    if (sent < 0) {
      return sysFail("netlink send", errno);
    }
    pos = end;
    // The kernel handles the whole batch inside send(): every ACK is queued by now.
    while (pending > 0) {
      auto n = receive();
      if (!n) {
        return Unexpected<Error>(n.error());
      }
      auto msgs = msg::split(std::span<const uint8_t>(rx_.data(), *n));
      if (!msgs) {
        return Unexpected<Error>(msgs.error());
      }
      for (const auto& m : *msgs) {
        if (!m.isError() || m.seq < firstSeq || m.seq - firstSeq >= count) {
          continue;
        }
        int& r = results[m.seq - firstSeq];
        if (r == -1) {
          r = -m.error;
          --pending;
        }
      }
    }
  }
  return results;
}

Result<void> GenlSocket::request(std::span<const uint8_t> req, uint32_t seq,
                                 const std::function<void(const msg::Message&)>& onMessage) {
  if (::send(fd_, req.data(), req.size(), 0) < 0) {
    return sysFail("netlink send", errno);
  }
  uint16_t flags = 0;
  std::memcpy(&flags, &req[6], 2);
  const bool isDump = (flags & NLM_F_DUMP) == NLM_F_DUMP;
  for (;;) {
    auto n = receive();
    if (!n) {
      return Unexpected<Error>(n.error());
    }
    auto msgs = msg::split(std::span<const uint8_t>(rx_.data(), *n));
    if (!msgs) {
      return Unexpected<Error>(msgs.error());
    }
    for (const auto& m : *msgs) {
      if (m.seq != seq) {
        continue;
      }
      if (m.isDone()) {
        return {};
      }
      if (m.isError()) {
        if (m.error != 0) {
          return fail(std::strerror(-m.error), std::error_code(-m.error, std::generic_category()));
        }
        return {};
      }
      onMessage(m);
      if (!isDump) {
        return {};
      }
    }
  }
}

}  // namespace lvsd::ipvs::nl
