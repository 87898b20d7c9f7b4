// libFuzzer target: VRRP v2/v3 × IPv4/IPv6 decode, auth_hmac trailer parsing/verification.
// Input byte 0 selects the mode: bit 0 → VRRPv3 (else v2), bit 1 → IPv6 (else IPv4),
// bit 2 → message-only v3/IPv4 checksum. The rest is the IP payload.
// Invariant: whatever parse() accepts re-encodes to bytes that decode() accepts and that parse
// back to the same advert.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "vrrp/auth/hmac_auth.h"
#include "vrrp/codec/codec.h"

namespace {

using namespace lvsd;
using namespace lvsd::vrrp;

// Deterministic stand-in for HMAC-SHA256 (the fuzzer checks trailer logic, not crypto).
class FakeMac final : public auth::HmacSha256 {
public:
  std::optional<std::array<uint8_t, 32>> compute(
      std::span<const uint8_t> key,
      std::initializer_list<std::span<const uint8_t>> parts) const override {
    std::array<uint8_t, 32> d{};
    size_t i = 0;
    for (uint8_t k : key) {
      d[i++ % 32] ^= k;
    }
    for (const auto& p : parts) {
      for (uint8_t b : p) {
        d[i % 32] = static_cast<uint8_t>(d[i % 32] * 31U + b);
        ++i;
      }
    }
    return d;
  }
};

bool sameAdvert(const Advert& a, const Advert& b) {
  return a.version == b.version && a.type == b.type && a.vrid == b.vrid &&
         a.priority == b.priority && a.adverInt == b.adverInt && a.v3Reserved == b.v3Reserved &&
         (a.version != 2 || (a.authType == b.authType && a.authData == b.authData)) &&
         a.addresses == b.addresses && a.trailer == b.trailer;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) {
    return 0;
  }
  const uint8_t mode = data[0];
  const std::span<const uint8_t> payload(data + 1, size - 1);
  const bool v6 = (mode & 2) != 0;
  const IpAddress src = *IpAddress::parse(v6 ? "fe80::1" : "10.0.0.1");
  const IpAddress dst = *IpAddress::parse(v6 ? "ff02::12" : "224.0.0.18");
  DecodeOptions o;
  o.version = (mode & 1) != 0 ? 3 : 2;
  o.checksumMode = (mode & 4) != 0 ? ChecksumMode::NoPseudoHeader : ChecksumMode::Rfc;
  o.acceptTrailer = true;
  const RxMeta meta{src, dst, 255};

  const auto parsed = parse(payload, src.family());
  if (!parsed) {
    return 0;
  }
  o.vrid = parsed->vrid;
  o.v2AdverIntSec = static_cast<uint8_t>(parsed->adverInt);
  o.v2AuthType = parsed->authType;
  o.v2Password = parsed->authData;
  (void)decode(payload, meta, o);

  if (parsed->version != o.version || parsed->type != kAdvertisementType ||
      (parsed->version == 2 && v6)) {
    return 0;
  }
  const auto wire = encode(*parsed, src, dst, EncodeOptions{o.checksumMode});
  const auto again = decode(wire, meta, o);
  if (!again || !sameAdvert(*again, *parsed)) {
    std::abort();
  }
  if (again->trailer) {
    FakeMac mac;
    auth::Config c;
    c.keys[1] = std::vector<uint8_t>(32, 7);
    c.antiReplay = auth::AntiReplay::Monotonic;
    auth::Authenticator a(c, mac);
    const auto pdu = std::span(wire).first(again->pduSize(src.family()));
    const auth::PduContext ctx{again->version, again->vrid, src};
    (void)a.verify(pdu, again->trailer, ctx, auth::WallTime{});
    // A trailer we sign ourselves must verify exactly once.
    auth::Authenticator tx(c, mac);
    const auto mine = tx.sign(pdu, ctx, auth::WallTime{});
    auth::Authenticator rx(c, mac);
    if (!mine || !rx.verify(pdu, mine, ctx, auth::WallTime{}) ||
        rx.verify(pdu, mine, ctx, auth::WallTime{})) {
      std::abort();
    }
  }
  return 0;
}
