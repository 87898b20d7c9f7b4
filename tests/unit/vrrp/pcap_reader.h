#pragma once
// Test support: a tiny reader for classic libpcap files (Ethernet link type) and for the
// `tshark -V` text decodes committed next to them.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/address.h"

namespace lvsd::vrrp::testing {

/// One captured IP packet carried in an Ethernet frame.
struct IpPacket {
  unsigned frameNumber = 0;  ///< 1-based, as tshark numbers frames
  IpAddress src;
  IpAddress dst;
  uint8_t ttl = 0;  ///< IPv4 TTL or IPv6 Hop Limit
  uint8_t protocol = 0;
  std::vector<uint8_t> payload;  ///< bytes after the IP header
};

/// Reads every IPv4/IPv6 packet of a classic pcap file (non-IP frames are skipped but still
/// counted in frame numbers). @return nullopt when the file is not a readable Ethernet pcap
std::optional<std::vector<IpPacket>> readPcap(const std::filesystem::path& file);

/// The VRRP fields tshark printed for one frame.
struct TsharkVrrp {
  unsigned frameNumber = 0;
  int ttl = -1;
  int version = -1;
  int type = -1;
  int vrid = -1;
  int priority = -1;
  int addrCount = -1;
  int authType = -1;  ///< v2 only
  int adverInt = -1;
  int checksum = -1;
  std::vector<std::string> addresses;
  std::string authString;  ///< v2 simple password
};

/// Parses the VRRP frames of a `tshark -V` decode. @return empty when unreadable
std::vector<TsharkVrrp> readTsharkDecode(const std::filesystem::path& file);

}  // namespace lvsd::vrrp::testing
