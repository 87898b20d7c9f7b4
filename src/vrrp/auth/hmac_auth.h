#pragma once
// VRRP advert authentication per draft-cassen-vrrp-auth-hmac-00 (wire-compatible with
// keepalived 2.4's auth_hmac). Pure: the HMAC primitive is injected (OpenSSL lives in
// vrrp/crypto), the wall clock arrives as an argument.
//
// Trailer (28 octets, appended after the VRRP PDU, all fields network order):
//   0  Ext Type (1 = HMAC-SHA256 truncated to 128 bits)   1  Key ID
//   2  Reserved (16 bits, zero)
//   4  Seconds (32 bits, UTC seconds since the Unix epoch)
//   8  Sub-seconds (16 bits, binary fraction of a second)  10 Counter (16 bits)
//   12 HMAC (16 octets)
// The 64-bit Sequence is Seconds:Sub-seconds:Counter, ordered with RFC 1982 serial arithmetic.
// HMAC input: the 20-octet pseudo-header {family 4|6, VRRP version, VRID, 0, source address
// zero-padded to 16}, the PDU with its checksum field read as zero, the first 12 trailer octets,
// and 16 zero octets in place of the HMAC.

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "common/address.h"
#include "common/expected.h"
#include "common/result.h"
#include "vrrp/codec/codec.h"
#include "vrrp/codec/reject_reason.h"

namespace lvsd::vrrp::auth {

inline constexpr uint8_t kExtTypeHmacSha256 = 1;
inline constexpr size_t kHmacSize = 16;
inline constexpr size_t kPseudoHeaderSize = 20;
inline constexpr size_t kTrailerPrefixSize = kHmacTrailerSize - kHmacSize;  // 12
inline constexpr size_t kKeyMin = 32;
inline constexpr size_t kKeyMax = 64;

/// HMAC-SHA256 primitive (implemented with OpenSSL in vrrp/crypto).
class HmacSha256 {
public:
  virtual ~HmacSha256() = default;
  /// @param key the secret; @param parts the message, concatenated in order
  /// @return the full 32-byte digest, or nullopt when the primitive failed
  virtual std::optional<std::array<uint8_t, 32>> compute(
      std::span<const uint8_t> key,
      std::initializer_list<std::span<const uint8_t>> parts) const = 0;
};

/// Migration modes (receive-only → permissive → enforce).
enum class Mode : uint8_t {
  ReceiveOnly,  ///< send without trailer; verify a trailer if present, accept without
  Permissive,   ///< send with trailer; verify a trailer if present, accept without
  Enforce,      ///< send with trailer; require a valid trailer
};

enum class AntiReplay : uint8_t {
  Time,       ///< freshness window around the local wall clock + per-sender monotonic sequence
  Monotonic,  ///< per-sender monotonic sequence only (no clock agreement needed)
};

struct Config {
  std::map<uint8_t, std::vector<uint8_t>> keys;  ///< key id → 32..64 byte secret
  uint8_t activeKey = 1;                         ///< id used when signing
  Mode mode = Mode::Enforce;
  AntiReplay antiReplay = AntiReplay::Time;
  uint32_t timeWindowSec = 5;  ///< 1..300

  /// @return an error describing the first invalid field, if any.
  [[nodiscard]] Result<void> validate() const;
  bool operator==(const Config&) const = default;
};

/// Wall-clock reading, passed in (the core never reads a clock).
struct WallTime {
  uint32_t sec = 0;     ///< UTC seconds since the epoch (mod 2^32)
  uint16_t subsec = 0;  ///< 1/65536 s units
  /// From nanoseconds since the Unix epoch.
  static WallTime fromUnixNanos(int64_t ns);
  [[nodiscard]] uint64_t sequence() const {
    return (uint64_t{sec} << 32) | (uint64_t{subsec} << 16);
  }
};

/// The parsed trailer.
struct Trailer {
  uint8_t extType = kExtTypeHmacSha256;
  uint8_t keyId = 0;
  uint16_t reserved = 0;
  uint64_t sequence = 0;  ///< seconds:subsec:counter
  std::array<uint8_t, kHmacSize> hmac{};

