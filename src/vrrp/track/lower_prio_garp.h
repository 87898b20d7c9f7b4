#pragma once
// GARP burst of a Master that hears a lower-priority advert (keepalived's garp_lower_prio_repeat /
// garp_lower_prio_delay), pure. Another router advertising with a lower priority may believe it
// is Master (a healed split) and may have pointed the hosts' ARP/ND caches at itself, so the
// Master re-announces its VIPs: `repeat` rounds at once, then none until `delay` has passed,
// however many lower-priority adverts arrive meanwhile (a flood costs at most one burst per delay).
// A delay below kMinLowerPrioGap counts as kMinLowerPrioGap: the config default is
// garp.master_delay, often 0, and keepalived's one burst per advert would let any sender of
// lower-priority adverts make the Master amplify them.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>

#include "common/clock.h"

namespace lvsd::vrrp::track {

inline constexpr std::chrono::milliseconds kMinLowerPrioGap{1000};

class LowerPrioGarp {
public:
  /// @param repeat rounds per burst (0 = disabled)
  /// @param delay minimum gap between two bursts (at least kMinLowerPrioGap)
  LowerPrioGarp(uint32_t repeat, std::chrono::milliseconds delay)
      : repeat_(repeat), delay_(std::max(delay, kMinLowerPrioGap)) {}

  /// A lower-priority advert arrived while Master, at @p now. @return rounds to send now (0 =
  /// none).
  uint32_t onLowerPriorityAdvert(MonoTime now);
  /// Leaving Master: the next mastership starts without a pending limit.
  void reset() { last_.reset(); }

private:
  uint32_t repeat_;
  std::chrono::milliseconds delay_;
  std::optional<MonoTime> last_;
};

}  // namespace lvsd::vrrp::track
