#include "ipvs/format.h"

#include <gtest/gtest.h>

#include "ipvs/errors.h"

namespace lvsd::ipvs {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

Table sample() {
  Table t;
  Service a;
  a.key = ServiceKey::tcp(ip("10.0.0.100"), 80);
  a.scheduler = "mh";
  a.flags = kSvcSched1 | kSvcSched2 | kSvcOnePacket;
  Destination d;
  d.addr = ip("10.0.2.12");
  d.port = 80;
  d.weight = 3;
  d.activeConns = 2;
  d.stats.conns = 123456789012ULL;
  Destination e = d;
  e.addr = ip("10.0.2.11");
  e.forward = Forward::Route;
  a.dests = {d, e};
  Service b;
  b.key = ServiceKey::mark(Family::V6, 8);
  b.scheduler = "lc";
  b.flags = kSvcPersistent;
  b.timeout = 30;
  b.netmask = 64;
  Service c;
  c.key = ServiceKey{Family::V4, 0, Protocol::Sctp, ip("10.0.0.1"), 3868};
  c.scheduler = "wrr";
  c.flags = kSvcPersistent;
  c.timeout = 600;
  c.netmask = 0xffffff00;
  t.services = {b, c, a};
  return t;
}

TEST(IpvsFormat, ListLikeIpvsadm) {
  EXPECT_EQ(formatTable(sample(), {}),
            "IP Virtual Server version 1.2.1 (size=4096)\n"
            "Prot LocalAddress:Port Scheduler Flags\n"
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
            "TCP  10.0.0.100:80 mh (mh-fallback,mh-port) ops\n"
            "  -> 10.0.2.11:80                 Route   3      2          0         \n"
            "  -> 10.0.2.12:80                 Masq    3      2          0         \n"
            "SCTP 10.0.0.1:3868 wrr persistent 600 mask 255.255.255.0\n"
            "FWM  8 IPv6 lc persistent 30 mask 64\n");
}

TEST(IpvsFormat, StatsScaleLargeCountersUnlessExact) {
  FormatOptions o;
  o.mode = FormatOptions::Mode::Stats;
  o.title = false;
  const std::string s = formatTable(sample(), o);
  EXPECT_NE(s.find("  -> 10.0.2.11:80                     123G        0"), std::string::npos) << s;
  o.exact = true;
  EXPECT_NE(formatTable(sample(), o).find("123456789012"), std::string::npos);
}

TEST(IpvsErrors, NamesTheCause) {
  Service s;
  s.key = ServiceKey::tcp(ip("10.0.0.1"), 80);
  s.scheduler = "foo";
  EXPECT_EQ(explain(IpvsOp::addService(s), 2),
            "add service TCP 10.0.0.1:80 foo: scheduler 'foo' not found (kernel module "
            "ip_vs_foo missing?) (errno 2)");
  Destination d;
  d.addr = ip("2001:db8::1");
  EXPECT_NE(explain(IpvsOp::addDest(s.key, d), 22).find("address family mismatch"),
            std::string::npos);
  EXPECT_NE(explain(IpvsOp::delService(s.key), 3).find("no such virtual service"),
            std::string::npos);
}

}  // namespace
}  // namespace lvsd::ipvs

namespace lvsd::ipvs {
namespace {

// ipvsadm sorts by protocol, then address, then port (not port first), and compares addresses
// by the wrapping int difference of host-order words.
TEST(IpvsFormat, ServiceOrderLikeIpvsadm) {
  const auto key = [](const char* a, uint16_t port) {
    return ServiceKey::tcp(*IpAddress::parse(a), port);
  };
  Table t;
  for (auto k :
       {key("10.9.9.9", 22), key("200.0.0.1", 80), key("10.0.0.100", 81), key("10.0.0.100", 80)}) {
    Service s;
    s.key = k;
    s.scheduler = "rr";
    t.services.push_back(s);
  }
  FormatOptions o;
  o.title = false;
  const std::string out = formatTable(t, o);
  const auto at = [&](const char* s) { return out.find(s); };
  EXPECT_LT(at("10.0.0.100:80 "), at("10.0.0.100:81 "));
  EXPECT_LT(at("10.0.0.100:81 "), at("10.9.9.9:22 "));
  EXPECT_LT(at("200.0.0.1:80 "), at("10.0.0.100:80 "));  // 200.x - 10.x wraps negative
}

}  // namespace
}  // namespace lvsd::ipvs
