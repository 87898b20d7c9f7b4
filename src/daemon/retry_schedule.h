#pragma once
// When to try again a virtual service the kernel refused (pure): the first retry `initial`
// after the failure, each further one twice as late, at most `max` apart, until it succeeds or
// the config changes (reset()). The checker child arms one timer at nextDue().

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/clock.h"

namespace lvsd::daemon {

class RetrySchedule {
public:
  struct Policy {
    Duration initial = std::chrono::seconds(1);
    Duration max = std::chrono::seconds(30);
  };
  struct Entry {
    uint32_t failures = 0;  ///< attempts that failed, the first one included
    MonoTime due{};         ///< next retry
  };

  RetrySchedule() = default;
  explicit RetrySchedule(Policy p) : policy_(p) {}

  /// An attempt at @p key failed at @p now. A failure before its retry was due (a sync for
  /// another reason) keeps the schedule; one at or after it counts and doubles the delay.
  void failed(const std::string& key, MonoTime now);
  /// @p key is programmed: no more retries.
  void succeeded(const std::string& key) { entries_.erase(key); }
  /// A new config: every service gets a fresh start.
  void reset() { entries_.clear(); }

  [[nodiscard]] const Entry* find(const std::string& key) const;
  /// @return the earliest due retry, nothing when no service is failing.
  [[nodiscard]] std::optional<MonoTime> nextDue() const;
  [[nodiscard]] const std::map<std::string, Entry>& entries() const { return entries_; }

private:
  Policy policy_{};
  std::map<std::string, Entry> entries_;
};

}  // namespace lvsd::daemon
