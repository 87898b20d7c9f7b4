// auth_hmac (draft-cassen-vrrp-auth-hmac-00): vectors, modes, rotation, replay, forgery.
#include "vrrp/auth/hmac_auth.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

#include "vrrp/crypto/openssl_hmac.h"

namespace lvsd::vrrp::auth {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

std::vector<uint8_t> hex(const std::string& h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoul(h.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::vector<uint8_t> key00to1f() {
  std::vector<uint8_t> k(32);
  for (size_t i = 0; i < k.size(); ++i) {
    k[i] = static_cast<uint8_t>(i);
  }
  return k;
}

Config config(Mode mode = Mode::Enforce, AntiReplay ar = AntiReplay::Time) {
  Config c;
  c.keys[1] = key00to1f();
  c.activeKey = 1;
  c.mode = mode;
  c.antiReplay = ar;
  c.timeWindowSec = 5;
  return c;
}

std::array<uint8_t, kHmacTrailerSize> asTrailer(std::span<const uint8_t> b) {
  std::array<uint8_t, kHmacTrailerSize> t{};
  std::copy(b.begin(), b.end(), t.begin());
  return t;
}

// The draft's appendix wire images: key 00..1f, VRID 51, priority 200, sequence
// 0x68000000:8000:0000. IPv4 from 198.51.100.10 (message-only checksum), IPv6 from fe80::10.
const char* kAppendixV4 =
    "3133c80100644402c0000264"
    "010100006800000080000000"
    "1b84bc4e8e43892dc6d98448f8ee2265";
const char* kAppendixV6 =
    "3133c8010064a2e9fe800000000000000000000000000100"
    "010100006800000080000000"
    "c8c56146ebfd66ee10ec4d8186461b78";

class HmacAuth : public ::testing::Test {
protected:
  crypto::OpensslHmacSha256 mac_;
};

TEST_F(HmacAuth, DraftAppendixVectorsVerify) {
  for (const auto& [image, pduLen, src] : {std::tuple{kAppendixV4, size_t{12}, "198.51.100.10"},
                                           std::tuple{kAppendixV6, size_t{24}, "fe80::10"}}) {
    SCOPED_TRACE(src);
    const auto img = hex(image);
    ASSERT_EQ(img.size(), pduLen + kHmacTrailerSize);
    Authenticator a(config(Mode::Enforce, AntiReplay::Monotonic), mac_);
    const PduContext ctx{3, 51, ip(src)};
    const auto pdu = std::span(img).first(pduLen);
    const auto r = a.verify(pdu, asTrailer(std::span(img).subspan(pduLen)), ctx, WallTime{});
    ASSERT_TRUE(r.has_value()) << rejectReasonName(r.error());
    EXPECT_EQ(*r, Verdict::Authenticated);
    const Trailer t = Trailer::parse(asTrailer(std::span(img).subspan(pduLen)));
    EXPECT_EQ(t.sequence, 0x6800000080000000ULL);
    EXPECT_EQ(t.keyId, 1);
  }
}

// Expected digest built straight from the draft's definition with OpenSSL's one-shot HMAC().
std::vector<uint8_t> referenceHmac(const std::vector<uint8_t>& key, uint8_t family, uint8_t version,
                                   uint8_t vrid, const IpAddress& src, std::vector<uint8_t> pdu,
                                   std::span<const uint8_t> prefix) {
  std::vector<uint8_t> msg;
  msg.reserve(128);
  for (uint8_t b : {family, version, vrid, uint8_t{0}}) {
    msg.push_back(b);
  }
  for (size_t i = 0; i < 16; ++i) {
    msg.push_back(src.bytes()[i]);  // IPv4 zero padded to 16
  }
  pdu[6] = 0;
  pdu[7] = 0;
  msg.insert(msg.end(), pdu.begin(), pdu.end());
  msg.insert(msg.end(), prefix.begin(), prefix.end());
  msg.insert(msg.end(), 16, 0);
  unsigned len = 0;
  std::vector<uint8_t> d(EVP_MAX_MD_SIZE);
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), msg.data(), msg.size(), d.data(),
       &len);
  d.resize(16);
  return d;
}

TEST_F(HmacAuth, SignMatchesReferenceComputationForV2AndV3BothFamilies) {
  struct Case {
    uint8_t version;
    const char* src;
    const char* dst;
    const char* vip;
  };
  for (const Case& c : {Case{2, "192.0.2.1", "224.0.0.18", "192.0.2.100"},
                        Case{3, "192.0.2.1", "224.0.0.18", "192.0.2.100"},
                        Case{3, "fe80::1", "ff02::12", "fd00::100"}}) {
    SCOPED_TRACE(std::to_string(c.version) + c.src);
    Advert adv;
    adv.version = c.version;
    adv.vrid = 42;
    adv.priority = 150;
    adv.adverInt = c.version == 2 ? 1 : 100;
    adv.addresses = {ip(c.vip)};
    Authenticator a(config(), mac_);
    const WallTime now{0x6a000000, 0x1234};
    const auto wire = encodeSigned(adv, ip(c.src), ip(c.dst), {}, &a, now);
    const size_t pduLen = adv.pduSize(ip(c.src).family());
    ASSERT_EQ(wire.size(), pduLen + kHmacTrailerSize);
    const auto pdu = std::vector<uint8_t>(wire.begin(), wire.begin() + static_cast<long>(pduLen));
    const auto prefix = std::span(wire).subspan(pduLen, kTrailerPrefixSize);
    const auto expect =
        referenceHmac(key00to1f(), ip(c.src).isV6() ? 6 : 4, c.version, 42, ip(c.src), pdu, prefix);
    EXPECT_EQ(std::vector<uint8_t>(wire.end() - 16, wire.end()), expect);
    const Trailer t = Trailer::parse(asTrailer(std::span(wire).subspan(pduLen)));
    EXPECT_EQ(t.extType, kExtTypeHmacSha256);
    EXPECT_EQ(t.sequence, now.sequence());

    // The whole wire image still passes the codec (IPv6 checksum covers the trailer).
    DecodeOptions o;
    o.version = c.version;
    o.vrid = 42;
    o.acceptTrailer = true;
    const auto d = decode(wire, RxMeta{ip(c.src), ip(c.dst), 255}, o);
    ASSERT_TRUE(d.has_value()) << rejectReasonName(d.error());
    Authenticator rx(config(), mac_);
    EXPECT_TRUE(rx.verify(pdu, d->trailer, PduContext{c.version, 42, ip(c.src)}, now).has_value());
  }
}

struct Signed {
  std::vector<uint8_t> pdu;
  std::optional<std::array<uint8_t, kHmacTrailerSize>> trailer;
};

Signed signAdvert(Authenticator& a, uint8_t priority, WallTime now, const char* src = "10.0.0.1") {
  Advert adv;
  adv.vrid = 51;
  adv.priority = priority;
  adv.addresses = {ip("10.0.0.100")};
  Signed s;
  s.pdu = encode(adv, ip(src), ip("224.0.0.18"));
  s.trailer = a.sign(s.pdu, PduContext{3, 51, ip(src)}, now);
  return s;
}

const PduContext kCtx{3, 51, ip("10.0.0.1")};

TEST_F(HmacAuth, ReplayedAdvertIsRejectedAndChangesNothing) {
  Authenticator tx(config(), mac_);
  Authenticator rx(config(), mac_);
  const WallTime t0{1000, 0};
  const auto first = signAdvert(tx, 100, t0);
  ASSERT_TRUE(rx.verify(first.pdu, first.trailer, kCtx, t0).has_value());
  const auto again = rx.verify(first.pdu, first.trailer, kCtx, t0);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error(), RejectReason::HmacReplay);
  // A genuine later advert still passes: the replay did not move the mark.
  const auto second = signAdvert(tx, 100, t0);  // same clock: counter increments
  EXPECT_GT(Trailer::parse(*second.trailer).sequence, Trailer::parse(*first.trailer).sequence);
  EXPECT_TRUE(rx.verify(second.pdu, second.trailer, kCtx, t0).has_value());
}

