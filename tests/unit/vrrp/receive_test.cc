// Hostile input: a rejected packet (bad TTL, bad checksum, forged, replayed, stale, unsigned
// under enforce) is counted by reason and never reaches the state machine.
#include "vrrp/codec/receive.h"

#include <gtest/gtest.h>

#include "vrrp/crypto/openssl_hmac.h"

namespace lvsd::vrrp {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

class Receive : public ::testing::Test {
protected:
  Receive() {
    cfg_.keys[1] = std::vector<uint8_t>(32, 0x42);
    advert_.vrid = 51;
    advert_.priority = 200;
    advert_.addresses = {ip("10.0.0.100")};
    opts_.vrid = 51;
    opts_.expectedAddresses = advert_.addresses;
    params_.vrid = 51;
    params_.priority = 100;
    params_.primaryAddress = ip("10.0.0.2");
  }

  std::vector<uint8_t> signedWire(auth::Authenticator& tx, auth::WallTime now) {
    return auth::encodeSigned(advert_, src_, dst_, {}, &tx, now);
  }

  // Feeds the packet through the receive path into a Master; returns the actions.
  Actions deliver(Machine& m, std::span<const uint8_t> wire, auth::Authenticator* rx,
                  auth::WallTime now, uint8_t ttl = 255) {
    const auto ev = receiveAdvert(wire, RxMeta{src_, dst_, ttl}, opts_, rx, now, counters_);
    return ev ? m.handle(*ev) : Actions{};
  }

  Machine master() {
    Machine m(params_);
    (void)m.handle(Startup{});
    (void)m.handle(MasterDownExpired{});
    return m;
  }

  crypto::OpensslHmacSha256 mac_;
  auth::Config cfg_;
  Advert advert_;
  DecodeOptions opts_;
  InstanceParams params_;
  RejectCounters counters_;
  IpAddress src_ = ip("10.0.0.1");
  IpAddress dst_ = ip("224.0.0.18");
};

TEST_F(Receive, GenuineHigherPriorityAdvertDemotesTheMaster) {
  auth::Authenticator tx(cfg_, mac_);
  auth::Authenticator rx(cfg_, mac_);
  Machine m = master();
  const auth::WallTime now{5000, 0};
  (void)deliver(m, signedWire(tx, now), &rx, now);
  EXPECT_EQ(m.state(), State::Backup);
  EXPECT_EQ(counters_.total(), 0U);
}

TEST_F(Receive, RejectedPacketsAreCountedApartAndChangeNothing) {
  auth::Authenticator tx(cfg_, mac_);
  auth::Authenticator rx(cfg_, mac_);
  Machine m = master();
  const auth::WallTime now{5000, 0};
  const auto good = signedWire(tx, now);

  EXPECT_TRUE(deliver(m, good, &rx, now, 64).empty());  // bad TTL
  // Forged priority with a valid checksum (re-encoded) but the original trailer.
  Advert f = advert_;
  f.priority = 255;
  f.trailer.emplace();
  std::copy(good.end() - kHmacTrailerSize, good.end(), f.trailer->begin());
  const auto forged = encode(f, src_, dst_);
  EXPECT_TRUE(deliver(m, forged, &rx, now).empty());
  auto corrupt = good;
  corrupt[9] ^= 1;  // address byte, checksum now wrong
  EXPECT_TRUE(deliver(m, corrupt, &rx, now).empty());
  const auto unsignedWire = encode(advert_, src_, dst_);
  EXPECT_TRUE(deliver(m, unsignedWire, &rx, now).empty());              // enforce: missing
  EXPECT_TRUE(deliver(m, good, &rx, auth::WallTime{5100, 0}).empty());  // stale

  EXPECT_EQ(m.state(), State::Master);
  EXPECT_EQ(counters_.get(RejectReason::BadTtl), 1U);
  EXPECT_EQ(counters_.get(RejectReason::HmacInvalid), 1U);
  EXPECT_EQ(counters_.get(RejectReason::BadChecksum), 1U);
  EXPECT_EQ(counters_.get(RejectReason::HmacMissing), 1U);
  EXPECT_EQ(counters_.get(RejectReason::HmacStale), 1U);

  // The genuine one still works (nothing above moved the replay mark) — once.
  (void)deliver(m, good, &rx, now);
  EXPECT_EQ(m.state(), State::Backup);
  Machine m2 = master();
  EXPECT_TRUE(deliver(m2, good, &rx, now).empty());
  EXPECT_EQ(m2.state(), State::Master);
  EXPECT_EQ(counters_.get(RejectReason::HmacReplay), 1U);
}

TEST_F(Receive, NoAuthConfiguredRejectsTrailerAsBadLength) {
  auth::Authenticator tx(cfg_, mac_);
  Machine m = master();
  EXPECT_TRUE(deliver(m, signedWire(tx, auth::WallTime{1, 0}), nullptr, {}).empty());
  EXPECT_EQ(counters_.get(RejectReason::BadLength), 1U);
  (void)deliver(m, encode(advert_, src_, dst_), nullptr, {});
  EXPECT_EQ(m.state(), State::Backup);
}

}  // namespace
}  // namespace lvsd::vrrp
