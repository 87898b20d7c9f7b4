#include "check/config/pool.h"

#include <algorithm>

#include "ipvs/from_config.h"

namespace lvsd::check {

namespace {

bool allUp(const std::vector<Pool::Check>& checks) {
  return std::all_of(checks.begin(), checks.end(), [](const Pool::Check& c) { return c.up; });
}

}  // namespace

Pool::Virtual Pool::build(const config::Global& global, const config::VirtualServer& vs,
                          std::string service, MonoTime now) {
  Virtual v;
  v.name = vs.name;
  v.service = std::move(service);
  v.quorumParams = quorumParams(vs);
  v.quorum = Quorum(v.quorumParams);
  v.hasSorry = vs.sorry_server.has_value();
  v.reals.reserve(vs.real_servers.size());
  for (const config::RealServer& rs : vs.real_servers) {
    Real r;
    r.address = rs.endpoint.address;
    r.port = rs.endpoint.port;
    r.weightParams = weightParams(rs);
    for (const config::Check& c : rs.checks) {
      Check ck;
      ck.plan = planCheck(global, vs, rs, c);
      ck.up = ck.plan.params.initiallyUp;
      r.checks.push_back(std::move(ck));
    }
    r.up = allUp(r.checks);
    r.lastChange = now;
    r.tracker.emplace(r.weightParams, r.up, now);
    // What DesiredState::fromConfig starts from: up unless alpha with checks, configured
    // weight. The caller runs refresh() to bring it to quorum/sorry rules.
    r.baseline = Placement{r.up, r.up ? r.weightParams.weight : 0};
    r.placement = r.baseline;
    v.reals.push_back(std::move(r));
  }
  return v;
}

Pool::Pool(const config::Config& config, const std::vector<std::string>& services, MonoTime now) {
  virtuals_.reserve(config.virtual_servers.size());
  for (size_t i = 0; i < config.virtual_servers.size(); ++i) {
    const config::VirtualServer& vs = config.virtual_servers[i];
    virtuals_.push_back(build(config.global, vs, i < services.size() ? services[i] : vs.name, now));
  }
}

void Pool::migrateVirtual(Virtual& v, Virtual& o, std::vector<bool>& taken, MonoTime now) {
  if (o.quorumParams.quorum == v.quorumParams.quorum &&
      o.quorumParams.hysteresis == v.quorumParams.hysteresis) {
    v.quorum = o.quorum;
  }
  v.quorumChanges = o.quorumChanges;
  for (auto& r : v.reals) {
    for (size_t oj = 0; oj < o.reals.size(); ++oj) {
      Real& orl = o.reals[oj];
      if (taken[oj] || orl.address != r.address || orl.port != r.port) {
        continue;
      }
      taken[oj] = true;
      r.transitions = orl.transitions;
      r.lastChange = orl.lastChange;
      r.opMode = orl.opMode;
      r.opWeight = orl.opWeight;
      r.lastLatency = orl.lastLatency;
      r.hasLatency = orl.hasLatency;
      for (auto& ck : r.checks) {
        for (auto& ock : orl.checks) {
          if (ock.id != 0 && samePlan(ck.plan, ock.plan)) {
            ck.id = ock.id;
            ck.up = ock.up;
            ck.last = std::move(ock.last);
            ck.lastAt = ock.lastAt;
            ck.results = ock.results;
            ck.failures = ock.failures;
            ock.id = 0;
            break;
          }
        }
      }
      r.up = allUp(r.checks);
      if (orl.tracker && orl.weightParams == r.weightParams && orl.up == r.up) {
        r.tracker = std::move(orl.tracker);
      } else {
        r.tracker.emplace(r.weightParams, r.up, now);
        r.tracker->setOperator(r.opMode, r.opWeight, now);
      }
      break;
    }
  }
  // The feedback reference (mean latency) counts the carried latencies: without this a reload
  // left latencyCount at 0 while reals kept hasLatency, and the next result divided by zero.
  v.latencySum = Duration{};
  v.latencyCount = 0;
  for (const auto& r : v.reals) {
    if (r.hasLatency) {
      v.latencySum += r.lastLatency;
      ++v.latencyCount;
    }
  }
}

std::vector<CheckId> Pool::migrateFrom(Pool& old, MonoTime now) {
  std::vector<CheckId> dropped;
  std::map<std::string, size_t> oldVs;
  for (size_t i = 0; i < old.virtuals_.size(); ++i) {
    oldVs.emplace(old.virtuals_[i].service, i);
  }
  std::vector<std::vector<bool>> taken(old.virtuals_.size());
  for (size_t i = 0; i < old.virtuals_.size(); ++i) {
    taken[i].assign(old.virtuals_[i].reals.size(), false);
  }
  for (auto& v : virtuals_) {
    const auto ov = oldVs.find(v.service);
    if (ov != oldVs.end()) {
      migrateVirtual(v, old.virtuals_[ov->second], taken[ov->second], now);
    }
  }
  for (auto& o : old.virtuals_) {
    for (auto& r : o.reals) {
      for (auto& ck : r.checks) {
        if (ck.id != 0) {
          dropped.push_back(ck.id);
        }
      }
    }
  }
  byId_.clear();
  ramping_.clear();
  for (size_t vi = 0; vi < virtuals_.size(); ++vi) {
    indexChecks(vi);
  }
  return dropped;
}

void Pool::indexChecks(size_t vi) {
  for (size_t ri = 0; ri < virtuals_[vi].reals.size(); ++ri) {
    for (size_t ci = 0; ci < virtuals_[vi].reals[ri].checks.size(); ++ci) {
      const CheckId id = virtuals_[vi].reals[ri].checks[ci].id;
      if (id != 0) {
        byId_.insert(id, {RealRef{vi, ri}, ci});
      }
    }
  }
}

std::vector<CheckId> Pool::reloadFrom(Pool& old, const config::Config& config,
                                      const Origins& origins, MonoTime now) {
  std::vector<CheckId> dropped;
  const size_t n = config.virtual_servers.size();
  std::vector<std::optional<size_t>> newIndex(old.virtuals_.size());  // old -> new, carried
  for (size_t i = 0; i < n && i < origins.size(); ++i) {
    if (origins[i] && *origins[i] < old.virtuals_.size() && !newIndex[*origins[i]]) {
      newIndex[*origins[i]] = i;
    }
  }
  // Old servers not carried (changed or removed), by service: a rebuilt server migrates from
  // the one of its service, as migrateFrom() does.
  std::map<std::string, size_t> oldFree;
  for (size_t i = 0; i < old.virtuals_.size(); ++i) {
    if (!newIndex[i]) {
      oldFree.emplace(old.virtuals_[i].service, i);
    }
  }
  std::vector<std::vector<bool>> taken(old.virtuals_.size());
  byId_ = std::move(old.byId_);
  ramping_.clear();
  for (const auto& [key, at] : old.ramping_) {
    if (key.first < newIndex.size() && newIndex[key.first]) {
      ramping_[{*newIndex[key.first], key.second}] = at;
    }
  }
  old.ramping_.clear();
  rebuilt_.clear();
  virtuals_.clear();
  virtuals_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const auto& from = i < origins.size() ? origins[i] : std::nullopt;
    if (from && *from < old.virtuals_.size() && newIndex[*from] == i) {
      virtuals_.push_back(std::move(old.virtuals_[*from]));
      if (*from != i) {
        indexChecks(i);
      }
      continue;
    }
    const config::VirtualServer& vs = config.virtual_servers[i];
    virtuals_.push_back(build(config.global, vs, ipvs::toString(ipvs::serviceKey(vs)), now));
    rebuilt_.push_back(i);
    const auto o = oldFree.find(virtuals_.back().service);
    if (o != oldFree.end()) {
      auto& t = taken[o->second];
      t.resize(old.virtuals_[o->second].reals.size(), false);
      migrateVirtual(virtuals_.back(), old.virtuals_[o->second], t, now);
    }
  }
  for (size_t i = 0; i < old.virtuals_.size(); ++i) {
    if (newIndex[i]) {
      continue;
    }
    for (auto& r : old.virtuals_[i].reals) {
      for (auto& ck : r.checks) {
        if (ck.id != 0) {
          dropped.push_back(ck.id);
        }
      }
    }
  }
  for (CheckId id : dropped) {
    byId_.erase(id);
  }
  for (size_t vi : rebuilt_) {
    indexChecks(vi);
  }
  old.virtuals_.clear();
  old.byId_.clear();
  return dropped;
}

