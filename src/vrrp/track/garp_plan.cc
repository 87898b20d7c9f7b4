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

}  // namespace lvsd::vrrp::track
