#pragma once
// Test doubles for Clock/TimerService: time moves only when the test says so.

#include <algorithm>
#include <memory>
#include <vector>

#include "common/clock.h"

namespace lvsd::testing {

class ManualClock : public Clock {
public:
  MonoTime now() const override { return now_; }
  void advance(Duration d) { now_ += d; }
  void set(MonoTime t) { now_ = t; }

private:
  MonoTime now_{std::chrono::hours(1)};
};

/// Timers that fire when advance() moves the manual clock past their deadline, in deadline order.
class FakeTimerService : public TimerService {
public:
  std::unique_ptr<Timer> createTimer(std::function<void()> cb) override {
    auto t = std::make_unique<FakeTimer>(*this, std::move(cb));
    timers_.push_back(t.get());
    return t;
  }
  const Clock& clock() const override { return clock_; }
  ManualClock& manualClock() { return clock_; }

  /// Moves time forward by @p d, firing every timer whose deadline falls inside, in order.
  void advance(Duration d) {
    const MonoTime end = clock_.now() + d;
    for (;;) {
      FakeTimer* next = nullptr;
      for (FakeTimer* t : timers_) {
        if (t->armed_ && t->deadline_ <= end && (!next || t->deadline_ < next->deadline_)) {
          next = t;
        }
      }
      if (!next) {
        break;
      }
      clock_.set(next->deadline_);
      next->armed_ = false;
      next->cb_();
    }
    clock_.set(end);
  }

private:
  class FakeTimer : public Timer {
  public:
    FakeTimer(FakeTimerService& s, std::function<void()> cb) : svc_(s), cb_(std::move(cb)) {}
    ~FakeTimer() override {
      auto& v = svc_.timers_;
      v.erase(std::remove(v.begin(), v.end(), this), v.end());
    }
    void arm(Duration after) override {
      deadline_ = svc_.clock_.now() + after;
      armed_ = true;
    }
    void cancel() override { armed_ = false; }
    bool armed() const override { return armed_; }

    FakeTimerService& svc_;
    std::function<void()> cb_;
    MonoTime deadline_{};
    bool armed_ = false;
  };

  ManualClock clock_;
  std::vector<FakeTimer*> timers_;
};

}  // namespace lvsd::testing
