// Config -> desired IPVS table, DesiredState setters, and the table's JSON form.
#include "ipvs/from_config.h"

#include <gtest/gtest.h>

#include "ipvs/format.h"
#include "ipvs/json.h"

namespace lvsd::ipvs {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

config::RealServer real(const char* addr, uint16_t port, uint32_t weight) {
  config::RealServer r;
  r.endpoint = {ip(addr), port};
  r.weight = weight;
  return r;
}

config::VirtualServer web() {
  config::VirtualServer vs;
  vs.name = "web";
  vs.endpoint = config::Endpoint{ip("10.0.0.100"), 80};
  vs.scheduler = "rr";
  vs.real_servers = {real("10.0.2.11", 80, 1), real("10.0.2.12", 80, 1), real("10.0.2.13", 80, 1)};
  return vs;
}

TEST(FromConfig, AddressServiceWithRealServers) {
  config::Config c;
  c.virtual_servers = {web()};
  const Table t = DesiredState::fromConfig(c).table();
  ASSERT_EQ(t.services.size(), 1U);
  const Service& s = t.services[0];
  EXPECT_EQ(s.key, ServiceKey::tcp(ip("10.0.0.100"), 80));
  EXPECT_EQ(s.scheduler, "rr");
  EXPECT_EQ(s.flags, 0U);
  ASSERT_EQ(s.dests.size(), 3U);
  EXPECT_EQ(s.dests[1].addr, ip("10.0.2.12"));
  EXPECT_EQ(s.dests[1].forward, Forward::Masq);
  EXPECT_EQ(s.dests[1].weight, 1);
  EXPECT_FALSE(t.timeouts);
  EXPECT_FALSE(t.manageDaemons);
  EXPECT_TRUE(validate(t).empty());
}

TEST(FromConfig, SchedulerFlagsPersistenceOnePacket) {
  config::VirtualServer vs = web();
  vs.protocol = config::Protocol::Udp;
  vs.scheduler = "sh";
  vs.scheduler_flags.flag1 = true;
  vs.scheduler_flags.flag2 = true;
  vs.persistence_timeout = std::chrono::seconds(300);
  vs.persistence_prefix = 24;
  vs.one_packet = true;
  const Service s = serviceSettings(vs);
  EXPECT_EQ(s.key.protocol, Protocol::Udp);
  EXPECT_EQ(s.flags, kSvcSched1 | kSvcSched2 | kSvcPersistent | kSvcOnePacket);
  EXPECT_EQ(s.timeout, 300U);
  EXPECT_EQ(s.netmask, 0xffffff00U);
  EXPECT_EQ(formatServiceFlags(s), " (sh-fallback,sh-port) persistent 300 mask 255.255.255.0 ops");
}

TEST(FromConfig, FwmarkIpv6AndPrefix) {
  config::VirtualServer vs;
  vs.fwmark = 7;
  vs.family = Family::V6;
  vs.persistence_timeout = std::chrono::seconds(60);
  vs.persistence_prefix = 64;
  const Service s = serviceSettings(vs);
  EXPECT_EQ(s.key, ServiceKey::mark(Family::V6, 7));
  EXPECT_EQ(s.netmask, 64U);
}

TEST(FromConfig, ForwardingTunnelThresholds) {
  config::VirtualServer vs = web();
  vs.forwarding = config::Forwarding::Tun;
  vs.tunnel = config::Tunnel{config::TunnelType::Gue, 6080, false, true, false};
  config::RealServer r = real("10.0.2.11", 80, 5);
  r.forwarding = config::Forwarding::Tun;
  r.u_threshold = 100;
  r.l_threshold = 10;
  Destination d = destination(vs, r);
  EXPECT_EQ(d.forward, Forward::Tunnel);
  EXPECT_EQ(d.tunnelType, TunnelType::Gue);
  EXPECT_EQ(d.tunnelPort, 6080);
  EXPECT_EQ(d.tunnelFlags, kTunCsum);
  EXPECT_EQ(d.upperThreshold, 100U);
  EXPECT_EQ(d.lowerThreshold, 10U);
  EXPECT_EQ(d.weight, 5);
  r.forwarding = config::Forwarding::Dr;
  EXPECT_EQ(destination(vs, r).forward, Forward::Route);
}

TEST(FromConfig, TimeoutsAndSyncDaemon) {
  config::Config c;
  EXPECT_FALSE(DesiredState::fromConfig(c).table().timeouts);
  c.global.ipvs_timeouts.tcp = std::chrono::seconds(900);
  c.global.ipvs_sync_daemon =
      config::IpvsSyncDaemon{config::SyncDaemonState::Master, "eth1", 9, "", {}, 8848, 1, 0};
  const Table t = DesiredState::fromConfig(c).table();
  ASSERT_TRUE(t.timeouts);
  EXPECT_EQ(*t.timeouts, (Timeouts{900, 0, 0}));
  EXPECT_EQ(resolveTimeouts(*t.timeouts, Timeouts{7200, 120, 300}), (Timeouts{900, 120, 300}));
  ASSERT_TRUE(t.manageDaemons);
  ASSERT_EQ(t.daemons.size(), 1U);
  EXPECT_EQ(t.daemons[0].state, DaemonState::Master);
  EXPECT_EQ(t.daemons[0].interface, "eth1");
  EXPECT_EQ(t.daemons[0].syncId, 9U);
  // Following a VRRP instance starts as backup.
  c.global.ipvs_sync_daemon->vrrp_instance = "VI_1";
  EXPECT_EQ(DesiredState::fromConfig(c).table().daemons[0].state, DaemonState::Backup);
}

TEST(DesiredState, WeightChangeIsOneEdit) {
  config::Config c;
  c.virtual_servers = {web()};
  auto st = DesiredState::fromConfig(c);
  const ServiceKey k = ServiceKey::tcp(ip("10.0.0.100"), 80);
  auto ops = st.setRealServerWeight(k, ip("10.0.2.11"), 80, 3);
  ASSERT_TRUE(ops);
  ASSERT_EQ(ops->size(), 1U);
  EXPECT_EQ((*ops)[0].kind, OpKind::EditDest);
  EXPECT_EQ((*ops)[0].dest.weight, 3);
  EXPECT_EQ(st.table().services[0].dests[0].weight, 3);
  EXPECT_TRUE(st.setRealServerWeight(k, ip("10.0.2.11"), 80, 3)->empty());
  EXPECT_FALSE(st.setRealServerWeight(k, ip("10.0.2.99"), 80, 3));
  EXPECT_FALSE(st.setRealServerWeight(k, ip("10.0.2.11"), 80, 70000));
  EXPECT_FALSE(st.setRealServerWeight(ServiceKey::tcp(ip("10.0.0.1"), 80), ip("10.0.2.11"), 80, 1));
}

TEST(DesiredState, DownRemovesOrInhibitsAndSorryServerComesIn) {
  config::VirtualServer vs = web();
  vs.real_servers.resize(2);
  vs.real_servers[1].inhibit_on_failure = true;
  vs.sorry_server = config::Endpoint{ip("10.0.3.1"), 80};
  config::Config c;
  c.virtual_servers = {vs};
  auto st = DesiredState::fromConfig(c);
  const ServiceKey k = serviceKey(vs);
  EXPECT_EQ(st.table().services[0].dests.size(), 2U);
  auto ops = st.setRealServerUp(k, ip("10.0.2.11"), 80, false);
  ASSERT_TRUE(ops);
  ASSERT_EQ(ops->size(), 1U);
  EXPECT_EQ((*ops)[0].kind, OpKind::DelDest);
  ops = st.setRealServerUp(k, ip("10.0.2.12"), 80, false);  // inhibit: weight 0, sorry added
  ASSERT_TRUE(ops);
  ASSERT_EQ(ops->size(), 2U);
  EXPECT_EQ((*ops)[0].kind, OpKind::AddDest);
  EXPECT_EQ((*ops)[0].dest.addr, ip("10.0.3.1"));
  EXPECT_EQ((*ops)[1].kind, OpKind::EditDest);
  EXPECT_EQ((*ops)[1].dest.weight, 0);
  ops = st.setRealServerUp(k, ip("10.0.2.11"), 80, true);  // back: sorry server removed last
  ASSERT_TRUE(ops);
  ASSERT_EQ(ops->size(), 2U);
  EXPECT_EQ((*ops)[0].kind, OpKind::AddDest);
  EXPECT_EQ((*ops)[1].kind, OpKind::DelDest);
  EXPECT_EQ((*ops)[1].dest.addr, ip("10.0.3.1"));
}

TEST(DesiredState, AlphaStartsDownOnStopKeepsOnlyKeep) {
  config::VirtualServer a = web();
  a.alpha = true;
  a.real_servers[0].checks.push_back(config::Check{});
  a.on_stop = config::OnStop::Keep;
  config::VirtualServer b = web();
  b.name = "other";
  b.endpoint->port = 81;
  config::Config c;
  c.virtual_servers = {a, b};
  auto st = DesiredState::fromConfig(c);
  const Table t = st.table();
  EXPECT_EQ(t.services[0].dests.size(), 2U);  // the checked server starts down
  EXPECT_EQ(t.services[1].dests.size(), 3U);
  const Table stop = st.tableOnStop();
  ASSERT_EQ(stop.services.size(), 1U);
  EXPECT_EQ(stop.services[0].key.port, 80);
  EXPECT_EQ(st.nameOf(stop.services[0].key), "web");
  EXPECT_EQ(st.keys().size(), 2U);
}

TEST(IpvsJson, RoundTrip) {
  Table t;
  Service s;
  s.key = ServiceKey::tcp(ip("10.0.0.100"), 80);
  s.scheduler = "wrr";
  s.flags = kSvcPersistent;
  s.timeout = 300;
  s.stats.conns = 24;
  s.stats.inBytes = 8136;
  Destination d;
  d.addr = ip("10.0.2.11");
  d.port = 80;
  d.weight = 3;
  d.inactConns = 4;
  d.stats.conns = 12;
  d.stats.outBps = 99;
  s.dests.push_back(d);
  t.services.push_back(s);
  Service m;
  m.key = ServiceKey::mark(Family::V6, 5);
  m.netmask = 128;
  t.services.push_back(m);
  auto back = tableFromJson(toJson(t));
  ASSERT_TRUE(back);
  for (auto mode :
       {FormatOptions::Mode::List, FormatOptions::Mode::Stats, FormatOptions::Mode::Rate}) {
    FormatOptions o;
    o.mode = mode;
    EXPECT_EQ(formatTable(*back, o), formatTable(t, o));
  }
  EXPECT_EQ(back->services[0].dests[0].stats, d.stats);
  EXPECT_EQ(back->services[0].stats, s.stats);
  EXPECT_FALSE(tableFromJson(Json{{"services", {{{"key", {{"address", "x"}}}}}}}));
  EXPECT_FALSE(tableFromJson(Json::array()));
}

}  // namespace
}  // namespace lvsd::ipvs
