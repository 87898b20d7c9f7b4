// Config updates to the children (daemon/config_codec.h): what the supervisor sends after a
// reload must rebuild, in the child, exactly the config the supervisor validated.
#include "daemon/config_codec.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "config/loader.h"

namespace lvsd::daemon {
namespace {

const std::string kSrc = LVSD_SOURCE_DIR;

config::Config load(const std::string& path) {
  auto r = config::loadFile(path);
  EXPECT_TRUE(r.config) << path << ": " << (r.errors.empty() ? "" : r.errors[0].toString());
  return r.config ? *r.config : config::Config{};
}

void expectSame(const config::Config& a, const config::Config& b) {
  EXPECT_TRUE(a == b);
  // and byte for byte as the children would receive them
  EXPECT_EQ(makeUpdate(config::Config{}, a).payload, makeUpdate(config::Config{}, b).payload);
}

std::vector<std::string> exampleConfigs() {
  std::vector<std::string> files{kSrc + "/etc/lvsd.conf"};
  for (const auto& e : std::filesystem::directory_iterator(kSrc + "/etc/examples")) {
    files.push_back(e.path().string());
  }
  return files;
}

TEST(ConfigCodec, FullUpdateRebuildsEveryExampleConfig) {
  for (const auto& file : exampleConfigs()) {
    SCOPED_TRACE(file);
    const config::Config c = load(file);
    const auto u = makeUpdate(config::Config{}, c);
    EXPECT_EQ((u.changed & section::kVirtualServers) != 0, !c.virtual_servers.empty());
    EXPECT_EQ(u.serversSent, c.virtual_servers.size());
    config::Config child;
    auto r = applyUpdate(child, u.payload);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, u.changed);
    expectSame(child, c);
  }
}

TEST(ConfigCodec, FieldsSurviveTheRoundTrip) {
  const config::Config c = load(kSrc + "/etc/examples/full.conf");
  ASSERT_FALSE(c.virtual_servers.empty());
  const auto& vs = c.virtual_servers.front();
  auto back = decodeVirtualServer(encodeVirtualServer(vs));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->name, vs.name);
  EXPECT_EQ(back->endpoint, vs.endpoint);
  EXPECT_EQ(back->scheduler, vs.scheduler);
  EXPECT_EQ(back->load_factor, vs.load_factor);
  EXPECT_EQ(back->delay_loop, vs.delay_loop);
  ASSERT_EQ(back->real_servers.size(), vs.real_servers.size());
  for (size_t i = 0; i < vs.real_servers.size(); ++i) {
    EXPECT_EQ(back->real_servers[i].endpoint, vs.real_servers[i].endpoint);
    EXPECT_EQ(back->real_servers[i].weight, vs.real_servers[i].weight);
    EXPECT_EQ(back->real_servers[i].checks.size(), vs.real_servers[i].checks.size());
  }
}

config::Config bigConfig(size_t services, size_t reals) {
  config::Config c;
  for (size_t s = 0; s < services; ++s) {
    config::VirtualServer vs;
    vs.name = "vs" + std::to_string(s);
    vs.endpoint = config::Endpoint{IpAddress::v4(0x0a640000U + static_cast<uint32_t>(s)), 80};
    for (size_t r = 0; r < reals; ++r) {
      config::RealServer rs;
      rs.endpoint = config::Endpoint{IpAddress::v4(0xac100001U + static_cast<uint32_t>(r)), 80};
      vs.real_servers.push_back(rs);
    }
    c.virtual_servers.push_back(vs);
  }
  return c;
}

TEST(ConfigCodec, OneWeightChangeCarriesOneServer) {
  const config::Config before = bigConfig(1000, 10);
  config::Config after = before;
  after.virtual_servers[500].real_servers[0].weight = 5;
  const auto u = makeUpdate(before, after);
  EXPECT_EQ(u.changed, section::kVirtualServers);
  EXPECT_EQ(u.serversSent, 1u);
  // 1000 references of 2-3 bytes plus one server: far below the full table.
  EXPECT_LT(u.payload.size(), 4000u);
  config::Config child = before;
  auto r = applyUpdate(child, u.payload);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(child.virtual_servers[500].real_servers[0].weight, 5u);
  expectSame(child, after);
  EXPECT_EQ(*r & section::kVrrp, 0u);  // the VRRP child has nothing to do
}

TEST(ConfigCodec, NothingChangedIsAnEmptyUpdate) {
  const config::Config c = bigConfig(10, 2);
  const auto u = makeUpdate(c, c);
  EXPECT_EQ(u.changed, 0u);
  config::Config child = c;
  auto r = applyUpdate(child, u.payload);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 0u);
  expectSame(child, c);
}

TEST(ConfigCodec, ReorderRemoveAddAreReferencesByName) {
  const config::Config before = bigConfig(20, 3);
  config::Config after = before;
  std::reverse(after.virtual_servers.begin(), after.virtual_servers.end());
  after.virtual_servers.erase(after.virtual_servers.begin() + 3);
  config::VirtualServer added = before.virtual_servers[0];
  added.name = "new";
  added.endpoint->port = 8080;
  after.virtual_servers.push_back(added);
  const auto u = makeUpdate(before, after);
  EXPECT_EQ(u.changed, section::kVirtualServers);
  EXPECT_EQ(u.serversSent, 1u);
  config::Config child = before;
  ASSERT_TRUE(applyUpdate(child, u.payload));
  expectSame(child, after);
}

TEST(ConfigCodec, GlobalChangeLeavesServersOut) {
  const config::Config before = bigConfig(50, 2);
  config::Config after = before;
  after.global.router_id = "lb2";
  after.vrrp_instances.emplace_back().name = "VI_1";
  const auto u = makeUpdate(before, after);
  EXPECT_EQ(u.changed, section::kGlobal | section::kVrrpInstances);
  EXPECT_EQ(u.serversSent, 0u);
  config::Config child = before;
  ASSERT_TRUE(applyUpdate(child, u.payload));
  EXPECT_EQ(child.global.router_id, "lb2");
  expectSame(child, after);
}

TEST(ConfigCodec, MalformedUpdatesChangeNothing) {
  const config::Config before = load(kSrc + "/etc/examples/full.conf");
  config::Config after = before;
  after.global.router_id = "other";
  if (!after.virtual_servers.empty()) {
    after.virtual_servers.front().real_servers.front().weight += 1;
  }
  const auto u = makeUpdate(before, after);
  for (size_t n = 0; n < u.payload.size(); ++n) {
    config::Config child = before;
    EXPECT_FALSE(applyUpdate(child, u.payload.substr(0, n))) << "prefix " << n;
    expectSame(child, before);
  }
  config::Config child = before;
  EXPECT_FALSE(applyUpdate(child, u.payload + "x"));
  EXPECT_FALSE(applyUpdate(child, "LVC1\xff\xff\xff\xff\x0f"));
  // The same base server referenced twice.
  EXPECT_FALSE(applyUpdate(child, std::string("LVC1\x80\x02\x02\x01\x01", 9)));
  expectSame(child, before);
}

}  // namespace
}  // namespace lvsd::daemon
