#include "check/core/scheduler.h"

#include <algorithm>
#include <cmath>

namespace lvsd::check {

double vanDerCorput(uint64_t k) {
  double v = 0.0;
  double denom = 1.0;
  while (k != 0) {
    denom *= 2.0;
    v += static_cast<double>(k & 1U) / denom;
    k >>= 1U;
  }
  return v;
}

namespace {
Duration scaled(Duration d, double factor) {
  return std::chrono::duration_cast<Duration>(
      std::chrono::duration<double, Duration::period>(static_cast<double>(d.count()) * factor));
}
Duration orDefault(Duration d, Duration fallback) { return d.count() > 0 ? d : fallback; }
}  // namespace

CheckId Scheduler::add(const CheckParams& params, MonoTime now) {
  const CheckId id = ids_.allocate();
  if (id == 0) {
    return 0;  // every slot in use
  }
  Entry e;
  e.params = params;
  e.params.rise = std::max<uint32_t>(1, params.rise);
  e.params.fall = std::max<uint32_t>(1, params.fall);
  e.params.jitter = std::clamp(params.jitter, 0.0, 0.5);
  e.status.up = params.initiallyUp;
  // Stratified start: the van der Corput point places the k-th check in the largest gap left
  // by the first k-1; a little randomness inside a 1/1024 slot keeps reloads from aligning.
  const double slot = 1.0 / 1024.0;
  const double offset = std::fmod(vanDerCorput(added_++) + rng_.unit() * slot, 1.0);
  Entry& in = checks_.insert(id, std::move(e));
  schedule(id, in, now + scaled(in.params.interval, offset));
  return id;
}

void Scheduler::remove(CheckId id) {
  if (!checks_.erase(id)) {
    return;
  }
  ids_.release(id);  // its queue item, if any, is now stale (the slot's next id differs)
  prune();
}

void Scheduler::schedule(CheckId id, Entry& e, MonoTime at) {
  e.status.nextDue = at;
  e.status.inFlight = false;
  ++e.generation;
  queue_.push_back(Item{at, id, e.generation});
  std::push_heap(queue_.begin(), queue_.end(), later);
}

bool Scheduler::isLive(const Item& item) const {
  const Entry* e = checks_.find(item.id);
  return e != nullptr && !e->status.inFlight && e->generation == item.generation;
}

void Scheduler::prune() {
  while (!queue_.empty() && !isLive(queue_.front())) {
    std::pop_heap(queue_.begin(), queue_.end(), later);
    queue_.pop_back();
  }
}

std::vector<CheckId> Scheduler::takeDue(MonoTime now, size_t limit) {
  std::vector<CheckId> due;
  while (due.size() < limit && !queue_.empty() && queue_.front().at <= now) {
    const Item item = queue_.front();
    std::pop_heap(queue_.begin(), queue_.end(), later);
    queue_.pop_back();
    Entry* e = checks_.find(item.id);
    if (e != nullptr && !e->status.inFlight && e->generation == item.generation) {
      e->status.inFlight = true;
      due.push_back(item.id);
    }
  }
  prune();
  return due;
}

void Scheduler::defer(CheckId id, MonoTime at) {
  Entry* e = checks_.find(id);
  if (e == nullptr || !e->status.inFlight) {
    return;
  }
  schedule(id, *e, at);
}

std::optional<MonoTime> Scheduler::nextDue() const {
  if (queue_.empty()) {
    return std::nullopt;
  }
  return queue_.front().at;  // live: every change that can stale the top prunes
}

ResultEffect Scheduler::onResult(CheckId id, const Outcome& outcome, MonoTime now) {
  Entry* found = checks_.find(id);
  if (found == nullptr) {
    return {};
  }
  Entry& e = *found;
  CheckStatus& s = e.status;
  const CheckParams& p = e.params;
  const bool wasQueued = !s.inFlight;  // a result without takeDue(): reschedule from now
  ++s.probes;
  ResultEffect eff;
  bool retry = false;
  const bool success = outcome.verdict == Verdict::Up;
  if (outcome.verdict == Verdict::NoChange) {
    eff.transition = s.count > 0 ? Transition::Pending : Transition::Unchanged;
  } else if (!success && s.retriesUsed < p.retries && (s.up || s.count > 0)) {
    // A failure that may start or continue a fall: retry before counting it. A server that is
    // already steadily down does not need retries to stay down.
    ++s.retriesUsed;
    retry = true;
    eff.transition = Transition::Pending;
  } else {
    s.retriesUsed = 0;
    if (success == s.up) {
      s.count = 0;
      eff.transition = Transition::Unchanged;
    } else {
      ++s.count;
      const uint32_t needed = s.up ? p.fall : p.rise;
      if (s.count >= needed) {
        s.up = !s.up;
        s.count = 0;
        eff.transition = Transition::Changed;
      } else {
        eff.transition = Transition::Pending;
      }
    }
  }
  if (success) {
    s.retriesUsed = 0;
  }
  eff.up = s.up;

  Duration period = p.interval;
  if (retry) {
    period = p.retryDelay;
  } else if (s.count > 0) {
    period = orDefault(p.transitionInterval, p.interval);
  } else if (!s.up) {
    period = orDefault(p.downInterval, p.interval);
  }
  if (!retry && p.jitter > 0.0) {
    period = scaled(period, 1.0 + p.jitter * (2.0 * rng_.unit() - 1.0));
  }
  schedule(id, e, now + period);
  if (wasQueued) {
    prune();  // its old item may be the top
  }
  return eff;
}

const CheckStatus* Scheduler::status(CheckId id) const {
  const Entry* e = checks_.find(id);
  return e == nullptr ? nullptr : &e->status;
}

const CheckParams* Scheduler::params(CheckId id) const {
  const Entry* e = checks_.find(id);
  return e == nullptr ? nullptr : &e->params;
}

}  // namespace lvsd::check
