#pragma once
// Probes: asynchronous, on one Asio io_context, never blocking it. A Prober is made once per
// check (it holds what runs share: TLS context, compiled regex, resolved script user); each
// run() is one attempt that calls back exactly once with an Outcome, within the timeout.

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>

#include "check/core/outcome.h"
#include "check/core/probe_spec.h"
#include "common/result.h"

namespace lvsd::check {

using ProbeDone = std::function<void(Outcome)>;

/// One running probe attempt.
class ProbeRun {
public:
  virtual ~ProbeRun() = default;
  /// Stops the attempt; its callback will not be called. Sockets close, children are killed.
  virtual void cancel() = 0;
};

class Prober {
public:
  virtual ~Prober() = default;
  /// Starts one attempt. @p done runs on the loop (never inside run()), exactly once unless
  /// the attempt is cancelled.
  virtual std::shared_ptr<ProbeRun> run(ProbeDone done) = 0;
};

/// Builds the prober for @p spec. Fails on invalid specs (bad regex, unreadable certificate,
/// unknown script user).
Result<std::unique_ptr<Prober>> makeProber(boost::asio::io_context& io, const ProbeSpec& spec,
                                           Duration timeout);

}  // namespace lvsd::check
