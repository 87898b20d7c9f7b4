// Sync groups: members move together.
#include "vrrp/fsm/sync_group.h"

#include <gtest/gtest.h>

namespace lvsd::vrrp {
namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

std::vector<InstanceParams> twoMembers() {
  InstanceParams a;
  a.vrid = 1;
  a.priority = 100;
  a.primaryAddress = ip("10.0.0.2");
  InstanceParams b = a;
  b.vrid = 2;
  return {a, b};
}

bool hasStateChange(const std::vector<SyncGroup::MemberActions>& acts, size_t member, State to) {
  for (const auto& ma : acts) {
    if (ma.member != member) {
      continue;
    }
    for (const auto& a : ma.actions) {
      const auto* sc = std::get_if<StateChanged>(&a);
      if (sc != nullptr && sc->to == to) {
        return true;
      }
    }
  }
  return false;
}

TEST(SyncGroup, OneMemberWinningElectionTakesTheOthersToMaster) {
  SyncGroup g(twoMembers());
  (void)g.handle(0, Startup{});
  (void)g.handle(1, Startup{});
  const auto acts = g.handle(0, MasterDownExpired{});
  EXPECT_EQ(g.member(0).state(), State::Master);
  EXPECT_EQ(g.member(1).state(), State::Master);
  EXPECT_TRUE(hasStateChange(acts, 1, State::Master));
  EXPECT_EQ(acts.front().member, 0U);
}

TEST(SyncGroup, OneMemberBeatenTakesTheOthersToBackup) {
  SyncGroup g(twoMembers());
  (void)g.handle(0, Startup{});
  (void)g.handle(1, Startup{});
  (void)g.handle(0, MasterDownExpired{});
  const auto acts = g.handle(1, AdvertRx{200, 100, ip("10.0.0.1")});
  EXPECT_EQ(g.member(0).state(), State::Backup);
  EXPECT_EQ(g.member(1).state(), State::Backup);
  EXPECT_TRUE(hasStateChange(acts, 0, State::Backup));
}

TEST(SyncGroup, FaultIsGroupWideUntilEveryMemberClears) {
  SyncGroup g(twoMembers());
  (void)g.handle(0, Startup{});
  (void)g.handle(1, Startup{});
  (void)g.handle(0, MasterDownExpired{});
  (void)g.handle(1, Fault{});
  EXPECT_EQ(g.member(0).state(), State::Fault);
  EXPECT_EQ(g.member(1).state(), State::Fault);
  (void)g.handle(0, Fault{});
  EXPECT_TRUE(g.handle(1, FaultCleared{}).empty());  // member 0 still faulted
  EXPECT_EQ(g.member(1).state(), State::Fault);
  (void)g.handle(0, FaultCleared{});
  EXPECT_EQ(g.member(0).state(), State::Backup);
  EXPECT_EQ(g.member(1).state(), State::Backup);
}

TEST(SyncGroup, StartingWhileGroupFaultedWaitsInFault) {
  SyncGroup g(twoMembers());
  (void)g.handle(0, Fault{});
  (void)g.handle(1, Startup{});
  EXPECT_EQ(g.member(1).state(), State::Fault);
}

}  // namespace
}  // namespace lvsd::vrrp
