#include "daemon/notify.h"

#include <systemd/sd-daemon.h>

#include <ctime>
#include <string>

namespace lvsd::daemon {
namespace {

void send(const std::string& s) { sd_notify(0, s.c_str()); }

}  // namespace

void Notifier::ready(std::string_view status) { send("READY=1\nSTATUS=" + std::string(status)); }

void Notifier::reloading() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const long long usec = static_cast<long long>(ts.tv_sec) * 1000000LL + ts.tv_nsec / 1000;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=reloading");
}

void Notifier::stopping() { send("STOPPING=1\nSTATUS=stopping"); }

void Notifier::status(std::string_view status) { send("STATUS=" + std::string(status)); }

std::optional<Duration> Notifier::watchdogInterval() const {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    return std::chrono::microseconds(usec);
  }
  return std::nullopt;
}

void Notifier::watchdogPing() { send("WATCHDOG=1"); }

}  // namespace lvsd::daemon
