#pragma once
// Runs checks on an Asio loop: one timer armed at the scheduler's next due time, one prober per
// check, results fed back into the pure Scheduler. What a result means for weights and IPVS is
// the caller's business (WeightCalculator, Quorum, ipvs::Desired).

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <unordered_map>

#include "check/core/scheduler.h"
#include "check/io/probe.h"

namespace lvsd::check {

class CheckRunner {
public:
  /// Due probes are started in batches aligned to this window (fewer loop wake-ups).
  static constexpr Duration kBatchWindow = std::chrono::milliseconds(10);

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
  [[nodiscard]] size_t running() const;

private:
  struct Entry {
    std::unique_ptr<Prober> prober;
    std::shared_ptr<ProbeRun> run;
  };
  void arm();
  void onTimer();
  void onDone(CheckId id, Outcome o);

  boost::asio::io_context& io_;
  Scheduler sched_;
  boost::asio::steady_timer timer_;
  OnResult onResult_;
  std::unordered_map<CheckId, Entry> entries_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace lvsd::check
