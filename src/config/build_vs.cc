// Schema walking for virtual_servers and their real_servers.
#include <algorithm>

#include "config/build.h"
#include "config/text.h"

namespace lvsd::config {

namespace {

constexpr std::string_view kSchedulers[] = {"rr", "wrr",  "lc",   "wlc", "lblc", "lblcr",
                                            "dh", "sh",   "sed",  "nq",  "fo",   "ovf",
                                            "mh", "twos", "swrr", "chbl"};

void readFeedback(GroupReader& f, Feedback& fb) {
  fb.enabled = true;
  f.flag("enabled", fb.enabled);
  f.number("response_time_ratio", fb.response_time_ratio, 0.0, 1.0);
  f.number("agent_ratio", fb.agent_ratio, 0.0, 1.0);
  f.number("adjust_factor", fb.adjust_factor, 0.0, 1.0);
  if (fb.adjust_factor <= 0.0) {
    f.error("adjust_factor", "must be greater than 0");
  }
  f.integer("scale", fb.scale, 1, 100);
  f.integer("change_threshold", fb.change_threshold, 0, 100);
  const double sum = fb.response_time_ratio + fb.agent_ratio;
  if (sum < 0.999 || sum > 1.001) {
    f.error("agent_ratio", "response_time_ratio + agent_ratio must be 1");
  }
}

bool readForwarding(GroupReader& g, Forwarding& out) {
  return g.choice("forwarding", out,
                  {{"nat", Forwarding::Nat}, {"dr", Forwarding::Dr}, {"tun", Forwarding::Tun}});
}

void readTunnel(GroupReader& t, Tunnel& tun) {
  t.choice("type", tun.type,
           {{"ipip", TunnelType::Ipip}, {"gue", TunnelType::Gue}, {"gre", TunnelType::Gre}});
  if (t.integer("port", tun.port, 1, 65535) && tun.type != TunnelType::Gue) {
    t.error("port", "only valid with type = \"gue\"");
  } else if (tun.type == TunnelType::Gue && !t.has("port")) {
    t.take("port", Need::Required);
  }
  std::vector<std::string> flags;
  if (t.strings("flags", flags)) {
    for (const auto& fl : flags) {
      if (fl == "nocsum") {
        tun.nocsum = true;
      } else if (fl == "csum") {
        tun.csum = true;
      } else if (fl == "remcsum") {
        tun.remcsum = true;
      } else {
        t.error("flags", "unknown tunnel flag \"" + fl + "\" (expected nocsum, csum, remcsum)");
      }
    }
    if (static_cast<int>(tun.nocsum) + static_cast<int>(tun.csum) + static_cast<int>(tun.remcsum) >
        1) {
      t.error("flags", "nocsum, csum and remcsum exclude each other");
    }
  }
}

void readSchedulerFlags(GroupReader& g, VirtualServer& vs) {
  std::vector<std::string> flags;
  if (!g.strings("scheduler_flags", flags)) {
    return;
  }
  for (const auto& f : flags) {
    const bool sh = vs.scheduler == "sh";
    const bool mh = vs.scheduler == "mh";
    if (f == "flag-1" || (f == "sh-fallback" && sh) || (f == "mh-fallback" && mh)) {
      vs.scheduler_flags.flag1 = true;
    } else if (f == "flag-2" || (f == "sh-port" && sh) || (f == "mh-port" && mh)) {
      vs.scheduler_flags.flag2 = true;
    } else if (f == "flag-3") {
      vs.scheduler_flags.flag3 = true;
    } else if (f == "sh-fallback" || f == "sh-port" || f == "mh-fallback" || f == "mh-port") {
      g.error("scheduler_flags", "flag \"" + f + "\" needs scheduler \"" + f.substr(0, 2) + "\"");
    } else {
      g.error("scheduler_flags", "unknown scheduler flag \"" + f + "\"");
    }
  }
}

void readService(GroupReader& g, VirtualServer& vs) {
  const bool hasAddress = g.has("address");
  const bool hasFwmark = g.has("fwmark");
  if (hasAddress == hasFwmark) {
    g.error(hasAddress ? "fwmark" : "address",
            "exactly one of address (with port) or fwmark is required");
  }
  IpAddress addr;
  if (g.address("address", addr)) {
    Endpoint ep{addr, 0};
    g.integer("port", ep.port, 0, 65535, Need::Required);
    vs.endpoint = ep;
    vs.family = addr.family();
    if (g.has("family")) {
      g.error("family", "only valid for fwmark services (the address gives the family)");
      g.take("family");
    }
  } else {
    g.take("port");
    if (g.has("port") && hasFwmark) {
      g.error("port", "fwmark services have no port");
    }
  }
  g.choice("protocol", vs.protocol,
           {{"tcp", Protocol::Tcp}, {"udp", Protocol::Udp}, {"sctp", Protocol::Sctp}});
  if (g.integer("fwmark", vs.fwmark, 1, 0xffffffffLL)) {
    g.choice("family", vs.family, {{"inet", Family::V4}, {"inet6", Family::V6}});
    if (g.has("protocol")) {
      g.error("protocol", "fwmark services match every protocol; remove protocol");
    }
  }
  if (vs.endpoint) {
    vs.name = formatEndpoint(vs.endpoint->address, vs.endpoint->port) + "/" +
              (vs.protocol == Protocol::Tcp   ? "tcp"
               : vs.protocol == Protocol::Udp ? "udp"
                                              : "sctp");
  } else {
    vs.name = "fwmark:" + std::to_string(vs.fwmark) + (vs.family == Family::V6 ? "/inet6" : "");
  }
  if (g.str("name", vs.name) && vs.name.empty()) {
    g.error("name", "must not be empty");
  }
}

void readScheduling(GroupReader& g, VirtualServer& vs) {
  if (g.str("scheduler", vs.scheduler) && std::find(std::begin(kSchedulers), std::end(kSchedulers),
                                                    vs.scheduler) == std::end(kSchedulers)) {
    g.error("scheduler", "unknown scheduler \"" + vs.scheduler + "\"");
  }
  readSchedulerFlags(g, vs);
  if (g.number("load_factor", vs.load_factor, 1.0, 100.0) && vs.scheduler != "chbl") {
    g.error("load_factor", "only valid with scheduler = \"chbl\"");
  }
  g.duration("persistence_timeout", vs.persistence_timeout, Duration{0},
             Duration{2678400000});  // 31 days, IPVS's limit
  if (vs.persistence_timeout.count() % 1000 != 0) {
    g.error("persistence_timeout", "must be whole seconds");
  }
  if (vs.endpoint && vs.endpoint->port == 0 && vs.persistence_timeout == Duration{0}) {
    g.error("port", "port 0 (all ports) needs persistence_timeout");
  }
  const uint8_t full = vs.family == Family::V4 ? 32 : 128;
  vs.persistence_prefix = full;
  if (const Node* pg = g.take("persistence_granularity")) {
    if (vs.persistence_timeout == Duration{0}) {
      g.error("persistence_granularity", "needs persistence_timeout");
    }
    if (pg->kind == Node::Kind::Int) {
      int64_t p = 0;
      if (readInteger(g.ctx(), *pg, g.pathOf("persistence_granularity"), 1, full, p)) {
        vs.persistence_prefix = static_cast<uint8_t>(p);
      }
    } else if (pg->kind == Node::Kind::String && vs.family == Family::V4) {
      auto p = netmaskToPrefix(pg->string_value);
      if (!p || *p == 0) {
        g.error("persistence_granularity",
                "invalid netmask \"" + std::string(pg->string_value) + "\"");
      } else {
        vs.persistence_prefix = *p;
      }
    } else {
      g.error("persistence_granularity", vs.family == Family::V4
                                             ? "expected a netmask string or a prefix length"
                                             : "expected a prefix length 1..128");
    }
  }
  if (g.flag("ops", vs.one_packet) && vs.one_packet && vs.endpoint &&
      vs.protocol != Protocol::Udp) {
    g.error("ops", "one-packet scheduling is for UDP services");
  }
}

void readRealServer(GroupReader& r, const VirtualServer& vs, RealServer& rs) {
  IpAddress a;
  if (r.address("address", a, Need::Required)) {
    rs.endpoint.address = a;
  }
  rs.endpoint.port = vs.endpoint ? vs.endpoint->port : 0;
  r.integer("port", rs.endpoint.port, vs.endpoint ? 1 : 0, 65535);
  r.integer("weight", rs.weight, 0, 65535);
  rs.forwarding = vs.forwarding;
  readForwarding(r, rs.forwarding);
  r.integer("u_threshold", rs.u_threshold, 0, 0x7fffffffLL);
  r.integer("l_threshold", rs.l_threshold, 0, 0x7fffffffLL);
  if (rs.l_threshold != 0 && rs.l_threshold >= rs.u_threshold) {
    r.error("l_threshold", "must be below u_threshold");
  }
  rs.inhibit_on_failure = vs.inhibit_on_failure;
  r.flag("inhibit_on_failure", rs.inhibit_on_failure);
  r.duration("slow_start", rs.slow_start, Duration{0}, Duration{86400000});
  if (const Node* f = r.group("feedback")) {
    GroupReader fg(r.ctx(), *f, r.pathOf("feedback"));
    readFeedback(fg, rs.feedback);
    fg.finish();
  }
  r.str("notify_up", rs.notify_up);
  r.str("notify_down", rs.notify_down);
  buildChecks(r, vs, rs.endpoint.port, rs.checks);
  if (rs.endpoint.address.family() != vs.family && rs.forwarding != Forwarding::Tun) {
    r.error("address",
            "address family differs from the virtual server (mixed families need "
            "forwarding = \"tun\")");
  }
}

void buildVirtualServer(GroupReader& g, VirtualServer& vs) {
  readService(g, vs);
  readScheduling(g, vs);
  readForwarding(g, vs.forwarding);
  if (const Node* t = g.group("tunnel")) {
    GroupReader tg(g.ctx(), *t, g.pathOf("tunnel"));
    vs.tunnel.emplace();
    readTunnel(tg, *vs.tunnel);
    tg.finish();
    if (vs.forwarding != Forwarding::Tun) {
      g.error("tunnel", "only valid with forwarding = \"tun\"");
    }
  }
  g.integer("quorum", vs.quorum, 1, 0xffffffffLL);
  if (g.integer("hysteresis", vs.hysteresis, 0, 0xffffffffLL) && vs.hysteresis >= vs.quorum) {
    g.error("hysteresis", "must be below quorum");
  }
  g.str("quorum_up", vs.quorum_up);
  g.str("quorum_down", vs.quorum_down);
  if (const Node* s = g.group("sorry_server")) {
    GroupReader sg(g.ctx(), *s, g.pathOf("sorry_server"));
    Endpoint ep;
    if (sg.address("address", ep.address, Need::Required)) {
      ep.port = vs.endpoint ? vs.endpoint->port : 0;
      sg.integer("port", ep.port, vs.endpoint ? 1 : 0, 65535);
      vs.sorry_server = ep;
      if (ep.address.family() != vs.family) {
        sg.error("address", "address family differs from the virtual server");
      }
    }
    sg.flag("inhibit", vs.sorry_server_inhibit);
    sg.finish();
  }
  g.flag("inhibit_on_failure", vs.inhibit_on_failure);
  g.flag("alpha", vs.alpha);
  g.flag("omega", vs.omega);
  g.choice("on_stop", vs.on_stop, {{"remove", OnStop::Remove}, {"keep", OnStop::Keep}});
  g.duration("delay_loop", vs.delay_loop, Duration{100}, Duration{86400000});
  g.str("virtualhost", vs.virtualhost);
  Duration slowStart{0};
  g.duration("slow_start", slowStart, Duration{0}, Duration{86400000});
  Feedback feedback;
  if (const Node* f = g.group("feedback")) {
    GroupReader fg(g.ctx(), *f, g.pathOf("feedback"));
    readFeedback(fg, feedback);
    fg.finish();
  }
  vs.real_servers.reserve(g.length("real_servers"));
  forEachGroup(
      g, "real_servers",
      [&](GroupReader& r, size_t) {
        RealServer rs;
        rs.slow_start = slowStart;
        rs.feedback = feedback;
        readRealServer(r, vs, rs);
        auto same = [&](const RealServer& o) { return o.endpoint == rs.endpoint; };
        if (std::any_of(vs.real_servers.begin(), vs.real_servers.end(), same)) {
          r.error("address",
                  "duplicate real server " + formatEndpoint(rs.endpoint.address, rs.endpoint.port));
        }
        vs.real_servers.push_back(std::move(rs));
      },
      Need::Optional);
}

}  // namespace

void buildVirtualServers(GroupReader& root, Config& out) {
  out.virtual_servers.reserve(root.length("virtual_servers"));
  forEachGroup(root, "virtual_servers", [&](GroupReader& g, size_t) {
    VirtualServer vs;
    buildVirtualServer(g, vs);
    out.virtual_servers.push_back(std::move(vs));
  });
}

}  // namespace lvsd::config
