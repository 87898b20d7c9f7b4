#pragma once
// IPVS table model: virtual services, destinations, timeouts and sync daemons, with explicit
// fields named after the kernel's generic netlink attributes (include/uapi/linux/ip_vs.h).

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/address.h"

namespace lvsd::ipvs {

enum class Protocol : uint16_t { Tcp = 6, Udp = 17, Sctp = 132 };

/// Forwarding method (IPVS_DEST_ATTR_FWD_METHOD, IP_VS_CONN_F_*).
enum class Forward : uint32_t { Masq = 0, Local = 1, Tunnel = 2, Route = 3, Bypass = 4 };

/// Tunnel encapsulation for Forward::Tunnel (IPVS_DEST_ATTR_TUN_TYPE).
enum class TunnelType : uint8_t { Ipip = 0, Gue = 1, Gre = 2 };

/// Service flags (IP_VS_SVC_F_*).
inline constexpr uint32_t kSvcPersistent = 0x0001;
inline constexpr uint32_t kSvcHashed = 0x0002;
inline constexpr uint32_t kSvcOnePacket = 0x0004;
inline constexpr uint32_t kSvcSched1 = 0x0008;  ///< sh/mh: fallback
inline constexpr uint32_t kSvcSched2 = 0x0010;  ///< sh/mh: port
inline constexpr uint32_t kSvcSched3 = 0x0020;
/// Flags a user sets; the kernel adds kSvcHashed by itself.
inline constexpr uint32_t kSvcUserFlags =
    kSvcPersistent | kSvcOnePacket | kSvcSched1 | kSvcSched2 | kSvcSched3;

/// Tunnel flags (IP_VS_TUNNEL_ENCAP_FLAG_*).
inline constexpr uint16_t kTunCsum = 0x1;
inline constexpr uint16_t kTunRemCsum = 0x2;

/// Identity of a virtual service: fwmark + family, or protocol + address + port.
struct ServiceKey {
  Family family = Family::V4;
  uint32_t fwmark = 0;  ///< non-zero: a firewall-mark service (protocol/addr/port unused)
  Protocol protocol = Protocol::Tcp;
  IpAddress addr;
  uint16_t port = 0;  ///< host order

  static ServiceKey tcp(const IpAddress& a, uint16_t p) {
    return {a.family(), 0, Protocol::Tcp, a, p};
  }
  static ServiceKey udp(const IpAddress& a, uint16_t p) {
    return {a.family(), 0, Protocol::Udp, a, p};
  }
  static ServiceKey mark(Family f, uint32_t m) { return {f, m, Protocol::Tcp, IpAddress{}, 0}; }

  friend bool operator==(const ServiceKey& a, const ServiceKey& b);
  friend bool operator<(const ServiceKey& a, const ServiceKey& b);
};

/// Hash for unordered containers of ServiceKey (consistent with operator==).
struct ServiceKeyHash {
  size_t operator()(const ServiceKey& k) const;
};

/// Traffic counters (IPVS_*_ATTR_STATS64).
struct Stats {
  uint64_t conns = 0, inPkts = 0, outPkts = 0, inBytes = 0, outBytes = 0;
  uint64_t cps = 0, inPps = 0, outPps = 0, inBps = 0, outBps = 0;
  bool operator==(const Stats&) const = default;
};

struct Destination {
  IpAddress addr;
  uint16_t port = 0;  ///< host order
  Forward forward = Forward::Masq;
  int32_t weight = 1;
  uint32_t upperThreshold = 0;  ///< 0 = none
  uint32_t lowerThreshold = 0;
  TunnelType tunnelType = TunnelType::Ipip;
  uint16_t tunnelPort = 0;  ///< GUE destination port, host order
  uint16_t tunnelFlags = 0;
  // Read-only, filled by dumps:
  uint32_t activeConns = 0, inactConns = 0, persistConns = 0;
  Stats stats;

