// Codec: round trips and one test per RFC 5798 §7.1 / RFC 3768 §7.1 rejection.
#include "vrrp/codec/codec.h"

#include <gtest/gtest.h>

namespace lvsd::vrrp {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

struct V4Fixture {
  IpAddress src = ip("10.0.0.1");
  IpAddress dst = ip("224.0.0.18");
  Advert advert;
  DecodeOptions opts;
  V4Fixture() {
    advert.version = 3;
    advert.vrid = 7;
    advert.priority = 120;
    advert.adverInt = 100;
    advert.addresses = {ip("10.0.0.100"), ip("10.0.0.101")};
    opts.version = 3;
    opts.vrid = 7;
    opts.expectedAddresses = advert.addresses;
  }
  [[nodiscard]] std::vector<uint8_t> wire() const { return encode(advert, src, dst); }
  [[nodiscard]] RxMeta meta(uint8_t ttl = 255) const { return RxMeta{src, dst, ttl}; }
};

RejectReason rejectOf(const Expected<Advert, RejectReason>& r) {
  EXPECT_FALSE(r.has_value());
  return r.has_value() ? RejectReason::kCount : r.error();
}

TEST(Codec, V3Ipv4RoundTrip) {
  V4Fixture f;
  const auto bytes = f.wire();
  ASSERT_EQ(bytes.size(), 8U + 2 * 4);
  const auto a = decode(bytes, f.meta(), f.opts);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->priority, 120);
  EXPECT_EQ(a->adverIntervalCs(), 100U);
  EXPECT_EQ(a->addresses, f.advert.addresses);
  EXPECT_EQ(encode(*a, f.src, f.dst), bytes);
}

TEST(Codec, V3Ipv6RoundTrip) {
  Advert a;
  a.vrid = 9;
  a.priority = 200;
  a.adverInt = 25;
  a.addresses = {ip("fd00::1"), ip("fd00::2")};
  const auto src = ip("fe80::1");
  const auto dst = ip("ff02::12");
  const auto bytes = encode(a, src, dst);
  ASSERT_EQ(bytes.size(), 8U + 2 * 16);
  DecodeOptions o;
  o.vrid = 9;
  const auto d = decode(bytes, RxMeta{src, dst, 255}, o);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->addresses, a.addresses);
  EXPECT_EQ(d->adverIntervalCs(), 25U);
}

TEST(Codec, V2PasswordRoundTrip) {
  Advert a;
  a.version = 2;
  a.vrid = 3;
  a.priority = 100;
  a.adverInt = 2;
  a.authType = V2AuthType::SimplePassword;
  a.authData = {'s', 'e', 'c', 'r', 'e', 't', 0, 0};
  a.addresses = {ip("192.0.2.1")};
  const auto src = ip("192.0.2.10");
  const auto dst = ip("224.0.0.18");
  const auto bytes = encode(a, src, dst);
  ASSERT_EQ(bytes.size(), 8U + 4 + 8);
  DecodeOptions o;
  o.version = 2;
  o.vrid = 3;
  o.v2AdverIntSec = 2;
  o.v2AuthType = V2AuthType::SimplePassword;
  o.v2Password = a.authData;
  const auto d = decode(bytes, RxMeta{src, dst, 255}, o);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->adverIntervalCs(), 200U);

  o.v2Password[0] = 'S';
  EXPECT_EQ(rejectOf(decode(bytes, RxMeta{src, dst, 255}, o)), RejectReason::AuthPass);
  o.v2AuthType = V2AuthType::None;
  EXPECT_EQ(rejectOf(decode(bytes, RxMeta{src, dst, 255}, o)), RejectReason::AuthType);
  a.authType = V2AuthType::IpAh;
  o.v2AuthType = V2AuthType::IpAh;
  EXPECT_EQ(rejectOf(decode(encode(a, src, dst), RxMeta{src, dst, 255}, o)),
            RejectReason::AuthType);  // unsupported, so never accepted
  o.v2AuthType = V2AuthType::SimplePassword;
  o.v2Password = a.authData;
  o.v2AdverIntSec = 1;
  EXPECT_EQ(rejectOf(decode(bytes, RxMeta{src, dst, 255}, o)), RejectReason::IntervalMismatch);
}

TEST(Codec, NoPseudoHeaderVariantSendsAndAcceptsMessageOnlyChecksum) {
  V4Fixture f;
  const auto bytes = encode(f.advert, f.src, f.dst, EncodeOptions{ChecksumMode::NoPseudoHeader});
  EXPECT_EQ(internetChecksum({bytes}), 0);  // message-only sum validates by itself
  EXPECT_EQ(rejectOf(decode(bytes, f.meta(), f.opts)), RejectReason::BadChecksum);
  f.opts.checksumMode = ChecksumMode::NoPseudoHeader;
  EXPECT_TRUE(decode(bytes, f.meta(), f.opts).has_value());
  f.opts.checksumMode = ChecksumMode::AcceptEither;
  EXPECT_TRUE(decode(bytes, f.meta(), f.opts).has_value());
  EXPECT_TRUE(decode(f.wire(), f.meta(), f.opts).has_value());
}

