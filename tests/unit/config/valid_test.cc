// Valid configs parse into the expected model values; every shipped example validates.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/loader.h"

namespace lvsd::config {
namespace {

using std::chrono::milliseconds;
const std::string kSrc = LVSD_SOURCE_DIR;

Config loadOk(const std::string& path) {
  LoadResult r = loadFile(path);
  std::string all;
  for (const auto& d : r.errors) {
    all += d.toString() + "\n";
  }
  EXPECT_TRUE(r.config.has_value()) << all;
  return r.config.value_or(Config{});
}

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

TEST(ValidConfig, EveryShippedExampleValidates) {
  std::vector<std::filesystem::path> files{kSrc + "/etc/lvsd.conf"};
  for (const auto& e : std::filesystem::directory_iterator(kSrc + "/etc/examples")) {
    if (e.path().extension() == ".conf") {
      files.push_back(e.path());
    }
  }
  EXPECT_GE(files.size(), 4U);
  for (const auto& f : files) {
    SCOPED_TRACE(f.string());
    LoadResult r = loadFile(f.string());
    for (const auto& d : r.errors) {
      ADD_FAILURE() << d.toString();
    }
    EXPECT_TRUE(r.config.has_value());
  }
}

TEST(ValidConfig, DemoConfigMatchesTheReadme) {
  Config c = loadOk(kSrc + "/etc/lvsd.conf");
  EXPECT_EQ(c.global.control_socket, "/run/lvsd/lvsd.sock");
  EXPECT_EQ(c.global.control_socket_mode, 0660U);
  EXPECT_EQ(c.global.log_target, LogTarget::Stderr);
  ASSERT_EQ(c.vrrp_instances.size(), 1U);
  const VrrpInstance& vi = c.vrrp_instances[0];
  EXPECT_EQ(vi.interface, "lvsd0");
  EXPECT_EQ(vi.vrid, 51);
  ASSERT_EQ(vi.vips.size(), 1U);
  EXPECT_EQ(vi.vips[0].address, ip("10.200.0.100"));
  EXPECT_EQ(vi.vips[0].prefix_len, 24);
  ASSERT_EQ(c.virtual_servers.size(), 1U);
  const VirtualServer& vs = c.virtual_servers[0];
  EXPECT_EQ(vs.name, "10.200.0.100:80/tcp");
  EXPECT_EQ(vs.scheduler, "rr");
  EXPECT_EQ(vs.forwarding, Forwarding::Nat);
  ASSERT_EQ(vs.real_servers.size(), 3U);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(vs.real_servers[i].endpoint.address, IpAddress::v4(0x0ac8010bU + uint32_t(i)));
    EXPECT_EQ(vs.real_servers[i].endpoint.port, 80);
    ASSERT_EQ(vs.real_servers[i].checks.size(), 1U);
    EXPECT_EQ(vs.real_servers[i].checks[0].type, CheckType::Tcp);
    EXPECT_EQ(vs.real_servers[i].checks[0].interval, milliseconds(2000));
    EXPECT_EQ(vs.real_servers[i].checks[0].timeout, milliseconds(1000));
  }
}

TEST(ValidConfig, NotifyFifoAndItsScript) {
  LoadResult r = loadString(
      "global = { notify_fifo = \"/run/lvsd/notify\"; notify_fifo_script = \"/bin/reader -v\"; "
      "};\n",
      "f.conf");
  ASSERT_TRUE(r.config.has_value());
  EXPECT_EQ(r.config->global.notify_fifo, "/run/lvsd/notify");
  EXPECT_EQ(r.config->global.notify_fifo_script, "/bin/reader -v");
}

TEST(ValidConfig, VrrpRealtimePriorityAndLowerPrioBurstOff) {
  LoadResult d = loadString("", "f.conf");
  ASSERT_TRUE(d.config.has_value());
  EXPECT_EQ(d.config->global.vrrp_rt_priority, 10U);
  LoadResult r = loadString(
      "global = { vrrp_rt_priority = 0; };\n"
      "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
      " virtual_ipaddresses = (\"10.0.0.1\"); garp = { lower_prio_repeat = 0; }; } );\n",
      "f.conf");
  ASSERT_TRUE(r.config.has_value()) << (r.errors.empty() ? "" : r.errors[0].toString());
  EXPECT_EQ(r.config->global.vrrp_rt_priority, 0U);
  EXPECT_EQ(r.config->vrrp_instances[0].garp.lower_prio_repeat, 0U);
}

TEST(ValidConfig, NiceLevelsOfTheChildren) {
  const auto d = loadString("", "d.conf");
  ASSERT_TRUE(d.config.has_value());
  EXPECT_EQ(d.config->global.checker_priority, 0);
  EXPECT_EQ(d.config->global.vrrp_priority, 0);
  const auto r = loadString("global = { checker_priority = 10; vrrp_priority = -5; };\n", "n.conf");
  ASSERT_TRUE(r.config.has_value()) << (r.errors.empty() ? "" : r.errors[0].toString());
  EXPECT_EQ(r.config->global.checker_priority, 10);
  EXPECT_EQ(r.config->global.vrrp_priority, -5);
}

TEST(ValidConfig, DefaultsFollowKeepalivedAndRfc) {
  LoadResult r = loadString(
      "vrrp_instances = ( { name = \"V\"; interface = \"eth0\"; vrid = 9;\n"
      "  virtual_ipaddresses = (\"192.0.2.1\"); } );\n"
      "virtual_servers = ( { address = \"192.0.2.1\"; port = 80; real_servers = (\n"
      "  { address = \"10.0.0.1\"; checks = ( { type = \"http\"; } ); } ); } );\n",
      "d.conf");
  ASSERT_TRUE(r.config.has_value());
  const Config& c = *r.config;
  EXPECT_EQ(c.source_file, "d.conf");
  EXPECT_EQ(c.global.log_target, LogTarget::Journal);
  EXPECT_EQ(c.global.script_user, "lvsd_script");
  EXPECT_FALSE(c.global.ipvs_sync_daemon.has_value());
  const VrrpInstance& vi = c.vrrp_instances[0];
  EXPECT_EQ(vi.priority, 100);
  EXPECT_EQ(vi.version, 2);
  EXPECT_EQ(vi.advert_int, milliseconds(1000));
  EXPECT_EQ(vi.initial_state, VrrpState::Backup);
  EXPECT_TRUE(vi.preempt);
  EXPECT_FALSE(vi.accept);
  EXPECT_EQ(vi.vips[0].prefix_len, 32);
  EXPECT_EQ(vi.garp.master_delay, milliseconds(5000));
  EXPECT_EQ(vi.garp.master_repeat, 5U);
  EXPECT_EQ(vi.garp.lower_prio_repeat, 5U);
  EXPECT_EQ(vi.auth.type, AuthType::None);
  const VirtualServer& vs = c.virtual_servers[0];
  EXPECT_EQ(vs.scheduler, "wlc");
  EXPECT_EQ(vs.protocol, Protocol::Tcp);
  EXPECT_EQ(vs.quorum, 1U);
  EXPECT_EQ(vs.on_stop, OnStop::Remove);
  EXPECT_EQ(vs.delay_loop, milliseconds(60000));
  const RealServer& rs = vs.real_servers[0];
  EXPECT_EQ(rs.weight, 1U);
  EXPECT_EQ(rs.endpoint.port, 80);
  EXPECT_FALSE(rs.feedback.enabled);
  const Check& ck = rs.checks[0];
  EXPECT_EQ(ck.interval, milliseconds(60000));
  EXPECT_EQ(ck.fast_interval, ck.interval);
  EXPECT_EQ(ck.timeout, milliseconds(5000));
  EXPECT_EQ(ck.rise, 2U);
  EXPECT_EQ(ck.fall, 3U);
  EXPECT_EQ(ck.http.path, "/");
  ASSERT_EQ(ck.http.status.size(), 1U);
  EXPECT_EQ(ck.http.status[0], (StatusRange{200, 299}));
}

TEST(ValidConfig, Ipv6VipsImplyVersion3) {
  LoadResult r = loadString(
      "vrrp_instances = ( { name = \"V\"; interface = \"eth0\"; vrid = 9; advert_int = 0.05;\n"
      "  virtual_ipaddresses = (\"2001:db8::1/64\"); use_vmac = true; } );\n",
      "v6.conf");
  ASSERT_TRUE(r.config.has_value());
  const VrrpInstance& vi = r.config->vrrp_instances[0];
  EXPECT_EQ(vi.version, 3);
  EXPECT_EQ(vi.family, Family::V6);
  EXPECT_EQ(vi.advert_int, milliseconds(50));
  EXPECT_EQ(vi.vips[0].prefix_len, 64);
  EXPECT_TRUE(vi.use_vmac);
  EXPECT_EQ(vi.vmac_name, "vrrp.9");
}

TEST(ValidConfig, FullExampleSpotChecks) {
  Config c = loadOk(kSrc + "/etc/examples/full.conf");
  EXPECT_EQ(c.global.router_id, "lb1");
  EXPECT_EQ(c.global.log_level, LogLevel::Notice);
  ASSERT_TRUE(c.global.ipvs_sync_daemon.has_value());
  EXPECT_EQ(c.global.ipvs_sync_daemon->sync_id, 7);
  EXPECT_EQ(c.global.ipvs_timeouts.tcp_fin, milliseconds(120000));
  EXPECT_TRUE(c.global.prometheus.enabled);
  EXPECT_EQ(c.global.prometheus.listen.port, 9560);

  ASSERT_EQ(c.vrrp_scripts.size(), 1U);
  EXPECT_EQ(c.vrrp_scripts[0].args, (std::vector<std::string>{"-x", "haproxy"}));
  EXPECT_EQ(c.vrrp_scripts[0].weight, -20);
  EXPECT_EQ(c.track_processes[0].param_match, ProcessMatch::Partial);
  EXPECT_EQ(c.track_processes[0].delay, milliseconds(500));

  const VrrpInstance& web = c.vrrp_instances[0];
  EXPECT_EQ(web.version, 3);
  EXPECT_EQ(web.advert_int, milliseconds(500));
  EXPECT_EQ(web.initial_state, VrrpState::Master);
  EXPECT_EQ(web.preempt_delay, milliseconds(30000));
  ASSERT_EQ(web.vips.size(), 2U);
  EXPECT_EQ(web.vips[1].label, "eth0:vip");
  EXPECT_EQ(web.vips_excluded[0].address.family(), Family::V6);
  EXPECT_EQ(web.auth.type, AuthType::Hmac);
  EXPECT_EQ(web.auth.keys.size(), 2U);
  EXPECT_EQ(web.auth.active_key, 2U);
  EXPECT_EQ(web.auth.anti_replay, AntiReplay::Monotonic);
  EXPECT_EQ(web.auth.mode, HmacMode::Permissive);
  EXPECT_EQ(web.auth.freshness, milliseconds(3000));
  EXPECT_EQ(web.auth.keys[1].secret.size(), 32U);  // from secret_hex
  EXPECT_EQ(static_cast<uint8_t>(web.auth.keys[1].secret[0]), 0x8d);
  ASSERT_EQ(web.track_interfaces.size(), 2U);
  EXPECT_FALSE(web.track_interfaces[0].weight.has_value());
  EXPECT_EQ(web.track_interfaces[1].weight, -10);
  EXPECT_EQ(web.garp.master_refresh, milliseconds(60000));
  EXPECT_EQ(web.garp.interval, milliseconds(10));
  EXPECT_EQ(web.vmac_name, "vrrp.51");
  EXPECT_EQ(web.sync_group, "G_FRONT");
  EXPECT_EQ(c.vrrp_instances[1].auth.password, "s3cret");
  EXPECT_FALSE(c.vrrp_instances[1].preempt);

  const VirtualServer& vs = c.virtual_servers[0];
  EXPECT_EQ(vs.name, "web");
  EXPECT_EQ(vs.scheduler, "chbl");
  EXPECT_DOUBLE_EQ(vs.load_factor, 1.5);
  EXPECT_EQ(vs.persistence_timeout, milliseconds(300000));
  EXPECT_EQ(vs.persistence_prefix, 24);
  ASSERT_TRUE(vs.sorry_server.has_value());
  EXPECT_EQ(vs.sorry_server->port, 8080);
  EXPECT_TRUE(vs.sorry_server_inhibit);
  EXPECT_EQ(vs.on_stop, OnStop::Keep);
  const RealServer& rs0 = vs.real_servers[0];
  EXPECT_EQ(rs0.endpoint.port, 8443);
  EXPECT_TRUE(rs0.inhibit_on_failure);  // inherited
  EXPECT_EQ(rs0.slow_start, milliseconds(30000));
  EXPECT_TRUE(rs0.feedback.enabled);
  EXPECT_DOUBLE_EQ(rs0.feedback.agent_ratio, 0.7);
  EXPECT_EQ(rs0.feedback.scale, 5U);
  const Check& https = rs0.checks[0];
  EXPECT_EQ(https.type, CheckType::Https);
  EXPECT_EQ(https.fast_interval, milliseconds(1000));
  EXPECT_EQ(https.down_interval, milliseconds(15000));
  EXPECT_EQ(https.http.status.size(), 2U);
  EXPECT_EQ(https.http.status[1], (StatusRange{301, 301}));
  ASSERT_TRUE(https.http.digest.has_value());
  EXPECT_EQ(https.http.digest->algorithm, DigestAlgorithm::Md5);
  EXPECT_EQ(https.http.digest->value.size(), 16U);
  EXPECT_EQ(https.http.client_key, "/etc/lvsd/client.key");
  EXPECT_EQ(rs0.checks[1].agent.port, 7777);
  const RealServer& rs1 = vs.real_servers[1];
  EXPECT_EQ(rs1.slow_start, milliseconds(0));
  EXPECT_FALSE(rs1.feedback.enabled);
  EXPECT_EQ(rs1.checks[0].bind_address, ip("10.1.0.1"));
  EXPECT_TRUE(rs1.checks[1].file.invert);

  const VirtualServer& dns = c.virtual_servers[1];
  EXPECT_EQ(dns.protocol, Protocol::Udp);
  EXPECT_TRUE(dns.one_packet);
  EXPECT_TRUE(dns.scheduler_flags.flag1);
  EXPECT_TRUE(dns.scheduler_flags.flag2);
  ASSERT_TRUE(dns.tunnel.has_value());
  EXPECT_EQ(dns.tunnel->type, TunnelType::Gue);
  EXPECT_EQ(dns.tunnel->port, 6080);
  EXPECT_TRUE(dns.tunnel->remcsum);
  EXPECT_EQ(dns.real_servers[0].forwarding, Forwarding::Tun);
  EXPECT_EQ(dns.real_servers[0].checks[0].dns.expect[0], "192.0.2.53");
  EXPECT_EQ(dns.real_servers[0].checks[1].udp.payload, std::vector<uint8_t>{0});
  EXPECT_EQ(dns.real_servers[0].checks[1].udp.expect, (std::vector<uint8_t>{'p', 'o', 'n', 'g'}));
  const ScriptCheck& sc = dns.real_servers[1].checks[0].script;
  EXPECT_EQ(sc.script, "db_ping");
  EXPECT_EQ(sc.path, "/usr/local/libexec/db-ping");  // resolved from check_scripts
  EXPECT_EQ(sc.args, std::vector<std::string>{"--quick"});
  EXPECT_EQ(sc.user, "nobody");
}

TEST(ValidConfig, FwmarkServiceHasNoPortAndFamilyFromSetting) {
  Config c = loadOk(kSrc + "/etc/examples/fwmark-persistent.conf");
  const VirtualServer& vs = c.virtual_servers[0];
  EXPECT_FALSE(vs.endpoint.has_value());
  EXPECT_EQ(vs.fwmark, 10U);
  EXPECT_EQ(vs.family, Family::V4);
  EXPECT_EQ(vs.name, "fwmark:10");
  EXPECT_EQ(vs.real_servers[0].endpoint.port, 0);
  EXPECT_EQ(vs.real_servers[0].checks[0].connect_port, 443);
  EXPECT_EQ(c.vrrp_instances[1].sync_group, "GW");
}

TEST(Include, ErrorInIncludedFileNamesThatFile) {
  LoadResult r = loadFile(kSrc + "/tests/unit/config/data/include_main.conf");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].file, kSrc + "/tests/unit/config/data/include_part.conf");
  EXPECT_EQ(r.errors[0].line, 5);
  EXPECT_EQ(r.errors[0].setting, "virtual_servers[0].real_servers[0].weight");
  EXPECT_FALSE(r.unreadable);
}

