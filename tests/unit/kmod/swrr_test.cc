// Unit tests of the smooth weighted round robin core (src/kmod/lvsd_swrr.h), compiled through
// the userspace shim exactly as the kernel module compiles it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "kmod/lvsd_user.h"
#include "kmod_c_check.h"

namespace {

std::string liveSequence(const std::vector<u32>& w, std::size_t count) {
  std::vector<s64> cw(w.size(), 0);
  std::string out;
  for (std::size_t k = 0; k < count; ++k) {
    const int i = lvsd_swrr_step(w.data(), cw.data(), static_cast<u32>(w.size()));
    out.push_back(i < 0 ? '-' : static_cast<char>('a' + i));
  }
  return out;
}

std::vector<u16> table(const std::vector<u32>& w) {
  std::vector<s64> cw(w.size(), 7);
  std::vector<u16> t(LVSD_SWRR_MAX_LEN);
  std::vector<u32> scratch(LVSD_SWRR_SCRATCH(w.size()), 7);
  u32 start = 99;
  const u32 len = lvsd_swrr_build(w.data(), cw.data(), static_cast<u32>(w.size()), t.data(),
                                  scratch.data(), nullptr, 0, &start);
  EXPECT_EQ(start, 0U);
  t.resize(len);
  return t;
}

// Rebuild after a change, continuing from where @p old stood after @p pos slots.
std::vector<u16> rebuilt(const std::vector<u16>& old, const std::vector<u32>& oldW, u32 pos,
                         const std::vector<u32>& w, u32* start) {
  std::vector<s64> phase(w.size(), 0);
  lvsd_swrr_phase(old.data(), static_cast<u32>(old.size()), pos, oldW.data(),
                  static_cast<u32>(oldW.size()), phase.data());
  std::vector<s64> cw(w.size(), 0);
  std::vector<u16> t(LVSD_SWRR_MAX_LEN);
  std::vector<u32> scratch(LVSD_SWRR_SCRATCH(w.size()));
  const u32 len =
      lvsd_swrr_build(w.data(), cw.data(), static_cast<u32>(w.size()), t.data(), scratch.data(),
                      phase.data(), static_cast<u32>(old.size()), start);
  t.resize(len);
  return t;
}

std::vector<u32> randomWeights(std::mt19937& rng, std::size_t n, u32 maxw) {
  std::uniform_int_distribution<u32> d(0, maxw);
  std::vector<u32> w(n);
  for (auto& x : w) {
    x = d(rng);
  }
  if (std::all_of(w.begin(), w.end(), [](u32 x) { return x == 0; })) {
    w[0] = 1;
  }
  return w;
}

// Longest run of one index in @p seq.
std::size_t longestRun(const std::vector<int>& seq) {
  std::size_t best = 0;
  std::size_t run = 0;
  for (std::size_t k = 0; k < seq.size(); ++k) {
    run = (k > 0 && seq[k] == seq[k - 1]) ? run + 1 : 1;
    best = std::max(best, run);
  }
  return best;
}

TEST(Swrr, ThreeOneOneInterleavesAsIssueStates) {
  EXPECT_EQ(liveSequence({3, 1, 1}, 15), "abacaabacaabaca");
  const auto t = table({3, 1, 1});
  ASSERT_EQ(t.size(), 5U);
  EXPECT_EQ(t, (std::vector<u16>{0, 1, 0, 2, 0}));
}

TEST(Swrr, CompiledAsCGivesTheSameSequence) {
  char buf[16] = {};
  lvsd_kmod_c_swrr_sequence(3, 1, 1, buf, 15);
  EXPECT_EQ(std::string(buf), "abacaabacaabaca");
}

TEST(Swrr, WeightZeroIsSkippedAndAllZeroGivesNone) {
  EXPECT_EQ(liveSequence({2, 0, 1}, 6), "acaaca");
  EXPECT_EQ(liveSequence({0, 0}, 3), "---");
  EXPECT_TRUE(table({0, 0, 0}).empty());
  EXPECT_EQ(lvsd_swrr_period(nullptr, 0), 0U);
}

TEST(Swrr, TableIsOnePeriodOfTheLiveSequence) {
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    const std::size_t n = 1 + rng() % 20;
    const auto w = randomWeights(rng, n, round % 2 ? 10 : 300);
    const auto t = table(w);
    ASSERT_FALSE(t.empty());
    u32 g = 0;
    for (u32 x : w) {
      g = x ? lvsd_swrr_gcd(x, g) : g;
    }
    // exactly w/g picks of each destination per period
    std::vector<u32> count(n, 0);
    for (u16 i : t) {
      ++count[i];
    }
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_EQ(count[i], w[i] / g);
    }
    // the live algorithm repeats the table, period after period
    std::vector<s64> cw(n, 0);
    for (std::size_t k = 0; k < 3 * t.size(); ++k) {
      ASSERT_EQ(lvsd_swrr_step(w.data(), cw.data(), static_cast<u32>(n)), t[k % t.size()])
          << "round " << round << " step " << k;
    }
  }
}