std::vector<RealChange> Pool::remap(const std::vector<RealChange>& changes,
                                    const Origins& origins) {
  std::map<size_t, size_t> newIndex;
  for (size_t i = 0; i < origins.size(); ++i) {
    if (origins[i]) {
      newIndex.emplace(*origins[i], i);
    }
  }
  std::vector<RealChange> out;
  for (const RealChange& c : changes) {
    const auto it = newIndex.find(c.ref.vs);
    if (it != newIndex.end()) {
      out.push_back(RealChange{RealRef{it->second, c.ref.rs}, c.placement});
    }
  }
  return out;
}

std::vector<std::pair<RealRef, size_t>> Pool::checksWithoutId() const {
  std::vector<std::pair<RealRef, size_t>> out;
  for (size_t vi = 0; vi < virtuals_.size(); ++vi) {
    for (size_t ri = 0; ri < virtuals_[vi].reals.size(); ++ri) {
      const auto& checks = virtuals_[vi].reals[ri].checks;
      for (size_t ci = 0; ci < checks.size(); ++ci) {
        if (checks[ci].id == 0) {
          out.push_back({RealRef{vi, ri}, ci});
        }
      }
    }
  }
  return out;
}

void Pool::setCheckId(RealRef r, size_t check, CheckId id) {
  real(r).checks.at(check).id = id;
  byId_.insert(id, {r, check});
}

