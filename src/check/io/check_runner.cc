#include "check/io/check_runner.h"

namespace lvsd::check {

CheckRunner::CheckRunner(boost::asio::io_context& io, Random& rng, OnResult onResult)
    : io_(io), sched_(rng), timer_(io), onResult_(std::move(onResult)) {}

CheckRunner::~CheckRunner() {
  for (auto& [id, e] : entries_) {
    if (e.run) {
      e.run->cancel();
    }
  }
  timer_.cancel();
}

Result<CheckId> CheckRunner::add(const ProbeSpec& spec, const CheckParams& params) {
  auto prober = makeProber(io_, spec, params.timeout);
  if (!prober) {
    return Unexpected(prober.error());
  }
  const CheckId id = sched_.add(params, std::chrono::steady_clock::now());
  entries_[id].prober = std::move(prober.value());
  arm();
  return id;
}

void CheckRunner::remove(CheckId id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) {
    return;
  }
  if (it->second.run) {
    it->second.run->cancel();
  }
  entries_.erase(it);
  sched_.remove(id);
  arm();
}

size_t CheckRunner::running() const {
  size_t n = 0;
  for (const auto& [id, e] : entries_) {
    n += e.run ? 1 : 0;
  }
  return n;
}

void CheckRunner::arm() {
  const auto next = sched_.nextDue();
  if (!next) {
    timer_.cancel();
    return;
  }
  // Probes due within one batch window start together: their socket events then arrive in the
  // same epoll round, so 10,000 checks a second wake the loop far less often (the delay is at
  // most kBatchWindow, well inside the schedule's jitter).
  const auto since = next->time_since_epoch();
  const auto rounded = (since + kBatchWindow - Duration(1)) / kBatchWindow * kBatchWindow;
  timer_.expires_at(MonoTime(std::chrono::duration_cast<MonoTime::duration>(rounded)));
  timer_.async_wait(
      [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (!ec && !alive.expired()) {
          onTimer();
        }
      });
}

void CheckRunner::onTimer() {
  for (CheckId id : sched_.takeDue(std::chrono::steady_clock::now())) {
    auto it = entries_.find(id);
    if (it == entries_.end()) {
      continue;
    }
    it->second.run =
        it->second.prober->run([this, id, alive = std::weak_ptr<bool>(alive_)](Outcome o) {
          if (!alive.expired()) {
            onDone(id, std::move(o));
          }
        });
  }
  arm();
}

void CheckRunner::onDone(CheckId id, Outcome o) {
  auto it = entries_.find(id);
  if (it == entries_.end()) {
    return;
  }
  it->second.run.reset();
  const ResultEffect eff = sched_.onResult(id, o, std::chrono::steady_clock::now());
  arm();
  if (onResult_) {
    onResult_(id, o, eff);
  }
}

}  // namespace lvsd::check
