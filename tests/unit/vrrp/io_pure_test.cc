// Pure pieces of the I/O adapter: GARP/NA frames, command splitting, virtual MAC, config mapping.
#include <gtest/gtest.h>

#include "vrrp/config/engine_config.h"
#include "vrrp/io/announce.h"
#include "vrrp/io/netif.h"
#include "vrrp/io/process.h"

namespace lvsd::vrrp {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

TEST(Announce, GratuitousArpFrame) {
  const io::Mac mac{0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
  const auto f = io::buildGarpFrame(mac, ip("10.1.2.3"));
  ASSERT_EQ(f.size(), 42U);
  const std::vector<uint8_t> want{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x11, 0x22, 0x33, 0x44,
                                  0x55, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
                                  0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 10,   1,    2,    3,    0xff,
                                  0xff, 0xff, 0xff, 0xff, 0xff, 10,   1,    2,    3};
  EXPECT_EQ(f, want);
}

TEST(Announce, UnsolicitedNeighbourAdvertisement) {
  const io::Mac mac{0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
  const auto b = io::buildUnsolicitedNa(mac, ip("fd00::1"));
  ASSERT_EQ(b.size(), 32U);
  EXPECT_EQ(b[0], 136);   // Neighbor Advertisement
  EXPECT_EQ(b[4], 0x20);  // Override only (RFC 4861 §7.2.6: unsolicited, not solicited)
  EXPECT_EQ(b[8], 0xfd);
  EXPECT_EQ(b[23], 0x01);
  EXPECT_EQ(b[24], 2);  // target link-layer address option
  EXPECT_EQ(b[25], 1);
  EXPECT_EQ(b[31], 0x55);
}

TEST(Netif, VirtualMacPerRfc5798) {
  EXPECT_EQ(io::macToString(io::virtualMac(Family::V4, 51)), "00:00:5e:00:01:33");
  EXPECT_EQ(io::macToString(io::virtualMac(Family::V6, 7)), "00:00:5e:00:02:07");
}

TEST(EngineConfig, MapsInstancesGroupsAndTracking) {
  config::Config c;
  c.global.script_user = "nobody";
  config::VrrpScript s;
  s.name = "chk";
  s.path = "/bin/true";
  s.args = {"-x"};
  s.weight = -20;
  s.interval = std::chrono::milliseconds(2000);
  c.vrrp_scripts.push_back(s);
  for (int i = 0; i < 3; ++i) {
    config::VrrpInstance vi;
    vi.name = "VI_" + std::to_string(i);
    vi.interface = "eth0";
    vi.vrid = static_cast<uint8_t>(10 + i);
    vi.version = 3;
    vi.advert_int = std::chrono::milliseconds(100);
    vi.vips.push_back(config::VirtualIp{ip("10.0.0.100"), 24, "", "eth0:v"});
    c.vrrp_instances.push_back(vi);
  }
  c.vrrp_instances[0].track_scripts.push_back(config::TrackRef{"chk", std::nullopt, false});
  c.vrrp_instances[1].track_interfaces.push_back(config::TrackRef{"eth1", -5, true});
  c.vrrp_instances[2].unicast_peers = {ip("10.0.0.2")};
  c.sync_groups.push_back(config::SyncGroup{"G", {"VI_0", "VI_2"}, {}});

  auto m = mapConfig(c);
  ASSERT_TRUE(m);
  ASSERT_EQ(m->instances.size(), 3U);
  const auto& i0 = m->instances[0];
  EXPECT_EQ(i0.params.adverIntervalCs, 10U);
  EXPECT_EQ(i0.vips.front().dev, "eth0");
  EXPECT_EQ(i0.vips.front().label, "eth0:v");
  ASSERT_EQ(i0.tracking.size(), 2U);  // own interface + script
  EXPECT_EQ(i0.tracking[0].kind, TrackKind::Interface);
  EXPECT_EQ(i0.tracking[0].weight, 0);
  EXPECT_EQ(i0.tracking[1].argv, (std::vector<std::string>{"/bin/true", "-x"}));
  EXPECT_EQ(i0.tracking[1].weight, -20);
  EXPECT_EQ(i0.tracking[1].timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(i0.tracking[1].user, "nobody");
  EXPECT_EQ(m->instances[1].tracking[1].weight, -5);
  EXPECT_TRUE(m->instances[1].tracking[1].reverse);
  EXPECT_FALSE(m->instances[2].decode.checkTtl);  // unicast peers may be routed
  EXPECT_TRUE(i0.decode.checkTtl);
  ASSERT_EQ(m->groups.size(), 2U);
  EXPECT_EQ(m->groups[0].members, (std::vector<size_t>{0, 2}));
  EXPECT_EQ(m->groups[1].members, (std::vector<size_t>{1}));
  EXPECT_EQ(m->realtimePriority, kDefaultRealtimePriority);
  c.global.vrrp_rt_priority = 0;
  EXPECT_EQ(mapConfig(c)->realtimePriority, 0U);
}

TEST(EngineConfig, VmacInterfaces) {
  config::Config c;
  config::VrrpInstance vi;
  vi.name = "V";
  vi.interface = "eth0";
  vi.vrid = 9;
  vi.use_vmac = true;
  vi.vips.push_back(config::VirtualIp{ip("10.0.0.100"), 32, "", ""});
  c.vrrp_instances.push_back(vi);
  auto m = mapConfig(c);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->instances[0].vmacName, "vrrp.9");
  EXPECT_EQ(m->instances[0].vipInterface, "vrrp.9");
  EXPECT_EQ(m->instances[0].sendInterface, "vrrp.9");
  EXPECT_EQ(m->instances[0].interface, "eth0");
}

}  // namespace
}  // namespace lvsd::vrrp
