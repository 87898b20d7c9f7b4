// Model equality (a reload compares sections of the old and new Config) and large generated
// configs: every setting read, and cross-reference errors placed on the right line at scale.
#include <gtest/gtest.h>

#include <string>

#include "config/loader.h"

namespace lvsd::config {
namespace {

/// @p services services of @p reals real servers (one TCP check each), one setting per line:
/// service s starts on line 2 + s * (2 + reals) ("{ address ...").
std::string generate(int services, int reals, int weightOfFirst = 1) {
  std::string out = "global = { router_id = \"r1\"; };\nvirtual_servers = (\n";
  for (int s = 0; s < services; ++s) {
    out += "{ address = \"10.0." + std::to_string(s / 250) + "." + std::to_string(s % 250 + 1) +
           "\"; port = 80; real_servers = (\n";
    for (int r = 1; r <= reals; ++r) {
      out += "  { address = \"172.16.0." + std::to_string(r) +
             "\"; weight = " + std::to_string(s == 0 && r == 1 ? weightOfFirst : 1) +
             "; checks = ( { type = \"tcp\"; interval = 2; } ); }" + (r < reals ? "," : "") + "\n";
    }
    out += std::string(") }") + (s + 1 < services ? "," : "") + "\n";
  }
  return out + ");\n";
}

Config loadOk(const std::string& text) {
  LoadResult r = loadString(text, "gen.conf");
  for (const auto& d : r.errors) {
    ADD_FAILURE() << d.toString();
  }
  return r.config.value_or(Config{});
}

TEST(CompareConfig, SameTextLoadsEqual) {
  const std::string text = generate(3, 4);
  const Config a = loadOk(text);
  const Config b = loadOk(text);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.virtual_servers, b.virtual_servers);
}

TEST(CompareConfig, OneWeightChangesOnlyVirtualServers) {
  const Config a = loadOk(generate(3, 4, 1));
  const Config b = loadOk(generate(3, 4, 7));
  EXPECT_NE(a, b);
  EXPECT_EQ(a.global, b.global);
  EXPECT_EQ(a.vrrp_instances, b.vrrp_instances);
  ASSERT_EQ(a.virtual_servers.size(), 3U);
  EXPECT_NE(a.virtual_servers[0], b.virtual_servers[0]);
  EXPECT_EQ(a.virtual_servers[1], b.virtual_servers[1]);
  EXPECT_EQ(b.virtual_servers[0].real_servers[0].weight, 7U);
}

TEST(LargeConfig, EverySettingIsRead) {
  const Config c = loadOk(generate(1000, 10));
  ASSERT_EQ(c.virtual_servers.size(), 1000U);
  const VirtualServer& last = c.virtual_servers.back();
  EXPECT_EQ(last.name, "10.0.3.250:80/tcp");
  ASSERT_EQ(last.real_servers.size(), 10U);
  EXPECT_EQ(last.real_servers[9].endpoint.port, 80);
  ASSERT_EQ(last.real_servers[9].checks.size(), 1U);
  EXPECT_EQ(last.real_servers[9].checks[0].interval, Duration{2000});
}

TEST(LargeConfig, LateErrorsNameTheirSettingAndLine) {
  std::string text = generate(300, 10);
  // A duplicate of service 0 appended as service 300, and an unknown setting in its last real
  // server: both found after 3,000 real servers.
  const std::string dup =
      "{ address = \"10.0.0.1\"; port = 80; real_servers = (\n"
      "  { address = \"172.16.0.1\"; wieght = 1; }\n) }\n";
  text.insert(text.rfind(");"), ",\n" + dup);
  LoadResult r = loadString(text, "gen.conf");
  ASSERT_FALSE(r.config.has_value());
  ASSERT_EQ(r.errors.size(), 2U);
  const int dupLine = 2 + 300 * 12 + 2;  // 12 lines per generated service, then ",\n"
  EXPECT_EQ(r.errors[0].toString(),
            "gen.conf:" + std::to_string(dupLine) +
                ": virtual_servers[300].address: duplicate virtual service 10.0.0.1:80/tcp (also "
                "virtual_servers[0])");
  EXPECT_EQ(r.errors[1].toString(),
            "gen.conf:" + std::to_string(dupLine + 1) +
                ": virtual_servers[300].real_servers[0].wieght: unknown setting (did you mean "
                "\"weight\"?)");
}

TEST(LargeConfig, NestingDepthIsLimitedWithTheSettingsPath) {
  // 32 levels are read; the 33rd is reported with libconfig's own path spelling.
  std::string text = "x = { y = ( 1, 2, { z = ";
  for (int i = 0; i < 35; ++i) {
    text += "{ w = ";
  }
  text += "1;";
  for (int i = 0; i < 35; ++i) {
    text += "};";
  }
  text += " } ); };";
  LoadResult r = loadString(text, "deep.conf");
  ASSERT_EQ(r.errors.size(), 1U);
  std::string path = "x.y.[2].z";
  for (int i = 0; i < 28; ++i) {
    path += ".w";
  }
  EXPECT_EQ(r.errors[0].toString(), "deep.conf:1: " + path + ": nested too deeply");
}

}  // namespace
}  // namespace lvsd::config