// Smoothness: after t picks, destination i has had t*w_i/W picks, give or take less than one
// (checked here on random weight sets), so no destination gets picked twice in a row while
// another one is more than a whole pick behind.
TEST(Swrr, EveryPrefixStaysWithinOnePickOfItsShare) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    const std::size_t n = 2 + rng() % 12;
    const auto w = randomWeights(rng, n, 50);
    double total = 0;
    for (u32 x : w) {
      total += x;
    }
    std::vector<s64> cw(n, 0);
    std::vector<double> got(n, 0);
    for (int t = 1; t <= 2000; ++t) {
      ++got[static_cast<std::size_t>(lvsd_swrr_step(w.data(), cw.data(), static_cast<u32>(n)))];
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_LT(std::fabs(got[i] - t * w[i] / total), 1.0)
            << "round " << round << " t " << t << " dest " << i;
      }
    }
  }
}

// Mainline wrr gives 3:1:1 as a a a b c: a burst of the heavy destination. After a weight
// change, an add or a remove, the rebuilt table continues from the slot whose state is nearest to
// where the old one stood, so no run of one destination is longer than the longest run inside
// either configuration's own period by more than one pick (measured: 9 of 300 random changes
// give one extra; two of them, where one destination holds > 90 % of the weight, give two).
TEST(Swrr, ChangesCauseNoBurst) {
  std::mt19937 rng(99);
  int worse = 0;
  for (int round = 0; round < 300; ++round) {
    const std::size_t n = 2 + rng() % 8;
    auto before = randomWeights(rng, n, 20);
    auto after = before;
    switch (round % 3) {
      case 0:  // weight change
        after[rng() % n] = 1 + rng() % 20;
        break;
      case 1:  // destination added (at the end of the index space)
        after.push_back(1 + rng() % 20);
        break;
      default:  // destination removed (weight 0 == no slots)
        after[rng() % n] = 0;
        break;
    }
    const auto t1 = table(before);
    const u32 cut = static_cast<u32>(rng() % t1.size());
    u32 start = 0;
    const auto t2 = rebuilt(t1, before, cut, after, &start);
    if (t2.empty()) {
      continue;
    }
    ASSERT_LT(start, t2.size());
    std::vector<int> seq;
    for (std::size_t k = 0; k < t1.size() + cut; ++k) {
      seq.push_back(t1[k % t1.size()]);
    }
    const std::size_t steady1 = longestRun(seq);
    std::vector<int> seq2;
    for (std::size_t k = 0; k < 2 * t2.size(); ++k) {
      seq2.push_back(t2[(start + k) % t2.size()]);
    }
    const std::size_t steady2 = longestRun(seq2);
    seq.insert(seq.end(), seq2.begin(), seq2.end());
    const std::size_t across = longestRun(seq);
    const bool dominant = *std::max_element(after.begin(), after.end()) * 10 >
                          9 * std::accumulate(after.begin(), after.end(), 0U);
    EXPECT_LE(across, std::max(steady1, steady2) + (dominant ? 2 : 1)) << "round " << round;
    worse += across > std::max(steady1, steady2);
  }
  EXPECT_LE(worse, 15);  // at most one extra pick, and rarely (printed by the next line)
  std::printf("swrr: %d of 300 changes made a run one longer than steady state\n", worse);
}

TEST(Swrr, PhaseOfAFullPeriodIsZero) {
  const std::vector<u32> w{3, 1, 1};
  const auto t = table(w);
  std::vector<s64> phase(3, 5);
  lvsd_swrr_phase(t.data(), 5, 5, w.data(), 3, phase.data());
  EXPECT_EQ(phase, (std::vector<s64>{0, 0, 0}));
  lvsd_swrr_phase(t.data(), 5, 1, w.data(), 3, phase.data());  // after "a"
  EXPECT_EQ(phase, (std::vector<s64>{-2, 1, 1}));
  // same weights again: continue exactly where it stood
  u32 start = 0;
  EXPECT_EQ(rebuilt(t, w, 3, w, &start), t);
  EXPECT_EQ(start, 3U);
}

TEST(Swrr, GcdReducesThePeriod) {
  EXPECT_EQ(table({300, 100, 100}), table({3, 1, 1}));
  const u32 w[] = {65535, 65534};
  EXPECT_EQ(lvsd_swrr_period(w, 2), LVSD_SWRR_MAX_LEN + 1);  // 131069 entries
}

TEST(Swrr, TooLongFallsBackToLive) {
  // period above the table size
  const std::vector<u32> big{65535, 65534};
  EXPECT_TRUE(table(big).empty());
  // the live form still works there
  std::vector<s64> cw(big.size(), 0);
  EXPECT_EQ(lvsd_swrr_step(big.data(), cw.data(), 2), 0);
  EXPECT_EQ(lvsd_swrr_step(big.data(), cw.data(), 2), 1);
}

