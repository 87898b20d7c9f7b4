#include "check/core/quorum.h"

#include <gtest/gtest.h>

namespace lvsd::check {
namespace {

TEST(Quorum, HysteresisAroundTheThreshold) {
  Quorum q({10, 2});
  EXPECT_EQ(q.update(10), QuorumChange::None);  // first update: plain threshold
  EXPECT_TRUE(q.has());
  EXPECT_EQ(q.update(8), QuorumChange::None);  // 8 is not < 10 - 2
  EXPECT_EQ(q.update(7), QuorumChange::Lost);
  EXPECT_EQ(q.update(11), QuorumChange::None);  // needs >= 12
  EXPECT_FALSE(q.has());
  EXPECT_EQ(q.update(12), QuorumChange::Gained);
}

TEST(Quorum, StartsLostWhenBelow) {
  Quorum q({5, 0});
  EXPECT_EQ(q.update(4), QuorumChange::Lost);
  EXPECT_EQ(q.update(5), QuorumChange::Gained);
}

TEST(Quorum, SorryServerReplacesRealServersWithoutQuorum) {
  Quorum q({10, 0});
  std::vector<RealServerView> rs{
      {1, {true, 4, 4}, false}, {2, {false, 0, 0}, false}, {3, {true, 0, 0}, true}};
  EXPECT_EQ(upWeightSum(rs), 4U);
  q.update(upWeightSum(rs));
  auto d = buildDesired(rs, q, 99);
  EXPECT_TRUE(d.sorryActive);
  EXPECT_EQ(d.dests, (std::vector<DesiredDest>{{3, 0}, {99, 1}}));
  // Without a sorry server the live ones keep serving.
  d = buildDesired(rs, q, std::nullopt);
  EXPECT_FALSE(d.sorryActive);
  EXPECT_EQ(d.dests, (std::vector<DesiredDest>{{1, 4}, {3, 0}}));
  rs[1].decision = {true, 6, 6};
  q.update(upWeightSum(rs));
  d = buildDesired(rs, q, 99);
  EXPECT_FALSE(d.sorryActive);
  EXPECT_EQ(d.dests, (std::vector<DesiredDest>{{1, 4}, {2, 6}, {3, 0}}));
}

// A weight change on one server changes exactly one destination of the desired model, so the
// IPVS diff sends one edit for it.
TEST(Quorum, OneWeightChangeIsOneDestChange) {
  Quorum q({1, 0});
  std::vector<RealServerView> rs{
      {1, {true, 4, 4}, false}, {2, {true, 6, 6}, false}, {3, {true, 5, 5}, false}};
  q.update(upWeightSum(rs));
  const auto before = buildDesired(rs, q, 99);
  rs[1].decision = {true, 3, 3};
  q.update(upWeightSum(rs));
  const auto after = buildDesired(rs, q, 99);
  ASSERT_EQ(before.dests.size(), after.dests.size());
  int changed = 0;
  for (size_t i = 0; i < before.dests.size(); ++i) {
    changed += before.dests[i] == after.dests[i] ? 0 : 1;
  }
  EXPECT_EQ(changed, 1);
}

}  // namespace
}  // namespace lvsd::check
