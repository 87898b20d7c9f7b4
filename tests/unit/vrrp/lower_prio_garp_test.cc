// Lower-priority GARP bursts: at most one burst per delay, bounded under a flood of adverts.
#include "vrrp/track/lower_prio_garp.h"

#include <gtest/gtest.h>

#include "common/testing.h"

namespace lvsd::vrrp::track {
namespace {
using lvsd::testing::ManualClock;
using std::chrono::milliseconds;

TEST(LowerPrioGarp, FirstAdvertSendsABurst) {
  ManualClock clock;
  LowerPrioGarp g(5, milliseconds(5000));
  EXPECT_EQ(g.onLowerPriorityAdvert(clock.now()), 5U);
}

TEST(LowerPrioGarp, AtMostOneBurstPerDelay) {
  ManualClock clock;
  LowerPrioGarp g(3, milliseconds(5000));
  EXPECT_EQ(g.onLowerPriorityAdvert(clock.now()), 3U);
  clock.advance(milliseconds(4999));
  EXPECT_EQ(g.onLowerPriorityAdvert(clock.now()), 0U);
  clock.advance(milliseconds(1));
  EXPECT_EQ(g.onLowerPriorityAdvert(clock.now()), 3U);
}

TEST(LowerPrioGarp, FloodIsBounded) {
  // 10 s of adverts every 1 ms with a 5 s delay: two bursts (t = 0 and t = 5 s), not 10,000.
  ManualClock clock;
  LowerPrioGarp g(5, milliseconds(5000));
  uint64_t rounds = 0;
  uint32_t bursts = 0;
  for (int i = 0; i < 10000; ++i) {
    const uint32_t n = g.onLowerPriorityAdvert(clock.now());
    rounds += n;
    bursts += n > 0 ? 1 : 0;
    clock.advance(milliseconds(1));
  }
  EXPECT_EQ(bursts, 2U);
  EXPECT_EQ(rounds, 10U);
}

TEST(LowerPrioGarp, ZeroRepeatDisables) {
  ManualClock clock;
  LowerPrioGarp g(0, milliseconds(0));
  EXPECT_EQ(g.onLowerPriorityAdvert(clock.now()), 0U);
}

TEST(LowerPrioGarp, ResetAllowsABurstAtOnce) {
  ManualClock clock;
  LowerPrioGarp g(2, milliseconds(5000));
  EXPECT_EQ(g.onLowerPriorityAdvert(clock.now()), 2U);
  g.reset();
  clock.advance(milliseconds(10));
  EXPECT_EQ(g.onLowerPriorityAdvert(clock.now()), 2U);
}

TEST(LowerPrioGarp, ZeroDelayIsStillOneBurstPerSecond) {
  // lower_prio_delay defaults to master_delay, often 0: a flood must not be amplified anyway.
  ManualClock clock;
  LowerPrioGarp g(1, milliseconds(0));
  EXPECT_EQ(g.onLowerPriorityAdvert(clock.now()), 1U);
  clock.advance(milliseconds(999));
  EXPECT_EQ(g.onLowerPriorityAdvert(clock.now()), 0U);
  clock.advance(milliseconds(1));
  EXPECT_EQ(g.onLowerPriorityAdvert(clock.now()), 1U);
}

}  // namespace
}  // namespace lvsd::vrrp::track