void Pool::setCheckError(RealRef r, size_t check, std::string error) {
  real(r).checks.at(check).error = std::move(error);
}

std::optional<Pool::CheckRef> Pool::findCheck(CheckId id) const {
  const CheckRef* where = byId_.find(id);
  if (where == nullptr) {
    return std::nullopt;
  }
  return *where;
}

std::vector<RealChange> Pool::onResult(CheckId id, const Outcome& outcome, bool checkUp,
                                       MonoTime now) {
  std::vector<RealChange> out;
  if (const auto where = findCheck(id)) {
    onResult(*where, outcome, checkUp, now, out);
  }
  return out;
}

void Pool::onResult(CheckRef where, const Outcome& outcome, bool checkUp, MonoTime now,
                    std::vector<RealChange>& out) {
  const RealRef ref = where.first;
  Virtual& v = virtuals_[ref.vs];
  Real& r = real(ref);
  Check& ck = r.checks[where.second];
  ck.up = checkUp;
  ck.last = outcome;  // copy-assigned: the reason string reuses its buffer
  ck.lastAt = now;
  ++ck.results;
  ck.failures += outcome.verdict == Verdict::Down ? 1 : 0;
  const bool up = r.checks.size() == 1 ? checkUp : allUp(r.checks);
  if (up != r.up) {
    r.up = up;
    ++r.transitions;
    r.lastChange = now;
  }
  if (outcome.verdict == Verdict::Up && r.weightParams.feedback.enabled) {
    if (r.hasLatency) {
      v.latencySum -= r.lastLatency;
    } else {
      ++v.latencyCount;
    }
    r.lastLatency = std::chrono::duration_cast<Duration>(outcome.latency);
    r.hasLatency = true;
    v.latencySum += r.lastLatency;
    const auto mean = v.latencySum / static_cast<Duration::rep>(v.latencyCount);
    r.tracker->setRtReference(std::max(mean, Duration(1)));
  }
  r.tracker->onResult(outcome, up, now);
  evaluate(ref, now, out);
}

