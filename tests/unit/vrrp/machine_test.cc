// State machine: one event → actions table per RFC 5798 §6.4 transition, plus the extensions.
#include "vrrp/fsm/machine.h"

#include <gtest/gtest.h>

namespace lvsd::vrrp {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

InstanceParams params(uint8_t priority = 100) {
  InstanceParams p;
  p.version = 3;
  p.vrid = 51;
  p.priority = priority;
  p.adverIntervalCs = 100;
  p.primaryAddress = ip("10.0.0.2");
  return p;
}

AdvertRx advert(uint8_t priority, const char* src = "10.0.0.1", uint32_t intervalCs = 100) {
  return AdvertRx{priority, intervalCs, ip(src)};
}

Machine backupMachine(InstanceParams p = params()) {
  Machine m(p);
  (void)m.handle(Startup{});
  EXPECT_EQ(m.state(), State::Backup);
  return m;
}

Machine masterMachine(InstanceParams p = params()) {
  Machine m = backupMachine(p);
  (void)m.handle(MasterDownExpired{});
  EXPECT_EQ(m.state(), State::Master);
  return m;
}

// Master_Down_Interval for priority 100 at 1 s: 3*100 + (156*100)/256 = 300 + 60 = 360 cs.
constexpr uint32_t kMdi100 = 360;

TEST(Timing, SkewAndMasterDownIntervalInCentiseconds) {
  EXPECT_EQ(skewTimeCs(3, 100, 100), 60U);
  EXPECT_EQ(masterDownIntervalCs(3, 100, 100), kMdi100);
  EXPECT_EQ(skewTimeCs(3, 254, 100), 0U);   // (2*100)/256
  EXPECT_EQ(skewTimeCs(3, 1, 10), 9U);      // (255*10)/256
  EXPECT_EQ(skewTimeCs(2, 100, 100), 60U);  // v2: (256-100)/256 s = 0.609 s
  EXPECT_EQ(skewTimeCs(2, 100, 300), 60U);  // v2 skew ignores the interval
  EXPECT_EQ(masterDownIntervalCs(2, 100, 300), 960U);
}

// §6.4.1 Initialize, Startup, priority != 255 → Backup.
TEST(Rfc5798_6_4_1, StartupNonOwnerBecomesBackup) {
  Machine m(params());
  const Actions a = m.handle(Startup{});
  EXPECT_EQ(a, (Actions{StateChanged{State::Initialize, State::Backup, Reason::Startup},
                        ArmTimer{TimerId::MasterDown, kMdi100}}));
  EXPECT_EQ(m.masterAdverIntervalCs(), 100U);
}

// §6.4.1 Initialize, Startup, priority 255 → Master immediately.
TEST(Rfc5798_6_4_1, StartupOwnerBecomesMaster) {
  Machine m(params(255));
  const Actions a = m.handle(Startup{});
  EXPECT_EQ(
      a, (Actions{StateChanged{State::Initialize, State::Master, Reason::Owner}, InstallVips{true},
                  SendAdvert{255}, SendGarp{}, ArmTimer{TimerId::Adver, 100}}));
}

// §6.4.2 Backup, Shutdown → Initialize.
TEST(Rfc5798_6_4_2, ShutdownInBackup) {
  Machine m = backupMachine();
  EXPECT_EQ(m.handle(Shutdown{}),
            (Actions{CancelTimer{TimerId::MasterDown},
                     StateChanged{State::Backup, State::Initialize, Reason::Shutdown}}));
}

// §6.4.2 Backup, Master_Down_Timer fires → Master.
TEST(Rfc5798_6_4_2, MasterDownTimerFires) {
  Machine m = backupMachine();
  EXPECT_EQ(
      m.handle(MasterDownExpired{}),
      (Actions{CancelTimer{TimerId::MasterDown},
               StateChanged{State::Backup, State::Master, Reason::MasterDown}, InstallVips{false},
               SendAdvert{100}, SendGarp{}, ArmTimer{TimerId::Adver, 100}}));
}

// §6.4.2 Backup, advert priority 0 → Master_Down_Timer = Skew_Time.
TEST(Rfc5798_6_4_2, PriorityZeroSetsSkewTime) {
  Machine m = backupMachine();
  EXPECT_EQ(m.handle(advert(0)), (Actions{ArmTimer{TimerId::MasterDown, 60}}));
  EXPECT_EQ(m.state(), State::Backup);
}

// §6.4.2 Backup, advert priority >= local → learn Master_Adver_Interval, reset the timer.
TEST(Rfc5798_6_4_2, HigherOrEqualPriorityResetsTimerAndLearnsInterval) {
  Machine m = backupMachine();
  EXPECT_EQ(m.handle(advert(150, "10.0.0.1", 10)),
            (Actions{ArmTimer{TimerId::MasterDown, 3 * 10 + (156 * 10) / 256}}));
  EXPECT_EQ(m.masterAdverIntervalCs(), 10U);
  EXPECT_EQ(m.handle(advert(100, "10.0.0.1", 100)),
            (Actions{ArmTimer{TimerId::MasterDown, kMdi100}}));
}

// §6.4.2 Backup, lower priority with Preempt_Mode → discard (the timer will run out).
TEST(Rfc5798_6_4_2, LowerPriorityIsDiscardedWhenPreempting) {
  Machine m = backupMachine();
  EXPECT_TRUE(m.handle(advert(50)).empty());
  EXPECT_EQ(m.state(), State::Backup);
}

// §6.4.2 Backup, lower priority without Preempt_Mode (nopreempt) → reset the timer.
TEST(Rfc5798_6_4_2, NopreemptAcceptsLowerPriorityMaster) {
  InstanceParams p = params(200);
  p.preempt = false;
  Machine m = backupMachine(p);
  EXPECT_EQ(m.handle(advert(50)),
            (Actions{ArmTimer{TimerId::MasterDown, masterDownIntervalCs(3, 200, 100)}}));
}

// §6.4.3 Master, Adver_Timer fires → advertise, re-arm.
TEST(Rfc5798_6_4_3, AdverTimerFires) {
  Machine m = masterMachine();
  EXPECT_EQ(m.handle(AdverExpired{}), (Actions{SendAdvert{100}, ArmTimer{TimerId::Adver, 100}}));
}

// §6.4.3 Master, Shutdown → resign with priority 0 → Initialize.
TEST(Rfc5798_6_4_3, ShutdownInMasterResigns) {
  Machine m = masterMachine();
  EXPECT_EQ(m.handle(Shutdown{}),
            (Actions{CancelTimer{TimerId::Adver}, SendAdvert{0}, RemoveVips{},
                     StateChanged{State::Master, State::Initialize, Reason::Shutdown}}));
}

// §6.4.3 Master, advert priority 0 → send an advert at once, reset Adver_Timer.
TEST(Rfc5798_6_4_3, PriorityZeroIsAnsweredAtOnce) {
  Machine m = masterMachine();
  EXPECT_EQ(m.handle(advert(0)), (Actions{SendAdvert{100}, ArmTimer{TimerId::Adver, 100}}));
}

// §6.4.3 Master, higher priority → Backup with the sender's interval.
TEST(Rfc5798_6_4_3, HigherPriorityDemotesToBackup) {
  Machine m = masterMachine();
  EXPECT_EQ(m.handle(advert(150, "10.0.0.1", 50)),
            (Actions{CancelTimer{TimerId::Adver}, RemoveVips{},
                     StateChanged{State::Master, State::Backup, Reason::HigherPriority},
                     ArmTimer{TimerId::MasterDown, 3 * 50 + (156 * 50) / 256}}));
  EXPECT_EQ(m.masterAdverIntervalCs(), 50U);
}

// §6.4.3 Master, equal priority: the greater primary address wins.
TEST(Rfc5798_6_4_3, EqualPriorityTieBrokenByPrimaryAddress) {
  Machine m = masterMachine();  // we are 10.0.0.2
  EXPECT_TRUE(m.handle(advert(100, "10.0.0.1")).empty());
  EXPECT_EQ(m.state(), State::Master);
  (void)m.handle(advert(100, "10.0.0.3"));
  EXPECT_EQ(m.state(), State::Backup);
}

// §6.4.3 Master, lower priority → discard: no reply, ever (no amplification).
TEST(Rfc5798_6_4_3, LowerPriorityFloodIsNotAnswered) {
  Machine m = masterMachine();
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(m.handle(advert(50)).empty());
  }
  EXPECT_EQ(m.state(), State::Master);
}

