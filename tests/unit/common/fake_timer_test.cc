#include <gtest/gtest.h>

#include <string>

#include "common/testing.h"

namespace lvsd {
namespace {

using std::chrono::milliseconds;

TEST(FakeTimerService, FiresInDeadlineOrderAndOnlyWhenDue) {
  testing::FakeTimerService ts;
  std::string order;
  auto a = ts.createTimer([&] { order += "a"; });
  auto b = ts.createTimer([&] { order += "b"; });
  a->arm(milliseconds(30));
  b->arm(milliseconds(10));
  ts.advance(milliseconds(9));
  EXPECT_EQ(order, "");
  ts.advance(milliseconds(25));
  EXPECT_EQ(order, "ba");
  EXPECT_FALSE(a->armed());
}

TEST(FakeTimerService, CancelAndRearmFromCallback) {
  testing::FakeTimerService ts;
  int fired = 0;
  std::unique_ptr<Timer> t;
  t = ts.createTimer([&] {
    if (++fired < 3) {
      t->arm(milliseconds(100));
    }
  });
  t->arm(milliseconds(100));
  ts.advance(milliseconds(1000));
  EXPECT_EQ(fired, 3);
  t->arm(milliseconds(5));
  t->cancel();
  ts.advance(milliseconds(10));
  EXPECT_EQ(fired, 3);
}

}  // namespace
}  // namespace lvsd
