// ICMP / ICMPv6 echo probe. Uses an unprivileged ping socket (SOCK_DGRAM, IPPROTO_ICMP[V6])
// when net.ipv4.ping_group_range allows it, else a raw socket (needs CAP_NET_RAW). The socket
// is connect()ed so the kernel only hands us packets from the target.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cerrno>
#include <cstring>
#include <random>

#include "check/io/probe_base.h"
#include "check/io/probers.h"

namespace lvsd::check {

namespace {

uint16_t inetChecksum(const std::vector<uint8_t>& b) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < b.size(); i += 2) {
    sum += static_cast<uint32_t>((b[i] << 8U) | b[i + 1]);
  }
  if (b.size() % 2 != 0) {
    sum += static_cast<uint32_t>(b.back() << 8U);
  }
  while ((sum >> 16U) != 0) {
    sum = (sum & 0xFFFFU) + (sum >> 16U);
  }
  return static_cast<uint16_t>(~sum);
}

/// @return @p a as a socket address (port 0) in @p ss, and its length.
socklen_t toSockaddr(const IpAddress& a, sockaddr_storage& ss) {
  ss = {};
  if (a.isV4()) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    std::memcpy(&sin.sin_addr, a.bytes().data(), 4);
    std::memcpy(&ss, &sin, sizeof sin);
    return sizeof sin;
  }
  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  std::memcpy(&sin6.sin6_addr, a.bytes().data(), 16);
  std::memcpy(&ss, &sin6, sizeof sin6);
  return sizeof sin6;
}

/// Opens a connected, non-blocking ICMP socket to @p a, bound to @p source when given (the
/// echo request's source address). @return fd and whether it is raw.
Result<std::pair<int, bool>> openIcmp(const IpAddress& a, const std::optional<IpAddress>& source) {
  const int family = a.isV4() ? AF_INET : AF_INET6;
  const int proto = a.isV4() ? static_cast<int>(IPPROTO_ICMP) : static_cast<int>(IPPROTO_ICMPV6);
  bool raw = false;
  int fd = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (fd < 0) {
    raw = true;
    fd = ::socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  }
  if (fd < 0) {
    return fail("icmp: socket", std::error_code(errno, std::system_category()));
  }
  sockaddr_storage ss{};
  if (source) {
    // Port 0: a ping socket picks its own identifier; a raw socket has no ports.
    const socklen_t slen = toSockaddr(*source, ss);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), slen) != 0) {  // NOLINT
      const int e = errno;
      ::close(fd);
      return fail("bind", std::error_code(e, std::system_category()));
    }
  }
  const socklen_t len = toSockaddr(a, ss);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {  // NOLINT
    const int e = errno;
    ::close(fd);
    return fail("icmp: connect", std::error_code(e, std::system_category()));
  }
  return std::make_pair(fd, raw);
}

class IcmpRun : public ProbeRunBase {
public:
  IcmpRun(asio::io_context& io, Duration timeout, const IcmpSpec& s, uint16_t id, uint16_t seq)
      : ProbeRunBase(io, timeout), spec_(s), id_(id), seq_(seq), desc_(io) {}

private:
  void begin() override {
    auto sock = openIcmp(spec_.address, spec_.source);
    if (!sock) {
      std::string why = sock.error().message + ": " + sock.error().code.message();
      return finish(isLocalShortage(sock.error().code.value())
                        ? Outcome::localShortage(std::move(why))
                        : Outcome::down(std::move(why)));
    }
    raw_ = sock->second;
    desc_.assign(sock->first);
    const bool v4 = spec_.address.isV4();
    std::vector<uint8_t> pkt{static_cast<uint8_t>(v4 ? 8 : 128),
                             0,
                             0,
                             0,
                             static_cast<uint8_t>(id_ >> 8U),
                             static_cast<uint8_t>(id_),
                             static_cast<uint8_t>(seq_ >> 8U),
                             static_cast<uint8_t>(seq_)};
    for (uint16_t i = 0; i < spec_.payloadSize; ++i) {
      pkt.push_back(static_cast<uint8_t>('a' + i % 26));
    }
    if (v4) {
      const uint16_t c = inetChecksum(pkt);  // the kernel fills it for ping sockets and ICMPv6
      pkt[2] = static_cast<uint8_t>(c >> 8U);
      pkt[3] = static_cast<uint8_t>(c);
    }
    if (::send(desc_.native_handle(), pkt.data(), pkt.size(), 0) < 0) {
      return finish(Outcome::down(std::string("icmp: send: ") + std::strerror(errno)));
    }
    wait();
  }
  void closeAll() override {
    boost::system::error_code ignored;
    desc_.close(ignored);
  }
  void wait() {
    desc_.async_wait(asio::posix::descriptor_base::wait_read,
                     [self = selfAs<IcmpRun>()](const boost::system::error_code& ec) {
                       if (self->finished()) {
                         return;
                       }
                       if (ec) {
                         return self->finish(Outcome::down("icmp: " + errText(ec)));
                       }
                       self->drain();
                     });
  }
  void drain() {
    std::array<uint8_t, 2048> buf{};
    for (;;) {
      const ssize_t n = ::recv(desc_.native_handle(), buf.data(), buf.size(), 0);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          return wait();
        }
        return finish(Outcome::down(std::string("icmp: recv: ") + std::strerror(errno)));
      }
      size_t off = 0;
      const bool v4 = spec_.address.isV4();
      if (raw_ && v4 && n > 0) {
        off = static_cast<size_t>(buf[0] & 0x0FU) * 4;  // raw IPv4 sockets include the IP header
      }
      if (static_cast<size_t>(n) < off + 8) {
        continue;
      }
      const uint8_t type = buf[off];
      const auto id = static_cast<uint16_t>((buf[off + 4] << 8U) | buf[off + 5]);
      const auto seq = static_cast<uint16_t>((buf[off + 6] << 8U) | buf[off + 7]);
      // Ping sockets rewrite the id to the socket's; the kernel already filtered for us.
      if (type == (v4 ? 0 : 129) && seq == seq_ && (!raw_ || id == id_)) {
        return finish(
            Outcome::up(raw_ ? "icmp: echo reply (raw socket)" : "icmp: echo reply (ping socket)"));
      }
    }
  }

  IcmpSpec spec_;
  uint16_t id_;
  uint16_t seq_;
  bool raw_ = false;
  asio::posix::stream_descriptor desc_;
};

class IcmpProber : public Prober {
public:
  IcmpProber(asio::io_context& io, Duration timeout, IcmpSpec s)
      : io_(io),
        timeout_(timeout),
        spec_(std::move(s)),
        id_(static_cast<uint16_t>(std::random_device{}())) {}
  std::shared_ptr<ProbeRun> run(ProbeDone done) override {
    return startRun(std::make_shared<IcmpRun>(io_, timeout_, spec_, id_, ++seq_), std::move(done));
  }

private:
  asio::io_context& io_;
  Duration timeout_;
  IcmpSpec spec_;
  uint16_t id_;
  uint16_t seq_ = 0;
};

}  // namespace

ProberResult makeIcmpProber(asio::io_context& io, const IcmpSpec& s, Duration timeout) {
  if (s.payloadSize > 1400) {
    return fail("icmp probe: payload larger than 1400 bytes");
  }
  return std::unique_ptr<Prober>(std::make_unique<IcmpProber>(io, timeout, s));
}

}  // namespace lvsd::check
