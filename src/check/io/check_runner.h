#pragma once
// Runs checks on an Asio loop: one timer armed at the scheduler's next due time, one prober per
// check, results fed back into the pure Scheduler. What a result means for weights and IPVS is
// the caller's business (WeightCalculator, Quorum, ipvs::Desired).
//
// Overload behaviour: at most maxInFlight() probes run at once (derived from the descriptor
// limit) and at most kMaxStartsPerRun start per timer run, so completions are served between
// batches; checks over the limit stay due and start as others finish (their interval
// stretches, they never fail for it). A probe that cannot start for a local shortage (EMFILE,
// ENFILE, ENOBUFS, ENOMEM, EAGAIN) is deferred by kDeferDelay, not counted as a failure.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>

#include "check/core/scheduler.h"
#include "check/io/probe.h"
#include "common/io/asio_timer.h"
#include "common/log.h"

namespace lvsd::check {

class CheckRunner {
public:
  /// Due probes are started in batches aligned to this window (fewer loop wake-ups).
  static constexpr Duration kBatchWindow = std::chrono::milliseconds(10);
  /// Probes started by one timer run at most; the rest start after the loop's next I/O round.
  static constexpr size_t kMaxStartsPerRun = 256;
  /// A probe that could not start for a local shortage tries again this much later.
  static constexpr Duration kDeferDelay = std::chrono::milliseconds(50);
  /// Descriptors kept for everything else of the process (netlink, control link, logs).
  static constexpr size_t kDescriptorReserve = 64;

  /// Called on the loop after every probe result.
  using OnResult = std::function<void(CheckId, const Outcome&, const ResultEffect&)>;

  CheckRunner(boost::asio::io_context& io, Random& rng, OnResult onResult);
  ~CheckRunner();
  CheckRunner(const CheckRunner&) = delete;
  CheckRunner& operator=(const CheckRunner&) = delete;

  /// Adds a check; its first run is spread over one interval.
  Result<CheckId> add(const ProbeSpec& spec, const CheckParams& params);
  /// Removes a check, cancelling a running probe.
  void remove(CheckId id);
  [[nodiscard]] const Scheduler& scheduler() const { return sched_; }
  /// @return probes currently running.
  [[nodiscard]] size_t running() const { return running_; }
  /// @return the most probes that run at once.
  [[nodiscard]] size_t maxInFlight() const { return maxInFlight_; }
  /// Overrides the in-flight limit (tests; at least 1).
  void setMaxInFlight(size_t n);
  /// @return probes that could not start for a local shortage (deferred, not failed).
  [[nodiscard]] uint64_t deferredTotal() const { return deferred_; }
  /// @return the highest number of probes that ran at once.
  [[nodiscard]] size_t peakRunning() const { return peak_; }
  /// Logs deferred probes (at most one line per 10 s, with the count).
  void setLogger(Logger log) { log_.emplace(std::move(log)); }

  /// Raises the soft descriptor limit to the hard one (at most 1,048,576).
  /// @return the soft limit now in force.
  static size_t raiseDescriptorLimit();
  /// @return the in-flight limit for a soft descriptor limit of @p softLimit.
  static size_t inFlightFor(size_t softLimit);

private:
  struct Entry {  ///< keyed by the check's id in entries_
    std::unique_ptr<Prober> prober;
    std::shared_ptr<ProbeRun> run;
  };
  void arm();
  void onTimer();
  void onDone(CheckId id, Outcome o);
  void noteDeferred(const Outcome& o);

  boost::asio::io_context& io_;
  Scheduler sched_;
  boost::asio::steady_timer timer_;
  OnResult onResult_;
  CheckTable<Entry> entries_;  ///< by slot, as the scheduler's (no hash lookup per result)
  /// When the loop timer is armed for (re-arming costs a timerfd_settime, expensive in VMs).
  std::optional<MonoTime> armedFor_;
  size_t running_ = 0;
  size_t peak_ = 0;
  size_t maxInFlight_;
  uint64_t deferred_ = 0;
  uint64_t deferredLogged_ = 0;
  SteadyClock clock_;
  RateLimit deferLog_{clock_, std::chrono::seconds(10), 1};
  std::optional<Logger> log_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace lvsd::check