TEST_F(HmacAuth, ForgedPriorityIsRejectedAndDoesNotMoveTheReplayMark) {
  Authenticator tx(config(), mac_);
  Authenticator rx(config(), mac_);
  const WallTime t0{1000, 0};
  auto s = signAdvert(tx, 100, t0);
  auto forged = s;
  forged.pdu[2] = 255;  // priority
  const auto r = rx.verify(forged.pdu, forged.trailer, kCtx, t0);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), RejectReason::HmacInvalid);
  // A forged trailer with a huge sequence must not lock out the real sender.
  auto bumped = s;
  (*bumped.trailer)[4] = 0x7f;
  EXPECT_FALSE(rx.verify(bumped.pdu, bumped.trailer, kCtx, WallTime{0x7f000000, 0}).has_value());
  EXPECT_TRUE(rx.verify(s.pdu, s.trailer, kCtx, t0).has_value());
}

TEST_F(HmacAuth, ChecksumFieldIsNotCoveredSoKernelIpv6ChecksumDoesNotBreakIt) {
  Authenticator tx(config(), mac_);
  Authenticator rx(config(), mac_);
  auto s = signAdvert(tx, 100, WallTime{1000, 0});
  s.pdu[6] ^= 0xff;
  EXPECT_TRUE(rx.verify(s.pdu, s.trailer, kCtx, WallTime{1000, 0}).has_value());
}

