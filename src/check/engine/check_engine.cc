#include "check/engine/check_engine.h"

#include <boost/asio/post.hpp>
#include <chrono>
#include <utility>

#include "check/config/to_ipvs.h"
#include "common/command_line.h"

namespace lvsd::check {

namespace asio = boost::asio;
using Json = nlohmann::json;

namespace {

MonoTime now() { return std::chrono::steady_clock::now(); }

double ms(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

const char* verdictName(Verdict v) {
  switch (v) {
    case Verdict::Up:
      return "up";
    case Verdict::Down:
      return "down";
    case Verdict::NoChange:
      break;
  }
  return "no_change";
}

}  // namespace

const char* toString(OperatorMode m) {
  switch (m) {
    case OperatorMode::Drain:
      return "drain";
    case OperatorMode::Disabled:
      return "disabled";
    case OperatorMode::Enabled:
      break;
  }
  return "enabled";
}

std::optional<OperatorMode> operatorModeFromString(std::string_view s) {
  if (s == "enabled") {
    return OperatorMode::Enabled;
  }
  if (s == "drain") {
    return OperatorMode::Drain;
  }
  if (s == "disabled") {
    return OperatorMode::Disabled;
  }
  return std::nullopt;
}

Json toJson(const std::vector<OperatorOverride>& overrides) {
  Json out = Json::array();
  for (const auto& o : overrides) {
    Json j{{"vs", o.vs}, {"rs", o.rs}, {"mode", toString(o.mode)}};
    j["weight"] = o.weight ? Json(*o.weight) : Json(nullptr);
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<OperatorOverride> overridesFromJson(const Json& j) {
  std::vector<OperatorOverride> out;
  if (!j.is_array()) {
    return out;
  }
  for (const auto& e : j) {
    if (!e.is_object() || !e.contains("vs") || !e["vs"].is_string() || !e.contains("rs") ||
        !e["rs"].is_string()) {
      continue;
    }
    OperatorOverride o;
    o.vs = e["vs"].get<std::string>();
    o.rs = e["rs"].get<std::string>();
    if (e.contains("mode") && e["mode"].is_string()) {
      o.mode = operatorModeFromString(e["mode"].get<std::string>()).value_or(o.mode);
    }
    if (e.contains("weight") && e["weight"].is_number_unsigned()) {
      o.weight = static_cast<uint32_t>(std::min<uint64_t>(e["weight"].get<uint64_t>(), 65535));
    }
    out.push_back(std::move(o));
  }
  return out;
}

CheckEngine::CheckEngine(asio::io_context& io, Logger log, Apply apply)
    : io_(io),
      log_(std::move(log)),
      apply_(std::move(apply)),
      rng_(static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count())),
      tickTimer_(io),
      flushTimer_(io),
      omegaTimer_(io) {
  // One descriptor per running probe: use what the hard limit allows (the runner sizes its
  // in-flight limit from the soft one).
  const size_t limit = CheckRunner::raiseDescriptorLimit();
  runner_ = std::make_unique<CheckRunner>(
      io_, rng_,
      [this](CheckId id, const Outcome& o, const ResultEffect& e) { onResult(id, o, e); });
  runner_->setLogger(log_);
  log_.debug("descriptor limit " + std::to_string(limit) + ", at most " +
             std::to_string(runner_->maxInFlight()) + " probes at once");
}

CheckEngine::~CheckEngine() {
  tickTimer_.cancel();
  flushTimer_.cancel();
}

std::vector<RealChange> CheckEngine::start(const config::Config& config) {
  config_ = &config;
  pool_ = Pool(config, serviceNames(config), now());
  addMissingChecks();
  log_.info("health checks started: " + std::to_string(pool_.checkCount()) + " checks",
            {{"event", "checks_started"}});
  auto changes = pool_.refreshAll(now());
  armTick();
  return changes;
}

std::vector<RealChange> CheckEngine::reload(const config::Config& config) {
  pending_.clear();  // indexes into the old pool; refreshAll below recomputes everything
  config_ = &config;
  Pool next(config, serviceNames(config), now());
  const auto dropped = next.migrateFrom(pool_, now());
  for (CheckId id : dropped) {
    runner_->remove(id);
  }
  pool_ = std::move(next);
  const size_t kept = pool_.checkCount();
  addMissingChecks();
  log_.info("health checks reloaded: " + std::to_string(kept) + " kept, " +
                std::to_string(pool_.checkCount() - kept) + " new, " +
                std::to_string(dropped.size()) + " removed",
            {{"event", "checks_reloaded"}});
  setOverrides(overrides_);  // re-resolve against the new config; applied by refreshAll
  pending_.clear();
  pool_.resetPlacements();  // the caller's desired state is fresh from the new config
  auto changes = pool_.refreshAll(now());
  armTick();
  return changes;
}

std::vector<RealChange> CheckEngine::reload(const config::Config& config,
                                            const Pool::Origins& origins) {
  // Changes not applied yet, moved to the carried servers' new positions: the caller's desired
  // state keeps those servers as they were, so it still needs them.
  std::vector<RealChange> changes = Pool::remap(pending_, origins);
  pending_.clear();
  config_ = &config;
  Pool next;
  const auto dropped = next.reloadFrom(pool_, config, origins, now());
  for (CheckId id : dropped) {
    runner_->remove(id);
  }
  pool_ = std::move(next);
  const size_t kept = pool_.checkCount();
  addMissingChecks();
  log_.info("health checks reloaded: " + std::to_string(pool_.rebuilt().size()) +
                " virtual servers rebuilt, " + std::to_string(kept) + " checks kept, " +
                std::to_string(pool_.checkCount() - kept) + " new, " +
                std::to_string(dropped.size()) + " removed",
            {{"event", "checks_reloaded"}});
  setOverrides(overrides_);  // re-resolve against the new config (queued into pending_)
  changes.insert(changes.end(), pending_.begin(), pending_.end());
  pending_.clear();
  for (size_t vi : pool_.rebuilt()) {
    pool_.refresh(vi, now(), changes);
  }
  armTick();
  return changes;
}

void CheckEngine::addMissingChecks() {
  for (const auto& [ref, idx] : pool_.checksWithoutId()) {
    const Pool::Check& ck = pool_.virtuals()[ref.vs].reals[ref.rs].checks[idx];
    auto id = runner_->add(ck.plan.spec, ck.plan.params);
    if (!id) {
      // The check cannot run (e.g. certificate unreadable): it stays at its initial state.
      pool_.setCheckError(ref, idx, id.error().message);
      log_.error("check " + ck.plan.summary + " of " + pool_.virtuals()[ref.vs].name +
                     " cannot run: " + id.error().message,
                 {{"event", "check_invalid"}});
      continue;
    }
    pool_.setCheckId(ref, idx, *id);
  }
}

std::vector<std::string> CheckEngine::setOverrides(const std::vector<OperatorOverride>& overrides) {
  overrides_ = overrides;
  std::vector<std::string> errors;
  if (config_ == nullptr) {
    return errors;  // not started: applied by start()'s caller through reload/setOverrides
  }
  // Desired operator state per real server (default: enabled, no weight).
  std::map<std::pair<size_t, size_t>, const OperatorOverride*> want;
  for (const auto& o : overrides_) {
    auto vs = findVirtualServer(*config_, o.vs);
    if (!vs) {
      errors.push_back(vs.error().message);
      continue;
    }
    auto rs = findRealServer(config_->virtual_servers[*vs], o.rs);
    if (!rs) {
      errors.push_back(rs.error().message);
      continue;
    }
    want[{*vs, *rs}] = &o;
  }
  std::vector<RealChange> changes;
  const auto& vss = pool_.virtuals();
  for (size_t vi = 0; vi < vss.size(); ++vi) {
    for (size_t ri = 0; ri < vss[vi].reals.size(); ++ri) {
      const auto it = want.find({vi, ri});
      const OperatorMode mode = it == want.end() ? OperatorMode::Enabled : it->second->mode;
      const auto weight = it == want.end() ? std::nullopt : it->second->weight;
      const Pool::Real& r = vss[vi].reals[ri];
      if (r.opMode == mode && r.opWeight == weight) {
        continue;
      }
      log_.notice("operator: " + vss[vi].name + " " + formatEndpoint(r.address, r.port) + " " +
                      toString(mode) + (weight ? " weight " + std::to_string(*weight) : ""),
                  {{"event", "check_operator"}, {"service", vss[vi].name}});
      auto c = pool_.setOperator({vi, ri}, mode, weight, now());
      changes.insert(changes.end(), c.begin(), c.end());
    }
  }
  queue(std::move(changes), "operator");
  armTick();
  return errors;
}

void CheckEngine::onResult(CheckId id, const Outcome& o, const ResultEffect& e) {
  ++results_;
  const auto where = pool_.findCheck(id);  // the only lookup per result
  if (!where) {
    return;
  }
  const size_t vi = where->first.vs;
  const size_t ri = where->first.rs;
  const Pool::Virtual& v = pool_.virtuals()[vi];
  const Pool::Real& r = v.reals[ri];
  const bool wasUp = r.up;
  const bool hadQuorum = v.quorum.has();
  scratch_.clear();
  pool_.onResult(*where, o, e.up, now(), scratch_);
  if (r.up != wasUp || v.quorum.has() != hadQuorum) {
    onStateChange(vi, ri, wasUp, hadQuorum, o);  // strings and commands only on a change
  }
  if (!scratch_.empty()) {
    queue(scratch_, "health");
  }
  armTick();
}

void CheckEngine::onStateChange(size_t vi, size_t ri, bool wasUp, bool hadQuorum,
                                const Outcome& o) {
  const Pool::Virtual& v = pool_.virtuals()[vi];
  const Pool::Real& r = v.reals[ri];
  if (vi < config_->virtual_servers.size()) {
    const config::VirtualServer& cv = config_->virtual_servers[vi];
    if (r.up != wasUp && ri < cv.real_servers.size()) {
      runCommand(r.up ? cv.real_servers[ri].notify_up : cv.real_servers[ri].notify_down,
                 r.up ? "notify_up" : "notify_down");
    }
    if (v.quorum.has() != hadQuorum) {
      log_.log(v.quorum.has() ? LogLevel::Notice : LogLevel::Warning,
               std::string("virtual server ") + v.name + (v.quorum.has() ? " gained" : " lost") +
                   " quorum (" + std::to_string(v.servingSum) + " of " +
                   std::to_string(v.quorumParams.quorum) + ")",
               {{"event", v.quorum.has() ? "quorum_up" : "quorum_down"}, {"service", v.name}});
      runCommand(v.quorum.has() ? cv.quorum_up : cv.quorum_down,
                 v.quorum.has() ? "quorum_up" : "quorum_down");
    }
  }
  if (r.up != wasUp) {
    const LogLevel level = r.up ? LogLevel::Notice : LogLevel::Warning;
    log_.log(level,
             "real server " + formatEndpoint(r.address, r.port) + " of " + v.name + " is " +
                 (r.up ? "up" : "down") + ": " + o.reason,
             {{"event", r.up ? "real_server_up" : "real_server_down"}, {"service", v.name}});
  }
}

void CheckEngine::runCommand(const std::string& command, const std::string& what) {
  if (command.empty()) {
    return;
  }
  ScriptSpec spec;
  spec.argv = splitCommandLine(command);
  spec.user = config_->global.script_user;
  auto prober = makeProber(io_, spec, std::chrono::seconds(30));
  if (!prober) {
    log_.error(what + " command '" + command + "' cannot run: " + prober.error().message,
               {{"event", "check_command_failed"}});
    return;
  }
  auto slot = commands_.emplace(commands_.end());
  slot->prober = std::move(prober.value());
  slot->run = slot->prober->run(
      [this, slot, what, command, alive = std::weak_ptr<bool>(alive_)](Outcome o) {
        if (alive.expired()) {
          return;
        }
        if (o.verdict != Verdict::Up) {
          log_.warning(what + " command '" + command + "' failed: " + o.reason,
                       {{"event", "check_command_failed"}});
        }
        commands_.erase(slot);
        if (commands_.empty() && commandsDone_) {
          omegaTimer_.cancel();
          std::exchange(commandsDone_, nullptr)();
        }
      });
}

size_t CheckEngine::runOmega(std::chrono::milliseconds bound, std::function<void()> done) {
  size_t started = 0;
  size_t services = 0;
  const auto& virtuals = pool_.virtuals();
  for (size_t vi = 0;
       config_ != nullptr && vi < config_->virtual_servers.size() && vi < virtuals.size(); ++vi) {
    const config::VirtualServer& cv = config_->virtual_servers[vi];
    if (!cv.omega) {
      continue;
    }
    ++services;
    const Pool::Virtual& v = virtuals[vi];
    for (size_t ri = 0; ri < v.reals.size() && ri < cv.real_servers.size(); ++ri) {
      if (v.reals[ri].up && !cv.real_servers[ri].notify_down.empty()) {
        runCommand(cv.real_servers[ri].notify_down, "notify_down");
        ++started;
      }
    }
    if (v.quorum.has() && !cv.quorum_down.empty()) {
      runCommand(cv.quorum_down, "quorum_down");
      ++started;
    }
  }
  if (services > 0) {
    log_.info("omega: " + std::to_string(started) + " notify command(s) for " +
                  std::to_string(services) + " virtual server(s) at stop",
              {{"event", "omega"}});
  }
  if (commands_.empty()) {
    done();
    return started;
  }
  commandsDone_ = std::move(done);
  omegaTimer_.expires_after(bound);
  omegaTimer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec && commandsDone_) {
      log_.warning(std::to_string(commands_.size()) + " omega command(s) still running at stop",
                   {{"event", "omega_timeout"}});
      std::exchange(commandsDone_, nullptr)();
    }
  });
  return started;
}

