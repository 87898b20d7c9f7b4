// Schema walking for vrrp_instances and vrrp_sync_groups.
#include <algorithm>

#include "config/build.h"
#include "config/text.h"

namespace lvsd::config {

namespace {

// A list whose elements are "addr[/prefix]" strings or { address; prefix; dev; label; } groups.
void readVips(GroupReader& g, std::string_view key, std::vector<VirtualIp>& out) {
  const Node* seq = g.sequence(key);
  if (seq == nullptr) {
    return;
  }
  for (size_t i = 0; i < seq->children.size(); ++i) {
    const Node& e = seq->children[i];
    const std::string path = indexPath(g.pathOf(key), i);
    std::optional<VirtualIp> vip;
    if (e.kind == Node::Kind::Group) {
      GroupReader vg(g.ctx(), e, path);
      IpAddress a;
      if (vg.address("address", a, Need::Required)) {
        vip = VirtualIp{a, static_cast<uint8_t>(a.isV4() ? 32 : 128), "", ""};
        vg.integer("prefix", vip->prefix_len, 0, a.isV4() ? 32 : 128);
      }
      std::string dev;
      std::string label;
      if (vg.str("dev", dev) && !isInterfaceName(dev)) {
        vg.error("dev", "invalid interface name \"" + dev + "\"");
      }
      if (vg.str("label", label) && (label.empty() || label.size() > 15)) {
        vg.error("label", "address labels are 1..15 characters");
      }
      if (vip) {
        vip->dev = dev;
        vip->label = label;
      }
      vg.finish();
    } else {
      std::string s;
      if (!readString(g.ctx(), e, path, s)) {
        continue;
      }
      vip = parseVip(s);
      if (!vip) {
        g.ctx().error(e, path, "invalid address \"" + s + "\" (expected addr or addr/prefix)");
      }
    }
    if (!vip) {
      continue;
    }
    auto same = [&](const VirtualIp& o) { return o.address == vip->address; };
    if (std::any_of(out.begin(), out.end(), same)) {
      g.ctx().error(e, path, "duplicate virtual IP " + vip->address.toString());
      continue;
    }
    out.push_back(std::move(*vip));
  }
}

// A list whose elements are "name" strings or { name; weight; reverse; } groups.
void readTrackRefs(GroupReader& g, std::string_view key, std::vector<TrackRef>& out) {
  const Node* seq = g.sequence(key);
  if (seq == nullptr) {
    return;
  }
  for (size_t i = 0; i < seq->children.size(); ++i) {
    const Node& e = seq->children[i];
    const std::string path = indexPath(g.pathOf(key), i);
    TrackRef ref;
    if (e.kind == Node::Kind::Group) {
      GroupReader tg(g.ctx(), e, path);
      tg.str("name", ref.name, Need::Required);
      int w = 0;
      if (tg.integer("weight", w, -254, 254)) {
        ref.weight = w;
      }
      tg.flag("reverse", ref.reverse);
      tg.finish();
    } else if (!readString(g.ctx(), e, path, ref.name)) {
      continue;
    }
    if (ref.name.empty()) {
      g.ctx().error(e, path, "empty name");
      continue;
    }
    if (key == "track_interfaces" && !isInterfaceName(ref.name)) {
      g.ctx().error(e, path, "invalid interface name \"" + ref.name + "\"");
      continue;
    }
    auto same = [&](const TrackRef& o) { return o.name == ref.name; };
    if (std::any_of(out.begin(), out.end(), same)) {
      g.ctx().error(e, path, "\"" + ref.name + "\" is tracked twice");
      continue;
    }
    g.ctx().record(e);
    out.push_back(std::move(ref));
  }
}

void readNotify(GroupReader& g, Notify& n) {
  g.str("notify_master", n.master);
  g.str("notify_backup", n.backup);
  g.str("notify_fault", n.fault);
  g.str("notify_stop", n.stop);
  g.str("notify", n.any);
}

void readAuth(GroupReader& a, VrrpInstance& vi) {
  Authentication& au = vi.auth;
  a.choice("type", au.type,
           {{"none", AuthType::None}, {"pass", AuthType::Pass}, {"hmac", AuthType::Hmac}},
           Need::Required);
  const bool pass = au.type == AuthType::Pass;
  const bool hmac = au.type == AuthType::Hmac;
  if (a.has("password") && !pass) {
    a.error("password", "only valid with type = \"pass\"");
    a.take("password");
  } else if (pass && a.str("password", au.password, Need::Required) &&
             (au.password.empty() || au.password.size() > 8)) {
    a.error("password", "must be 1..8 characters (RFC 2338 simple text password)");
  }
  for (const char* k : {"keys", "active_key", "anti_replay", "freshness", "mode"}) {
    if (a.has(k) && !hmac) {
      a.error(k, "only valid with type = \"hmac\"");
      a.take(k);
    }
  }
  if (!hmac) {
    return;
  }
  forEachGroup(
      a, "keys",
      [&](GroupReader& k, size_t) {
        HmacKey key;
        k.integer("id", key.id, 1, 255, Need::Required);
        if (k.has("secret") == k.has("secret_hex")) {
          k.error("secret", "give exactly one of secret or secret_hex");
        }
        std::string hex;
        if (k.str("secret_hex", hex)) {
          auto bytes = parseHex(hex);
          if (!bytes) {
            k.error("secret_hex", "invalid hex string");
          } else {
            key.secret.assign(bytes->begin(), bytes->end());
          }
        }
        k.str("secret", key.secret);
        if (!key.secret.empty() && (key.secret.size() < 32 || key.secret.size() > 64)) {
          k.error(k.has("secret") ? "secret" : "secret_hex",
                  "HMAC secrets are 32..64 bytes (got " + std::to_string(key.secret.size()) + ")");
        }
        auto same = [&](const HmacKey& o) { return o.id == key.id; };
        if (key.id != 0 && std::any_of(au.keys.begin(), au.keys.end(), same)) {
          k.error("id", "duplicate key id " + std::to_string(key.id));
          return;
        }
        au.keys.push_back(std::move(key));
      },
      Need::Required);
  const Node* seq = a.take("keys");
  if (seq != nullptr && seq->isSequence() && seq->children.empty()) {
    a.error("keys", "needs at least one key");
  }
  if (a.integer("active_key", au.active_key, 1, 255)) {
    auto same = [&](const HmacKey& o) { return o.id == au.active_key; };
    if (std::none_of(au.keys.begin(), au.keys.end(), same)) {
      a.error("active_key", "no key with id " + std::to_string(au.active_key));
    }
  } else if (!a.has("active_key") && au.keys.size() == 1) {
    au.active_key = au.keys.front().id;
  } else if (!a.has("active_key") && au.keys.size() > 1) {
    a.error("active_key", "missing required setting (several keys are defined)");
  }
  a.choice("anti_replay", au.anti_replay,
           {{"time", AntiReplay::Time}, {"monotonic", AntiReplay::Monotonic}});
  if (a.duration("freshness", au.freshness, Duration{1000}, Duration{300000}) &&
      au.freshness.count() % 1000 != 0) {
    a.error("freshness", "must be whole seconds");
  }
  a.choice("mode", au.mode,
           {{"receive_only", HmacMode::ReceiveOnly},
            {"permissive", HmacMode::Permissive},
            {"enforce", HmacMode::Enforce}});
}

void readGarp(GroupReader& g, Garp& garp) {
  const Duration hour{3600000};
  g.duration("master_delay", garp.master_delay, Duration{0}, hour);
  g.integer("master_repeat", garp.master_repeat, 1, 1000);
  g.duration("master_refresh", garp.master_refresh, Duration{0}, hour);
  g.integer("master_refresh_repeat", garp.master_refresh_repeat, 1, 1000);
  if (!g.has("lower_prio_delay")) {
    garp.lower_prio_delay = garp.master_delay;
  }
  if (!g.has("lower_prio_repeat")) {
    garp.lower_prio_repeat = garp.master_repeat;
  }
  g.duration("lower_prio_delay", garp.lower_prio_delay, Duration{0}, hour);
  g.integer("lower_prio_repeat", garp.lower_prio_repeat, 0, 1000);
  g.duration("interval", garp.interval, Duration{0}, Duration{1000});
  g.duration("na_interval", garp.na_interval, Duration{0}, Duration{1000});
}

void readAddresses(GroupReader& g, std::string_view key, std::vector<IpAddress>& out) {
  const Node* seq = g.sequence(key);
  if (seq == nullptr) {
    return;
  }
  for (size_t i = 0; i < seq->children.size(); ++i) {
    IpAddress a;
    const std::string path = indexPath(g.pathOf(key), i);
    if (!readAddress(g.ctx(), seq->children[i], path, a)) {
      continue;
    }
    if (std::find(out.begin(), out.end(), a) != out.end()) {
      g.ctx().error(seq->children[i], path, "duplicate address " + a.toString());
      continue;
    }
    out.push_back(a);
  }
}

void buildInstance(GroupReader& g, VrrpInstance& vi) {
  if (g.str("name", vi.name, Need::Required) && vi.name.empty()) {
    g.error("name", "must not be empty");
  }
  if (g.str("interface", vi.interface, Need::Required) && !isInterfaceName(vi.interface)) {
    g.error("interface", "invalid interface name \"" + vi.interface + "\"");
  }
  g.integer("vrid", vi.vrid, 1, 255, Need::Required);
  g.integer("priority", vi.priority, 1, 255);
  g.choice("state", vi.initial_state,
           {{"backup", VrrpState::Backup}, {"master", VrrpState::Master}});
  readVips(g, "virtual_ipaddresses", vi.vips);
  readVips(g, "virtual_ipaddresses_excluded", vi.vips_excluded);
  const Node* vipList = g.take("virtual_ipaddresses", Need::Required);
  if (vipList != nullptr && vipList->isSequence() && vipList->children.empty()) {
    g.error("virtual_ipaddresses", "needs at least one virtual IP");
  }
  if (!vi.vips.empty()) {
    vi.family = vi.vips.front().address.family();
    for (size_t i = 1; i < vi.vips.size(); ++i) {
      if (vi.vips[i].address.family() != vi.family) {
        g.error("virtual_ipaddresses",
                "mixes IPv4 and IPv6 (one instance advertises one family; use two instances)");
        break;
      }
    }
  }
  const bool v6 = vi.family == Family::V6;
  vi.version = v6 ? 3 : 2;
  if (g.integer("version", vi.version, 2, 3) && v6 && vi.version == 2) {
    g.error("version", "IPv6 virtual IPs need version = 3 (VRRPv2 is IPv4 only)");
  }
  if (g.duration("advert_int", vi.advert_int, Duration{10}, Duration{255000})) {
    if (vi.version == 2 && vi.advert_int.count() % 1000 != 0) {
      g.error("advert_int", "VRRPv2 advertisement interval must be whole seconds");
    } else if (vi.version == 3 && vi.advert_int.count() % 10 != 0) {
      g.error("advert_int", "VRRPv3 advertisement interval has centisecond resolution");
    } else if (vi.version == 3 && vi.advert_int > Duration{40950}) {
      g.error("advert_int", "VRRPv3 advertisement interval is at most 40.95 s");
    }
  }
  g.flag("accept", vi.accept);
  g.flag("preempt", vi.preempt);
  if (g.duration("preempt_delay", vi.preempt_delay, Duration{0}, Duration{1000000}) &&
      !vi.preempt) {
    g.error("preempt_delay", "has no effect with preempt = false");
  }
  if (g.address("source_address", vi.source_address) && vi.source_address->family() != vi.family) {
    g.error("source_address", "address family differs from the virtual IPs");
  }
  readAddresses(g, "unicast_peers", vi.unicast_peers);
  for (const auto& p : vi.unicast_peers) {
    if (p.family() != vi.family) {
      g.error("unicast_peers", "peer " + p.toString() + " differs in family from the virtual IPs");
      break;
    }
  }
  if (const Node* a = g.group("authentication")) {
    GroupReader ag(g.ctx(), *a, g.pathOf("authentication"));
    readAuth(ag, vi);
    ag.finish();
    if (vi.auth.type == AuthType::Pass && vi.version == 3) {
      g.error("authentication", "type = \"pass\" is VRRPv2 only (RFC 5798 removed it)");
    }
  }
  readTrackRefs(g, "track_interfaces", vi.track_interfaces);
  readTrackRefs(g, "track_scripts", vi.track_scripts);
  readTrackRefs(g, "track_files", vi.track_files);
  readTrackRefs(g, "track_processes", vi.track_processes);
  readNotify(g, vi.notify);
  if (const Node* n = g.group("garp")) {
    GroupReader gg(g.ctx(), *n, g.pathOf("garp"));
    readGarp(gg, vi.garp);
    gg.finish();
  }
  if (const Node* v = g.take("use_vmac")) {
    if (v->kind == Node::Kind::Bool) {
      vi.use_vmac = v->bool_value;
    } else if (v->kind == Node::Kind::String) {
      vi.use_vmac = true;
      vi.vmac_name = v->string_value;
      if (!isInterfaceName(vi.vmac_name)) {
        g.error("use_vmac", "invalid interface name \"" + vi.vmac_name + "\"");
      }
    } else {
      g.error("use_vmac",
              std::string("expected a boolean or an interface name, got ") + kindName(v->kind));
    }
  }
  if (vi.use_vmac && vi.vmac_name.empty()) {
    vi.vmac_name = "vrrp." + std::to_string(vi.vrid);
  }
  if (g.flag("vmac_xmit_base", vi.vmac_xmit_base) && !vi.use_vmac) {
    g.error("vmac_xmit_base", "only valid with use_vmac");
  }
}

}  // namespace

void buildVrrp(GroupReader& root, Config& out) {
  forEachGroup(root, "vrrp_instances", [&](GroupReader& g, size_t) {
    VrrpInstance vi;
    buildInstance(g, vi);
    out.vrrp_instances.push_back(std::move(vi));
  });
  forEachGroup(root, "vrrp_sync_groups", [&](GroupReader& g, size_t) {
    SyncGroup sg;
    if (g.str("name", sg.name, Need::Required) && sg.name.empty()) {
      g.error("name", "must not be empty");
    }
    if (g.strings("members", sg.members) && sg.members.size() < 2) {
      g.error("members", "a sync group needs at least two instances");
    }
    if (!g.has("members")) {
      g.take("members", Need::Required);
    }
    readNotify(g, sg.notify);
    out.sync_groups.push_back(std::move(sg));
  });
}

}  // namespace lvsd::config