TEST_F(HmacAuth, PseudoHeaderBindsSourceAndVrid) {
  Authenticator tx(config(), mac_);
  const auto s = signAdvert(tx, 100, WallTime{1000, 0});
  Authenticator rx(config(), mac_);
  EXPECT_EQ(
      rx.verify(s.pdu, s.trailer, PduContext{3, 51, ip("10.0.0.2")}, WallTime{1000, 0}).error(),
      RejectReason::HmacInvalid);
  EXPECT_EQ(
      rx.verify(s.pdu, s.trailer, PduContext{3, 52, ip("10.0.0.1")}, WallTime{1000, 0}).error(),
      RejectReason::HmacInvalid);
  EXPECT_EQ(
      rx.verify(s.pdu, s.trailer, PduContext{2, 51, ip("10.0.0.1")}, WallTime{1000, 0}).error(),
      RejectReason::HmacInvalid);
}

TEST_F(HmacAuth, StaleAndFutureTimestampsAreCountedApart) {
  Authenticator tx(config(), mac_);
  Authenticator rx(config(), mac_);
  const auto s = signAdvert(tx, 100, WallTime{1000, 0});
  EXPECT_EQ(rx.verify(s.pdu, s.trailer, kCtx, WallTime{1006, 0}).error(), RejectReason::HmacStale);
  EXPECT_EQ(rx.verify(s.pdu, s.trailer, kCtx, WallTime{994, 0}).error(), RejectReason::HmacStale);
  EXPECT_TRUE(rx.verify(s.pdu, s.trailer, kCtx, WallTime{1005, 0}).has_value());
  EXPECT_EQ(rx.lastSkewSec(), 5);
}

TEST_F(HmacAuth, MonotonicModeIgnoresTheClockButKeepsOrder) {
  Authenticator tx(config(Mode::Enforce, AntiReplay::Monotonic), mac_);
  Authenticator rx(config(Mode::Enforce, AntiReplay::Monotonic), mac_);
  const auto a = signAdvert(tx, 100, WallTime{1000, 0});
  const auto b = signAdvert(tx, 100, WallTime{1000, 0});
  EXPECT_TRUE(rx.verify(b.pdu, b.trailer, kCtx, WallTime{99999, 0}).has_value());
  EXPECT_EQ(rx.verify(a.pdu, a.trailer, kCtx, WallTime{99999, 0}).error(),
            RejectReason::HmacReplay);
}

TEST_F(HmacAuth, SequenceSurvivesAClockStepBack) {
  Authenticator tx(config(Mode::Enforce, AntiReplay::Monotonic), mac_);
  const auto a = signAdvert(tx, 100, WallTime{2000, 0});
  const auto b = signAdvert(tx, 100, WallTime{1000, 0});
  EXPECT_TRUE(
      sequenceAfter(Trailer::parse(*b.trailer).sequence, Trailer::parse(*a.trailer).sequence));
  // Time mode restarts from the clock once the old value is beyond the window.
  Authenticator tt(config(), mac_);
  (void)signAdvert(tt, 100, WallTime{2000, 0});
  const auto c = signAdvert(tt, 100, WallTime{1000, 0});
  EXPECT_EQ(Trailer::parse(*c.trailer).seconds(), 1000U);
}

TEST_F(HmacAuth, SerialArithmeticHandlesTheWrap) {
  EXPECT_TRUE(sequenceAfter(0x0000000100000000ULL, 0xffffffff00000000ULL));
  EXPECT_FALSE(sequenceAfter(0xffffffff00000000ULL, 0x0000000100000000ULL));
}

