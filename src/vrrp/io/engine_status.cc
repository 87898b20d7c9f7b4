// The `vrrp` status object served by `lvsctl vrrp`.
#include <ctime>

#include "vrrp/io/engine_internal.h"

namespace lvsd::vrrp::io {
namespace {

std::string isoTime(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

const char* trackKindName(TrackKind k) {
  switch (k) {
    case TrackKind::Interface:
      return "interface";
    case TrackKind::Script:
      return "script";
    case TrackKind::File:
      return "file";
    case TrackKind::Process:
      return "process";
  }
  return "?";
}

}  // namespace

ctl::Json Engine::status() const {
  ctl::Json list = ctl::Json::array();
  const auto now = std::chrono::steady_clock::now();
  for (size_t i = 0; i < instances_.size(); ++i) {
    const Instance& in = *instances_[i];
    const auto& c = in.cfg;
    ctl::Json j;
    j["name"] = c.name;
    j["interface"] = c.interface;
    j["vrid"] = c.params.vrid;
    j["version"] = c.params.version;
    j["family"] = c.family == Family::V4 ? "ipv4" : "ipv6";
    j["state"] = std::string(stateName(in.state));
    j["base_priority"] = in.tracker.basePriority();
    uint8_t eff = in.tracker.effectivePriority();
    uint32_t masterAdverCs = c.params.adverIntervalCs;
    if (!groups_.empty() && i < member_.size()) {
      const auto& mach = groups_[member_[i].first].member(member_[i].second);
      eff = mach.priority();
      masterAdverCs = mach.masterAdverIntervalCs();
    }
    j["effective_priority"] = eff;
    j["source_address"] = in.src.toString();
    j["master_address"] = in.masterAddr ? ctl::Json(in.masterAddr->toString()) : ctl::Json();
    j["is_master"] = in.state == State::Master;
    j["sync_group"] = c.syncGroup;
    j["mode"] = c.unicastPeers.empty() ? "multicast" : "unicast";
    ctl::Json timers;
    timers["advert_interval_ms"] = c.params.adverIntervalCs * 10;
    timers["master_adver_interval_ms"] = masterAdverCs * 10;
    timers["master_down_interval_ms"] =
        masterDownIntervalCs(c.params.version, eff, masterAdverCs) * 10;
    static constexpr const char* kNames[] = {"adver_timer_ms", "master_down_timer_ms",
                                             "preempt_delay_timer_ms"};
    for (size_t k = 0; k < in.timers.size(); ++k) {
      if (in.armed[k]) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(in.deadline[k] - now).count();
        timers[kNames[k]] = std::max<int64_t>(left, 0);
      } else {
        timers[kNames[k]] = nullptr;
      }
    }
    timers["late"] = in.timersLate;
    timers["late_max_us"] =
        std::chrono::duration_cast<std::chrono::microseconds>(in.timerLateMax).count();
    j["timers"] = timers;
    ctl::Json vips = ctl::Json::array();
    for (const auto& v : c.vips) {
      vips.push_back(v.address.toString() + "/" + std::to_string(v.prefixLen) + " dev " + v.dev);
    }
    j["vips"] = vips;
    j["vips_installed"] = in.vipsInstalled;
    ctl::Json counters;
    counters["adverts_sent"] = in.advertsSent;
    counters["adverts_accepted"] = in.advertsAccepted;
    counters["send_errors"] = in.sendErrors;
    counters["garp_na_sent"] = in.garpsSent;
    counters["lower_prio_bursts"] = in.lowerPrioBursts;
    counters["became_master"] = in.becameMaster;
    counters["transitions"] = in.transitions;
    counters["vip_errors"] = in.vipErrors;
    counters["master_down_rescued"] = in.adverRescued;
    counters["master_down_confirm_rescued"] = in.confirmRescued;
    ctl::Json rejects = ctl::Json::object();
    for (size_t r = 0; r < kRejectReasonCount; ++r) {
      const auto reason = static_cast<RejectReason>(r);
      rejects[std::string(rejectReasonName(reason))] = in.rejects.get(reason);
    }
    counters["rejected"] = rejects;
    counters["rejected_total"] = in.rejects.total();
    j["counters"] = counters;
    if (in.lastChange) {
      j["last_transition"] = {{"from", std::string(stateName(in.lastChange->from))},
                              {"to", std::string(stateName(in.lastChange->to))},
                              {"at", isoTime(in.lastChangeAt)}};
    }
    ctl::Json tracks = ctl::Json::array();
    for (const auto& tr : in.tracks) {
      ctl::Json t{{"type", trackKindName(tr.spec.kind)},
                  {"name", tr.spec.name},
                  {"weight", tr.spec.weight}};
      if (tr.spec.kind == TrackKind::File) {
        t["value"] = in.tracker.value(tr.id);
      } else {
        t["up"] = in.tracker.up(tr.id);
      }
      tracks.push_back(t);
    }
    j["tracking"] = tracks;
    j["fault"] = in.trackFault;
    list.push_back(j);
  }
  return ctl::Json{{"instances", list}};
}

}  // namespace lvsd::vrrp::io
