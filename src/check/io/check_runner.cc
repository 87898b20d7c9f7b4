#include "check/io/check_runner.h"

#include <sys/resource.h>

#include <algorithm>

namespace lvsd::check {

namespace {
MonoTime now() { return std::chrono::steady_clock::now(); }
size_t softDescriptorLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) {
    return 1024;
  }
  return static_cast<size_t>(rl.rlim_cur);
}
}  // namespace

size_t CheckRunner::raiseDescriptorLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    const rlim_t want = std::min<rlim_t>(rl.rlim_max, rlim_t{1} << 20U);
    if (want > rl.rlim_cur) {
      rl.rlim_cur = want;
      (void)setrlimit(RLIMIT_NOFILE, &rl);  // keep the old limit if refused
    }
  }
  return softDescriptorLimit();
}

size_t CheckRunner::inFlightFor(size_t softLimit) {
  // Each running probe holds one descriptor (socket or pidfd); the rest of the process keeps a
  // reserve. Tiny limits still let a few probes run.
  const size_t budget =
      softLimit > 2 * kDescriptorReserve ? softLimit - kDescriptorReserve : softLimit / 2;
  return std::clamp<size_t>(budget, 1, 16384);
}

CheckRunner::CheckRunner(boost::asio::io_context& io, Random& rng, OnResult onResult)
    : io_(io),
      sched_(rng),
      timer_(io),
      onResult_(std::move(onResult)),
      maxInFlight_(inFlightFor(softDescriptorLimit())) {}

CheckRunner::~CheckRunner() {
  entries_.forEach([](CheckId, Entry& e) {
    if (e.run) {
      e.run->cancel();
    }
  });
  timer_.cancel();
}

void CheckRunner::setMaxInFlight(size_t n) {
  maxInFlight_ = std::max<size_t>(n, 1);
  arm();
}

Result<CheckId> CheckRunner::add(const ProbeSpec& spec, const CheckParams& params) {
  auto prober = makeProber(io_, spec, params.timeout);
  if (!prober) {
    return Unexpected(prober.error());
  }
  const CheckId id = sched_.add(params, now());
  if (id == 0) {
    return fail("too many checks (at most " + std::to_string(kCheckSlotMask + 1) + ")");
  }
  entries_.insert(id, Entry{std::move(prober.value()), nullptr});
  arm();
  return id;
}

void CheckRunner::remove(CheckId id) {
  Entry* e = entries_.find(id);
  if (e == nullptr) {
    return;
  }
  if (e->run) {
    e->run->cancel();
    --running_;
  }
  entries_.erase(id);
  sched_.remove(id);
  arm();
}

void CheckRunner::arm() {
  const auto next = sched_.nextDue();
  if (!next || running_ >= maxInFlight_) {
    if (armedFor_) {
      timer_.cancel();  // nothing due, or full: the next completion re-arms
      armedFor_.reset();
    }
    return;
  }
  // Probes due within one batch window start together: their socket events then arrive in the
  // same epoll round, so 10,000 checks a second wake the loop far less often (the delay is at
  // most kBatchWindow, well inside the schedule's jitter).
  const auto since = next->time_since_epoch();
  const auto rounded = (since + kBatchWindow - Duration(1)) / kBatchWindow * kBatchWindow;
  const MonoTime at(std::chrono::duration_cast<MonoTime::duration>(rounded));
  // Every result calls arm(); the timer is only moved when it must fire earlier. Firing early
  // for nothing is cheap (onTimer re-arms), re-arming per result is not (a timerfd_settime).
  if (armedFor_ && *armedFor_ <= at) {
    return;
  }
  armedFor_ = at;
  timer_.expires_at(at);
  timer_.async_wait(
      [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (!ec && !alive.expired()) {
          armedFor_.reset();
          onTimer();
        }
      });
}

void CheckRunner::onTimer() {
  const size_t room = maxInFlight_ > running_ ? maxInFlight_ - running_ : 0;
  for (CheckId id : sched_.takeDue(now(), std::min(room, kMaxStartsPerRun))) {
    Entry* e = entries_.find(id);
    if (e == nullptr) {
      continue;
    }
    // No liveness token: the destructor and remove() cancel every run, and a cancelled run
    // never calls back. The id, not the entry's address: the table moves rows when it grows.
    // A pointer and an id: within std::function's inline storage (no allocation per probe).
    e->run = e->prober->run([this, id](Outcome o) { onDone(id, std::move(o)); });
    ++running_;
  }
  peak_ = std::max(peak_, running_);
  arm();
}

void CheckRunner::onDone(CheckId id, Outcome o) {
  Entry* e = entries_.find(id);
  if (e == nullptr) {
    return;  // removed meanwhile (its run was cancelled: not expected to get here)
  }
  e->run.reset();
  --running_;
  if (o.notStarted) {
    // Not the server's fault: try again shortly, without counting a result.
    sched_.defer(id, now() + kDeferDelay);
    noteDeferred(o);
    arm();
    return;
  }
  const ResultEffect eff = sched_.onResult(id, o, now());
  arm();
  if (onResult_) {
    onResult_(id, o, eff);
  }
}

void CheckRunner::noteDeferred(const Outcome& o) {
  ++deferred_;
  if (!log_ || !deferLog_.allow()) {
    return;
  }
  log_->warning("probes deferred for lack of local resources: " +
                    std::to_string(deferred_ - deferredLogged_) + " since the last report (" +
                    o.reason + "); " + std::to_string(running_) + " running, limit " +
                    std::to_string(maxInFlight_),
                {{"event", "check_deferred"}});
  deferredLogged_ = deferred_;
}

}  // namespace lvsd::check