TEST_F(HmacAuth, KeyRotationIsHitless) {
  Config c1 = config();
  Config both = config();
  both.keys[2] = std::vector<uint8_t>(32, 0xaa);
  Authenticator tx(c1, mac_);
  Authenticator rx(both, mac_);
  const auto s1 = signAdvert(tx, 100, WallTime{1000, 0});
  EXPECT_TRUE(rx.verify(s1.pdu, s1.trailer, kCtx, WallTime{1000, 0}).has_value());
  both.activeKey = 2;
  tx.reconfigure(both);
  const auto s2 = signAdvert(tx, 100, WallTime{1001, 0});
  EXPECT_EQ(Trailer::parse(*s2.trailer).keyId, 2);
  EXPECT_TRUE(rx.verify(s2.pdu, s2.trailer, kCtx, WallTime{1001, 0}).has_value());
  // Retire key 1 on the receiver: old-key adverts now name an unknown key.
  Config only2 = both;
  only2.keys.erase(1);
  rx.reconfigure(only2);
  const auto s3 = signAdvert(tx, 100, WallTime{1002, 0});
  EXPECT_TRUE(rx.verify(s3.pdu, s3.trailer, kCtx, WallTime{1002, 0}).has_value());
  Authenticator old(c1, mac_);
  const auto s4 = signAdvert(old, 100, WallTime{1003, 0});
  EXPECT_EQ(rx.verify(s4.pdu, s4.trailer, kCtx, WallTime{1003, 0}).error(),
            RejectReason::HmacUnknownKey);
}

TEST_F(HmacAuth, MigrationModes) {
  Advert adv;
  adv.vrid = 51;
  adv.addresses = {ip("10.0.0.100")};
  const auto pdu = encode(adv, ip("10.0.0.1"), ip("224.0.0.18"));
  const WallTime now{1000, 0};
  // receive-only: sends without, accepts without.
  Authenticator ro(config(Mode::ReceiveOnly), mac_);
  EXPECT_FALSE(ro.signs());
  EXPECT_FALSE(ro.sign(pdu, kCtx, now).has_value());
  EXPECT_EQ(encodeSigned(adv, ip("10.0.0.1"), ip("224.0.0.18"), {}, &ro, now), pdu);
  EXPECT_EQ(*ro.verify(pdu, std::nullopt, kCtx, now), Verdict::Unauthenticated);
  // permissive: sends with, accepts without, still rejects a bad trailer.
  Authenticator pm(config(Mode::Permissive), mac_);
  EXPECT_TRUE(pm.signs());
  EXPECT_EQ(*pm.verify(pdu, std::nullopt, kCtx, now), Verdict::Unauthenticated);
  auto bad = pm.sign(pdu, kCtx, now);
  (*bad)[20] ^= 1;
  EXPECT_EQ(pm.verify(pdu, bad, kCtx, now).error(), RejectReason::HmacInvalid);
  // enforce: requires it.
  Authenticator en(config(Mode::Enforce), mac_);
  EXPECT_EQ(en.verify(pdu, std::nullopt, kCtx, now).error(), RejectReason::HmacMissing);
}

TEST_F(HmacAuth, MalformedTrailerIsInvalid) {
  Authenticator tx(config(), mac_);
  Authenticator rx(config(), mac_);
  auto s = signAdvert(tx, 100, WallTime{1000, 0});
  auto wrongType = s;
  (*wrongType.trailer)[0] = 2;
  EXPECT_EQ(rx.verify(s.pdu, wrongType.trailer, kCtx, WallTime{1000, 0}).error(),
            RejectReason::HmacInvalid);
  auto reserved = s;
  (*reserved.trailer)[3] = 1;
  EXPECT_EQ(rx.verify(s.pdu, reserved.trailer, kCtx, WallTime{1000, 0}).error(),
            RejectReason::HmacInvalid);
}

TEST(HmacConfig, Validation) {
  Config c = config();
  EXPECT_TRUE(c.validate().has_value());
  c.keys[3] = std::vector<uint8_t>(31, 1);
  EXPECT_FALSE(c.validate().has_value());
  c = config();
  c.activeKey = 9;
  EXPECT_FALSE(c.validate().has_value());
  c = config();
  c.timeWindowSec = 301;
  EXPECT_FALSE(c.validate().has_value());
}

TEST(WallTimeTest, FromUnixNanosPacksBinaryFraction) {
  const auto t = WallTime::fromUnixNanos(1'700'000'000'500'000'000LL);
  EXPECT_EQ(t.sec, 1'700'000'000U);
  EXPECT_EQ(t.subsec, 0x8000);
}

}  // namespace
}  // namespace lvsd::vrrp::auth