TEST(Include, SyntaxErrorInIncludedFileNamesThatFile) {
  LoadResult r = loadFile(kSrc + "/tests/unit/config/data/include_syntax.conf");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].file, kSrc + "/tests/unit/config/data/include_syntax_part.conf");
  EXPECT_EQ(r.errors[0].line, 4);
  EXPECT_EQ(r.errors[0].message, "syntax error");
}

TEST(Loader, UnreadableFileIsFlagged) {
  LoadResult r = loadFile(kSrc + "/tests/unit/config/data/does-not-exist.conf");
  EXPECT_TRUE(r.unreadable);
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].line, 0);
  EXPECT_EQ(r.errors[0].toString(),
            kSrc + "/tests/unit/config/data/does-not-exist.conf: cannot read file");
  EXPECT_TRUE(loadFile(kSrc + "/tests/unit/config/data").unreadable);
}

}  // namespace
}  // namespace lvsd::config

namespace lvsd::config {
namespace {

TEST(ValidConfig, ManPageExampleValidates) {
  std::ifstream in(kSrc + "/docs/lvsd.conf.5");
  ASSERT_TRUE(in) << "docs/lvsd.conf.5 missing";
  std::string line;
  std::string example;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line == ".nf") {
      inside = true;
    } else if (line == ".fi") {
      break;
    } else if (inside) {
      example += line + "\n";
    }
  }
  ASSERT_FALSE(example.empty());
  LoadResult r = loadString(example, "lvsd.conf.5");
  for (const auto& d : r.errors) {
    ADD_FAILURE() << d.toString();
  }
  ASSERT_TRUE(r.config.has_value());
  EXPECT_EQ(r.config->virtual_servers[0].real_servers.size(), 2U);
}

}  // namespace
}  // namespace lvsd::config