TEST(Rfc5798_6_4_3, PriorityZeroFloodIsAnsweredOncePerInterval) {
  Machine m = masterMachine();
  int sent = 0;
  for (int tick = 0; tick < 3; ++tick) {
    for (int i = 0; i < 100; ++i) {
      for (const Action& a : m.handle(advert(0))) {
        sent += std::holds_alternative<SendAdvert>(a) ? 1 : 0;
      }
    }
    (void)m.handle(AdverExpired{});
  }
  EXPECT_EQ(sent, 3);
}

TEST(AcceptMode, InstallVipsCarriesAcceptMode) {
  InstanceParams p = params();
  p.acceptMode = true;
  Machine m = backupMachine(p);
  const Actions a = m.handle(MasterDownExpired{});
  EXPECT_NE(std::find(a.begin(), a.end(), Action{InstallVips{true}}), a.end());
}

TEST(PreemptDelay, NoPreemptionUntilTheDelayExpires) {
  InstanceParams p = params(200);
  p.preemptDelayCs = 3000;
  Machine m(p);
  EXPECT_EQ(m.handle(Startup{}),
            (Actions{StateChanged{State::Initialize, State::Backup, Reason::Startup},
                     ArmTimer{TimerId::MasterDown, masterDownIntervalCs(3, 200, 100)},
                     ArmTimer{TimerId::PreemptDelay, 3000}}));
  // While the delay runs, a lower-priority master is followed, not preempted.
  EXPECT_EQ(m.handle(advert(100)),
            (Actions{ArmTimer{TimerId::MasterDown, masterDownIntervalCs(3, 200, 100)}}));
  EXPECT_TRUE(m.handle(PreemptDelayExpired{}).empty());
  EXPECT_TRUE(m.handle(advert(100)).empty());  // now discarded: we will preempt
  (void)m.handle(MasterDownExpired{});
  EXPECT_EQ(m.state(), State::Master);
}

