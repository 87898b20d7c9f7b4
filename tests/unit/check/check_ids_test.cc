#include "check/core/check_ids.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "check/core/scheduler.h"
#include "common/testing.h"

namespace lvsd::check {
namespace {

TEST(CheckIdAllocator, DenseSlotsNeverZero) {
  CheckIdAllocator ids;
  for (uint32_t i = 0; i < 100; ++i) {
    const CheckId id = ids.allocate();
    EXPECT_NE(id, 0U);
    EXPECT_EQ(checkSlot(id), i);
  }
}

TEST(CheckIdAllocator, FreedSlotComesBackWithAnotherId) {
  CheckIdAllocator ids;
  const CheckId a = ids.allocate();
  const CheckId b = ids.allocate();
  ids.release(a);
  const CheckId c = ids.allocate();
  EXPECT_EQ(checkSlot(c), checkSlot(a));
  EXPECT_NE(c, a);
  EXPECT_NE(c, b);
  EXPECT_EQ(checkSlot(ids.allocate()), 2U);  // no other slot was free
}

TEST(CheckIdAllocator, StaleAndRepeatedReleasesAreIgnored) {
  CheckIdAllocator ids;
  const CheckId a = ids.allocate();
  ids.release(a);
  ids.release(a);  // twice: the slot must not be handed out twice
  const CheckId b = ids.allocate();
  ids.release(a);  // a's generation is over: b keeps the slot
  const CheckId c = ids.allocate();
  EXPECT_EQ(checkSlot(b), checkSlot(a));
  EXPECT_NE(checkSlot(c), checkSlot(b));
}

TEST(CheckIdAllocator, GenerationsWrapWithoutZeroOrRepeatWithinACycle) {
  CheckIdAllocator ids;
  std::set<CheckId> seen;
  for (uint32_t i = 0; i < 2 * kCheckGenerations; ++i) {
    const CheckId id = ids.allocate();
    ASSERT_NE(id, 0U);
    ASSERT_EQ(checkSlot(id), 0U);
    if (i < kCheckGenerations - 1) {
      EXPECT_TRUE(seen.insert(id).second) << i;
    }
    ids.release(id);
  }
}

TEST(CheckTable, FindsOnlyTheExactId) {
  CheckIdAllocator ids;
  CheckTable<std::string> t;
  const CheckId a = ids.allocate();
  t.insert(a, "a");
  ASSERT_NE(t.find(a), nullptr);
  EXPECT_EQ(*t.find(a), "a");
  EXPECT_EQ(t.find(0), nullptr);
  EXPECT_EQ(t.find(a + 1), nullptr);  // another slot, never set
  ids.release(a);
  const CheckId b = ids.allocate();  // same slot, next generation
  EXPECT_EQ(t.find(b), nullptr);
  t.insert(b, "b");
  EXPECT_EQ(t.find(a), nullptr);
  EXPECT_EQ(*t.find(b), "b");
  EXPECT_EQ(t.size(), 1U);
  EXPECT_FALSE(t.erase(a));
  EXPECT_TRUE(t.erase(b));
  EXPECT_EQ(t.size(), 0U);
  EXPECT_EQ(t.find(b), nullptr);
}

TEST(CheckTable, ForEachVisitsLiveRows) {
  CheckTable<int> t;
  t.insert(3, 30);
  t.insert(1, 10);
  t.insert(7, 70);
  t.erase(3);
  int sum = 0;
  size_t rows = 0;
  t.forEach([&](CheckId, int& v) {
    sum += v;
    ++rows;
  });
  EXPECT_EQ(sum, 80);
  EXPECT_EQ(rows, 2U);
  EXPECT_EQ(t.size(), 2U);
}

// A removed check's queued run must not start the check that takes its slot.
TEST(SchedulerIds, ReusedSlotDoesNotInheritTheOldSchedule) {
  SplitMix64 rng{7};
  Scheduler sched{rng};
  testing::ManualClock clock;
  CheckParams fast;
  fast.interval = std::chrono::milliseconds(10);
  fast.jitter = 0;
  CheckParams slow = fast;
  slow.interval = std::chrono::seconds(100);
  const MonoTime t0 = clock.now();
  const CheckId a = sched.add(fast, t0);
  sched.remove(a);
  const CheckId b = sched.add(slow, t0);
  EXPECT_EQ(checkSlot(b), checkSlot(a));
  EXPECT_FALSE(sched.contains(a));
  EXPECT_EQ(sched.status(a), nullptr);
  // a's first run was due within 10 ms; b's is not due before 100 s * its start offset.
  EXPECT_TRUE(sched.takeDue(t0 + std::chrono::milliseconds(10)).empty());
  Outcome up;
  up.verdict = Verdict::Up;
  EXPECT_EQ(sched.onResult(a, up, t0).transition, Transition::Unchanged);  // ignored
  EXPECT_EQ(sched.status(b)->probes, 0U);
  EXPECT_EQ(sched.size(), 1U);
}

}  // namespace
}  // namespace lvsd::check