void CheckEngine::queue(const std::vector<RealChange>& changes, const char* trigger) {
  if (changes.empty()) {
    return;
  }
  if (pending_.empty()) {
    pendingTrigger_ = trigger;
  } else if (pendingTrigger_ != trigger) {
    pendingTrigger_ = "health";
  }
  pending_.insert(pending_.end(), changes.begin(), changes.end());
  if (flushPosted_) {
    return;
  }
  flushPosted_ = true;
  const MonoTime earliest = lastFlushEnd_ + flushGap_;
  if (now() >= earliest) {
    asio::post(io_, [this, alive = std::weak_ptr<bool>(alive_)] {
      if (!alive.expired()) {
        flush();
      }
    });
    return;
  }
  flushTimer_.expires_at(earliest);
  flushTimer_.async_wait(
      [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (!ec && !alive.expired()) {
          flush();
        }
      });
}

void CheckEngine::flush() {
  flushPosted_ = false;
  if (pending_.empty()) {
    return;
  }
  std::vector<RealChange> changes;
  changes.swap(pending_);
  changesTotal_ += changes.size();
  if (apply_) {
    const MonoTime t0 = now();
    apply_(*config_, pool_, changes, pendingTrigger_);
    lastFlushEnd_ = now();
    // Cheap applies (the normal case) are not spaced: one sync per loop turn, as before.
    const Duration cost = lastFlushEnd_ - t0;
    flushGap_ = cost < std::chrono::milliseconds(100)
                    ? Duration{}
                    : std::min<Duration>(4 * cost, std::chrono::seconds(30));
  }
}

