#include "daemon/backoff.h"

#include <gtest/gtest.h>

#include "common/testing.h"

namespace lvsd::daemon {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RestartBackoff, DoublesUpToMaxOnQuickCrashes) {
  testing::ManualClock clock;
  RestartBackoff b;
  std::vector<Duration> delays;
  for (int i = 0; i < 8; ++i) {
    const MonoTime started = clock.now();
    clock.advance(milliseconds(50));
    const Duration d = b.onExit(started, clock.now());
    delays.push_back(d);
    clock.advance(d);
  }
  const std::vector<Duration> want = {milliseconds(200),  milliseconds(400),  milliseconds(800),
                                      milliseconds(1600), milliseconds(3200), seconds(5),
                                      seconds(5),         seconds(5)};
  EXPECT_EQ(delays, want);
}

TEST(RestartBackoff, ResetsAfterAStableRun) {
  testing::ManualClock clock;
  RestartBackoff b;
  for (int i = 0; i < 4; ++i) {
    (void)b.onExit(clock.now(), clock.now());
  }
  EXPECT_EQ(b.peek(), milliseconds(3200));
  const MonoTime started = clock.now();
  clock.advance(seconds(59));
  EXPECT_EQ(b.onExit(started, clock.now()), milliseconds(3200)) << "59 s is not stable yet";
  const MonoTime started2 = clock.now();
  clock.advance(seconds(60));
  EXPECT_EQ(b.onExit(started2, clock.now()), milliseconds(200));
  EXPECT_EQ(b.peek(), milliseconds(400));
}

TEST(RestartBackoff, CustomPolicy) {
  RestartBackoff b(RestartBackoff::Policy{seconds(1), seconds(3), seconds(10)});
  const MonoTime t{};
  EXPECT_EQ(b.onExit(t, t), seconds(1));
  EXPECT_EQ(b.onExit(t, t), seconds(2));
  EXPECT_EQ(b.onExit(t, t), seconds(3));
  EXPECT_EQ(b.onExit(t, t), seconds(3));
  EXPECT_EQ(b.onExit(t, t + seconds(10)), seconds(1));
}

}  // namespace
}  // namespace lvsd::daemon
