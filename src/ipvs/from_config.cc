#include "ipvs/from_config.h"

#include <algorithm>
#include <chrono>

#include "ipvs/diff.h"

namespace lvsd::ipvs {

namespace {

Protocol protocol(config::Protocol p) {
  switch (p) {
    case config::Protocol::Udp:
      return Protocol::Udp;
    case config::Protocol::Sctp:
      return Protocol::Sctp;
    case config::Protocol::Tcp:
      break;
  }
  return Protocol::Tcp;
}

Forward forward(config::Forwarding f) {
  switch (f) {
    case config::Forwarding::Dr:
      return Forward::Route;
    case config::Forwarding::Tun:
      return Forward::Tunnel;
    case config::Forwarding::Nat:
      break;
  }
  return Forward::Masq;
}

uint32_t seconds(config::Duration d) {
  return static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

}  // namespace

ServiceKey serviceKey(const config::VirtualServer& vs) {
  if (vs.fwmark != 0 || !vs.endpoint) {
    return ServiceKey::mark(vs.family, vs.fwmark);
  }
  return ServiceKey{vs.endpoint->address.family(), 0, protocol(vs.protocol), vs.endpoint->address,
                    vs.endpoint->port};
}

Service serviceSettings(const config::VirtualServer& vs) {
  Service s;
  s.key = serviceKey(vs);
  s.scheduler = vs.scheduler;
  uint32_t flags = 0;
  if (vs.scheduler_flags.flag1) {
    flags |= kSvcSched1;
  }
  if (vs.scheduler_flags.flag2) {
    flags |= kSvcSched2;
  }
  if (vs.scheduler_flags.flag3) {
    flags |= kSvcSched3;
  }
  if (vs.one_packet) {
    flags |= kSvcOnePacket;
  }
  const uint32_t timeout = seconds(vs.persistence_timeout);
  if (timeout > 0) {
    flags |= kSvcPersistent;
    s.timeout = timeout;
  }
  if (s.key.family == Family::V6) {
    s.netmask = std::min<uint32_t>(vs.persistence_prefix, 128);
  } else {
    const uint32_t p = std::min<uint32_t>(vs.persistence_prefix, 32);
    s.netmask = p == 0 ? 0 : (0xffffffffU << (32 - p));
  }
  s.flags = flags;
  return s;
}

Destination destination(const config::VirtualServer& vs, const config::RealServer& rs) {
  Destination d;
  d.addr = rs.endpoint.address;
  d.port = rs.endpoint.port;
  d.forward = forward(rs.forwarding);
  d.weight = static_cast<int32_t>(std::min<uint32_t>(rs.weight, 0x7fffffff));
  d.upperThreshold = rs.u_threshold;
  d.lowerThreshold = rs.l_threshold;
  if (d.forward == Forward::Tunnel && vs.tunnel) {
    const auto& t = *vs.tunnel;
    d.tunnelType = t.type == config::TunnelType::Gue   ? TunnelType::Gue
                   : t.type == config::TunnelType::Gre ? TunnelType::Gre
                                                       : TunnelType::Ipip;
    d.tunnelPort = t.type == config::TunnelType::Gue ? t.port : 0;
    d.tunnelFlags = static_cast<uint16_t>((t.csum ? kTunCsum : 0) | (t.remcsum ? kTunRemCsum : 0));
  }
  return d;
}

std::optional<Timeouts> timeouts(const config::Global& g) {
  Timeouts t{seconds(g.ipvs_timeouts.tcp), seconds(g.ipvs_timeouts.tcp_fin),
             seconds(g.ipvs_timeouts.udp)};
  if (t.tcp == 0 && t.tcpFin == 0 && t.udp == 0) {
    return std::nullopt;
  }
  return t;
}

SyncDaemon syncDaemon(const config::IpvsSyncDaemon& c) {
  SyncDaemon d;
  // Following a VRRP instance: start as backup (receive); the VRRP state decides later.
  d.state = c.state == config::SyncDaemonState::Master && c.vrrp_instance.empty()
                ? DaemonState::Master
                : DaemonState::Backup;
  d.interface = c.interface;
  d.syncId = c.sync_id;
  d.maxLen = c.max_packet_size;
  d.group = c.mcast_group;
  d.port = c.mcast_port == 8848 ? 0 : c.mcast_port;
  d.ttl = c.mcast_ttl == 1 ? 0 : c.mcast_ttl;
  return d;
}

Timeouts resolveTimeouts(const Timeouts& desired, const std::optional<Timeouts>& kernel) {
  Timeouts t = desired;
  if (kernel) {
    t.tcp = t.tcp != 0 ? t.tcp : kernel->tcp;
    t.tcpFin = t.tcpFin != 0 ? t.tcpFin : kernel->tcpFin;
    t.udp = t.udp != 0 ? t.udp : kernel->udp;
  }
  return t;
}

DesiredState::Virtual DesiredState::buildVirtual(const config::VirtualServer& vs) {
  Virtual v;
  v.name = vs.name;
  v.settings = serviceSettings(vs);
  v.reals.reserve(vs.real_servers.size());
  for (const auto& rs : vs.real_servers) {
    Real r;
    r.dest = destination(vs, rs);
    r.weight = r.dest.weight;
    r.up = !(vs.alpha && !rs.checks.empty());
    r.inhibit = rs.inhibit_on_failure;
    v.reals.push_back(std::move(r));
  }
  if (vs.sorry_server) {
    Destination d;
    d.addr = vs.sorry_server->address;
    d.port = vs.sorry_server->port;
    d.forward = forward(vs.forwarding);
    d.weight = 1;
    v.sorry = d;
    v.sorryInhibit = vs.sorry_server_inhibit;
  }
  v.keepOnStop = vs.on_stop == config::OnStop::Keep;
  return v;
}

void DesiredState::reindex() {
  index_.clear();
  index_.reserve(virtuals_.size());
  for (size_t i = 0; i < virtuals_.size(); ++i) {
    index_.emplace(virtuals_[i].settings.key, i);  // the first of a duplicate wins, as before
  }
}

DesiredState DesiredState::fromConfig(const config::Config& c) {
  DesiredState st;
  st.virtuals_.reserve(c.virtual_servers.size());
  for (const auto& vs : c.virtual_servers) {
    st.virtuals_.push_back(buildVirtual(vs));
  }
  st.timeouts_ = timeouts(c.global);
  if (c.global.ipvs_sync_daemon) {
    st.daemon_ = syncDaemon(*c.global.ipvs_sync_daemon);
  }
  st.reindex();
  return st;
}

DesiredState DesiredState::reloadFrom(DesiredState&& old, const config::Config& c,
                                      const std::vector<std::optional<size_t>>& origins) {
  DesiredState st;
  st.virtuals_.reserve(c.virtual_servers.size());
  std::vector<bool> used(old.virtuals_.size(), false);
  for (size_t i = 0; i < c.virtual_servers.size(); ++i) {
    const auto& from = i < origins.size() ? origins[i] : std::nullopt;
    if (from && *from < old.virtuals_.size() && !used[*from]) {
      used[*from] = true;
      st.virtuals_.push_back(std::move(old.virtuals_[*from]));
    } else {
      st.virtuals_.push_back(buildVirtual(c.virtual_servers[i]));
    }
  }
  st.timeouts_ = timeouts(c.global);
  if (c.global.ipvs_sync_daemon) {
    st.daemon_ = syncDaemon(*c.global.ipvs_sync_daemon);
  }
  st.reindex();
  old = DesiredState{};
  return st;
}

Table DesiredState::partialTable(const std::vector<size_t>& indexes) const {
  Table t;
  t.services.reserve(indexes.size());
  for (size_t i : indexes) {
    if (i < virtuals_.size()) {
      t.services.push_back(build(virtuals_[i]));
    }
  }
  return t;
}

Service DesiredState::build(const Virtual& v) {
  Service s = v.settings;
  bool anyUp = false;
  for (const auto& r : v.reals) {
    if (r.up || r.inhibit) {
      Destination d = r.dest;
      d.weight = r.up ? r.weight : 0;
      s.dests.push_back(d);
    }
    anyUp = anyUp || r.up;
  }
  if (v.sorry && !s.findDest(v.sorry->addr, v.sorry->port)) {
    if (!anyUp) {
      s.dests.push_back(*v.sorry);
    } else if (v.sorryInhibit) {
      Destination d = *v.sorry;
      d.weight = 0;
      s.dests.push_back(d);
    }
  }
  return s;
}

Table DesiredState::table() const {
  Table t;
  t.services.reserve(virtuals_.size());
  for (const auto& v : virtuals_) {
    t.services.push_back(build(v));
  }
  t.timeouts = timeouts_;
  if (daemon_) {
    t.manageDaemons = true;
    t.daemons.push_back(*daemon_);
  }
  return t;
}

Table DesiredState::tableOnStop() const {
  Table t;
  for (const auto& v : virtuals_) {
    if (v.keepOnStop) {
      t.services.push_back(build(v));
    }
  }
  return t;
}

std::vector<ServiceKey> DesiredState::keys() const {
  std::vector<ServiceKey> k;
  k.reserve(virtuals_.size());
  for (const auto& v : virtuals_) {
    k.push_back(v.settings.key);
  }
  return k;
}

DesiredState::Virtual* DesiredState::find(const ServiceKey& k) {
  const auto it = index_.find(k);
  return it == index_.end() ? nullptr : &virtuals_[it->second];
}

const DesiredState::Virtual* DesiredState::find(const ServiceKey& k) const {
  return const_cast<DesiredState*>(this)->find(k);
}

std::string DesiredState::nameOf(const ServiceKey& k) const {
  const Virtual* v = find(k);
  return v ? v->name : std::string();
}

std::optional<Service> DesiredState::service(const ServiceKey& k) const {
  const Virtual* v = find(k);
  if (!v) {
    return std::nullopt;
  }
  return build(*v);
}

namespace {

template <class F>
Result<std::vector<IpvsOp>> change(DesiredState::Virtual* v, const ServiceKey& key,
                                   const IpAddress& addr, uint16_t port, F&& mutate,
                                   Service (*build)(const DesiredState::Virtual&)) {
  if (!v) {
    return fail("no virtual server " + toString(key) + " in the config");
  }
  auto it = std::find_if(v->reals.begin(), v->reals.end(), [&](const DesiredState::Real& r) {
    return r.dest.addr == addr && r.dest.port == port;
  });
  if (it == v->reals.end()) {
    return fail("no real server " + formatEndpoint(addr, port) + " in " + v->name);
  }
  Table before;
  before.services.push_back(build(*v));
  mutate(*it);
  Table after;
  after.services.push_back(build(*v));
  return diff(before, after, Scope::only({key}));
}

}  // namespace

Result<std::vector<IpvsOp>> DesiredState::setRealServerWeight(const ServiceKey& vs,
                                                              const IpAddress& addr, uint16_t port,
                                                              int32_t weight) {
  if (weight < 0 || weight > 65535) {
    return fail("weight " + std::to_string(weight) + " out of range 0..65535");
  }
  return change(
      find(vs), vs, addr, port, [weight](Real& r) { r.weight = weight; }, &build);
}

Result<std::vector<IpvsOp>> DesiredState::setRealServerUp(const ServiceKey& vs,
                                                          const IpAddress& addr, uint16_t port,
                                                          bool up) {
  return change(
      find(vs), vs, addr, port, [up](Real& r) { r.up = up; }, &build);
}

}  // namespace lvsd::ipvs