  static Trailer parse(const std::array<uint8_t, kHmacTrailerSize>& raw);
  [[nodiscard]] std::array<uint8_t, kHmacTrailerSize> serialize() const;
  [[nodiscard]] uint32_t seconds() const { return static_cast<uint32_t>(sequence >> 32); }
};

/// RFC 1982 serial-number "a is after b" over 64 bits.
inline bool sequenceAfter(uint64_t a, uint64_t b) { return static_cast<int64_t>(a - b) > 0; }

/// What verify() accepted.
enum class Verdict : uint8_t { Authenticated, Unauthenticated /* no trailer, mode allows it */ };

/// Identity of the advert for the pseudo-header.
struct PduContext {
  uint8_t version = 3;
  uint8_t vrid = 0;
  IpAddress src;  ///< the sender's source address (family taken from it)
};

/// Computes the 16-byte truncated HMAC of the draft for @p pdu + @p prefix (the first 12
/// trailer octets). The PDU's checksum field is read as zero.
std::optional<std::array<uint8_t, kHmacSize>> computeHmac(const HmacSha256& mac,
                                                          std::span<const uint8_t> key,
                                                          const PduContext& ctx,
                                                          std::span<const uint8_t> pdu,
                                                          std::span<const uint8_t> prefix);

/// Key ring, sequence generator and per-sender replay state of one VRRP instance.
class Authenticator {
public:
  /// @param config validated config; @param mac must outlive the authenticator
  Authenticator(Config config, const HmacSha256& mac);

  /// @return whether adverts are sent with a trailer (not in receive-only mode).
  [[nodiscard]] bool signs() const { return config_.mode != Mode::ReceiveOnly; }

  /// Builds the trailer for @p pdu (the encoded PDU, checksum ignored). Advances the send
  /// sequence: max(clock, last + 1), restarting from the clock in time mode when the last value
  /// ran more than the window ahead (a corrected clock step).
  /// @return nullopt in receive-only mode or when the active key is missing / HMAC failed
  std::optional<std::array<uint8_t, kHmacTrailerSize>> sign(std::span<const uint8_t> pdu,
                                                            const PduContext& ctx, WallTime now);

  /// Verifies @p advert's trailer (or its absence) against the mode. Replay state changes only
  /// after the HMAC verified, so forged or replayed packets change nothing.
  /// @param pdu the received PDU without trailer
  Expected<Verdict, RejectReason> verify(
      std::span<const uint8_t> pdu,
      const std::optional<std::array<uint8_t, kHmacTrailerSize>>& trailer, const PduContext& ctx,
      WallTime now);

  /// Replaces keys / mode / window (reload). Replay state is kept.
  void reconfigure(Config config) { config_ = std::move(config); }
  [[nodiscard]] const Config& config() const { return config_; }
  /// Last skew (local − sender seconds) seen on an accepted advert in time mode.
  [[nodiscard]] int32_t lastSkewSec() const { return lastSkew_; }

  static constexpr size_t kMaxSenders = 8;

private:
  struct SenderState {
    IpAddress addr;
    uint64_t lastSeq = 0;
    uint64_t lastUsed = 0;  ///< LRU rank, 0 = empty
  };
  SenderState& senderSlot(const IpAddress& addr);
  bool outsideWindow(uint32_t sec, WallTime now) const;

  Config config_;
  const HmacSha256& mac_;
  uint64_t sendSeq_ = 0;
  std::array<SenderState, kMaxSenders> senders_{};
  uint64_t lru_ = 0;
  int32_t lastSkew_ = 0;
};

/// Encodes @p advert and, when @p auth signs, appends the trailer (checksum recomputed after).
std::vector<uint8_t> encodeSigned(Advert advert, const IpAddress& src, const IpAddress& dst,
                                  const EncodeOptions& options, Authenticator* auth, WallTime now);

}  // namespace lvsd::vrrp::auth