std::vector<u32> manyWeights() {
  std::vector<u32> many(1000);
  for (std::size_t i = 0; i < many.size(); ++i) {
    many[i] = 1 + static_cast<u32>((i * 37) % 100);
  }
  return many;
}

// n * period above the build budget: the table is filled by earliest deadline first.
TEST(Swrr, TooCostlyToStepFillsByEarliestDeadline) {
  const auto many = manyWeights();
  const u32 len = lvsd_swrr_period(many.data(), 1000);
  ASSERT_LE(len, LVSD_SWRR_MAX_LEN);
  ASSERT_FALSE(lvsd_swrr_exact(1000, len, false));
  const auto t = table(many);
  ASSERT_EQ(t.size(), len);
  // exact shares per period, every prefix within one pick of its share
  std::vector<u32> got(many.size(), 0);
  double worst = 0;
  for (std::size_t k = 0; k < t.size(); ++k) {
    ++got[t[k]];
    if (k % 7 == 0 || k + 1 == t.size()) {
      for (std::size_t i = 0; i < many.size(); ++i) {
        worst = std::max(worst, std::fabs(got[i] - static_cast<double>(k + 1) * many[i] / len));
      }
    }
  }
  EXPECT_EQ(got, many);  // gcd 1
  EXPECT_LT(worst, 1.0);
}

TEST(Swrr, EarliestDeadlineGivesTheIssueOrderForThreeOneOne) {
  const std::vector<u32> w{3, 1, 1};
  std::vector<s64> cw(3, 0);
  std::vector<u32> scratch(LVSD_SWRR_SCRATCH(3));
  std::vector<u16> t(5);
  u32 start = 9;
  ASSERT_EQ(lvsd_swrr_build_edf(w.data(), cw.data(), 3, 1, 5, t.data(), scratch.data(), nullptr, 0,
                                &start),
            5U);
  EXPECT_EQ(t, (std::vector<u16>{0, 1, 0, 2, 0}));
}

// Smallest distance between two picks of @p i in @p t, read cyclically.
std::size_t minGap(const std::vector<u16>& t, u16 i) {
  std::size_t best = t.size(), first = t.size(), last = t.size();
  for (std::size_t k = 0; k < t.size(); ++k) {
    if (t[k] != i) {
      continue;
    }
    if (last != t.size()) {
      best = std::min(best, k - last);
    } else {
      first = k;
    }
    last = k;
  }
  return first == t.size() ? t.size() : std::min(best, first + t.size() - last);
}

// Changes in the earliest deadline mode continue near the old state too (start sampled): a
// destination's first pick after the change is not closer to its last pick before it than
// its picks ever are in either steady schedule by more than one slot, but for at most 2 % of
// them (measured 3..13 of 1000; restarting at slot 0 instead: ~270).
TEST(Swrr, EarliestDeadlineChangesCauseNoBurst) {
  std::mt19937 rng(7);
  for (int round = 0; round < 4; ++round) {
    const auto before = manyWeights();
    auto after = before;
    after[rng() % after.size()] = round % 2 ? 0 : 100;
    const auto t1 = table(before);
    const u32 cut = static_cast<u32>(rng() % t1.size());
    u32 start = 0;
    const auto t2 = rebuilt(t1, before, cut, after, &start);
    ASSERT_FALSE(t2.empty());
    std::vector<std::size_t> gaps1(after.size()), gaps2(after.size());
    for (u16 i = 0; i < after.size(); ++i) {
      gaps1[i] = minGap(t1, i);
      gaps2[i] = minGap(t2, i);
    }
    int bursts[2] = {0, 0};
    for (int restart = 0; restart < 2; ++restart) {
      const u32 from = restart ? 0 : start;
      std::vector<std::size_t> lastOld(after.size(), 0), firstNew(after.size(), t2.size());
      for (std::size_t k = 0; k < cut + t1.size(); ++k) {
        lastOld[t1[k % t1.size()]] = k;
      }
      for (std::size_t k = t2.size(); k-- > 0;) {
        firstNew[t2[(from + k) % t2.size()]] = k;
      }
      for (u16 i = 0; i < after.size(); ++i) {
        if (after[i] && before[i]) {
          const std::size_t across = cut + t1.size() - lastOld[i] + firstNew[i];
          bursts[restart] += across + 1 < std::min(gaps1[i], gaps2[i]);
        }
      }
    }
    std::printf("swrr edf change %d: %d destinations closer than steady (restart at 0: %d)\n",
                round, bursts[0], bursts[1]);
    EXPECT_LE(bursts[0], 20) << "round " << round;
    EXPECT_GT(bursts[1], 5 * std::max(bursts[0], 1)) << "round " << round;
  }
}

TEST(Swrr, NextWrapsAtTheTableLength) {
  u32 pos = 0;
  std::string seen;
  for (int k = 0; k < 7; ++k) {
    seen += std::to_string(lvsd_swrr_next(&pos, 3));
  }
  EXPECT_EQ(seen, "0120120");
  EXPECT_EQ(pos, 1U);
}

}  // namespace
