#pragma once
// Clock/TimerService on a Boost.Asio io_context (the adapter behind common/clock.h).

#include <boost/asio/io_context.hpp>
#include <memory>

#include "common/clock.h"

namespace lvsd {

/// std::chrono::steady_clock.
class SteadyClock : public Clock {
public:
  MonoTime now() const override { return std::chrono::steady_clock::now(); }
};

/// Timers backed by boost::asio::steady_timer; callbacks run on the io_context's thread.
class AsioTimerService : public TimerService {
public:
  explicit AsioTimerService(boost::asio::io_context& io) : io_(io) {}
  std::unique_ptr<Timer> createTimer(std::function<void()> cb) override;
  const Clock& clock() const override { return clock_; }

private:
  boost::asio::io_context& io_;
  SteadyClock clock_;
};

}  // namespace lvsd