  /// Same (addr, port): the destination's identity inside a service.
  [[nodiscard]] bool sameEndpoint(const Destination& o) const {
    return addr == o.addr && port == o.port;
  }
  /// Every field the kernel lets a user set is equal (counters ignored).
  [[nodiscard]] bool sameSettings(const Destination& o) const;
};

struct Service {
  ServiceKey key;
  std::string scheduler = "wlc";
  uint32_t flags = 0;    ///< kSvc* (user flags; kSvcHashed is ignored when comparing)
  uint32_t timeout = 0;  ///< persistence timeout, seconds (with kSvcPersistent)
  /// Persistence netmask: IPv4 mask in host order (0xffffffff = /32); IPv6 prefix length.
  uint32_t netmask = 0xffffffff;
  std::string peName;  ///< persistence engine ("sip"), empty = none
  std::vector<Destination> dests;
  // Read-only, filled by dumps:
  Stats stats;

  /// Every service-level field a user sets is equal (destinations not compared).
  [[nodiscard]] bool sameSettings(const Service& o) const;
  [[nodiscard]] const Destination* findDest(const IpAddress& a, uint16_t port) const;
};

/// Destinations of one service by endpoint: linear below kIndexFrom destinations, hashed above
/// (a 5,000-destination service diffed by findDest alone costs 25 M comparisons per sync).
/// Positions are indexes into the vector it was built from; valid until that vector changes.
class DestIndex {
public:
  static constexpr size_t kIndexFrom = 16;
  /// @p alwaysHash hashes small vectors too (for callers that tombstone instead of erasing).
  explicit DestIndex(const std::vector<Destination>& dests, bool alwaysHash = false);
  /// Position of (a, port), or npos.
  [[nodiscard]] size_t find(const IpAddress& a, uint16_t port) const;
  /// Records that (a, port) now sits at @p pos (after an append) or is gone (pos = npos).
  void set(const IpAddress& a, uint16_t port, size_t pos);
  /// False: find() scans the vector itself (small services).
  [[nodiscard]] bool hashed() const { return hashed_; }
  static constexpr size_t npos = static_cast<size_t>(-1);

private:
  struct Key {
    IpAddress addr;
    uint16_t port;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  const std::vector<Destination>& dests_;
  bool hashed_ = false;
  std::unordered_map<Key, size_t, KeyHash> at_;
};

/// Connection timeouts in seconds (IPVS_CMD_ATTR_TIMEOUT_*); 0 = leave unchanged.
struct Timeouts {
  uint32_t tcp = 0, tcpFin = 0, udp = 0;
  bool operator==(const Timeouts&) const = default;
};

enum class DaemonState : uint32_t { Master = 1, Backup = 2 };

/// A connection sync daemon (IPVS_CMD_ATTR_DAEMON).
struct SyncDaemon {
  DaemonState state = DaemonState::Master;
  std::string interface;
  uint32_t syncId = 0;
  uint16_t maxLen = 0;  ///< 0 = kernel default
  std::optional<IpAddress> group;
  uint16_t port = 0;  ///< 0 = kernel default (8848)
  uint8_t ttl = 0;    ///< 0 = kernel default (1)
  bool operator==(const SyncDaemon&) const = default;
};

struct Table {
  std::vector<Service> services;
  std::optional<Timeouts> timeouts;  ///< desired: nullopt = not managed
  std::vector<SyncDaemon> daemons;   ///< desired: empty + manageDaemons=false = not managed
  bool manageDaemons = false;

  [[nodiscard]] const Service* find(const ServiceKey& k) const;
};

/// The persistence netmask as the kernel keeps it: IPv6 defaults to /128.
uint32_t effectiveNetmask(const Service& s);

/// "TCP 10.0.0.1:80", "UDP [2001:db8::1]:53", "FWM 7 IPv6".
std::string toString(const ServiceKey& k);
std::string toString(Forward f);
/// "TCP", "UDP", "SCTP".
std::string protocolName(Protocol p);

/// Checks a desired table before anything is sent: scheduler name length, weight 0..65535,
/// thresholds, family of destinations vs service (only tunnel forwarding may mix), duplicate
/// services and destinations. @return one message per problem (empty = valid).
std::vector<std::string> validate(const Table& t);
/// The per-service part of validate() (no duplicate-service check).
std::vector<std::string> validateService(const Service& s);

}  // namespace lvsd::ipvs
