// Timer arithmetic of the engine (vrrp/fsm/timing.h) and its effect on the machine, on a fake
// clock: the Adver timer does not drift with late wake-ups, and an advert the kernel received
// before the Master_Down deadline wins over an expiry handled after it.
#include "vrrp/fsm/timing.h"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <optional>
#include <vector>

#include "vrrp/fsm/machine.h"

namespace lvsd::vrrp {
namespace {

using namespace std::chrono_literals;

MonoTime at(std::chrono::microseconds us) { return MonoTime(us); }

TEST(AdverPeriod, NextDeadlineCountsFromThePreviousDeadline) {
  // Woken 3 ms late: the next tick is still 10 ms after the previous deadline.
  EXPECT_EQ(nextPeriodicDeadline(at(100ms), at(103ms), 10ms), at(110ms));
  // On time.
  EXPECT_EQ(nextPeriodicDeadline(at(100ms), at(100ms), 10ms), at(110ms));
}

TEST(AdverPeriod, MissedTicksAreSkippedNotBurst) {
  // Woken 25 ms late: ticks at 110 and 120 are gone; the next is 130 (never in the past).
  EXPECT_EQ(nextPeriodicDeadline(at(100ms), at(125ms), 10ms), at(130ms));
  // Exactly on a boundary: that boundary is now, so the next one.
  EXPECT_EQ(nextPeriodicDeadline(at(100ms), at(120ms), 10ms), at(130ms));
}

TEST(AdverPeriod, NoDriftOverManyLateWakeUps) {
  // 1000 ticks, each woken 0.9 ms late (the wake-up latency measured on a loaded host): the
  // old "fire time + interval" re-arm lost 0.9 ms per tick (~8 % of the adverts); counting from
  // the deadline loses none.
  MonoTime deadline = at(0ms);
  MonoTime fireTimePlusInterval = at(0ms);
  for (int n = 0; n < 1000; ++n) {
    const MonoTime woke = deadline + 900us;
    deadline = nextPeriodicDeadline(deadline, woke, 10ms);
    fireTimePlusInterval = fireTimePlusInterval + 900us + 10ms;
  }
  EXPECT_EQ(deadline, at(10s));
  EXPECT_EQ(fireTimePlusInterval, at(10s + 900ms));
}

TEST(MasterDownOrder, PacketsReceivedBeforeTheDeadlineComeFirst) {
  const MonoTime deadline = at(30ms);
  const std::array<std::optional<MonoTime>, 4> rx{at(29ms), at(30ms), at(31ms), at(29500us)};
  // 29 and 30 ms are before (or at) the deadline; 31 ms is after it, and arrival order is kept
  // (the 29.5 ms stamp behind it is not pulled forward).
  EXPECT_EQ(packetsBeforeDeadline(deadline, rx), 2U);
}

TEST(MasterDownOrder, UnstampedPacketsAndEmptyQueue) {
  const std::array<std::optional<MonoTime>, 2> rx{std::nullopt, at(1ms)};
  EXPECT_EQ(packetsBeforeDeadline(at(30ms), rx), 0U);  // no stamp: after, as before the change
  EXPECT_EQ(packetsBeforeDeadline(at(30ms), std::span<const std::optional<MonoTime>>{}), 0U);
}

/// What the engine does when Master_Down fires at @p fired with @p queued adverts of a higher
/// priority master waiting in the socket: ordered by packetsBeforeDeadline, fed to the machine.
State backupAfterLateExpiry(MonoTime deadline, std::vector<std::optional<MonoTime>> queued) {
  InstanceParams p;
  p.priority = 100;
  p.adverIntervalCs = 1;  // 10 ms adverts: Master_Down_Interval 30 ms
  Machine m(p);
  m.handle(Startup{});
  EXPECT_EQ(m.state(), State::Backup);
  AdvertRx advert{150, 1, *IpAddress::parse("10.0.0.1")};
  const size_t before = packetsBeforeDeadline(deadline, queued);
  bool rearmed = false;
  for (size_t j = 0; j < before; ++j) {
    for (const auto& a : m.handle(advert)) {
      if (const auto* t = std::get_if<ArmTimer>(&a); t && t->id == TimerId::MasterDown) {
        rearmed = true;  // the engine's generation check then voids the queued expiry
      }
    }
  }
  if (!rearmed) {
    m.handle(MasterDownExpired{});
  }
  return m.state();
}

TEST(MasterDownOrder, LateBackupKeepsFollowingAMasterWhoseAdvertArrivedInTime) {
  // The master's advert reached the socket at 29.8 ms; the backup's process only ran at 36 ms
  // (its timer deadline was 30 ms). True order: advert, then no expiry at all.
  EXPECT_EQ(backupAfterLateExpiry(at(30ms), {at(29800us)}), State::Backup);
}

TEST(MasterDownOrder, SilenceUntilTheDeadlineStillTakesOver) {
  // Nothing queued, or only an advert received after the deadline: the timer expired first
  // (RFC behaviour unchanged); the later advert of the higher-priority master then demotes.
  EXPECT_EQ(backupAfterLateExpiry(at(30ms), {}), State::Master);
  EXPECT_EQ(backupAfterLateExpiry(at(30ms), {at(30100us)}), State::Master);
}

}  // namespace
}  // namespace lvsd::vrrp
