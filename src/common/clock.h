#pragma once
// Time sources and timers as interfaces, so pure cores never read the wall clock (house style:
// Envoy's TimeSource/Dispatcher). The Asio implementation lives in asio_timer.h; tests use
// ManualClock / FakeTimerService from common/testing.h.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace lvsd {

using MonoTime = std::chrono::steady_clock::time_point;
using Duration = std::chrono::steady_clock::duration;

/// Reads monotonic time.
class Clock {
public:
  virtual ~Clock() = default;
  /// @return the current monotonic time.
  virtual MonoTime now() const = 0;
};

/// Handle to a timer created by a TimerService.
class Timer {
public:
  virtual ~Timer() = default;
  /// (Re)arms the timer to fire once after @p after; re-arming cancels the previous expiry.
  virtual void arm(Duration after) = 0;
  /// Cancels a pending expiry; the callback will not run.
  virtual void cancel() = 0;
  /// @return true while an expiry is pending.
  virtual bool armed() const = 0;
};

/// Creates timers that call back on the owning event loop.
class TimerService {
public:
  virtual ~TimerService() = default;
  /// @param cb called on expiry, on the loop thread.
  /// @return a timer, disarmed.
  virtual std::unique_ptr<Timer> createTimer(std::function<void()> cb) = 0;
  virtual const Clock& clock() const = 0;
};

}  // namespace lvsd
