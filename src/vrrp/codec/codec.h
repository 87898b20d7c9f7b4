#pragma once
// VRRP advertisement codec: VRRPv2 (RFC 3768, with simple-password auth) and VRRPv3 (RFC 5798 /
// RFC 9568) for IPv4 and IPv6. Pure: works on the IP payload (the VRRP PDU, optionally followed
// by the 28-byte auth_hmac trailer); the adapter's raw socket supplies/strips the IP header and
// reports the TTL / Hop Limit in RxMeta.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/address.h"
#include "common/expected.h"
#include "vrrp/codec/reject_reason.h"

namespace lvsd::vrrp {

inline constexpr uint8_t kIpProtoVrrp = 112;
inline constexpr uint8_t kAdvertisementType = 1;
inline constexpr uint8_t kRequiredTtl = 255;
inline constexpr size_t kHeaderSize = 8;
inline constexpr size_t kV2AuthDataSize = 8;
/// Size of the draft-cassen-vrrp-auth-hmac trailer appended after the PDU.
inline constexpr size_t kHmacTrailerSize = 28;

enum class V2AuthType : uint8_t { None = 0, SimplePassword = 1, IpAh = 2 };

/// VRRPv3-over-IPv4 checksum flavour. RFC 5798 §5.2.8 includes the IPv4 pseudo-header; some
/// peers compute it over the VRRP message only (as VRRPv2 does).
enum class ChecksumMode : uint8_t {
  Rfc,             ///< send and accept the RFC form only
  NoPseudoHeader,  ///< send and accept the message-only form (v3/IPv4 only)
  AcceptEither,    ///< send the RFC form, accept both
};

/// A decoded (or to-be-encoded) advertisement.
struct Advert {
  uint8_t version = 3;  ///< 2 or 3
  uint8_t type = kAdvertisementType;
  uint8_t vrid = 0;
  uint8_t priority = 0;
  /// v2: Adver Int in seconds; v3: Max Adver Int in centiseconds (12 bits).
  uint16_t adverInt = 100;
  /// v3: the 4 reserved bits above Max Adver Int (kept for byte-identical re-encoding).
  uint8_t v3Reserved = 0;
  V2AuthType authType = V2AuthType::None;           ///< v2 only
  std::array<uint8_t, kV2AuthDataSize> authData{};  ///< v2 only (password, zero padded)
  uint16_t checksum = 0;                            ///< as received; recomputed by encode()
  std::vector<IpAddress> addresses;
  /// The raw auth_hmac trailer when the payload carried one (verified separately by auth/).
  std::optional<std::array<uint8_t, kHmacTrailerSize>> trailer;

  /// @return the advertisement interval in centiseconds, whatever the version.
  [[nodiscard]] uint32_t adverIntervalCs() const {
    return version == 2 ? uint32_t{adverInt} * 100U : uint32_t{adverInt};
  }
  /// @return the length of the VRRP PDU (without trailer) for @p family.
  [[nodiscard]] size_t pduSize(Family family) const;
};

/// What the adapter knows about the packet besides its payload.
struct RxMeta {
  IpAddress src;
  IpAddress dst;
  uint8_t ttl = kRequiredTtl;  ///< IPv4 TTL or IPv6 Hop Limit
};

/// The receiving instance's expectations (RFC 5798 §7.1).
struct DecodeOptions {
  uint8_t version = 3;
  uint8_t vrid = 0;
  bool checkTtl = true;  ///< false only for unicast peers across routers (keepalived's option)
  ChecksumMode checksumMode = ChecksumMode::Rfc;
  /// When set, Count IPvX Addrs and the list must equal it (order-insensitive).
  std::optional<std::vector<IpAddress>> expectedAddresses;
  uint8_t v2AdverIntSec = 1;  ///< v2: Adver Int must equal this
  V2AuthType v2AuthType = V2AuthType::None;
  std::array<uint8_t, kV2AuthDataSize> v2Password{};  ///< v2 simple password, zero padded
  bool acceptTrailer = false;  ///< whether a 28-byte auth_hmac trailer may follow the PDU
  bool operator==(const DecodeOptions&) const = default;
};

/// Decodes and validates one received advertisement.
/// @param ipPayload the bytes after the IP header (PDU, optionally + trailer)
/// @return the advert, or the first failed §7.1 check
Expected<Advert, RejectReason> decode(std::span<const uint8_t> ipPayload, const RxMeta& meta,
                                      const DecodeOptions& options);

/// Parses the header and address list only (no policy checks, no checksum) — for tools/fuzzers.
Expected<Advert, RejectReason> parse(std::span<const uint8_t> ipPayload, Family family);

struct EncodeOptions {
  ChecksumMode checksumMode = ChecksumMode::Rfc;
};

/// Encodes @p advert (checksum recomputed; advert.trailer appended when set). For IPv6 the
/// checksum covers the trailer too (as the kernel's IPV6_CHECKSUM does); for IPv4 it covers the
/// PDU only.
std::vector<uint8_t> encode(const Advert& advert, const IpAddress& src, const IpAddress& dst,
                            const EncodeOptions& options = {});

/// Byte offset of the checksum field inside the PDU.
inline constexpr size_t kChecksumOffset = 6;

/// RFC 1071 checksum over @p parts, concatenated (odd lengths padded per part end only at the
/// very end; callers pass even-length parts except the last).
uint16_t internetChecksum(std::initializer_list<std::span<const uint8_t>> parts);

}  // namespace lvsd::vrrp
