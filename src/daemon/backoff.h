#pragma once
// Restart policy for supervised children (pure): the delay before the next restart starts at
// `initial`, doubles on each quick crash up to `max`, and resets once a child ran for `stable`.

#include "common/clock.h"

namespace lvsd::daemon {

class RestartBackoff {
public:
  struct Policy {
    Duration initial = std::chrono::milliseconds(200);
    Duration max = std::chrono::seconds(5);
    Duration stable = std::chrono::seconds(60);
  };

  RestartBackoff() = default;
  explicit RestartBackoff(Policy p) : policy_(p), next_(p.initial) {}

  /// A child that started at @p startedAt exited at @p exitedAt.
  /// @return how long to wait before starting it again.
  Duration onExit(MonoTime startedAt, MonoTime exitedAt);
  /// @return the delay the next quick crash would get.
  [[nodiscard]] Duration peek() const { return next_; }

private:
  Policy policy_{};
  Duration next_ = Policy{}.initial;
};

}  // namespace lvsd::daemon