void CheckEngine::armTick() {
  const auto next = pool_.nextTick(now());
  if (next == tickArmedFor_) {
    return;  // called after every result: leave the timer alone unless the next tick moved
  }
  tickArmedFor_ = next;
  if (!next) {
    tickTimer_.cancel();
    return;
  }
  tickTimer_.expires_at(*next);
  tickTimer_.async_wait(
      [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (ec || alive.expired()) {
          return;
        }
        tickArmedFor_.reset();
        queue(pool_.tick(now()), "slow start");
        armTick();
      });
}

Json CheckEngine::summary() const {
  size_t up = 0;
  size_t total = 0;
  for (const auto& v : pool_.virtuals()) {
    total += v.reals.size();
    for (const auto& r : v.reals) {
      up += r.up ? 1 : 0;
    }
  }
  return totals(up, total);
}

Json CheckEngine::totals(size_t up, size_t total) const {
  return Json{{"reals_up", up},
              {"reals_total", total},
              {"checks", pool_.checkCount()},
              {"probes_running", runner_->running()},
              {"results_total", results_},
              {"ipvs_changes_total", changesTotal_},
              {"probes_limit", runner_->maxInFlight()},
              {"probes_peak", runner_->peakRunning()},
              {"probes_deferred_total", runner_->deferredTotal()}};
}

