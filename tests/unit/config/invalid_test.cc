// Table-driven invalid configs: each must fail with a diagnostic on the expected line, for the
// expected setting path, containing the expected message.
#include <gtest/gtest.h>

#include <string>

#include "config/loader.h"

namespace lvsd::config {
namespace {

struct BadCase {
  const char* name;
  const char* text;
  int line;
  const char* setting;
  const char* message;
  size_t count = 1;  ///< diagnostics expected in total (no cascades)
};

// A minimal valid instance and service, reused where the error is elsewhere.
#define VI1 \
  "{ name = \"VI_1\"; interface = \"eth0\"; vrid = 1; virtual_ipaddresses = (\"10.0.0.1\"); }"
#define RS1 "{ address = \"10.0.1.1\"; }"

const BadCase kCases[] = {
    // syntax
    {"syntax_error", "global = {\n  router_id = ;\n};\n", 2, "", "syntax error"},
    {"syntax_unterminated_string_at_eof", "global = {\n  router_id = \"abc;\n};\n", 4, "",
     "syntax error"},
    {"duplicate_setting_in_group", "global = { router_id = \"a\";\n router_id = \"b\"; };\n", 2, "",
     "duplicate setting name"},
    // unknown settings at every level
    {"unknown_top_level", "globl = { };\n", 1, "globl",
     "unknown setting (did you mean \"global\"?)"},
    {"unknown_global", "global = {\n  routerid = \"x\";\n};\n", 2, "global.routerid",
     "did you mean \"router_id\""},
    {"unknown_sync_daemon_key",
     "global = { ipvs_sync_daemon = {\n state = \"master\"; interface = \"eth0\"; sync_id = 1; }; "
     "};\n",
     2, "global.ipvs_sync_daemon.sync_id", "did you mean \"syncid\""},
    {"unknown_instance",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     "  virtual_ipaddresses = (\"10.0.0.1\");\n  priorty = 50; } );\n",
     3, "vrrp_instances[0].priorty", "did you mean \"priority\""},
    {"unknown_vs",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80;\n lb_algo = \"rr\"; } );\n", 2,
     "virtual_servers[0].lb_algo", "unknown setting"},
    {"unknown_rs",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; real_servers = (\n"
     "  { address = \"10.0.1.1\"; wieght = 3; } ); } );\n",
     2, "virtual_servers[0].real_servers[0].wieght", "did you mean \"weight\""},
    {"unknown_check",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; real_servers = (\n"
     "  { address = \"10.0.1.1\"; checks = ( { type = \"tcp\";\n  intervall = 3; } ); } ); } );\n",
     3, "virtual_servers[0].real_servers[0].checks[0].intervall", "did you mean \"interval\""},
    {"check_key_of_other_type",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; real_servers = (\n"
     "  { address = \"10.0.1.1\"; checks = ( { type = \"tcp\"; path = \"/\"; } ); } ); } );\n",
     2, "virtual_servers[0].real_servers[0].checks[0].path",
     "not valid for checks of type \"tcp\""},
    {"unknown_check_type",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; real_servers = (\n"
     "  { address = \"10.0.1.1\"; checks = ( { type = \"smtp\"; } ); } ); } );\n",
     2, "virtual_servers[0].real_servers[0].checks[0].type", "unknown check type \"smtp\""},
    // wrong types
    {"wrong_type_int",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\";\n vrid = \"51\";\n"
     " virtual_ipaddresses = (\"10.0.0.1\"); } );\n",
     2, "vrrp_instances[0].vrid", "expected an integer, got a string"},
    {"wrong_type_bool",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     " virtual_ipaddresses = (\"10.0.0.1\"); preempt = \"no\"; } );\n",
     2, "vrrp_instances[0].preempt", "expected a boolean"},
    {"wrong_type_group", "global = 5;\n", 1, "global", "expected a group"},
    {"wrong_type_list", "virtual_servers = { address = \"10.0.0.1\"; };\n", 1, "virtual_servers",
     "expected a list"},
    {"wrong_type_duration",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     " virtual_ipaddresses = (\"10.0.0.1\"); advert_int = \"1s\"; } );\n",
     2, "vrrp_instances[0].advert_int", "expected a duration in seconds"},
    // out of range
    {"vrid_out_of_range",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 256;\n"
     " virtual_ipaddresses = (\"10.0.0.1\"); } );\n",
     1, "vrrp_instances[0].vrid", "out of range 1..255"},
    {"priority_zero",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     " priority = 0; virtual_ipaddresses = (\"10.0.0.1\"); } );\n",
     2, "vrrp_instances[0].priority", "out of range 1..255"},
    {"weight_out_of_range",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; real_servers = (\n"
     "  { address = \"10.0.1.1\"; weight = 70000; } ); } );\n",
     2, "virtual_servers[0].real_servers[0].weight", "out of range 0..65535"},
    {"advert_int_v2_fraction",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     " virtual_ipaddresses = (\"10.0.0.1\"); advert_int = 0.5; } );\n",
     2, "vrrp_instances[0].advert_int", "whole seconds"},
    {"advert_int_v3_too_long",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     " version = 3; virtual_ipaddresses = (\"10.0.0.1\"); advert_int = 41; } );\n",
     2, "vrrp_instances[0].advert_int", "at most 40.95 s"},
    {"vrrp_rt_priority_out_of_range", "global = { vrrp_rt_priority = 100; };\n", 1,
     "global.vrrp_rt_priority", "out of range 0..99"},
    {"checker_priority_out_of_range", "global = { checker_priority = 20; };\n", 1,
     "global.checker_priority", "out of range -20..19"},
    {"vrrp_priority_out_of_range", "global = { vrrp_priority = -21; };\n", 1,
     "global.vrrp_priority", "out of range -20..19"},
    {"track_weight_out_of_range",
     "vrrp_scripts = ( { name = \"s\"; path = \"/bin/true\";\n  weight = 255; } );\n", 2,
     "vrrp_scripts[0].weight", "out of range -254..254"},
    {"hysteresis_not_below_quorum",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; quorum = 2;\n hysteresis = 2; } "
     ");\n",
     2, "virtual_servers[0].hysteresis", "must be below quorum"},
    {"thresholds_inverted",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; real_servers = (\n"
     "  { address = \"10.0.1.1\"; u_threshold = 10; l_threshold = 20; } ); } );\n",
     2, "virtual_servers[0].real_servers[0].l_threshold", "must be below u_threshold"},
    // auth
    {"password_too_long",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     " virtual_ipaddresses = (\"10.0.0.1\");\n authentication = { type = \"pass\"; password = "
     "\"123456789\"; }; } );\n",
     3, "vrrp_instances[0].authentication.password", "1..8 characters"},
    {"pass_with_v3",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1; version = 3;\n"
     " virtual_ipaddresses = (\"10.0.0.1\");\n authentication = { type = \"pass\"; password = "
     "\"x\"; }; } );\n",
     3, "vrrp_instances[0].authentication", "VRRPv2 only"},
    {"hmac_active_key_unknown",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     " virtual_ipaddresses = (\"10.0.0.1\"); authentication = { type = \"hmac\";\n"
     " keys = ( { id = 1; secret = \"0123456789abcdef0123456789abcdef\"; } ); active_key = 2; }; } "
     ");\n",
     3, "vrrp_instances[0].authentication.active_key", "no key with id 2"},
    {"hmac_secret_too_short",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     " virtual_ipaddresses = (\"10.0.0.1\"); authentication = { type = \"hmac\";\n"
     " keys = ( { id = 1;\n secret = \"short\"; } ); }; } );\n",
     4, "vrrp_instances[0].authentication.keys[0].secret", "32..64 bytes (got 5)"},
    // duplicates
    {"duplicate_instance_name",
     "vrrp_instances = ( " VI1 ",\n { name = \"VI_1\"; interface = \"eth1\"; vrid = 2; "
     "virtual_ipaddresses = (\"10.0.0.2\"); } );\n",
     2, "vrrp_instances[1].name", "duplicate instance name \"VI_1\""},
    {"duplicate_vrid_same_interface",
     "vrrp_instances = ( " VI1 ",\n { name = \"VI_2\"; interface = \"eth0\"; vrid = 1; "
     "virtual_ipaddresses = (\"10.0.0.2\"); } );\n",
     2, "vrrp_instances[1].vrid", "VRID 1 is already used on eth0 (IPv4) by instance \"VI_1\""},
    {"duplicate_vip_in_instance",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     " virtual_ipaddresses = (\"10.0.0.1\",\n \"10.0.0.1/24\"); } );\n",
     3, "vrrp_instances[0].virtual_ipaddresses[1]", "duplicate virtual IP 10.0.0.1"},
    {"vip_in_two_instances",
     "vrrp_instances = ( " VI1 ",\n { name = \"VI_2\"; interface = \"eth0\"; vrid = 2; "
     "virtual_ipaddresses = (\"10.0.0.1\"); } );\n",
     2, "vrrp_instances[1].virtual_ipaddresses[0]", "also belongs to instance \"VI_1\""},
    {"duplicate_service",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; },\n"
     "  { address = \"10.0.0.1\"; port = 80; } );\n",
     2, "virtual_servers[1].address", "duplicate virtual service"},
    {"duplicate_real_server",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; real_servers = (\n"
     "  " RS1 ",\n  { address = \"10.0.1.1\"; port = 80; } ); } );\n",
     3, "virtual_servers[0].real_servers[1].address", "duplicate real server 10.0.1.1:80"},
    {"duplicate_virtual_server_name",
     "virtual_servers = ( { name = \"web\"; address = \"10.0.0.1\"; port = 80; },\n"
     "  { name = \"web\"; address = \"10.0.0.1\"; port = 443; } );\n",
     2, "virtual_servers[1].name", "duplicate virtual server name \"web\""},
    {"duplicate_vrrp_script_name",
     "vrrp_scripts = ( { name = \"s\"; path = \"/bin/true\"; },\n { name = \"s\"; path = "
     "\"/bin/false\"; } );\n",
     2, "vrrp_scripts[1].name", "duplicate vrrp_script name \"s\""},
    // dangling references
    {"dangling_track_script",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     " virtual_ipaddresses = (\"10.0.0.1\");\n track_scripts = ( \"chk_nginx\" ); } );\n",
     3, "vrrp_instances[0].track_scripts[0]", "no vrrp_scripts entry named \"chk_nginx\""},
    {"dangling_track_file",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     " virtual_ipaddresses = (\"10.0.0.1\");\n track_files = ( { name = \"f\"; weight = 5; } ); } "
     ");\n",
     3, "vrrp_instances[0].track_files[0]", "no vrrp_track_files entry named \"f\""},
    {"dangling_sync_member",
     "vrrp_instances = ( " VI1
     " );\nvrrp_sync_groups = ( { name = \"G\";\n members = (\"VI_1\", \"VI_9\"); } );\n",
     3, "vrrp_sync_groups[0].members[1]", "no vrrp_instances entry named \"VI_9\""},
    {"instance_in_two_sync_groups",
     "vrrp_instances = ( " VI1 ", { name = \"VI_2\"; interface = \"eth0\"; vrid = 2; "
     "virtual_ipaddresses = (\"10.0.0.2\"); } );\n"
     "vrrp_sync_groups = ( { name = \"G1\"; members = (\"VI_1\", \"VI_2\"); },\n"
     " { name = \"G2\"; members = (\"VI_2\", \"VI_1\"); } );\n",
     3, "vrrp_sync_groups[1].members[0]", "already in sync group \"G1\"", 2},
    {"dangling_check_script",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; real_servers = (\n"
     "  { address = \"10.0.1.1\"; checks = ( { type = \"script\"; script = \"db\"; } ); } ); } "
     ");\n",
     2, "virtual_servers[0].real_servers[0].checks[0].script",
     "no check_scripts entry named \"db\""},
    {"dangling_sync_daemon_instance",
     "global = { ipvs_sync_daemon = { state = \"backup\"; interface = \"eth0\";\n"
     " vrrp_instance = \"VI_7\"; }; };\n",
     2, "global.ipvs_sync_daemon.vrrp_instance", "no vrrp_instances entry named \"VI_7\""},
    // families
    {"ipv6_vip_needs_v3",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     " virtual_ipaddresses = (\"2001:db8::1\");\n version = 2; } );\n",
     3, "vrrp_instances[0].version", "IPv6 virtual IPs need version = 3"},
    {"mixed_vip_families",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     " virtual_ipaddresses = (\"10.0.0.1\", \"2001:db8::1\"); } );\n",
     2, "vrrp_instances[0].virtual_ipaddresses", "mixes IPv4 and IPv6"},
    {"unicast_peer_family",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     " virtual_ipaddresses = (\"10.0.0.1\");\n unicast_peers = (\"2001:db8::2\"); } );\n",
     3, "vrrp_instances[0].unicast_peers", "differs in family"},
    {"sorry_server_family",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80;\n"
     "  sorry_server = {\n address = \"2001:db8::9\"; }; } );\n",
     3, "virtual_servers[0].sorry_server.address", "address family differs"},
    {"real_server_family_nat",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; real_servers = (\n"
     "  { address = \"2001:db8::5\"; } ); } );\n",
     2, "virtual_servers[0].real_servers[0].address", "mixed families need forwarding = \"tun\""},
    // bad values
    {"bad_vip_address",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     " virtual_ipaddresses = (\"10.0.0.300/24\"); } );\n",
     2, "vrrp_instances[0].virtual_ipaddresses[0]", "invalid address \"10.0.0.300/24\""},
    {"bad_vip_prefix",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     " virtual_ipaddresses = (\"10.0.0.1/33\"); } );\n",
     2, "vrrp_instances[0].virtual_ipaddresses[0]", "invalid address"},
    {"bad_real_server_address",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; real_servers = (\n"
     "  { address = \"web1\"; } ); } );\n",
     2, "virtual_servers[0].real_servers[0].address", "invalid IP address \"web1\""},
    {"bad_regex",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; real_servers = (\n"
     "  { address = \"10.0.1.1\"; checks = ( { type = \"http\";\n body_regex = \"ok(\"; } ); } ); "
     "} );\n",
     3, "virtual_servers[0].real_servers[0].checks[0].body_regex", "invalid regular expression"},
    {"bad_status_range",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; real_servers = (\n"
     "  { address = \"10.0.1.1\"; checks = ( { type = \"http\";\n status = (\"299-200\"); } ); } "
     "); } );\n",
     3, "virtual_servers[0].real_servers[0].checks[0].status[0]", "invalid status range"},
    {"bad_digest",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; real_servers = (\n"
     "  { address = \"10.0.1.1\"; checks = ( { type = \"http\"; digest = \"abc\"; } ); } ); } );\n",
     2, "virtual_servers[0].real_servers[0].checks[0].digest", "32 (MD5) or 64 (SHA-256)"},
    {"bad_scheduler",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80;\n scheduler = \"random\"; } );\n", 2,
     "virtual_servers[0].scheduler", "unknown scheduler \"random\""},
    {"sched_flag_wrong_scheduler",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; scheduler = \"rr\";\n"
     " scheduler_flags = (\"sh-port\"); } );\n",
     2, "virtual_servers[0].scheduler_flags", "needs scheduler \"sh\""},
    {"load_factor_without_chbl",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80;\n load_factor = 1.5; } );\n", 2,
     "virtual_servers[0].load_factor", "only valid with scheduler = \"chbl\""},
    {"ops_on_tcp", "virtual_servers = ( { address = \"10.0.0.1\"; port = 80;\n ops = true; } );\n",
     2, "virtual_servers[0].ops", "for UDP services"},
    {"tunnel_without_tun",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80;\n tunnel = { type = \"ipip\"; }; } "
     ");\n",
     2, "virtual_servers[0].tunnel", "only valid with forwarding = \"tun\""},
    {"gue_needs_port",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; forwarding = \"tun\";\n"
     " tunnel = { type = \"gue\"; }; } );\n",
     2, "virtual_servers[0].tunnel.port", "missing required setting"},
    {"address_and_fwmark",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80;\n fwmark = 5; } );\n", 2,
     "virtual_servers[0].fwmark", "exactly one of address"},
    {"missing_interface",
     "vrrp_instances = ( { name = \"VI_1\"; vrid = 1;\n"
     " virtual_ipaddresses = (\"10.0.0.1\"); } );\n",
     1, "vrrp_instances[0].interface", "missing required setting"},
    {"relative_notify_fifo", "global = {\n notify_fifo = \"fifo\"; };\n", 2, "global.notify_fifo",
     "absolute path"},
    {"notify_fifo_script_without_fifo", "global = {\n notify_fifo_script = \"/bin/cat\"; };\n", 2,
     "global.notify_fifo_script", "needs notify_fifo"},
    {"relative_script_path", "vrrp_scripts = ( { name = \"s\";\n path = \"check.sh\"; } );\n", 2,
     "vrrp_scripts[0].path", "absolute path"},
    {"script_check_both_forms",
     "check_scripts = ( { name = \"db\"; path = \"/bin/true\"; } );\n"
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; real_servers = (\n"
     "  { address = \"10.0.1.1\"; checks = ( { type = \"script\"; script = \"db\"; path = "
     "\"/bin/true\"; } ); } ); } );\n",
     3, "virtual_servers[0].real_servers[0].checks[0].script", "either script"},
    {"dns_expect_not_address",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 53; protocol = \"udp\"; real_servers = "
     "(\n"
     "  { address = \"10.0.1.1\"; checks = ( { type = \"dns\"; query_type = \"A\";\n"
     " expect = (\"example.com\"); } ); } ); } );\n",
     3, "virtual_servers[0].real_servers[0].checks[0].expect", "not an IPv4 address"},
    {"client_cert_without_key",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 443; real_servers = (\n"
     "  { address = \"10.0.1.1\"; checks = ( { type = \"https\";\n client_cert = \"/etc/c.pem\"; } "
     "); } ); } );\n",
     2, "virtual_servers[0].real_servers[0].checks[0].client_key", "go together"},
    {"bad_netmask",
     "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; persistence_timeout = 60;\n"
     " persistence_granularity = \"255.0.255.0\"; } );\n",
     2, "virtual_servers[0].persistence_granularity", "invalid netmask"},
    {"socket_mode_integer", "global = {\n control_socket_mode = 0660; };\n", 2,
     "global.control_socket_mode", "octal string"},
    {"socket_mode_bad_octal", "global = {\n control_socket_mode = \"0690\"; };\n", 2,
     "global.control_socket_mode", "invalid mode \"0690\""},
    {"port_zero_needs_persistence",
     "virtual_servers = ( { address = \"10.0.0.1\";\n port = 0; } );\n", 2,
     "virtual_servers[0].port", "needs persistence_timeout"},
    {"bad_track_interface_name",
     "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
     " virtual_ipaddresses = (\"10.0.0.1\");\n track_interfaces = ( \"eth0\", \"bad name\" ); } "
     ");\n",
     3, "vrrp_instances[0].track_interfaces[1]", "invalid interface name \"bad name\""},
    {"bad_log_target", "global = {\n log_target = \"file\"; };\n", 2, "global.log_target",
     "invalid value \"file\" (expected one of: journal, syslog, stderr)"},
    {"fwmark_check_needs_port",
     "virtual_servers = ( { fwmark = 3; real_servers = (\n"
     "  { address = \"10.0.1.1\"; checks = ( { type = \"tcp\"; } ); } ); } );\n",
     2, "virtual_servers[0].real_servers[0].checks[0].connect_port", "real server has no port"},
    {"sync_group_one_member",
     "vrrp_instances = ( " VI1
     " );\nvrrp_sync_groups = ( { name = \"G\";\n members = (\"VI_1\"); } );\n",
     3, "vrrp_sync_groups[0].members", "at least two instances"},
};

class InvalidConfig : public ::testing::TestWithParam<BadCase> {};

TEST_P(InvalidConfig, ReportsLineSettingAndMessage) {
  const BadCase& c = GetParam();
  LoadResult r = loadString(c.text, "test.conf");
  EXPECT_FALSE(r.config.has_value());
  ASSERT_FALSE(r.errors.empty());
  bool found = false;
  std::string all;
  for (const auto& d : r.errors) {
    all += "  " + d.toString() + "\n";
    found = found || (d.file == "test.conf" && d.line == c.line && d.setting == c.setting &&
                      d.message.find(c.message) != std::string::npos);
  }
  EXPECT_EQ(r.errors.size(), c.count) << all;
  EXPECT_TRUE(found) << "wanted test.conf:" << c.line << ": " << c.setting << ": ..." << c.message
                     << "...\ngot:\n"
                     << all;
}

INSTANTIATE_TEST_SUITE_P(Table, InvalidConfig, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<BadCase>& i) { return i.param.name; });

TEST(InvalidConfigTable, HasAtLeastThirtyCases) { EXPECT_GE(std::size(kCases), 30U); }

TEST(InvalidConfigAll, CollectsEveryErrorNotJustTheFirst) {
  LoadResult r = loadString(
      "global = { log_target = \"x\"; };\n"
      "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 300;\n"
      " virtual_ipaddresses = (\"10.0.0.1\"); bogus = 1; } );\n"
      "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; scheduler = \"no\"; } );\n",
      "multi.conf");
  ASSERT_EQ(r.errors.size(), 4U);
  EXPECT_EQ(r.errors[0].toString(),
            "multi.conf:1: global.log_target: invalid value \"x\" (expected one of: journal, "
            "syslog, stderr)");
  EXPECT_EQ(r.errors[1].line, 2);
  EXPECT_EQ(r.errors[2].setting, "vrrp_instances[0].bogus");
  EXPECT_EQ(r.errors[3].toString(),
            "multi.conf:4: virtual_servers[0].scheduler: unknown scheduler \"no\"");
}

TEST(InvalidConfigAll, DuplicateServiceIsOneErrorNotAlsoADuplicateName) {
  LoadResult r = loadString(
      "virtual_servers = ( { address = \"10.0.0.1\"; port = 80; },\n"
      " { address = \"10.0.0.1\"; port = 80; } );\n",
      "dup.conf");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].toString(),
            "dup.conf:2: virtual_servers[1].address: duplicate virtual service 10.0.0.1:80/tcp "
            "(also virtual_servers[0])");
}

TEST(InvalidConfigAll, MisplacedSettingIsReportedOnce) {
  LoadResult r = loadString(
      "vrrp_instances = ( { name = \"VI_1\"; interface = \"eth0\"; vrid = 1;\n"
      " virtual_ipaddresses = (\"10.0.0.1\");\n"
      " authentication = { type = \"hmac\"; keys = ( { id = 1; secret = "
      "\"0123456789abcdef0123456789abcdef\"; } );\n"
      " password = \"x\"; }; } );\n",
      "once.conf");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].toString(),
            "once.conf:4: vrrp_instances[0].authentication.password: only valid with type = "
            "\"pass\"");
}

TEST(InvalidConfigAll, EmptyTextIsValidAndAllDefaults) {
  LoadResult r = loadString("", "empty.conf");
  ASSERT_TRUE(r.config.has_value());
  EXPECT_TRUE(r.errors.empty());
  EXPECT_TRUE(r.config->vrrp_instances.empty());
}

}  // namespace
}  // namespace lvsd::config