std::vector<RealChange> Pool::tick(MonoTime now) {
  std::vector<RealChange> out;
  std::vector<RealRef> due;
  for (const auto& [key, at] : ramping_) {
    if (at <= now) {
      due.push_back(RealRef{key.first, key.second});
    }
  }
  for (const RealRef& r : due) {
    real(r).tracker->onTick(now);
    evaluate(r, now, out);
  }
  return out;
}

std::optional<MonoTime> Pool::nextTick(MonoTime) const {
  std::optional<MonoTime> next;
  for (const auto& [key, at] : ramping_) {
    next = next ? std::min(*next, at) : at;
  }
  return next;
}

std::vector<RealChange> Pool::setOperator(RealRef ref, OperatorMode mode,
                                          std::optional<uint32_t> weight, MonoTime now) {
  std::vector<RealChange> out;
  Real& r = real(ref);
  r.opMode = mode;
  r.opWeight = weight;
  r.tracker->setOperator(mode, weight, now);
  evaluate(ref, now, out);
  return out;
}

void Pool::resetPlacements() {
  for (auto& v : virtuals_) {
    for (auto& r : v.reals) {
      r.placement = r.baseline;
    }
  }
}

std::vector<RealChange> Pool::refreshAll(MonoTime now) {
  std::vector<RealChange> out;
  for (size_t vi = 0; vi < virtuals_.size(); ++vi) {
    refresh(vi, now, out);
  }
  return out;
}

void Pool::refresh(size_t vi, MonoTime now, std::vector<RealChange>& out) {
  auto& v = virtuals_[vi];
  v.servingSum = 0;
  for (auto& r : v.reals) {
    const DestDecision& d = r.tracker->current();
    r.contrib = d.serving ? d.target : 0;
    v.servingSum += r.contrib;
  }
  const QuorumChange qc = v.quorum.update(v.servingSum);
  if (qc == QuorumChange::Gained || qc == QuorumChange::Lost) {
    ++v.quorumChanges;
  }
  v.sorryMode = v.hasSorry && !v.quorum.has();
  for (size_t ri = 0; ri < v.reals.size(); ++ri) {
    trackRamp({vi, ri}, now);
    place({vi, ri}, out);
  }
}

void Pool::evaluate(RealRef ref, MonoTime now, std::vector<RealChange>& out) {
  Virtual& v = virtuals_[ref.vs];
  Real& r = real(ref);
  const DestDecision& d = r.tracker->current();
  const uint64_t contrib = d.serving ? d.target : 0;
  v.servingSum = v.servingSum - r.contrib + contrib;
  r.contrib = contrib;
  const QuorumChange qc = v.quorum.update(v.servingSum);
  if (qc == QuorumChange::Gained || qc == QuorumChange::Lost) {
    ++v.quorumChanges;
  }
  const bool sorry = v.hasSorry && !v.quorum.has();
  trackRamp(ref, now);
  if (sorry != v.sorryMode) {
    v.sorryMode = sorry;
    for (size_t i = 0; i < v.reals.size(); ++i) {
      place({ref.vs, i}, out);
    }
    return;
  }
  place(ref, out);
}

void Pool::place(RealRef ref, std::vector<RealChange>& out) {
  const Virtual& v = virtuals_[ref.vs];
  Real& r = real(ref);
  const DestDecision& d = r.tracker->current();
  Placement p;
  p.up = d.serving && !v.sorryMode;
  p.weight = p.up ? d.weight : 0;
  if (p != r.placement) {
    r.placement = p;
    out.push_back(RealChange{ref, p});
  }
}

void Pool::trackRamp(RealRef ref, MonoTime now) {
  const auto key = std::make_pair(ref.vs, ref.rs);
  const auto next = real(ref).tracker->nextTick(now);
  if (next) {
    ramping_[key] = *next;
  } else if (!ramping_.empty()) {  // nothing ramps in the steady state: no lookup per result
    ramping_.erase(key);
  }
}

}  // namespace lvsd::check