TEST(PreemptDelay, LeavingBackupCancelsThePendingDelay) {
  InstanceParams p = params(200);
  p.preemptDelayCs = 3000;
  Machine m(p);
  (void)m.handle(Startup{});
  const Actions a = m.handle(MasterDownExpired{});
  EXPECT_EQ(a.at(1), Action{CancelTimer{TimerId::PreemptDelay}});
}

TEST(FaultState, FaultFromMasterResignsAndClearingRestartsAsBackup) {
  Machine m = masterMachine();
  EXPECT_EQ(m.handle(Fault{}), (Actions{CancelTimer{TimerId::Adver}, SendAdvert{0}, RemoveVips{},
                                        StateChanged{State::Master, State::Fault, Reason::Fault}}));
  EXPECT_TRUE(m.handle(advert(0)).empty());
  EXPECT_TRUE(m.handle(MasterDownExpired{}).empty());
  EXPECT_EQ(m.handle(FaultCleared{}),
            (Actions{StateChanged{State::Fault, State::Backup, Reason::FaultCleared},
                     ArmTimer{TimerId::MasterDown, kMdi100}}));
}

TEST(FaultState, FaultFromBackupCancelsMasterDown) {
  Machine m = backupMachine();
  EXPECT_EQ(m.handle(Fault{}), (Actions{CancelTimer{TimerId::MasterDown},
                                        StateChanged{State::Backup, State::Fault, Reason::Fault}}));
}

TEST(PriorityTracking, MasterAdvertisesANewPriorityAtOnce) {
  Machine m = masterMachine();
  EXPECT_EQ(m.handle(PriorityChanged{80}),
            (Actions{SendAdvert{80}, ArmTimer{TimerId::Adver, 100}}));
  EXPECT_TRUE(m.handle(PriorityChanged{80}).empty());
  // A backup only uses it for its next Master_Down_Interval.
  Machine b = backupMachine();
  EXPECT_TRUE(b.handle(PriorityChanged{200}).empty());
  EXPECT_TRUE(b.handle(advert(150)).empty());  // now lower than us: preempt
}

TEST(Version2, MasterDownUsesSecondsSkewAndKeepsLocalInterval) {
  InstanceParams p = params();
  p.version = 2;
  p.adverIntervalCs = 200;
  Machine m = backupMachine(p);
  EXPECT_EQ(m.handle(advert(150, "10.0.0.1", 200)), (Actions{ArmTimer{TimerId::MasterDown, 660}}));
}

TEST(StaleEvents, TimersFiringInTheWrongStateDoNothing) {
  Machine m(params());
  EXPECT_TRUE(m.handle(MasterDownExpired{}).empty());
  EXPECT_TRUE(m.handle(AdverExpired{}).empty());
  EXPECT_TRUE(m.handle(advert(200)).empty());
  EXPECT_TRUE(m.handle(Shutdown{}).empty());
  Machine b = backupMachine();
  EXPECT_TRUE(b.handle(AdverExpired{}).empty());
  EXPECT_TRUE(b.handle(Startup{}).empty());
}

}  // namespace
}  // namespace lvsd::vrrp
