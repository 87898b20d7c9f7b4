#include "common/log.h"

#include <gtest/gtest.h>

#include "common/testing.h"

namespace lvsd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Logger, FiltersByLevelAndKeepsFields) {
  MemoryLogSink sink;
  Logger log(sink, "supervisor", LogLevel::Info);
  log.debug("hidden");
  log.warning("child died", {{"child", "vrrp"}, {"event", "child_restart"}});
  ASSERT_EQ(sink.entries().size(), 1u);
  const auto& e = sink.entries()[0];
  EXPECT_EQ(e.level, LogLevel::Warning);
  EXPECT_EQ(e.component, "supervisor");
  EXPECT_EQ(e.message, "child died");
  ASSERT_EQ(e.fields.size(), 2u);
  EXPECT_EQ(e.fields[1].value, "child_restart");

  Logger child = log.forComponent("vrrp");
  child.setMinLevel(LogLevel::Debug);
  child.debug("visible");
  EXPECT_EQ(sink.entries().back().component, "vrrp");
  EXPECT_EQ(logLevelName(LogLevel::Error), "err");
}

TEST(RateLimit, BurstThenRefill) {
  testing::ManualClock clock;
  RateLimit rl(clock, seconds(10), 5);  // 5 lines per 10 s: one token every 2 s
  int allowed = 0;
  for (int i = 0; i < 20; ++i) {
    allowed += rl.allow() ? 1 : 0;
  }
  EXPECT_EQ(allowed, 5);
  EXPECT_EQ(rl.takeSuppressed(), 15u);
  EXPECT_EQ(rl.takeSuppressed(), 0u);
  clock.advance(milliseconds(1999));
  EXPECT_FALSE(rl.allow());
  clock.advance(milliseconds(1));
  EXPECT_TRUE(rl.allow());
  EXPECT_FALSE(rl.allow());
  clock.advance(seconds(3600));
  allowed = 0;
  for (int i = 0; i < 20; ++i) {
    allowed += rl.allow() ? 1 : 0;
  }
  EXPECT_EQ(allowed, 5) << "refill is capped at the burst";
}

}  // namespace
}  // namespace lvsd
