#pragma once
// When each GARP / unsolicited NA of a burst is sent (pure). A burst of `repeat` rounds announces
// every VIP once per round; IPv4 rounds are `interval` apart and IPv6 rounds `naInterval` apart
// (keepalived's garp_interval / gna_interval), both starting at offset 0. A zero gap sends the
// whole family at once. Used by the engine for every burst (master, second, refresh).

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

}  // namespace lvsd::vrrp::track
