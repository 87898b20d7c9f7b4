#include "vrrp/fsm/timing.h"

namespace lvsd::vrrp {

MonoTime nextPeriodicDeadline(MonoTime previous, MonoTime now, Duration period) {
  const MonoTime next = previous + period;
  if (next > now) {
    return next;
  }
  const auto missed = (now - previous) / period;  // whole periods elapsed since `previous`
  return previous + (missed + 1) * period;
}

size_t packetsBeforeDeadline(MonoTime deadline, std::span<const std::optional<MonoTime>> rxTimes) {
  size_t n = 0;
  while (n < rxTimes.size() && rxTimes[n] && *rxTimes[n] <= deadline) {
    ++n;
  }
  return n;
}

}  // namespace lvsd::vrrp
