#include "vrrp/codec/codec.h"

#include <algorithm>

#include "common/bytes.h"

namespace lvsd::vrrp {
namespace {

size_t addrSize(Family f) { return f == Family::V4 ? 4 : 16; }

// IPv4 pseudo-header (RFC 5798 §5.2.8 / RFC 768 style) for an upper-layer length of @p len.
std::array<uint8_t, 12> pseudoV4(const IpAddress& src, const IpAddress& dst, size_t len) {
  std::array<uint8_t, 12> ph{};
  std::copy_n(src.bytes().begin(), 4, ph.begin());
  std::copy_n(dst.bytes().begin(), 4, ph.begin() + 4);
  ph[9] = kIpProtoVrrp;
  ph[10] = static_cast<uint8_t>(len >> 8);
  ph[11] = static_cast<uint8_t>(len);
  return ph;
}

// IPv6 pseudo-header (RFC 8200 §8.1).
std::array<uint8_t, 40> pseudoV6(const IpAddress& src, const IpAddress& dst, size_t len) {
  std::array<uint8_t, 40> ph{};
  std::copy_n(src.bytes().begin(), 16, ph.begin());
  std::copy_n(dst.bytes().begin(), 16, ph.begin() + 16);
  ph[34] = static_cast<uint8_t>(len >> 8);
  ph[35] = static_cast<uint8_t>(len);
  ph[39] = kIpProtoVrrp;
  return ph;
}

// Checksum of the payload as it sits (checksum field included): 0 when valid.
// @param pduLen PDU length without trailer; @param payload PDU + optional trailer
uint16_t checksumOver(std::span<const uint8_t> payload, size_t pduLen, uint8_t version,
                      const IpAddress& src, const IpAddress& dst, bool withPseudoHeader) {
  if (src.isV6()) {
    const auto ph = pseudoV6(src, dst, payload.size());
    return internetChecksum({ph, payload});
  }
  const auto pdu = payload.first(pduLen);
  if (version == 3 && withPseudoHeader) {
    const auto ph = pseudoV4(src, dst, pduLen);
    return internetChecksum({ph, pdu});
  }
  return internetChecksum({pdu});
}

bool sameAddressSet(std::vector<IpAddress> a, std::vector<IpAddress> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

}  // namespace

size_t Advert::pduSize(Family family) const {
  return kHeaderSize + addresses.size() * addrSize(family) + (version == 2 ? kV2AuthDataSize : 0);
}

uint16_t internetChecksum(std::initializer_list<std::span<const uint8_t>> parts) {
  uint32_t sum = 0;
  bool high = true;
  for (const auto& part : parts) {
    for (uint8_t b : part) {
      sum += high ? uint32_t{b} << 8 : uint32_t{b};
      high = !high;
    }
  }
  while ((sum >> 16) != 0) {
    sum = (sum & 0xffffU) + (sum >> 16);
  }
  return static_cast<uint16_t>(~sum & 0xffffU);
}

Expected<Advert, RejectReason> parse(std::span<const uint8_t> ipPayload, Family family) {
  ByteReader r(ipPayload);
  Advert a;
  const uint8_t vt = r.u8();
  a.version = static_cast<uint8_t>(vt >> 4);
  a.type = static_cast<uint8_t>(vt & 0x0f);
  a.vrid = r.u8();
  a.priority = r.u8();
  const uint8_t count = r.u8();
  if (a.version == 2) {
    a.authType = static_cast<V2AuthType>(r.u8());
    a.adverInt = r.u8();
  } else {
    const uint16_t w = r.u16();
    a.v3Reserved = static_cast<uint8_t>(w >> 12);
    a.adverInt = static_cast<uint16_t>(w & 0x0fffU);
  }
  a.checksum = r.u16();
  if (!r.ok()) {
    return Unexpected(RejectReason::Truncated);
  }
  a.addresses.reserve(count);
  for (unsigned i = 0; i < count; ++i) {
    const auto b = r.bytes(addrSize(family));
    if (!r.ok()) {
      return Unexpected(RejectReason::Truncated);
    }
    a.addresses.push_back(IpAddress::fromBytes(family, b.data()));
  }
  if (a.version == 2) {
    const auto auth = r.bytes(kV2AuthDataSize);
    if (!r.ok()) {
      return Unexpected(RejectReason::Truncated);
    }
    std::copy(auth.begin(), auth.end(), a.authData.begin());
  }
  if (r.remaining() == kHmacTrailerSize) {
    const auto t = r.bytes(kHmacTrailerSize);
    a.trailer.emplace();
    std::copy(t.begin(), t.end(), a.trailer->begin());
  } else if (r.remaining() != 0) {
    return Unexpected(RejectReason::BadLength);
  }
  return a;
}

Expected<Advert, RejectReason> decode(std::span<const uint8_t> ipPayload, const RxMeta& meta,
                                      const DecodeOptions& options) {
  const Family family = meta.src.family();
  if (ipPayload.size() < kHeaderSize) {
    return Unexpected(RejectReason::Truncated);
  }
  // §7.1 (1): the TTL / Hop Limit proves the packet never crossed a router.
  if (options.checkTtl && meta.ttl != kRequiredTtl) {
    return Unexpected(RejectReason::BadTtl);
  }
  // §7.1 (2): version. VRRPv2 exists for IPv4 only.
  const uint8_t version = static_cast<uint8_t>(ipPayload[0] >> 4);
  if (version != options.version || (version == 2 && family == Family::V6)) {
    return Unexpected(RejectReason::BadVersion);
  }
  if ((ipPayload[0] & 0x0f) != kAdvertisementType) {
    return Unexpected(RejectReason::BadType);
  }
  // §7.1 (3): complete packet, then checksum.
  auto parsed = parse(ipPayload, family);
  if (!parsed) {
    return parsed;
  }
  Advert& a = *parsed;
  if (a.trailer && !options.acceptTrailer) {
    return Unexpected(RejectReason::BadLength);
  }
  const size_t pduLen = a.pduSize(family);
  const bool v3v4 = version == 3 && family == Family::V4;
  bool sumOk = false;
  if (!v3v4 || options.checksumMode != ChecksumMode::NoPseudoHeader) {
    sumOk = checksumOver(ipPayload, pduLen, version, meta.src, meta.dst, true) == 0;
  }
  if (!sumOk && v3v4 && options.checksumMode != ChecksumMode::Rfc) {
    sumOk = checksumOver(ipPayload, pduLen, version, meta.src, meta.dst, false) == 0;
  }
  if (!sumOk) {
    return Unexpected(RejectReason::BadChecksum);
  }
  // §7.1 (4): VRID.
  if (a.vrid != options.vrid) {
    return Unexpected(RejectReason::VridMismatch);
  }
  // RFC 3768 §7.1: authentication type and data (v2 only).
  if (version == 2) {
    // IPsec AH (type 2) is not implemented: never accept it, even if configured.
    if (a.authType != options.v2AuthType || a.authType == V2AuthType::IpAh) {
      return Unexpected(RejectReason::AuthType);
    }
    if (a.authType == V2AuthType::SimplePassword && a.authData != options.v2Password) {
      return Unexpected(RejectReason::AuthPass);
    }
  }
  // §7.1 (6): address count and list.
  if (options.expectedAddresses) {
    if (a.addresses.size() != options.expectedAddresses->size()) {
      return Unexpected(RejectReason::AddrCount);
    }
    if (!sameAddressSet(a.addresses, *options.expectedAddresses)) {
      return Unexpected(RejectReason::AddrListMismatch);
    }
  }
  // RFC 3768 §7.1: v2 advertisement interval must match the local one.
  if (version == 2 && a.adverInt != options.v2AdverIntSec) {
    return Unexpected(RejectReason::IntervalMismatch);
  }
  return parsed;
}

std::vector<uint8_t> encode(const Advert& advert, const IpAddress& src, const IpAddress& dst,
                            const EncodeOptions& options) {
  const Family family = src.family();
  std::vector<uint8_t> out;
  out.reserve(advert.pduSize(family) + kHmacTrailerSize);
  ByteWriter w(out);
  w.u8(static_cast<uint8_t>((advert.version << 4) | (advert.type & 0x0f)));
  w.u8(advert.vrid);
  w.u8(advert.priority);
  w.u8(static_cast<uint8_t>(advert.addresses.size()));
  if (advert.version == 2) {
    w.u8(static_cast<uint8_t>(advert.authType));
    w.u8(static_cast<uint8_t>(advert.adverInt));
  } else {
    w.u16(
        static_cast<uint16_t>((unsigned{advert.v3Reserved} << 12U) | (advert.adverInt & 0x0fffU)));
  }
  w.u16(0);
  for (const auto& addr : advert.addresses) {
    w.bytes(std::span<const uint8_t>(addr.bytes().data(), addrSize(family)));
  }
  if (advert.version == 2) {
    w.bytes(advert.authData);
  }
  const size_t pduLen = out.size();
  if (advert.trailer) {
    w.bytes(*advert.trailer);
  }
  const bool withPh = options.checksumMode != ChecksumMode::NoPseudoHeader;
  w.patchU16(kChecksumOffset, checksumOver(out, pduLen, advert.version, src, dst, withPh));
  return out;
}

}  // namespace lvsd::vrrp
