// GARP/NA burst scheduling: rounds spaced by interval (v4) and na_interval (v6).
#include "vrrp/track/garp_plan.h"

#include <gtest/gtest.h>

#include "common/testing.h"

namespace lvsd::vrrp::track {
namespace {
using std::chrono::milliseconds;

TEST(GarpPlan, ZeroIntervalSendsAllAtOnce) {
  const auto p = planGarpBurst(3, true, false, milliseconds(0), milliseconds(0));
  ASSERT_EQ(p.size(), 3U);
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(p[i], (GarpSend{milliseconds(0), false, i}));
  }
}

TEST(GarpPlan, RoundsSpacedByInterval) {
  const auto p = planGarpBurst(3, true, false, milliseconds(100), milliseconds(0));
  ASSERT_EQ(p.size(), 3U);
  EXPECT_EQ(p[1].at, milliseconds(100));
  EXPECT_EQ(p[2].at, milliseconds(200));
}

TEST(GarpPlan, FamiliesUseTheirOwnGapsAndInterleaveByTime) {
  const auto p = planGarpBurst(2, true, true, milliseconds(300), milliseconds(100));
  ASSERT_EQ(p.size(), 4U);
  EXPECT_EQ(p[0], (GarpSend{milliseconds(0), false, 0}));
  EXPECT_EQ(p[1], (GarpSend{milliseconds(0), true, 0}));
  EXPECT_EQ(p[2], (GarpSend{milliseconds(100), true, 1}));
  EXPECT_EQ(p[3], (GarpSend{milliseconds(300), false, 1}));
}

TEST(GarpPlan, ZeroRepeatOrNoAddressesIsEmpty) {
  EXPECT_TRUE(planGarpBurst(0, true, true, milliseconds(1), milliseconds(1)).empty());
  EXPECT_TRUE(planGarpBurst(5, false, false, milliseconds(1), milliseconds(1)).empty());
}

}  // namespace
}  // namespace lvsd::vrrp::track

namespace lvsd::vrrp::track {
namespace {

using Kind = TakeoverBurst::Kind;

TEST(TakeoverGarp, SecondBurstAfterMasterDelay) {
  // keepalived's defaults: 5 GARPs at once, 5 more 5 s later; no refresh.
  const auto p = planTakeoverGarp(TakeoverGarp{}, std::chrono::seconds(60));
  ASSERT_EQ(p.size(), 2U);
  EXPECT_EQ(p[0], (TakeoverBurst{milliseconds(0), 5, Kind::Initial}));
  EXPECT_EQ(p[1], (TakeoverBurst{milliseconds(5000), 5, Kind::Delayed}));
}

TEST(TakeoverGarp, ZeroDelayMeansNoSecondBurst) {
  const auto p = planTakeoverGarp(TakeoverGarp{3, milliseconds(0)}, std::chrono::seconds(60));
  ASSERT_EQ(p.size(), 1U);
  EXPECT_EQ(p[0].kind, Kind::Initial);
  EXPECT_EQ(p[0].repeat, 3U);
}

TEST(TakeoverGarp, FakeClockSeesBurstsWhenDue) {
  // Walk a fake clock from the takeover in 100 ms steps and collect what became due in each
  // step: the engine's timers fire the same way.
  testing::ManualClock clock;
  const MonoTime becameMaster = clock.now();
  const TakeoverGarp cfg{5, milliseconds(2000), milliseconds(3000), 2};
  const auto plan = planTakeoverGarp(cfg, std::chrono::seconds(10));
  std::vector<std::pair<milliseconds, Kind>> fired;
  size_t next = 0;
  for (int step = 0; step <= 100; ++step) {
    const auto since = std::chrono::duration_cast<milliseconds>(clock.now() - becameMaster);
    while (next < plan.size() && plan[next].at <= since) {
      fired.emplace_back(since, plan[next].kind);
      ++next;
    }
    clock.advance(milliseconds(100));
  }
  const std::vector<std::pair<milliseconds, Kind>> want{
      {milliseconds(0), Kind::Initial},    {milliseconds(2000), Kind::Delayed},
      {milliseconds(3000), Kind::Refresh}, {milliseconds(6000), Kind::Refresh},
      {milliseconds(9000), Kind::Refresh},
  };
  EXPECT_EQ(fired, want);
  EXPECT_EQ(plan[2].repeat, 2U);  // refreshes use master_refresh_repeat
}

TEST(TakeoverGarp, SecondBurstBeforeARefreshAtTheSameTime) {
  const auto p = planTakeoverGarp(TakeoverGarp{1, milliseconds(1000), milliseconds(1000), 1},
                                  milliseconds(1000));
  ASSERT_EQ(p.size(), 3U);
  EXPECT_EQ(p[1].kind, Kind::Delayed);
  EXPECT_EQ(p[2].kind, Kind::Refresh);
}

TEST(TakeoverGarp, ZeroRepeatSendsNothing) {
  EXPECT_TRUE(
      planTakeoverGarp(TakeoverGarp{0, milliseconds(1000)}, std::chrono::seconds(9)).empty());
}

}  // namespace
}  // namespace lvsd::vrrp::track
