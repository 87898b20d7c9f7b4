// Fuzzes the pure checker core with op sequences (Envoy's health_check_fuzz idea): add/remove
// checks, advance time, feed results; weights and quorum follow. Invariants:
//  - counts stay below rise/fall; state flips only on Changed;
//  - a check is either queued or in flight; nextDue never lies in the past after takeDue;
//  - a down server is never present with weight > 0; slow start never exceeds the target.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>

#include "check/core/quorum.h"
#include "check/core/scheduler.h"
#include "check/core/weight.h"
#include "common/bytes.h"

using namespace lvsd;
using namespace lvsd::check;

#define FUZZ_ASSERT(c) \
  do {                 \
    if (!(c)) {        \
      std::abort();    \
    }                  \
  } while (0)

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteReader r(std::span<const uint8_t>(data, size));
  SplitMix64 rng(r.u32());
  Scheduler s(rng);
  MonoTime now{std::chrono::hours(1)};
  std::map<CheckId, WeightCalculator> weights;
  Quorum quorum({10, 2});
  for (int step = 0; step < 4000 && r.remaining() > 0; ++step) {
    const uint8_t op = r.u8();
    switch (op % 6) {
      case 0: {  // add
        if (s.size() >= 64) {
          break;
        }
        CheckParams p;
        p.interval = std::chrono::milliseconds(1 + r.u16());
        p.transitionInterval = std::chrono::milliseconds(r.u8());
        p.downInterval = std::chrono::milliseconds(r.u8() * 10);
        p.rise = r.u8() % 5;
        p.fall = r.u8() % 5;
        p.retries = r.u8() % 3;
        p.retryDelay = std::chrono::milliseconds(r.u8());
        p.jitter = (r.u8() % 60) / 100.0;
        p.initiallyUp = (r.u8() & 1U) != 0;
        const CheckId id = s.add(p, now);
        WeightParams w;
        w.weight = r.u8();
        w.slowStart = std::chrono::milliseconds(r.u8() * 20);
        w.inhibitOnFailure = (op & 0x80U) != 0;
        w.feedback.enabled = (op & 0x40U) != 0;
        weights.emplace(id, WeightCalculator(w, p.initiallyUp, now));
        break;
      }
      case 1:  // remove
        if (!weights.empty()) {
          auto it = std::next(weights.begin(), static_cast<long>(r.u8() % weights.size()));
          s.remove(it->first);
          weights.erase(it);
        }
        break;
      case 2:  // advance time
        now += std::chrono::milliseconds(r.u16());
        break;
      default: {  // run what is due, with results from the input
        for (CheckId id : s.takeDue(now)) {
          const CheckStatus before = *s.status(id);
          FUZZ_ASSERT(before.inFlight);
          Outcome o;
          const uint8_t v = r.u8();
          o.verdict = static_cast<Verdict>(v % 3);
          o.latency = std::chrono::milliseconds(r.u8());
          if ((v & 0x10U) != 0) {
            o.weightPercent = r.u8();
          }
          if ((v & 0x20U) != 0) {
            o.admin = static_cast<Admin>(r.u8() % 3);
          }
          const ResultEffect e = s.onResult(id, o, now);
          const CheckStatus& after = *s.status(id);
          const CheckParams& p = *s.params(id);
          FUZZ_ASSERT(!after.inFlight && after.nextDue >= now);
          FUZZ_ASSERT(after.count < (after.up ? p.fall : p.rise));
          FUZZ_ASSERT((e.transition == Transition::Changed) == (after.up != before.up));
          auto& w = weights.at(id);
          if (e.transition == Transition::Changed) {
            w.onHealth(after.up, now);
          }
          w.onOutcome(o);
        }
        uint64_t sum = 0;
        for (const auto& [id, w] : weights) {
          const DestDecision d = w.decision(now);
          FUZZ_ASSERT(d.weight <= d.target || d.target == 0);
          FUZZ_ASSERT(w.up() || d.weight == 0);
          if (auto n = w.nextChange(now)) {
            FUZZ_ASSERT(*n > now);
          }
          sum += d.target;
        }
        quorum.update(sum);
        break;
      }
    }
    if (auto n = s.nextDue()) {
      FUZZ_ASSERT(s.size() > 0);
    }
  }
  return 0;
}