Json CheckEngine::status(size_t maxReals) const {
  const MonoTime t = now();
  Json vss = Json::array();
  size_t listed = 0;
  size_t upTotal = 0;
  size_t realsTotal = 0;
  for (const auto& v : pool_.virtuals()) {
    Json reals = Json::array();
    size_t up = 0;
    for (const auto& r : v.reals) {
      up += r.up ? 1 : 0;
      if (listed >= maxReals) {
        continue;
      }
      ++listed;
      const auto& calc = r.tracker->calculator();
      Json checks = Json::array();
      for (const auto& ck : r.checks) {
        Json c{{"check", ck.plan.summary},
               {"state", ck.up ? "up" : "down"},
               {"results", ck.results},
               {"failures", ck.failures}};
        if (ck.last) {
          c["last"] = verdictName(ck.last->verdict);
          c["reason"] = ck.last->reason;
          c["latency_ms"] = ms(std::chrono::duration_cast<Duration>(ck.last->latency));
          c["age_s"] = std::chrono::duration<double>(t - ck.lastAt).count();
        } else {
          c["last"] = nullptr;
        }
        if (const CheckStatus* st = ck.id != 0 ? runner_->scheduler().status(ck.id) : nullptr) {
          c["count"] = st->count;
          c["rise"] = ck.plan.params.rise;
          c["fall"] = ck.plan.params.fall;
        }
        if (!ck.error.empty()) {
          c["error"] = ck.error;
        }
        checks.push_back(std::move(c));
      }
      Json j{{"server", formatEndpoint(r.address, r.port)},
             {"state", r.up ? "up" : "down"},
             {"in_service", r.placement.up},
             {"weight", r.placement.weight},
             {"configured_weight", r.weightParams.weight},
             {"weight_reason", v.sorryMode ? "sorry server active" : calc.weightReason(t)},
             {"operator", toString(r.opMode)},
             {"transitions", r.transitions},
             {"since_s", std::chrono::duration<double>(t - r.lastChange).count()},
             {"checks", std::move(checks)}};
      j["operator_weight"] = r.opWeight ? Json(*r.opWeight) : Json(nullptr);
      reals.push_back(std::move(j));
    }
    upTotal += up;
    realsTotal += v.reals.size();
    vss.push_back(Json{{"name", v.name},
                       {"service", v.service},
                       {"reals_up", up},
                       {"reals_total", v.reals.size()},
                       {"quorum", v.quorumParams.quorum},
                       {"hysteresis", v.quorumParams.hysteresis},
                       {"has_quorum", v.quorum.has()},
                       {"up_weight", v.servingSum},
                       {"sorry_active", v.sorryMode},
                       {"reals", std::move(reals)}});
  }
  Json out = totals(upTotal, realsTotal);
  out["virtual_servers"] = std::move(vss);
  out["reals_listed"] = listed;
  return out;
}

}  // namespace lvsd::check
