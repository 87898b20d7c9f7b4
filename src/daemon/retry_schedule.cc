#include "daemon/retry_schedule.h"

#include <algorithm>

namespace lvsd::daemon {

void RetrySchedule::failed(const std::string& key, MonoTime now) {
  auto [it, fresh] = entries_.try_emplace(key);
  Entry& e = it->second;
  if (!fresh && now < e.due) {
    return;
  }
  ++e.failures;
  Duration delay = policy_.initial;
  for (uint32_t i = 1; i < e.failures && delay < policy_.max; ++i) {
    delay *= 2;
  }
  e.due = now + std::min(delay, policy_.max);
}

const RetrySchedule::Entry* RetrySchedule::find(const std::string& key) const {
  const auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

std::optional<MonoTime> RetrySchedule::nextDue() const {
  std::optional<MonoTime> out;
  for (const auto& [key, e] : entries_) {
    if (!out || e.due < *out) {
      out = e.due;
    }
  }
  return out;
}

}  // namespace lvsd::daemon
