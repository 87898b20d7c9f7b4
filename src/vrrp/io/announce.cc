#include "vrrp/io/announce.h"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lvsd::vrrp::io {

namespace {
Unexpected<Error> sysError(const std::string& what) {
  const int e = errno;
  return fail(what + ": " + std::strerror(e), std::error_code(e, std::system_category()));
}
}  // namespace

std::vector<uint8_t> buildGarpFrame(const Mac& mac, const IpAddress& vip) {
  std::vector<uint8_t> f;
  f.reserve(42);
  f.insert(f.end(), 6, 0xff);                                       // destination: broadcast
  f.insert(f.end(), mac.begin(), mac.end());                        // source
  f.insert(f.end(), {0x08, 0x06});                                  // ethertype ARP
  f.insert(f.end(), {0x00, 0x01, 0x08, 0x00});                      // htype Ethernet, ptype IPv4
  f.insert(f.end(), {0x06, 0x04, 0x00, 0x01});                      // hlen 6, plen 4, op request
  f.insert(f.end(), mac.begin(), mac.end());                        // sender MAC
  f.insert(f.end(), vip.bytes().begin(), vip.bytes().begin() + 4);  // sender IP
  f.insert(f.end(), 6, 0xff);  // target MAC (as keepalived sends it)
  f.insert(f.end(), vip.bytes().begin(), vip.bytes().begin() + 4);  // target IP = sender IP
  return f;
}

std::vector<uint8_t> buildUnsolicitedNa(const Mac& mac, const IpAddress& vip) {
  std::vector<uint8_t> b;
  b.reserve(32);
  b.insert(b.end(), {136, 0, 0, 0});   // type NA, code 0, checksum (kernel)
  b.insert(b.end(), {0x20, 0, 0, 0});  // flags: Override (not Router, not Solicited)
  b.insert(b.end(), vip.bytes().begin(), vip.bytes().end());  // target
  b.insert(b.end(), {2, 1});  // option: target link-layer address, 8 octets
  b.insert(b.end(), mac.begin(), mac.end());
  return b;
}

Announcer::~Announcer() {
  if (packetFd_ >= 0) {
    ::close(packetFd_);
  }
  if (icmp6Fd_ >= 0) {
    ::close(icmp6Fd_);
  }
}

Result<void> Announcer::announce(const std::string& ifname, const Mac& mac, const IpAddress& vip) {
  const int ifindex = ifIndex(ifname);
  if (ifindex == 0) {
    return fail("announce: no interface " + ifname);
  }
  return vip.isV4() ? garp(ifindex, mac, vip) : na(ifindex, mac, vip);
}

Result<void> Announcer::garp(int ifindex, const Mac& mac, const IpAddress& vip) {
  if (packetFd_ < 0) {
    packetFd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (packetFd_ < 0) {
      return sysError("socket(AF_PACKET)");
    }
  }
  const auto frame = buildGarpFrame(mac, vip);
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ARP);
  sll.sll_ifindex = ifindex;
  sll.sll_halen = 6;
  std::memset(sll.sll_addr, 0xff, 6);
  if (::sendto(packetFd_, frame.data(), frame.size(), MSG_DONTWAIT,
               reinterpret_cast<const sockaddr*>(&sll), sizeof(sll)) < 0) {
    return sysError("send GARP for " + vip.toString());
  }
  ++sent_;
  return {};
}

Result<void> Announcer::na(int ifindex, const Mac& mac, const IpAddress& vip) {
  if (icmp6Fd_ < 0) {
    icmp6Fd_ = ::socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
    if (icmp6Fd_ < 0) {
      return sysError("socket(ICMPv6)");
    }
    const int hops = 255;
    ::setsockopt(icmp6Fd_, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
    ::setsockopt(icmp6Fd_, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops));
  }
  if (::setsockopt(icmp6Fd_, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) != 0) {
    return sysError("IPV6_MULTICAST_IF");
  }
  const auto body = buildUnsolicitedNa(mac, vip);
  sockaddr_in6 dst{};
  dst.sin6_family = AF_INET6;
  dst.sin6_addr.s6_addr[0] = 0xff;
  dst.sin6_addr.s6_addr[1] = 0x02;
  dst.sin6_addr.s6_addr[15] = 0x01;
  dst.sin6_scope_id = static_cast<uint32_t>(ifindex);
  if (::sendto(icmp6Fd_, body.data(), body.size(), MSG_DONTWAIT,
               reinterpret_cast<const sockaddr*>(&dst), sizeof(dst)) < 0) {
    return sysError("send NA for " + vip.toString());
  }
  ++sent_;
  return {};
}

}  // namespace lvsd::vrrp::io
