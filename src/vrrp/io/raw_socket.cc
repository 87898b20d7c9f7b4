#include "vrrp/io/raw_socket.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>

namespace lvsd::vrrp::io {
namespace asio = boost::asio;

namespace {

Unexpected<Error> sysError(const std::string& what) {
  const int e = errno;
  return fail(what + ": " + std::strerror(e), std::error_code(e, std::system_category()));
}

template <class T>
bool setOpt(int fd, int level, int name, const T& value) {
  return ::setsockopt(fd, level, name, &value, sizeof(value)) == 0;
}

}  // namespace

IpAddress vrrpGroup(Family family) {
  return family == Family::V4 ? *IpAddress::parse("224.0.0.18") : *IpAddress::parse("ff02::12");
}

Result<std::unique_ptr<RawSocket>> RawSocket::open(asio::io_context& io, Family family,
                                                   const std::string& ifname, bool joinGroup) {
  const int ifindex = static_cast<int>(::if_nametoindex(ifname.c_str()));
  if (ifindex == 0) {
    return sysError("interface " + ifname);
  }
  const int af = family == Family::V4 ? AF_INET : AF_INET6;
  const int fd = ::socket(af, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, kIpProtoVrrp);
  if (fd < 0) {
    return sysError("socket(raw, 112)");
  }
  auto fail = [fd](const std::string& what) {
    auto e = sysError(what);
    ::close(fd);
    return e;
  };
  if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(),
                   static_cast<socklen_t>(ifname.size())) != 0) {
    return fail("SO_BINDTODEVICE " + ifname);
  }
  const int one = 1;
  const int zero = 0;
  const int rcvbuf = 1 << 20;  // absorbs bursts; the loop drains at most kBatch per wake-up
  (void)setOpt(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf);
  // Kernel receive times: a Master_Down expiry is ordered against the adverts that were already
  // queued when it fired (fsm/timing.h). Adverts are network control traffic (keepalived: TOS
  // 0xc0); SO_PRIORITY 6 (TC_PRIO_INTERACTIVE) sends them through a prio qdisc's first band.
  (void)setOpt(fd, SOL_SOCKET, SO_TIMESTAMPNS, one);
  const int netControl = 0xc0;
  const int skbPriority = 6;
  (void)setOpt(fd, SOL_SOCKET, SO_PRIORITY, skbPriority);
  const int hops = kRequiredTtl;
  if (family == Family::V4) {
    ip_mreqn mreq{};
    mreq.imr_ifindex = ifindex;
    if (!setOpt(fd, IPPROTO_IP, IP_TTL, hops) || !setOpt(fd, IPPROTO_IP, IP_MULTICAST_TTL, hops) ||
        !setOpt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, zero) ||
        !setOpt(fd, IPPROTO_IP, IP_MULTICAST_IF, mreq) ||
        !setOpt(fd, IPPROTO_IP, IP_TOS, netControl)) {
      return fail("IPv4 socket options");
    }
    if (joinGroup) {
      std::memcpy(&mreq.imr_multiaddr, vrrpGroup(family).bytes().data(), 4);
      if (!setOpt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq)) {
        return fail("IP_ADD_MEMBERSHIP");
      }
    }
  } else {
    if (!setOpt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, hops) ||
        !setOpt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, hops) ||
        !setOpt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, zero) ||
        !setOpt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex) ||
        !setOpt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, one) ||
        !setOpt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, one) ||
        !setOpt(fd, IPPROTO_IPV6, IPV6_TCLASS, netControl)) {
      return fail("IPv6 socket options");
    }
    if (joinGroup) {
      ipv6_mreq mreq{};
      std::memcpy(&mreq.ipv6mr_multiaddr, vrrpGroup(family).bytes().data(), 16);
      mreq.ipv6mr_interface = static_cast<unsigned>(ifindex);
      if (!setOpt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, mreq)) {
        return fail("IPV6_ADD_MEMBERSHIP");
      }
    }
  }
  return std::unique_ptr<RawSocket>(new RawSocket(io, fd, family, ifindex));
}

RawSocket::RawSocket(asio::io_context& io, int fd, Family family, int ifindex)
    : sd_(io, fd), family_(family), ifindex_(ifindex), buf_(65536) {}

RawSocket::~RawSocket() {
  boost::system::error_code ec;
  sd_.close(ec);
}

void RawSocket::start(Handler handler) {
  handler_ = std::move(handler);
  wait();
}

void RawSocket::wait() {
  sd_.async_wait(asio::posix::stream_descriptor::wait_read,
                 [this](const boost::system::error_code& ec) {
                   if (ec) {
                     return;
                   }
                   drain();
                 });
}

void RawSocket::drain() {
  for (int i = 0; i < kBatch; ++i) {
    RxPacket pkt;
    if (!readOne(pkt)) {
      break;
    }
    if (handler_) {
      handler_(pkt);
    }
  }
  // Yield to the loop between batches; timers queued meanwhile run first.
  wait();
}

std::vector<QueuedPacket> RawSocket::readQueued(size_t max) {
  std::vector<QueuedPacket> out;
  RxPacket pkt;
  while (out.size() < max && readOne(pkt)) {
    out.push_back(QueuedPacket{{pkt.payload.begin(), pkt.payload.end()}, pkt.meta, pkt.rxTime});
  }
  return out;
}

