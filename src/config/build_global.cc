// Schema walking for `global` and the top-level tracked objects (vrrp_scripts, vrrp_track_files,
// vrrp_track_processes, check_scripts).
#include "config/build.h"
#include "config/text.h"

namespace lvsd::config {

namespace {

constexpr Duration kMaxIpvsTimeout{2147483000};  // INT_MAX jiffies at HZ=1000, in whole seconds

void buildSyncDaemon(GroupReader& g, IpvsSyncDaemon& s) {
  g.choice("state", s.state,
           {{"master", SyncDaemonState::Master}, {"backup", SyncDaemonState::Backup}},
           Need::Required);
  if (g.str("interface", s.interface, Need::Required) && !isInterfaceName(s.interface)) {
    g.error("interface", "invalid interface name \"" + s.interface + "\"");
  }
  g.integer("syncid", s.sync_id, 0, 255);
  g.str("vrrp_instance", s.vrrp_instance);
  if (g.address("mcast_group", s.mcast_group) && !s.mcast_group->isMulticast()) {
    g.error("mcast_group", "not a multicast address");
  }
  g.integer("mcast_port", s.mcast_port, 1, 65535);
  g.integer("mcast_ttl", s.mcast_ttl, 1, 255);
  g.integer("max_packet_size", s.max_packet_size, 0, 65535);
}

void buildTimeouts(GroupReader& g, IpvsTimeouts& t) {
  for (auto [key, field] : {std::pair{"tcp", &t.tcp}, {"tcpfin", &t.tcp_fin}, {"udp", &t.udp}}) {
    if (g.duration(key, *field, Duration{0}, kMaxIpvsTimeout) && field->count() % 1000 != 0) {
      g.error(key, "IPVS timeouts are whole seconds");
    }
  }
}

}  // namespace

namespace {

void readMode(GroupReader& g, std::string_view key, uint32_t& out) {
  const Node* n = g.take(key);
  if (n == nullptr) {
    return;
  }
  if (n->kind != Node::Kind::String) {
    // libconfig has no octal literals: 0660 would silently mean decimal 660.
    g.error(key, "give the mode as an octal string, e.g. \"0660\"");
    return;
  }
  const std::string s(n->string_value);
  uint32_t v = 0;
  bool ok = !s.empty() && s.size() <= 5;
  for (char c : s) {
    ok = ok && c >= '0' && c <= '7';
    v = v * 8 + static_cast<uint32_t>(c - '0');
  }
  if (!ok || v > 07777) {
    g.error(key, "invalid mode \"" + s + "\" (expected octal 0000..7777)");
    return;
  }
  out = v;
}

}  // namespace

bool requireAbsolute(GroupReader& g, std::string_view key, const std::string& path) {
  if (path.empty() || path.front() != '/') {
    g.error(key, "must be an absolute path");
    return false;
  }
  return true;
}

void buildGlobal(GroupReader& root, Global& out) {
  const Node* n = root.group("global");
  if (n == nullptr) {
    return;
  }
  GroupReader g(root.ctx(), *n, "global");
  g.str("router_id", out.router_id);
  if (g.str("script_user", out.script_user) && out.script_user.empty()) {
    g.error("script_user", "must not be empty");
  }
  if (g.str("notify_fifo", out.notify_fifo)) {
    requireAbsolute(g, "notify_fifo", out.notify_fifo);
  }
  g.str("notify_fifo_script", out.notify_fifo_script);
  g.integer("vrrp_rt_priority", out.vrrp_rt_priority, 0, 99);
  g.integer("vrrp_priority", out.vrrp_priority, -20, 19);
  g.integer("checker_priority", out.checker_priority, -20, 19);
  if (!out.notify_fifo_script.empty() && out.notify_fifo.empty()) {
    g.error("notify_fifo_script", "needs notify_fifo");
  }
  if (g.str("control_socket", out.control_socket)) {
    requireAbsolute(g, "control_socket", out.control_socket);
  }
  readMode(g, "control_socket_mode", out.control_socket_mode);
  g.str("control_socket_group", out.control_socket_group);
  g.choice("log_target", out.log_target,
           {{"journal", LogTarget::Journal},
            {"syslog", LogTarget::Syslog},
            {"stderr", LogTarget::Stderr}});
  g.choice("log_level", out.log_level,
           {{"debug", LogLevel::Debug},
            {"info", LogLevel::Info},
            {"notice", LogLevel::Notice},
            {"warning", LogLevel::Warning},
            {"error", LogLevel::Error}});
  if (g.str("syslog_facility", out.syslog_facility)) {
    static const char* const kFacilities[] = {"daemon", "user",   "local0", "local1", "local2",
                                              "local3", "local4", "local5", "local6", "local7"};
    bool known = false;
    for (const char* f : kFacilities) {
      known = known || out.syslog_facility == f;
    }
    if (!known) {
      g.error("syslog_facility", "invalid facility \"" + out.syslog_facility +
                                     "\" (expected daemon, user or local0..local7)");
    }
  }
  if (g.str("pid_file", out.pid_file)) {
    requireAbsolute(g, "pid_file", out.pid_file);
  }
  if (const Node* s = g.group("ipvs_sync_daemon")) {
    GroupReader sg(g.ctx(), *s, g.pathOf("ipvs_sync_daemon"));
    out.ipvs_sync_daemon.emplace();
    buildSyncDaemon(sg, *out.ipvs_sync_daemon);
    sg.finish();
  }
  if (const Node* t = g.group("ipvs_timeouts")) {
    GroupReader tg(g.ctx(), *t, g.pathOf("ipvs_timeouts"));
    buildTimeouts(tg, out.ipvs_timeouts);
    tg.finish();
  }
  if (const Node* p = g.group("prometheus")) {
    GroupReader pg(g.ctx(), *p, g.pathOf("prometheus"));
    pg.flag("enabled", out.prometheus.enabled);
    std::string listen;
    if (pg.str("listen", listen)) {
      if (auto ep = parseEndpoint(listen)) {
        out.prometheus.listen = *ep;
      } else {
        pg.error("listen", "invalid endpoint \"" + listen + "\" (expected addr:port or [v6]:port)");
      }
    }
    pg.finish();
  }
  if (const Node* s = g.group("snmp")) {
    GroupReader sg(g.ctx(), *s, g.pathOf("snmp"));
    sg.flag("enabled", out.snmp.enabled);
    if (sg.str("agentx_socket", out.snmp.agentx_socket) && out.snmp.agentx_socket.empty()) {
      sg.error("agentx_socket", "must not be empty");
    }
    sg.finish();
  }
  g.finish();
}

namespace {

bool readName(GroupReader& g, std::string& name) {
  if (!g.str("name", name, Need::Required)) {
    return false;
  }
  if (name.empty()) {
    g.error("name", "must not be empty");
    return false;
  }
  return true;
}

void readCommand(GroupReader& g, std::string& path, std::vector<std::string>& args) {
  if (g.str("path", path, Need::Required)) {
    requireAbsolute(g, "path", path);
  }
  g.strings("args", args);
}

}  // namespace

void buildTrackedObjects(GroupReader& root, Config& out) {
  forEachGroup(root, "vrrp_scripts", [&](GroupReader& g, size_t) {
    VrrpScript s;
    readName(g, s.name);
    readCommand(g, s.path, s.args);
    g.duration("interval", s.interval, Duration{10}, Duration{86400000});
    g.duration("timeout", s.timeout, Duration{0}, Duration{86400000});
    g.integer("weight", s.weight, -254, 254);
    g.integer("rise", s.rise, 1, 1000000);
    g.integer("fall", s.fall, 1, 1000000);
    g.str("user", s.user);
    g.flag("init_fail", s.init_fail);
    if (s.timeout == Duration{0}) {
      s.timeout = s.interval;
    }
    out.vrrp_scripts.push_back(std::move(s));
  });
  forEachGroup(root, "vrrp_track_files", [&](GroupReader& g, size_t) {
    TrackFile f;
    readName(g, f.name);
    if (g.str("path", f.path, Need::Required)) {
      requireAbsolute(g, "path", f.path);
    }
    g.integer("weight", f.weight, -254, 254);
    g.flag("init_file", f.init_file);
    out.track_files.push_back(std::move(f));
  });
  forEachGroup(root, "vrrp_track_processes", [&](GroupReader& g, size_t) {
    TrackProcess p;
    readName(g, p.name);
    if (g.str("process", p.process, Need::Required) && p.process.empty()) {
      g.error("process", "must not be empty");
    }
    g.strings("params", p.params);
    g.choice("param_match", p.param_match,
             {{"name", ProcessMatch::Name},
              {"initial", ProcessMatch::Initial},
              {"partial", ProcessMatch::Partial}});
    g.integer("quorum", p.quorum, 1, 65535);
    g.integer("quorum_max", p.quorum_max, 0, 65535);
    if (p.quorum_max != 0 && p.quorum_max < p.quorum) {
      g.error("quorum_max", "must be 0 (unbounded) or at least quorum");
    }
    g.integer("weight", p.weight, -254, 254);
    g.duration("delay", p.delay, Duration{0}, Duration{3600000});
    out.track_processes.push_back(std::move(p));
  });
  forEachGroup(root, "check_scripts", [&](GroupReader& g, size_t) {
    CheckScript s;
    readName(g, s.name);
    readCommand(g, s.path, s.args);
    g.str("user", s.user);
    out.check_scripts.push_back(std::move(s));
  });
}

void buildConfig(Context& ctx, const Node& root, Config& out) {
  GroupReader r(ctx, root, "");
  if (!r.valid()) {
    return;
  }
  buildGlobal(r, out.global);
  buildTrackedObjects(r, out);
  buildVrrp(r, out);
  buildVirtualServers(r, out);
  r.finish();
}

}  // namespace lvsd::config
