#include "vrrp/config/engine_config.h"

#include <algorithm>

namespace lvsd::vrrp {
namespace {

std::vector<std::string> splitArgs(const std::string& path, const std::vector<std::string>& args) {
  std::vector<std::string> v{path};
  v.insert(v.end(), args.begin(), args.end());
  return v;
}

template <class T>
const T* findByName(const std::vector<T>& list, const std::string& name) {
  auto it = std::find_if(list.begin(), list.end(), [&](const T& t) { return t.name == name; });
  return it == list.end() ? nullptr : &*it;
}

InstanceConfig mapInstance(const config::Config& c, const config::VrrpInstance& vi) {
  InstanceConfig ic;
  ic.name = vi.name;
  ic.interface = vi.interface;
  ic.family = vi.family;
  ic.useVmac = vi.use_vmac;
  ic.vmacName = vi.vmac_name.empty() ? "vrrp." + std::to_string(vi.vrid) : vi.vmac_name;
  ic.vipInterface = vi.use_vmac ? ic.vmacName : vi.interface;
  ic.sendInterface = vi.use_vmac && !vi.vmac_xmit_base ? ic.vmacName : vi.interface;
  ic.syncGroup = vi.sync_group;

  InstanceParams& p = ic.params;
  p.version = vi.version;
  p.vrid = vi.vrid;
  p.priority = vi.priority;
  const auto cs = static_cast<uint32_t>(vi.advert_int.count() / 10);
  p.adverIntervalCs = std::max<uint32_t>(cs, 1);
  p.preempt = vi.preempt;
  p.preemptDelayCs = static_cast<uint32_t>(vi.preempt_delay.count() / 10);
  p.acceptMode = vi.accept;
  if (vi.source_address) {
    p.primaryAddress = *vi.source_address;
    ic.sourceAddress = vi.source_address;
  }

  for (const auto& v : vi.vips) {
    ic.advertised.push_back(v.address);
  }
  auto addVip = [&](const config::VirtualIp& v) {
    ic.vips.push_back(
        VipSpec{v.address, v.prefix_len, v.dev.empty() ? ic.vipInterface : v.dev, v.label});
  };
  std::for_each(vi.vips.begin(), vi.vips.end(), addVip);
  std::for_each(vi.vips_excluded.begin(), vi.vips_excluded.end(), addVip);
  ic.unicastPeers = vi.unicast_peers;

  DecodeOptions& d = ic.decode;
  d.version = vi.version;
  d.vrid = vi.vrid;
  d.checkTtl = vi.unicast_peers.empty();
  d.expectedAddresses = ic.advertised;
  d.v2AdverIntSec = static_cast<uint8_t>(std::clamp<int64_t>(vi.advert_int.count() / 1000, 1, 255));
  if (vi.auth.type == config::AuthType::Pass) {
    d.v2AuthType = V2AuthType::SimplePassword;
    for (size_t i = 0; i < vi.auth.password.size() && i < kV2AuthDataSize; ++i) {
      d.v2Password[i] = static_cast<uint8_t>(vi.auth.password[i]);
    }
  } else if (vi.auth.type == config::AuthType::Hmac) {
    auth::Config a;
    for (const auto& k : vi.auth.keys) {
      a.keys[static_cast<uint8_t>(k.id)] = std::vector<uint8_t>(k.secret.begin(), k.secret.end());
    }
    a.activeKey = static_cast<uint8_t>(vi.auth.active_key != 0 ? vi.auth.active_key
                                       : vi.auth.keys.empty()  ? 1
                                                               : vi.auth.keys.front().id);
    a.mode = vi.auth.mode == config::HmacMode::ReceiveOnly  ? auth::Mode::ReceiveOnly
             : vi.auth.mode == config::HmacMode::Permissive ? auth::Mode::Permissive
                                                            : auth::Mode::Enforce;
    a.antiReplay = vi.auth.anti_replay == config::AntiReplay::Time ? auth::AntiReplay::Time
                                                                   : auth::AntiReplay::Monotonic;
    a.timeWindowSec = static_cast<uint32_t>(std::max<int64_t>(vi.auth.freshness.count() / 1000, 1));
    ic.hmac = a;
  }

  ic.garp.masterDelay = vi.garp.master_delay;
  ic.garp.masterRepeat = vi.garp.master_repeat;
  ic.garp.masterRefresh = vi.garp.master_refresh;
  ic.garp.masterRefreshRepeat = vi.garp.master_refresh_repeat;
  ic.garp.interval = vi.garp.interval;
  ic.garp.naInterval = vi.garp.na_interval;
  ic.garp.lowerPrioDelay = vi.garp.lower_prio_delay;
  ic.garp.lowerPrioRepeat = vi.garp.lower_prio_repeat;
  ic.notify = NotifyParams{vi.notify.master, vi.notify.backup, vi.notify.fault, vi.notify.stop,
                           vi.notify.any};

  // The instance's own interface: down = FAULT.
  TrackSpec self;
  self.kind = TrackKind::Interface;
  self.name = vi.interface;
  ic.tracking.push_back(self);
  for (const auto& r : vi.track_interfaces) {
    TrackSpec t;
    t.kind = TrackKind::Interface;
    t.name = r.name;
    t.weight = r.weight.value_or(0);
    t.reverse = r.reverse;
    ic.tracking.push_back(t);
  }
  for (const auto& r : vi.track_scripts) {
    if (const auto* s = findByName(c.vrrp_scripts, r.name)) {
      TrackSpec t;
      t.kind = TrackKind::Script;
      t.name = s->name;
      t.weight = r.weight.value_or(s->weight);
      t.reverse = r.reverse;
      t.argv = splitArgs(s->path, s->args);
      t.interval = s->interval;
      t.timeout = s->timeout.count() > 0 ? s->timeout : s->interval;
      t.rise = s->rise;
      t.fall = s->fall;
      t.user = s->user.empty() ? c.global.script_user : s->user;
      t.initFail = s->init_fail;
      ic.tracking.push_back(t);
    }
  }
  for (const auto& r : vi.track_files) {
    if (const auto* f = findByName(c.track_files, r.name)) {
      TrackSpec t;
      t.kind = TrackKind::File;
      t.name = f->name;
      t.weight = r.weight.value_or(f->weight);
      t.reverse = r.reverse;
      t.path = f->path;
      t.initFile = f->init_file;
      ic.tracking.push_back(t);
    }
  }
  for (const auto& r : vi.track_processes) {
    if (const auto* pr = findByName(c.track_processes, r.name)) {
      TrackSpec t;
      t.kind = TrackKind::Process;
      t.name = pr->name;
      t.weight = r.weight.value_or(pr->weight);
      t.reverse = r.reverse;
      t.process = pr->process;
      t.params = pr->params;
      t.paramMatch = pr->param_match;
      t.quorum = pr->quorum;
      t.quorumMax = pr->quorum_max;
      t.delay = pr->delay;
      ic.tracking.push_back(t);
    }
  }
  return ic;
}

}  // namespace

Result<EngineConfig> mapConfig(const config::Config& config) {
  EngineConfig out;
  out.routerId = config.global.router_id;
  out.scriptUser = config.global.script_user;
  out.notifyFifo = config.global.notify_fifo;
  out.notifyFifoScript = config.global.notify_fifo_script;
  out.realtimePriority = static_cast<uint8_t>(config.global.vrrp_rt_priority);
  for (const auto& vi : config.vrrp_instances) {
    out.instances.push_back(mapInstance(config, vi));
  }
  std::vector<bool> grouped(out.instances.size(), false);
  for (const auto& g : config.sync_groups) {
    GroupConfig gc;
    gc.name = g.name;
    for (const auto& m : g.members) {
      for (size_t i = 0; i < out.instances.size(); ++i) {
        if (out.instances[i].name == m && !grouped[i]) {
          gc.members.push_back(i);
          grouped[i] = true;
        }
      }
    }
    if (!gc.members.empty()) {
      out.groups.push_back(std::move(gc));
    }
  }
  for (size_t i = 0; i < out.instances.size(); ++i) {
    if (!grouped[i]) {
      out.groups.push_back(GroupConfig{"", {i}});
    }
  }
  return out;
}

}  // namespace lvsd::vrrp
