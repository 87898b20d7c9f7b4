#pragma once
// Takeover announcements: gratuitous ARP (AF_PACKET, broadcast ARP request with sender = target =
// VIP) for IPv4 VIPs and unsolicited Neighbour Advertisements (RFC 4861 §7.2.6: to ff02::1, hop
// limit 255, Override set, target link-layer option) for IPv6 VIPs.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/address.h"
#include "common/result.h"
#include "vrrp/io/netif.h"

namespace lvsd::vrrp::io {

/// Builds the 42-byte Ethernet frame of a gratuitous ARP for @p vip from @p mac (pure; tested).
std::vector<uint8_t> buildGarpFrame(const Mac& mac, const IpAddress& vip);
/// Builds the ICMPv6 body of an unsolicited NA for @p vip (checksum left to the kernel).
std::vector<uint8_t> buildUnsolicitedNa(const Mac& mac, const IpAddress& vip);

class Announcer {
public:
  Announcer() = default;
  ~Announcer();
  Announcer(const Announcer&) = delete;
  Announcer& operator=(const Announcer&) = delete;

  /// Announces @p vip on @p ifname with @p mac as the link-layer address. Never blocks.
  Result<void> announce(const std::string& ifname, const Mac& mac, const IpAddress& vip);
  [[nodiscard]] uint64_t sent() const { return sent_; }

private:
  Result<void> garp(int ifindex, const Mac& mac, const IpAddress& vip);
  Result<void> na(int ifindex, const Mac& mac, const IpAddress& vip);
  int packetFd_ = -1;
  int icmp6Fd_ = -1;
  uint64_t sent_ = 0;
};

}  // namespace lvsd::vrrp::io
