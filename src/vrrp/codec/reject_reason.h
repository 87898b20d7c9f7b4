#pragma once
// Why a received VRRP packet was dropped, and a per-reason counter table for status output.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace lvsd::vrrp {

/// One value per RFC 5798 §7.1 receive check (plus the auth_hmac extension's outcomes).
enum class RejectReason : uint8_t {
  Truncated,         ///< shorter than the header, or than Count IPvX Addrs implies
  BadLength,         ///< trailing bytes that are neither nothing nor an auth_hmac trailer
  BadTtl,            ///< IPv4 TTL / IPv6 Hop Limit not 255 (§7.1 1)
  BadVersion,        ///< version field differs from the instance's (§7.1 2)
  BadType,           ///< type is not ADVERTISEMENT (1)
  BadChecksum,       ///< §7.1 3
  VridMismatch,      ///< §7.1 4
  AddrCount,         ///< Count IPvX Addrs differs from the configured list (§7.1 6)
  AddrListMismatch,  ///< same count, different addresses (§7.1 6)
  IntervalMismatch,  ///< VRRPv2 only: Adver Int differs (RFC 3768 §7.1)
  AuthType,          ///< VRRPv2 only: Auth Type differs (RFC 3768 §7.1)
  AuthPass,          ///< VRRPv2 simple password mismatch
  HmacMissing,       ///< enforce mode and no trailer
  HmacInvalid,       ///< malformed trailer or wrong HMAC
  HmacUnknownKey,    ///< trailer names a key id this node does not hold
  HmacStale,         ///< time mode: timestamp outside the freshness window
  HmacReplay,        ///< sequence not newer than the last accepted from that sender
  kCount,
};

inline constexpr size_t kRejectReasonCount = static_cast<size_t>(RejectReason::kCount);

/// @return the stable snake_case name used in status output and metrics ("bad_ttl", ...).
std::string_view rejectReasonName(RejectReason r);

/// Counter table indexed by RejectReason. The adapter owns one per instance.
class RejectCounters {
public:
  void count(RejectReason r) { ++counts_[static_cast<size_t>(r)]; }
  [[nodiscard]] uint64_t get(RejectReason r) const { return counts_[static_cast<size_t>(r)]; }
  [[nodiscard]] uint64_t total() const {
    uint64_t t = 0;
    for (uint64_t c : counts_) {
      t += c;
    }
    return t;
  }

private:
  std::array<uint64_t, kRejectReasonCount> counts_{};
};

}  // namespace lvsd::vrrp