TEST(CodecReject, Truncated) {
  V4Fixture f;
  auto bytes = f.wire();
  EXPECT_EQ(rejectOf(decode(std::span(bytes).first(7), f.meta(), f.opts)), RejectReason::Truncated);
  EXPECT_EQ(rejectOf(decode(std::span(bytes).first(12), f.meta(), f.opts)),
            RejectReason::Truncated);
}

TEST(CodecReject, BadLengthOnStrayBytesOrUnexpectedTrailer) {
  V4Fixture f;
  auto bytes = f.wire();
  bytes.push_back(0);
  EXPECT_EQ(rejectOf(decode(bytes, f.meta(), f.opts)), RejectReason::BadLength);
  f.advert.trailer.emplace();
  const auto withTrailer = f.wire();
  EXPECT_EQ(rejectOf(decode(withTrailer, f.meta(), f.opts)), RejectReason::BadLength);
  f.opts.acceptTrailer = true;
  const auto d = decode(withTrailer, f.meta(), f.opts);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->trailer.has_value());
}

TEST(CodecReject, BadTtl) {
  V4Fixture f;
  EXPECT_EQ(rejectOf(decode(f.wire(), f.meta(254), f.opts)), RejectReason::BadTtl);
  f.opts.checkTtl = false;
  EXPECT_TRUE(decode(f.wire(), f.meta(64), f.opts).has_value());
}

TEST(CodecReject, BadVersion) {
  V4Fixture f;
  f.opts.version = 2;
  EXPECT_EQ(rejectOf(decode(f.wire(), f.meta(), f.opts)), RejectReason::BadVersion);
}

TEST(CodecReject, BadType) {
  V4Fixture f;
  f.advert.type = 2;
  EXPECT_EQ(rejectOf(decode(f.wire(), f.meta(), f.opts)), RejectReason::BadType);
}

TEST(CodecReject, BadChecksum) {
  V4Fixture f;
  auto bytes = f.wire();
  bytes[2] ^= 0x01;  // priority changed, checksum not
  EXPECT_EQ(rejectOf(decode(bytes, f.meta(), f.opts)), RejectReason::BadChecksum);
  // The pseudo-header binds the addresses: a different destination fails too.
  RxMeta m = f.meta();
  m.dst = ip("10.0.0.2");
  EXPECT_EQ(rejectOf(decode(f.wire(), m, f.opts)), RejectReason::BadChecksum);
}

TEST(CodecReject, VridMismatch) {
  V4Fixture f;
  f.opts.vrid = 8;
  EXPECT_EQ(rejectOf(decode(f.wire(), f.meta(), f.opts)), RejectReason::VridMismatch);
}

TEST(CodecReject, AddrCountAndList) {
  V4Fixture f;
  f.opts.expectedAddresses = std::vector<IpAddress>{ip("10.0.0.100")};
  EXPECT_EQ(rejectOf(decode(f.wire(), f.meta(), f.opts)), RejectReason::AddrCount);
  f.opts.expectedAddresses = std::vector<IpAddress>{ip("10.0.0.100"), ip("10.0.0.102")};
  EXPECT_EQ(rejectOf(decode(f.wire(), f.meta(), f.opts)), RejectReason::AddrListMismatch);
  // Order does not matter.
  f.opts.expectedAddresses = std::vector<IpAddress>{ip("10.0.0.101"), ip("10.0.0.100")};
  EXPECT_TRUE(decode(f.wire(), f.meta(), f.opts).has_value());
}

TEST(CodecReject, V2OverIpv6IsBadVersion) {
  Advert a;
  a.version = 2;
  a.vrid = 1;
  a.addresses = {ip("fd00::1")};
  const auto bytes = encode(a, ip("fe80::1"), ip("ff02::12"));
  DecodeOptions o;
  o.version = 2;
  o.vrid = 1;
  EXPECT_EQ(rejectOf(decode(bytes, RxMeta{ip("fe80::1"), ip("ff02::12"), 255}, o)),
            RejectReason::BadVersion);
}

TEST(RejectCounters, CountsEachReasonApartWithStableNames) {
  RejectCounters c;
  c.count(RejectReason::BadTtl);
  c.count(RejectReason::BadTtl);
  c.count(RejectReason::HmacStale);
  EXPECT_EQ(c.get(RejectReason::BadTtl), 2U);
  EXPECT_EQ(c.get(RejectReason::HmacStale), 1U);
  EXPECT_EQ(c.get(RejectReason::HmacInvalid), 0U);
  EXPECT_EQ(c.total(), 3U);
  EXPECT_EQ(rejectReasonName(RejectReason::BadTtl), "bad_ttl");
  EXPECT_EQ(rejectReasonName(RejectReason::AddrListMismatch), "addr_list_mismatch");
  EXPECT_EQ(rejectReasonName(RejectReason::HmacMissing), "hmac_missing");
  for (size_t i = 0; i < kRejectReasonCount; ++i) {
    EXPECT_NE(rejectReasonName(static_cast<RejectReason>(i)), "unknown");
  }
}

}  // namespace
}  // namespace lvsd::vrrp
