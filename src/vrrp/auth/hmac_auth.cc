#include "vrrp/auth/hmac_auth.h"

#include <algorithm>

#include "common/bytes.h"

namespace lvsd::vrrp::auth {
namespace {

// Constant-time comparison: timing must not reveal how many HMAC bytes matched.
bool equalConstantTime(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) {
    return false;
  }
  uint8_t diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = static_cast<uint8_t>(diff | (a[i] ^ b[i]));
  }
  return diff == 0;
}

std::array<uint8_t, kPseudoHeaderSize> pseudoHeader(const PduContext& ctx) {
  std::array<uint8_t, kPseudoHeaderSize> ph{};
  ph[0] = ctx.src.isV6() ? 6 : 4;
  ph[1] = ctx.version;
  ph[2] = ctx.vrid;
  std::copy_n(ctx.src.bytes().begin(), ctx.src.size(), ph.begin() + 4);
  return ph;
}

}  // namespace

Result<void> Config::validate() const {
  if (keys.empty()) {
    return fail("auth_hmac: no key configured");
  }
  for (const auto& [id, key] : keys) {
    if (id == 0) {
      return fail("auth_hmac: key id must be 1..255");
    }
    if (key.size() < kKeyMin || key.size() > kKeyMax) {
      return fail("auth_hmac: key " + std::to_string(id) + " must be 32..64 bytes");
    }
  }
  if (mode != Mode::ReceiveOnly && keys.find(activeKey) == keys.end()) {
    return fail("auth_hmac: active key " + std::to_string(activeKey) + " is not configured");
  }
  if (timeWindowSec < 1 || timeWindowSec > 300) {
    return fail("auth_hmac: time window must be 1..300 s");
  }
  return {};
}

WallTime WallTime::fromUnixNanos(int64_t ns) {
  constexpr int64_t kNs = 1'000'000'000;
  const int64_t sec = ns / kNs;
  const int64_t frac = ns % kNs;
  WallTime t;
  t.sec = static_cast<uint32_t>(static_cast<uint64_t>(sec) & 0xffffffffU);
  t.subsec = static_cast<uint16_t>((static_cast<uint64_t>(frac) << 16) / kNs);
  return t;
}

Trailer Trailer::parse(const std::array<uint8_t, kHmacTrailerSize>& raw) {
  ByteReader r(raw);
  Trailer t;
  t.extType = r.u8();
  t.keyId = r.u8();
  t.reserved = r.u16();
  const uint32_t sec = r.u32();
  const uint16_t sub = r.u16();
  const uint16_t ctr = r.u16();
  t.sequence = (uint64_t{sec} << 32) | (uint64_t{sub} << 16) | ctr;
  const auto h = r.bytes(kHmacSize);
  std::copy(h.begin(), h.end(), t.hmac.begin());
  return t;
}

std::array<uint8_t, kHmacTrailerSize> Trailer::serialize() const {
  std::vector<uint8_t> out;
  ByteWriter w(out);
  w.u8(extType);
  w.u8(keyId);
  w.u16(reserved);
  w.u32(static_cast<uint32_t>(sequence >> 32));
  w.u16(static_cast<uint16_t>(sequence >> 16));
  w.u16(static_cast<uint16_t>(sequence));
  w.bytes(hmac);
  std::array<uint8_t, kHmacTrailerSize> raw{};
  std::copy(out.begin(), out.end(), raw.begin());
  return raw;
}

std::optional<std::array<uint8_t, kHmacSize>> computeHmac(const HmacSha256& mac,
                                                          std::span<const uint8_t> key,
                                                          const PduContext& ctx,
                                                          std::span<const uint8_t> pdu,
                                                          std::span<const uint8_t> prefix) {
  if (pdu.size() < kHeaderSize || prefix.size() != kTrailerPrefixSize) {
    return std::nullopt;
  }
  static constexpr std::array<uint8_t, kHmacSize> kZero{};
  const auto ph = pseudoHeader(ctx);
  const auto digest =
      mac.compute(key, {ph, pdu.first(kChecksumOffset), std::span<const uint8_t>(kZero.data(), 2),
                        pdu.subspan(kChecksumOffset + 2), prefix, kZero});
  if (!digest) {
    return std::nullopt;
  }
  std::array<uint8_t, kHmacSize> out{};
  std::copy_n(digest->begin(), kHmacSize, out.begin());
  return out;
}

Authenticator::Authenticator(Config config, const HmacSha256& mac)
    : config_(std::move(config)), mac_(mac) {}

