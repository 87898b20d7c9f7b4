// Priority tracking semantics (keepalived's): weight 0 faults, signed weights, reverse, files,
// clamping, owner untouched; rise/fall debouncing.
#include "vrrp/track/tracker.h"

#include <gtest/gtest.h>

namespace lvsd::vrrp::track {

TEST(Tracker, WeightZeroDownIsFault) {
  PriorityTracker t(100);
  const auto id = t.addBinary(0, false, true);
  EXPECT_FALSE(t.fault());
  t.setUp(id, false);
  EXPECT_TRUE(t.fault());
  EXPECT_EQ(t.effectivePriority(), 100);
}

TEST(Tracker, NegativeWeightCountsWhileDownPositiveWhileUp) {
  PriorityTracker t(100);
  const auto neg = t.addBinary(-30, false, true);
  const auto pos = t.addBinary(20, false, true);
  EXPECT_EQ(t.effectivePriority(), 120);
  t.setUp(neg, false);
  EXPECT_EQ(t.effectivePriority(), 90);
  t.setUp(pos, false);
  EXPECT_EQ(t.effectivePriority(), 70);
  EXPECT_FALSE(t.fault());
}

TEST(Tracker, ReverseInvertsTheSign) {
  PriorityTracker t(100);
  const auto id = t.addBinary(-30, true, false);
  EXPECT_EQ(t.effectivePriority(), 130);
  t.setUp(id, true);
  EXPECT_EQ(t.effectivePriority(), 100);
}

TEST(Tracker, FileValueTimesWeightAndFaultOnZeroWeight) {
  PriorityTracker t(100);
  const auto f = t.addValue(-10, false, 0);
  EXPECT_EQ(t.effectivePriority(), 100);
  t.setValue(f, 3);
  EXPECT_EQ(t.effectivePriority(), 70);
  const auto z = t.addValue(0, false, 0);
  EXPECT_FALSE(t.fault());
  t.setValue(z, 1);
  EXPECT_TRUE(t.fault());
}

TEST(Tracker, ClampedAndOwnerUnchanged) {
  PriorityTracker t(100);
  const auto f = t.addValue(100, false, 5);
  EXPECT_EQ(t.effectivePriority(), 254);
  t.setValue(f, -5);
  EXPECT_EQ(t.effectivePriority(), 1);
  PriorityTracker owner(255);
  owner.addBinary(-50, false, false);
  EXPECT_EQ(owner.effectivePriority(), 255);
}

TEST(RiseFall, NeedsConsecutiveResults) {
  RiseFall rf(2, 3, true);
  EXPECT_FALSE(rf.onResult(false));
  EXPECT_FALSE(rf.onResult(false));
  EXPECT_FALSE(rf.onResult(true));  // streak broken
  EXPECT_FALSE(rf.onResult(false));
  EXPECT_FALSE(rf.onResult(false));
  EXPECT_TRUE(rf.onResult(false));
  EXPECT_FALSE(rf.up());
  EXPECT_FALSE(rf.onResult(true));
  EXPECT_TRUE(rf.onResult(true));
  EXPECT_TRUE(rf.up());
}

}  // namespace lvsd::vrrp::track