bool RawSocket::readOne(RxPacket& pkt) {
  const int fd = sd_.native_handle();
  for (int tries = 0; tries < kBatch; ++tries) {  // bounded even if everything is malformed
    sockaddr_storage from{};
    iovec iov{buf_.data(), buf_.size()};
    alignas(cmsghdr) std::array<uint8_t, 256> control{};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof(from);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    const ssize_t n = ::recvmsg(fd, &msg, MSG_DONTWAIT);
    if (n < 0) {
      return false;  // EAGAIN (drained) or a transient error: wait again
    }
    ++received_;
    const auto len = static_cast<size_t>(n);
    pkt = RxPacket{};
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec ts{};
        std::memcpy(&ts, CMSG_DATA(c), sizeof(ts));
        // CLOCK_REALTIME stamp → steady clock, through the offset between the two clocks now.
        const auto stamp = std::chrono::system_clock::time_point(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(
                std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
        const auto age = std::chrono::system_clock::now() - stamp;
        pkt.rxTime = std::chrono::steady_clock::now() -
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(age);
      }
    }
    if (family_ == Family::V4) {
      if (len < 20 || (buf_[0] >> 4) != 4) {
        ++malformed_;
        continue;
      }
      const size_t ihl = size_t{static_cast<uint8_t>(buf_[0] & 0x0f)} * 4;
      if (ihl < 20 || ihl > len || buf_[9] != kIpProtoVrrp) {
        ++malformed_;
        continue;
      }
      const size_t total = std::min<size_t>(len, size_t{buf_[2]} << 8 | buf_[3]);
      if (total < ihl) {
        ++malformed_;
        continue;
      }
      pkt.meta.ttl = buf_[8];
      pkt.meta.src = IpAddress::fromBytes(Family::V4, &buf_[12]);
      pkt.meta.dst = IpAddress::fromBytes(Family::V4, &buf_[16]);
      pkt.payload = std::span<const uint8_t>(buf_.data() + ihl, total - ihl);
    } else {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&from);
      pkt.meta.src =
          IpAddress::fromBytes(Family::V6, reinterpret_cast<const uint8_t*>(&sin6->sin6_addr));
      pkt.meta.ttl = 0;  // no hop limit reported = reject as bad_ttl
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != IPPROTO_IPV6) {
          continue;
        }
        if (c->cmsg_type == IPV6_HOPLIMIT) {
          int hl = 0;
          std::memcpy(&hl, CMSG_DATA(c), sizeof(hl));
          pkt.meta.ttl = static_cast<uint8_t>(hl);
        } else if (c->cmsg_type == IPV6_PKTINFO) {
          in6_pktinfo pi{};
          std::memcpy(&pi, CMSG_DATA(c), sizeof(pi));
          pkt.meta.dst =
              IpAddress::fromBytes(Family::V6, reinterpret_cast<const uint8_t*>(&pi.ipi6_addr));
        }
      }
      pkt.payload = std::span<const uint8_t>(buf_.data(), len);
    }
    return true;
  }
  return false;
}

Result<void> RawSocket::send(std::span<const uint8_t> payload, const IpAddress& src,
                             const IpAddress& dst) {
  const int fd = sd_.native_handle();
  iovec iov{const_cast<uint8_t*>(payload.data()), payload.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) std::array<uint8_t, CMSG_SPACE(sizeof(in6_pktinfo))> control{};
  sockaddr_in sin{};
  sockaddr_in6 sin6{};
  if (family_ == Family::V4) {
    sin.sin_family = AF_INET;
    std::memcpy(&sin.sin_addr, dst.bytes().data(), 4);
    msg.msg_name = &sin;
    msg.msg_namelen = sizeof(sin);
    if (!src.isUnspecified()) {
      msg.msg_control = control.data();
      msg.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));
      cmsghdr* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
      in_pktinfo pi{};
      pi.ipi_ifindex = ifindex_;
      std::memcpy(&pi.ipi_spec_dst, src.bytes().data(), 4);
      std::memcpy(CMSG_DATA(c), &pi, sizeof(pi));
    }
  } else {
    sin6.sin6_family = AF_INET6;
    std::memcpy(&sin6.sin6_addr, dst.bytes().data(), 16);
    if (dst.isLinkLocalV6() || dst.isMulticast()) {
      sin6.sin6_scope_id = static_cast<uint32_t>(ifindex_);
    }
    msg.msg_name = &sin6;
    msg.msg_namelen = sizeof(sin6);
    msg.msg_control = control.data();
    msg.msg_controllen = CMSG_SPACE(sizeof(in6_pktinfo));
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
    in6_pktinfo pi{};
    pi.ipi6_ifindex = static_cast<unsigned>(ifindex_);
    if (!src.isUnspecified()) {
      std::memcpy(&pi.ipi6_addr, src.bytes().data(), 16);
    }
    std::memcpy(CMSG_DATA(c), &pi, sizeof(pi));
  }
  if (::sendmsg(fd, &msg, MSG_DONTWAIT) < 0) {
    return sysError("sendmsg to " + dst.toString());
  }
  return {};
}

}  // namespace lvsd::vrrp::io
