#pragma once
// Pure checker scheduler: when each check runs next, and rise/fall accounting of its results.
// It never reads the clock or owns a timer: the adapter asks for due checks at `now`, runs
// their probes, and feeds each Outcome back with onResult().

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "check/core/check_ids.h"
#include "check/core/outcome.h"
#include "check/core/random.h"
#include "common/clock.h"

namespace lvsd::check {

/// Timing and rise/fall parameters of one check.
struct CheckParams {
  Duration interval = std::chrono::seconds(5);  ///< period while steadily up
  /// Period while steadily down; zero means `interval`.
  Duration downInterval{};
  /// Period while a rise/fall count is in progress ("fast interval"); zero means `interval`.
  Duration transitionInterval{};
  Duration timeout = std::chrono::seconds(3);  ///< per-probe deadline (enforced by the probe)
  uint32_t rise = 1;                           ///< consecutive successes to go up
  uint32_t fall = 1;                           ///< consecutive failures to go down
  uint32_t retries = 0;  ///< extra immediate attempts before a failure is counted
  Duration retryDelay = std::chrono::seconds(1);
  /// Each period is stretched or shrunk by a uniform factor in [1 - jitter, 1 + jitter].
  double jitter = 0.1;
  bool initiallyUp = true;  ///< state before the first verdict (keepalived's non-alpha mode)
  bool operator==(const CheckParams&) const = default;
};

/// What a result did to the check's state.
enum class Transition : uint8_t {
  Unchanged,  ///< same state, no count in progress
  Pending,    ///< a rise/fall count (or a retry) is in progress
  Changed,    ///< the check crossed rise or fall: up <-> down
};

/// Read-only view of one check's state.
struct CheckStatus {
  bool up = true;
  uint32_t count = 0;        ///< consecutive results against the current state
  uint32_t retriesUsed = 0;  ///< retries spent on the current failure
  bool inFlight = false;     ///< a probe is running
  MonoTime nextDue{};        ///< when the next probe starts (meaningless while in flight)
  uint64_t probes = 0;       ///< results seen
};

/// Result of onResult().
struct ResultEffect {
  Transition transition = Transition::Unchanged;
  bool up = true;  ///< state after the result
};

class Scheduler {
public:
  /// @param rng jitter source; must outlive the scheduler.
  explicit Scheduler(Random& rng) : rng_(rng) {}

  /// Adds a check. Its first run is spread over one interval with a low-discrepancy sequence so
  /// that many checks added together never fire together.
  /// @return the new check's id; 0 when 2^20 checks exist already. Ids are slot numbers
  /// (check_ids.h): a removed check's slot is reused by a later add(), with another id.
  CheckId add(const CheckParams& params, MonoTime now);
  /// Removes a check; a result arriving later for it is ignored.
  void remove(CheckId id);
  [[nodiscard]] bool contains(CheckId id) const { return checks_.contains(id); }
  [[nodiscard]] size_t size() const { return checks_.size(); }

  /// @return the checks due at or before @p now (at most @p limit, the earliest first), marked
  /// in flight. Checks left over stay due.
  std::vector<CheckId> takeDue(MonoTime now, size_t limit = SIZE_MAX);
  /// Puts an in-flight check back in the queue at @p at without counting a result (its probe
  /// could not start). No-op for unknown ids or checks not in flight.
  void defer(CheckId id, MonoTime at);
  /// @return the earliest due time of a check not in flight, if any.
  [[nodiscard]] std::optional<MonoTime> nextDue() const;

  /// Applies a probe result and schedules the next run.
  /// @return the transition and the state after it; Unchanged for unknown ids.
  ResultEffect onResult(CheckId id, const Outcome& outcome, MonoTime now);

  /// @return the check's status; nullptr for unknown ids.
  [[nodiscard]] const CheckStatus* status(CheckId id) const;
  [[nodiscard]] const CheckParams* params(CheckId id) const;

private:
  struct Entry {
    CheckParams params;
    CheckStatus status;
    uint32_t generation = 0;  ///< bumped on every schedule(): older queue items are stale
  };
  /// A queue item; stale when its check is gone, in flight, or rescheduled since.
  struct Item {
    MonoTime at;
    CheckId id;
    uint32_t generation;
  };
  /// Min-heap order: earliest first, then the lower id (as the ordered set had it).
  static bool later(const Item& a, const Item& b) {
    return a.at != b.at ? a.at > b.at : a.id > b.id;
  }
  void schedule(CheckId id, Entry& e, MonoTime at);
  [[nodiscard]] bool isLive(const Item& item) const;
  /// Drops stale items from the top, so that nextDue() reads a live one.
  void prune();

  Random& rng_;
  CheckIdAllocator ids_;
  uint64_t added_ = 0;
  CheckTable<Entry> checks_;
  /// Binary heap of due times (no allocation per reschedule, unlike a node-based set). Items
  /// are never removed from the middle: rescheduling and removal leave stale ones behind, which
  /// are dropped when they reach the top.
  std::vector<Item> queue_;
};

/// The k-th element of the base-2 van der Corput sequence, in [0, 1).
double vanDerCorput(uint64_t k);

}  // namespace lvsd::check
