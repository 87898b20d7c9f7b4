// GARP/NA burst scheduling: rounds spaced by interval (v4) and na_interval (v6).
#include "vrrp/track/garp_plan.h"

#include <gtest/gtest.h>

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
