#include "check/core/weight.h"

#include <gtest/gtest.h>

#include <cmath>

#include "common/testing.h"

namespace lvsd::check {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

MonoTime t0() { return MonoTime{} + std::chrono::hours(1); }

TEST(WeightCalculator, UpUsesConfiguredWeightDownIsRemovedOrInhibited) {
  WeightParams p;
  p.weight = 7;
  WeightCalculator w(p, true, t0());
  EXPECT_EQ(w.decision(t0()), (DestDecision{true, 7, 7, true}));
  w.onHealth(false, t0());
  EXPECT_EQ(w.decision(t0()), (DestDecision{false, 0, 0}));
  p.inhibitOnFailure = true;
  WeightCalculator inh(p, false, t0());
  EXPECT_EQ(inh.decision(t0()), (DestDecision{true, 0, 0}));
}

TEST(WeightCalculator, SlowStartRampsFromOneToTarget) {
  WeightParams p;
  p.weight = 10;
  p.slowStart = seconds(10);
  WeightCalculator w(p, false, t0());
  const MonoTime up = t0() + seconds(3);
  w.onHealth(true, up);
  EXPECT_EQ(w.decision(up).weight, 1U);
  EXPECT_EQ(w.decision(up).target, 10U);
  EXPECT_EQ(w.decision(up + seconds(5)).weight, 5U);
  EXPECT_EQ(w.decision(up + milliseconds(9999)).weight, 9U);
  EXPECT_EQ(w.decision(up + seconds(10)).weight, 10U);
  // nextChange walks every step exactly once, ending at the ramp's end.
  MonoTime t = up;
  uint32_t last = w.decision(t).weight;
  int steps = 0;
  while (auto n = w.nextChange(t)) {
    ASSERT_GT(*n, t);
    t = *n;
    const uint32_t now = w.decision(t).weight;
    EXPECT_EQ(now, last + 1) << "at step " << steps;
    last = now;
    ++steps;
  }
  EXPECT_EQ(last, 10U);
  EXPECT_EQ(steps, 9);
  EXPECT_EQ(t, up + seconds(10));
}

TEST(WeightCalculator, NoSlowStartAtInitialUp) {
  WeightParams p;
  p.weight = 10;
  p.slowStart = seconds(10);
  WeightCalculator w(p, true, t0());
  EXPECT_EQ(w.decision(t0()).weight, 10U);
  EXPECT_FALSE(w.nextChange(t0()));
}

TEST(WeightCalculator, AgentPercentDrainMaintReady) {
  WeightParams p;
  p.weight = 20;
  WeightCalculator w(p, true, t0());
  Outcome o;
  o.verdict = Verdict::NoChange;
  o.weightPercent = 50;
  w.onOutcome(o);
  EXPECT_EQ(w.decision(t0()).weight, 10U);
  o = {};
  o.verdict = Verdict::NoChange;
  o.admin = Admin::Drain;
  w.onOutcome(o);
  EXPECT_EQ(w.decision(t0()), (DestDecision{true, 0, 0, true}));
  o.admin = Admin::Maint;
  w.onOutcome(o);
  EXPECT_FALSE(w.decision(t0()).present);
  o.admin = Admin::Ready;
  w.onOutcome(o);
  EXPECT_EQ(w.decision(t0()).weight, 10U);  // percent persists until changed
}

TEST(WeightCalculator, ScriptWeightOverridesConfigured) {
  WeightParams p;
  p.weight = 5;
  WeightCalculator w(p, true, t0());
  Outcome o = Outcome::up();
  o.weight = 42;
  w.onOutcome(o);
  EXPECT_EQ(w.decision(t0()).weight, 42U);
}

TEST(WeightCalculator, FeedbackGrowsWhenFastShrinksWhenSlowAndRespectsClamp) {
  WeightParams p;
  p.weight = 10;
  p.feedback.enabled = true;
  p.feedback.gain = 2.0;
  p.feedback.scale = 1.5;
  p.feedback.threshold = 1.0;
  p.feedback.rtReference = milliseconds(100);
  WeightCalculator w(p, true, t0());
  Outcome fast = Outcome::up();
  fast.latency = milliseconds(0);  // load 0: +A per result
  w.onOutcome(fast);
  EXPECT_DOUBLE_EQ(w.feedbackWeight(), 12.0);
  EXPECT_EQ(w.decision(t0()).weight, 12U);
  for (int i = 0; i < 10; ++i) {
    w.onOutcome(fast);
  }
  EXPECT_DOUBLE_EQ(w.feedbackWeight(), 15.0);  // clamp at scale * weight
  EXPECT_EQ(w.decision(t0()).weight, 15U);
  Outcome slow = Outcome::up();
  slow.latency = milliseconds(200);  // load 2: 1 - L = -1, cbrt = -1: -A per result
  for (int i = 0; i < 20; ++i) {
    w.onOutcome(slow);
  }
  EXPECT_DOUBLE_EQ(w.feedbackWeight(), 0.0);
  EXPECT_EQ(w.decision(t0()).weight, 0U);
}

TEST(WeightCalculator, FeedbackAppliesOnlyPastThreshold) {
  WeightParams p;
  p.weight = 100;
  p.feedback.enabled = true;
  p.feedback.gain = 1.0;
  p.feedback.threshold = 5.0;
  p.feedback.rtReference = milliseconds(100);
  WeightCalculator w(p, true, t0());
  Outcome o = Outcome::up();
  o.latency = milliseconds(0);
  for (int i = 0; i < 4; ++i) {
    w.onOutcome(o);
    EXPECT_EQ(w.decision(t0()).weight, 100U) << i;
  }
  w.onOutcome(o);  // 105: moved by the threshold
  EXPECT_EQ(w.decision(t0()).weight, 105U);
}

TEST(WeightCalculator, FeedbackMixesAgentLoadByRatio) {
  WeightParams p;
  p.weight = 100;
  p.feedback.enabled = true;
  p.feedback.rtRatio = 1.0;
  p.feedback.agentRatio = 1.0;
  p.feedback.gain = 8.0;
  p.feedback.threshold = 0.0;
  p.feedback.rtReference = milliseconds(100);
  WeightCalculator w(p, true, t0());
  Outcome o = Outcome::up();
  o.latency = milliseconds(100);  // rt load 1
  o.weightPercent = 100;          // agent load 0 -> L = 0.5 -> +8 * cbrt(0.5)
  w.onOutcome(o);
  EXPECT_NEAR(w.feedbackWeight(), 100.0 + 8.0 * std::cbrt(0.5), 1e-9);
}

TEST(WeightCalculator, DownResultsDoNotFeedBack) {
  WeightParams p;
  p.weight = 10;
  p.feedback.enabled = true;
  WeightCalculator w(p, true, t0());
  w.onOutcome(Outcome::down("x"));
  EXPECT_DOUBLE_EQ(w.feedbackWeight(), 10.0);
}

TEST(DestTracker, ReportsOnlyChanges) {
  WeightParams p;
  p.weight = 4;
  p.slowStart = seconds(4);
  DestTracker t(p, true, t0());
  EXPECT_EQ(t.current(), (DestDecision{true, 4, 4, true}));
  EXPECT_FALSE(t.onResult(Outcome::up(), true, t0()));  // same decision: no edit
  auto d = t.onResult(Outcome::down("x"), false, t0() + seconds(1));
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->present);
  EXPECT_FALSE(t.onResult(Outcome::down("x"), false, t0() + seconds(2)));
  const MonoTime up = t0() + seconds(3);
  d = t.onResult(Outcome::up(), true, up);
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, (DestDecision{true, 1, 4, true}));
  // Slow start: one report per step, then silence.
  int edits = 0;
  MonoTime now = up;
  while (auto n = t.nextTick(now)) {
    now = *n;
    edits += t.onTick(now) ? 1 : 0;
  }
  EXPECT_EQ(edits, 3);  // 2, 3, 4
  EXPECT_EQ(t.current().weight, 4U);
  EXPECT_FALSE(t.onTick(now + seconds(10)));
}

}  // namespace
}  // namespace lvsd::check
