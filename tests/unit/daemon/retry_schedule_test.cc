// IPVS retry backoff of the checker child (daemon/retry_schedule.h), driven by a manual clock.
#include "daemon/retry_schedule.h"

#include <gtest/gtest.h>

#include "common/testing.h"

namespace lvsd::daemon {
namespace {

using std::chrono::seconds;
using testing::ManualClock;

TEST(RetrySchedule, DoublesFromOneSecondToThirty) {
  ManualClock clock;
  RetrySchedule r;
  const MonoTime t0 = clock.now();
  EXPECT_FALSE(r.nextDue());
  r.failed("TCP 10.0.0.1:80", clock.now());
  std::vector<int64_t> gaps;
  for (int i = 0; i < 8; ++i) {
    const MonoTime due = *r.nextDue();
    gaps.push_back(std::chrono::duration_cast<seconds>(due - clock.now()).count());
    clock.set(due);  // the timer fires; the retry fails again
    r.failed("TCP 10.0.0.1:80", clock.now());
  }
  EXPECT_EQ(gaps, (std::vector<int64_t>{1, 2, 4, 8, 16, 30, 30, 30}));
  EXPECT_EQ(r.find("TCP 10.0.0.1:80")->failures, 9u);
  EXPECT_GT(clock.now(), t0);
}

TEST(RetrySchedule, EarlyFailuresKeepTheSchedule) {
  ManualClock clock;
  RetrySchedule r;
  r.failed("a", clock.now());
  const MonoTime due = *r.nextDue();
  clock.advance(std::chrono::milliseconds(400));  // a health sync fails it again before the retry
  r.failed("a", clock.now());
  EXPECT_EQ(*r.nextDue(), due);
  EXPECT_EQ(r.find("a")->failures, 1u);
}

TEST(RetrySchedule, SuccessAndResetStopRetries) {
  ManualClock clock;
  RetrySchedule r;
  r.failed("a", clock.now());
  clock.advance(std::chrono::milliseconds(500));
  r.failed("b", clock.now());
  EXPECT_EQ(*r.nextDue(), clock.now() + std::chrono::milliseconds(500));  // a's, the earliest
  r.succeeded("a");
  EXPECT_EQ(*r.nextDue(), clock.now() + seconds(1));
  EXPECT_EQ(r.find("a"), nullptr);
  r.reset();
  EXPECT_FALSE(r.nextDue());
}

TEST(RetrySchedule, CustomPolicy) {
  ManualClock clock;
  RetrySchedule r({std::chrono::milliseconds(100), std::chrono::milliseconds(250)});
  r.failed("a", clock.now());
  EXPECT_EQ(*r.nextDue() - clock.now(), std::chrono::milliseconds(100));
  clock.set(*r.nextDue());
  r.failed("a", clock.now());
  EXPECT_EQ(*r.nextDue() - clock.now(), std::chrono::milliseconds(200));
  clock.set(*r.nextDue());
  r.failed("a", clock.now());
  EXPECT_EQ(*r.nextDue() - clock.now(), std::chrono::milliseconds(250));
}

}  // namespace
}  // namespace lvsd::daemon