bool Authenticator::outsideWindow(uint32_t sec, WallTime now) const {
  const auto delta = static_cast<int32_t>(now.sec - sec);
  const auto window = static_cast<int64_t>(config_.timeWindowSec);
  return delta > window || delta < -window;
}

std::optional<std::array<uint8_t, kHmacTrailerSize>> Authenticator::sign(
    std::span<const uint8_t> pdu, const PduContext& ctx, WallTime now) {
  if (!signs()) {
    return std::nullopt;
  }
  const auto key = config_.keys.find(config_.activeKey);
  if (key == config_.keys.end()) {
    return std::nullopt;
  }
  const uint64_t clock = now.sequence();
  if (sequenceAfter(clock, sendSeq_)) {
    sendSeq_ = clock;
  } else if (config_.antiReplay == AntiReplay::Time &&
             outsideWindow(static_cast<uint32_t>(sendSeq_ >> 32), now)) {
    sendSeq_ = clock;  // stranded ahead after a clock step: receivers would call it stale
  } else {
    ++sendSeq_;
  }
  Trailer t;
  t.keyId = config_.activeKey;
  t.sequence = sendSeq_;
  const auto raw = t.serialize();
  const auto h = computeHmac(mac_, key->second, ctx, pdu,
                             std::span<const uint8_t>(raw.data(), kTrailerPrefixSize));
  if (!h) {
    return std::nullopt;
  }
  t.hmac = *h;
  return t.serialize();
}

Authenticator::SenderState& Authenticator::senderSlot(const IpAddress& addr) {
  SenderState* victim = &senders_[0];
  for (auto& s : senders_) {
    if (s.lastUsed != 0 && s.addr == addr) {
      s.lastUsed = ++lru_;
      return s;
    }
    if (s.lastUsed < victim->lastUsed) {
      victim = &s;
    }
  }
  *victim = SenderState{addr, 0, 0};
  return *victim;
}

Expected<Verdict, RejectReason> Authenticator::verify(
    std::span<const uint8_t> pdu,
    const std::optional<std::array<uint8_t, kHmacTrailerSize>>& trailer, const PduContext& ctx,
    WallTime now) {
  if (!trailer) {
    if (config_.mode == Mode::Enforce) {
      return Unexpected(RejectReason::HmacMissing);
    }
    return Verdict::Unauthenticated;
  }
  const Trailer t = Trailer::parse(*trailer);
  if (t.extType != kExtTypeHmacSha256 || t.reserved != 0) {
    return Unexpected(RejectReason::HmacInvalid);
  }
  // Cheap freshness check first: a flood of old captures costs no digest. It only rejects.
  if (config_.antiReplay == AntiReplay::Time && outsideWindow(t.seconds(), now)) {
    return Unexpected(RejectReason::HmacStale);
  }
  const auto key = config_.keys.find(t.keyId);
  if (key == config_.keys.end()) {
    return Unexpected(RejectReason::HmacUnknownKey);
  }
  const auto expect = computeHmac(mac_, key->second, ctx, pdu,
                                  std::span<const uint8_t>(trailer->data(), kTrailerPrefixSize));
  if (!expect || !equalConstantTime(*expect, t.hmac)) {
    return Unexpected(RejectReason::HmacInvalid);
  }
  // Authenticated: only now may per-sender state move.
  SenderState& s = senderSlot(ctx.src);
  if (s.lastUsed != 0 && config_.antiReplay == AntiReplay::Time &&
      outsideWindow(static_cast<uint32_t>(s.lastSeq >> 32), now)) {
    s.lastUsed = 0;  // a mark outside the window orders nothing the window does not reject
  }
  if (s.lastUsed != 0 && !sequenceAfter(t.sequence, s.lastSeq)) {
    return Unexpected(RejectReason::HmacReplay);
  }
  s.lastSeq = t.sequence;
  s.lastUsed = ++lru_;
  if (config_.antiReplay == AntiReplay::Time) {
    lastSkew_ = static_cast<int32_t>(now.sec - t.seconds());
  }
  return Verdict::Authenticated;
}

std::vector<uint8_t> encodeSigned(Advert advert, const IpAddress& src, const IpAddress& dst,
                                  const EncodeOptions& options, Authenticator* auth, WallTime now) {
  advert.trailer.reset();
  auto pdu = encode(advert, src, dst, options);
  if (auth == nullptr || !auth->signs()) {
    return pdu;
  }
  advert.trailer = auth->sign(pdu, PduContext{advert.version, advert.vrid, src}, now);
  if (!advert.trailer) {
    return pdu;
  }
  return encode(advert, src, dst, options);
}

}  // namespace lvsd::vrrp::auth
