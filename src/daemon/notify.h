#pragma once
// sd_notify(3) for Type=notify: READY/RELOADING/STOPPING/STATUS and the watchdog. Every call is a
// no-op when NOTIFY_SOCKET is unset (not started by systemd).

#include <optional>
#include <string_view>

#include "common/clock.h"

namespace lvsd::daemon {

class Notifier {
public:
  void ready(std::string_view status);
  /// RELOADING=1 with MONOTONIC_USEC (systemd 253+ wants it; older versions ignore it).
  void reloading();
  void stopping();
  void status(std::string_view status);
  /// @return WatchdogSec when systemd enabled the watchdog for this process.
  [[nodiscard]] std::optional<Duration> watchdogInterval() const;
  void watchdogPing();
};

}  // namespace lvsd::daemon
