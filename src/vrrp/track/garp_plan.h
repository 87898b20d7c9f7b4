#pragma once
// When each GARP / unsolicited NA of a burst is sent (pure). A burst of `repeat` rounds announces
// every VIP once per round; IPv4 rounds are `interval` apart and IPv6 rounds `naInterval` apart
// (keepalived's garp_interval / gna_interval), both starting at offset 0. A zero gap sends the
// whole family at once. Used by the engine for every burst (master, second, refresh).
// planTakeoverGarp: which bursts follow a takeover and when — the first at once, keepalived's
// delayed second burst (garp_master_delay / garp_master_repeat) and the periodic refreshes
// (garp_master_refresh / garp_master_refresh_repeat) while Master.

#include <chrono>
#include <cstdint>
#include <vector>

namespace lvsd::vrrp::track {

struct GarpSend {
  std::chrono::milliseconds at{0};  ///< offset from the start of the burst
  bool v6 = false;                  ///< unsolicited NA (else GARP)
  uint32_t round = 0;               ///< 0 .. repeat-1
  bool operator==(const GarpSend&) const = default;
};

/// @return the sends ordered by offset (IPv4 before IPv6 at equal offsets).
std::vector<GarpSend> planGarpBurst(uint32_t repeat, bool haveV4, bool haveV6,
                                    std::chrono::milliseconds interval,
                                    std::chrono::milliseconds naInterval);

/// One burst after becoming Master.
struct TakeoverBurst {
  enum class Kind : uint8_t { Initial, Delayed, Refresh };
  std::chrono::milliseconds at{0};  ///< offset from becoming Master
  uint32_t repeat = 0;              ///< rounds (planGarpBurst's `repeat`)
  Kind kind = Kind::Initial;
  bool operator==(const TakeoverBurst&) const = default;
};

struct TakeoverGarp {
  uint32_t masterRepeat = 5;
  std::chrono::milliseconds masterDelay{5000};  ///< 0 = no second burst
  std::chrono::milliseconds masterRefresh{0};   ///< 0 = no refresh
  uint32_t masterRefreshRepeat = 1;
};

/// @return the bursts due at or before @p until after a takeover, in time order (a second burst
///         and a refresh at the same offset: the second burst first). Bursts of 0 rounds are
///         left out.
std::vector<TakeoverBurst> planTakeoverGarp(const TakeoverGarp& cfg,
                                            std::chrono::milliseconds until);

}  // namespace lvsd::vrrp::track
