#include "vrrp/track/garp_plan.h"

#include <algorithm>

namespace lvsd::vrrp::track {

std::vector<GarpSend> planGarpBurst(uint32_t repeat, bool haveV4, bool haveV6,
                                    std::chrono::milliseconds interval,
                                    std::chrono::milliseconds naInterval) {
  std::vector<GarpSend> out;
  for (uint32_t r = 0; r < repeat; ++r) {
    if (haveV4) {
      out.push_back({interval * r, false, r});
    }
    if (haveV6) {
      out.push_back({naInterval * r, true, r});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const GarpSend& a, const GarpSend& b) {
    return a.at != b.at ? a.at < b.at : (!a.v6 && b.v6);
  });
  return out;
}

std::vector<TakeoverBurst> planTakeoverGarp(const TakeoverGarp& cfg,
                                            std::chrono::milliseconds until) {
  using Kind = TakeoverBurst::Kind;
  std::vector<TakeoverBurst> out;
  if (cfg.masterRepeat > 0) {
    out.push_back({std::chrono::milliseconds(0), cfg.masterRepeat, Kind::Initial});
    if (cfg.masterDelay.count() > 0 && cfg.masterDelay <= until) {
      out.push_back({cfg.masterDelay, cfg.masterRepeat, Kind::Delayed});
    }
  }
  if (cfg.masterRefresh.count() > 0 && cfg.masterRefreshRepeat > 0) {
    for (auto t = cfg.masterRefresh; t <= until; t += cfg.masterRefresh) {
      out.push_back({t, cfg.masterRefreshRepeat, Kind::Refresh});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const TakeoverBurst& a, const TakeoverBurst& b) { return a.at < b.at; });
  return out;
}

}  // namespace lvsd::vrrp::track
