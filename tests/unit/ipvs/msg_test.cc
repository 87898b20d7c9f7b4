// Build -> parse round trips for every attribute the IPVS messages carry.
#include "ipvs/msg.h"

#include <gtest/gtest.h>

#include "ipvs/nlattr.h"

namespace lvsd::ipvs {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

IpvsOp roundTrip(const IpvsOp& op) {
  std::vector<uint8_t> buf;
  msg::appendOp(buf, op, 0x22, 77);
  auto msgs = msg::split(buf);
  EXPECT_TRUE(msgs.has_value());
  EXPECT_EQ(msgs->size(), 1U);
  const auto& m = msgs->front();
  EXPECT_EQ(m.type, 0x22);
  EXPECT_EQ(m.seq, 77U);
  EXPECT_EQ(m.flags, nl::kFlagRequest | nl::kFlagAck);
  auto back = msg::parseRequest(m);
  EXPECT_TRUE(back.has_value()) << (back ? "" : back.error().message);
  return back ? *back : IpvsOp{};
}

Service fullService(ServiceKey key) {
  Service s;
  s.key = key;
  s.scheduler = "mh";
  s.flags = kSvcPersistent | kSvcOnePacket | kSvcSched1 | kSvcSched2;
  s.timeout = 300;
  s.netmask = key.family == Family::V6 ? 64 : 0xffffff00;
  s.peName = "sip";
  return s;
}

void expectServiceEq(const Service& a, const Service& b) {
  EXPECT_TRUE(a.key == b.key) << toString(a.key) << " vs " << toString(b.key);
  EXPECT_EQ(a.scheduler, b.scheduler);
  EXPECT_EQ(a.flags, b.flags);
  EXPECT_EQ(a.timeout, b.timeout);
  EXPECT_EQ(a.netmask, b.netmask);
  EXPECT_EQ(a.peName, b.peName);
}

TEST(IpvsMsg, ServiceAllFieldsRoundTripV4V6FwmarkAndProtocols) {
  const ServiceKey keys[] = {
      ServiceKey::tcp(ip("10.0.0.1"), 80), ServiceKey::udp(ip("2001:db8::1"), 53),
      ServiceKey{Family::V4, 0, Protocol::Sctp, ip("192.0.2.9"), 3868},
      ServiceKey::mark(Family::V4, 7), ServiceKey::mark(Family::V6, 0xfffffffe)};
  for (const auto& k : keys) {
    for (auto kind : {OpKind::AddService, OpKind::EditService}) {
      IpvsOp op = kind == OpKind::AddService ? IpvsOp::addService(fullService(k))
                                             : IpvsOp::editService(fullService(k));
      IpvsOp back = roundTrip(op);
      EXPECT_EQ(back.kind, kind);
      expectServiceEq(back.svc, op.svc);
    }
    IpvsOp back = roundTrip(IpvsOp::delService(k));
    EXPECT_EQ(back.kind, OpKind::DelService);
    EXPECT_TRUE(back.svc.key == k);
  }
}

TEST(IpvsMsg, IPv6DefaultNetmaskIsSentAsPrefix128) {
  Service s = fullService(ServiceKey::tcp(ip("2001:db8::1"), 80));
  s.netmask = 0xffffffff;
  EXPECT_EQ(roundTrip(IpvsOp::addService(s)).svc.netmask, 128U);
}

TEST(IpvsMsg, DestinationAllFieldsRoundTrip) {
  Destination d;
  d.addr = ip("10.0.2.11");
  d.port = 8080;
  d.forward = Forward::Tunnel;
  d.weight = 65535;
  d.upperThreshold = 1000;
  d.lowerThreshold = 10;
  d.tunnelType = TunnelType::Gue;
  d.tunnelPort = 6080;
  d.tunnelFlags = kTunCsum | kTunRemCsum;
  const ServiceKey k = ServiceKey::tcp(ip("2001:db8::1"), 80);  // mixed family via tunnel
  for (auto kind : {OpKind::AddDest, OpKind::EditDest, OpKind::DelDest}) {
    IpvsOp op = kind == OpKind::AddDest    ? IpvsOp::addDest(k, d)
                : kind == OpKind::EditDest ? IpvsOp::editDest(k, d)
                                           : IpvsOp::delDest(k, d);
    IpvsOp back = roundTrip(op);
    EXPECT_EQ(back.kind, kind);
    EXPECT_TRUE(back.svc.key == k);
    EXPECT_TRUE(back.dest.sameSettings(d));
    EXPECT_EQ(back.dest.tunnelType, TunnelType::Gue);
    EXPECT_EQ(back.dest.tunnelPort, 6080);
    EXPECT_EQ(back.dest.tunnelFlags, kTunCsum | kTunRemCsum);
  }
  for (auto f : {Forward::Masq, Forward::Route, Forward::Local}) {
    d.forward = f;
    d.addr = ip("2001:db8::5");
    EXPECT_TRUE(roundTrip(IpvsOp::addDest(k, d)).dest.sameSettings(d));
  }
}

TEST(IpvsMsg, TimeoutsAndDaemonsRoundTrip) {
  IpvsOp t;
  t.kind = OpKind::SetTimeouts;
  t.timeouts = {900, 120, 300};
  EXPECT_EQ(roundTrip(t).timeouts, t.timeouts);

  IpvsOp d;
  d.kind = OpKind::StartDaemon;
  d.daemon = {DaemonState::Backup, "eth1", 42, 1400, ip("239.1.2.3"), 8850, 3};
  EXPECT_EQ(roundTrip(d).daemon, d.daemon);
  d.daemon.group = ip("ff02::123");
  EXPECT_EQ(roundTrip(d).daemon, d.daemon);

  IpvsOp s;
  s.kind = OpKind::StopDaemon;
  s.daemon.state = DaemonState::Master;
  IpvsOp back = roundTrip(s);
  EXPECT_EQ(back.kind, OpKind::StopDaemon);
  EXPECT_EQ(back.daemon.state, DaemonState::Master);

  IpvsOp f;
  f.kind = OpKind::Flush;
  EXPECT_EQ(roundTrip(f).kind, OpKind::Flush);
}

// A kernel-style dump reply: 16-byte addresses, stats64 with padding, flags with mask.
TEST(IpvsMsg, ParsesKernelStyleDumpReplies) {
  std::vector<uint8_t> buf;
  {
    nl::Writer w(buf, 0x22, nl::kFlagMulti, 5, 4 /*GET_SERVICE*/, 1);
    const size_t n = w.beginNest(1);
    w.u16(1, 2);  // AF_INET
    w.u16(2, 6);
    uint8_t addr[16] = {10, 0, 0, 1};
    w.bytes(3, addr);
    w.be16(4, 80);
    w.str(6, "wrr");
    const uint8_t flags[8] = {0x03, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};  // persistent|hashed
    w.bytes(7, flags);
    w.u32(8, 360);
    w.be32(9, 0xffffff00);
    const size_t st = w.beginNest(12);  // STATS64
    w.u64(1, 12);
    w.u64(11, 0);  // PAD
    w.u64(4, 1ULL << 40);
    w.u64(6, 3);
    w.endNest(st);
    w.endNest(n);
    w.finish();
  }
  {
    nl::Writer w(buf, 0x22, nl::kFlagMulti, 6, 8 /*GET_DEST*/, 1);
    const size_t n = w.beginNest(2);
    uint8_t addr[16] = {0x20, 0x01, 0x0d, 0xb8};
    addr[15] = 9;
    w.bytes(1, addr);
    w.be16(2, 443);
    w.u32(3, 3);  // DR
    w.u32(4, 17);
    w.u32(5, 100);
    w.u32(6, 5);
    w.u32(7, 4);
    w.u32(8, 2);
    w.u32(9, 1);
    w.u16(11, 10);                      // AF_INET6
    const size_t st = w.beginNest(10);  // 32-bit STATS
    w.u32(1, 8);
    w.u64(4, 5000);
    w.endNest(st);
    w.endNest(n);
    w.finish();
  }
  nl::Writer(buf, nl::kNlmsgDone, nl::kFlagMulti, 6, 0, 0).finish();
  auto msgs = msg::split(buf);
  ASSERT_TRUE(msgs.has_value());
  ASSERT_EQ(msgs->size(), 3U);
  auto s = msg::parseService((*msgs)[0]);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(toString(s->key), "TCP 10.0.0.1:80");
  EXPECT_EQ(s->scheduler, "wrr");
  EXPECT_EQ(s->flags & kSvcUserFlags, kSvcPersistent);
  EXPECT_EQ(s->timeout, 360U);
  EXPECT_EQ(s->netmask, 0xffffff00U);
  EXPECT_EQ(s->stats.conns, 12U);
  EXPECT_EQ(s->stats.inBytes, 1ULL << 40);
  EXPECT_EQ(s->stats.cps, 3U);
  auto d = msg::parseDest((*msgs)[1]);
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(formatEndpoint(d->addr, d->port), "[2001:db8::9]:443");
  EXPECT_EQ(d->forward, Forward::Route);
  EXPECT_EQ(d->weight, 17);
  EXPECT_EQ(d->upperThreshold, 100U);
  EXPECT_EQ(d->lowerThreshold, 5U);
  EXPECT_EQ(d->activeConns, 4U);
  EXPECT_EQ(d->inactConns, 2U);
  EXPECT_EQ(d->persistConns, 1U);
  EXPECT_EQ(d->stats.conns, 8U);
  EXPECT_EQ(d->stats.inBytes, 5000U);
  EXPECT_TRUE((*msgs)[2].isDone());
}

TEST(IpvsMsg, ErrorAckCarriesErrnoAndSeq) {
  std::vector<uint8_t> buf;
  nl::Writer w(buf, nl::kNlmsgError, 0, 99, 0, 0);  // genl header bytes = errno slot
  w.finish();
  const int32_t err = -2;
  std::memcpy(&buf[16], &err, 4);
  auto msgs = msg::split(buf);
  ASSERT_TRUE(msgs.has_value());
  EXPECT_TRUE(msgs->front().isError());
  EXPECT_EQ(msgs->front().error, -2);
  EXPECT_EQ(msgs->front().seq, 99U);
}

TEST(IpvsMsg, RejectsTruncatedAndMalformedInput) {
  std::vector<uint8_t> buf;
  msg::appendOp(buf, IpvsOp::addService(fullService(ServiceKey::tcp(ip("10.0.0.1"), 80))), 0x22, 1);
  auto cut = std::span<const uint8_t>(buf).first(buf.size() - 8);
  EXPECT_FALSE(msg::split(cut).has_value());
  auto msgs = msg::split(buf);
  ASSERT_TRUE(msgs.has_value());
  msg::Message m = msgs->front();
  std::vector<uint8_t> attrs(m.attrs.begin(), m.attrs.end());
  attrs[0] = 0xff;  // nest length beyond the buffer
  m.attrs = attrs;
  EXPECT_FALSE(msg::parseRequest(m).has_value());
}

TEST(IpvsMsg, FamilyRequestAndReply) {
  std::vector<uint8_t> buf;
  msg::appendGetFamily(buf, 3, "IPVS");
  auto msgs = msg::split(buf);
  ASSERT_TRUE(msgs.has_value());
  EXPECT_EQ(msgs->front().type, 0x10);
  std::vector<uint8_t> reply;
  nl::Writer w(reply, 0x10, 0, 3, 1, 1);
  w.u16(1, 0x1d);
  w.str(2, "IPVS");
  w.finish();
  auto r = msg::split(reply);
  ASSERT_TRUE(r.has_value());
  auto id = msg::parseFamilyId(r->front());
  ASSERT_TRUE(id.has_value());
  EXPECT_EQ(*id, 0x1d);
}

}  // namespace
}  // namespace lvsd::ipvs
