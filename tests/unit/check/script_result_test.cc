#include "check/core/script_result.h"

#include <gtest/gtest.h>

namespace lvsd::check {
namespace {

TEST(ScriptResult, MiscDynamicMapping) {
  EXPECT_EQ(scriptExitOutcome(0, true).verdict, Verdict::Up);
  EXPECT_FALSE(scriptExitOutcome(0, true).weight);
  EXPECT_EQ(scriptExitOutcome(1, true).verdict, Verdict::Down);
  EXPECT_EQ(scriptExitOutcome(2, true).weight, 0U);
  EXPECT_EQ(scriptExitOutcome(12, true).weight, 10U);
  EXPECT_EQ(scriptExitOutcome(255, true).weight, 253U);
  EXPECT_EQ(scriptExitOutcome(12, false).verdict, Verdict::Down);
  EXPECT_EQ(scriptExitOutcome(-9, true).verdict, Verdict::Down);  // killed by a signal
}

TEST(ScriptResult, WeightFile) {
  EXPECT_EQ(parseWeightFile("17\n").weight, 17U);
  EXPECT_EQ(parseWeightFile("  0 extra").weight, 0U);
  EXPECT_EQ(parseWeightFile("").verdict, Verdict::Down);
  EXPECT_EQ(parseWeightFile("12x").verdict, Verdict::Down);
  EXPECT_EQ(parseWeightFile("70000").verdict, Verdict::Down);
  EXPECT_EQ(parseWeightFile("-3").verdict, Verdict::Down);
}

}  // namespace
}  // namespace lvsd::check
