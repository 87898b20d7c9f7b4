#include "vrrp/io/engine.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "common/command_line.h"
#include "vrrp/codec/receive.h"
#include "vrrp/fsm/timing.h"
#include "vrrp/io/engine_internal.h"
#include "vrrp/io/netif.h"
#include "vrrp/track/garp_plan.h"
#include "vrrp/track/script_user.h"

namespace lvsd::vrrp::io {
namespace asio = boost::asio;

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

auth::WallTime wallNow() {
  return auth::WallTime::fromUnixNanos(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
}

std::string upperState(State s) {
  std::string n(stateName(s));
  for (auto& c : n) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return n;
}

}  // namespace

Engine::Engine(asio::io_context& io, Logger log, EngineConfig config)
    : io_(io), log_(std::move(log)), config_(std::move(config)) {
  for (const auto& ic : config_.instances) {
    instances_.push_back(std::make_unique<Instance>(io_, ic));
  }
}

Engine::~Engine() { stopFifoScript(); }

RawSocket* Engine::socketFor(const std::string& ifname, Family family, bool multicast) {
  auto key = std::make_pair(ifname, family);
  auto it = sockets_.find(key);
  if (it != sockets_.end()) {
    return it->second.get();
  }
  auto s = RawSocket::open(io_, family, ifname, multicast);
  if (!s) {
    log_.error("cannot open VRRP socket: " + s.error().message,
               {{"event", "socket_error"}, {"interface", ifname}});
    return nullptr;
  }
  RawSocket* raw = s->get();
  raw->start([this, raw](const RxPacket& pkt) { onPacket(*raw, pkt); });
  sockets_.emplace(key, std::move(*s));
  return raw;
}

void Engine::setRealtime() {
  const int prio = config_.realtimePriority;
  if (prio == 0) {
    return;
  }
  // A runaway loop must not own a core: SIGXCPU after 100 ms of CPU without blocking, SIGKILL
  // after 200 ms (the supervisor restarts the child). Children (scripts) get normal scheduling.
  const rlimit rt{100'000, 200'000};
  sched_param sp{};
  sp.sched_priority = prio;
  if (::setrlimit(RLIMIT_RTTIME, &rt) != 0 ||
      ::sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) != 0) {
    log_.warning(std::string("cannot run VRRP at real-time priority (adverts may be late under "
                             "load): ") +
                     std::strerror(errno),
                 {{"event", "vrrp_realtime_error"}});
    return;
  }
  log_.info("VRRP runs at SCHED_FIFO priority " + std::to_string(prio),
            {{"event", "vrrp_realtime"}});
  // A page fault under memory pressure stalls a real-time task as surely as a busy CPU. The
  // child is a fork of the supervisor: MCL_ONFAULT locks what is touched (and everything mapped
  // later) without populating, and so copying, the parent's whole heap.
  if (::mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) != 0) {
    log_.warning(std::string("cannot lock the VRRP child's memory: ") + std::strerror(errno),
                 {{"event", "vrrp_mlock_error"}});
  }
}

Result<void> Engine::start() {
  setRealtime();
  if (!config_.notifyFifo.empty()) {
    if (auto r = openNotifyFifo(); !r) {
      return r;
    }
  }
  for (size_t i = 0; i < instances_.size(); ++i) {
    Instance& in = inst(i);
    const auto& c = in.cfg;
    if (c.useVmac) {
      if (auto r = createVmac(c.interface, c.vmacName, virtualMac(c.family, c.params.vrid)); !r) {
        return fail("instance " + c.name + ": " + r.error().message);
      }
    }
    // With a vmac, receive on the macvlan: a peer's advert carries the same virtual MAC as our
    // own macvlan, and the (private-mode) macvlan driver hands such frames to the macvlan only —
    // a socket on the base interface never sees them (both nodes would become MASTER).
    const std::string& rxIf = c.useVmac ? c.vmacName : c.interface;
    in.sock = socketFor(rxIf, c.family, c.unicastPeers.empty());
    in.sendSock = c.sendInterface == rxIf
                      ? in.sock
                      : socketFor(c.sendInterface, c.family, c.unicastPeers.empty());
    if (in.sock == nullptr || in.sendSock == nullptr) {
      return fail("instance " + c.name + ": cannot open VRRP socket on " + c.interface);
    }
    if (c.sourceAddress) {
      in.src = *c.sourceAddress;
    } else if (auto a = ifPrimaryAddress(c.sendInterface, c.family)) {
      in.src = *a;
    } else if (auto b = ifPrimaryAddress(c.interface, c.family)) {
      in.src = *b;
    } else {
      in.src = IpAddress::parse(c.family == Family::V4 ? "0.0.0.0" : "::").value();
    }
    in.cfg.params.primaryAddress = in.src;
    if (c.hmac) {
      if (auto v = c.hmac->validate(); !v) {
        return fail("instance " + c.name + ": " + v.error().message);
      }
      in.auth.emplace(*c.hmac, hmac_);
    }
    // VIPs left by a killed predecessor would answer for us while we are Backup.
    removeVips(in);
    startTracking(i);
    in.cfg.params.priority = in.tracker.effectivePriority();
  }
  for (const auto& g : config_.groups) {
    std::vector<InstanceParams> ps;
    for (size_t m = 0; m < g.members.size(); ++m) {
      ps.push_back(inst(g.members[m]).cfg.params);
      if (member_.size() < instances_.size()) {
        member_.resize(instances_.size());
      }
      member_[g.members[m]] = {groups_.size(), m};
    }
    groups_.emplace_back(std::move(ps));
  }
  auto lm = LinkMonitor::open(io_);
  if (lm) {
    links_ = std::move(*lm);
    links_->start([this] {
      for (size_t i = 0; i < instances_.size(); ++i) {
        retrack(i);
      }
    });
  } else {
    log_.warning("no link events: " + lm.error().message, {{"event", "link_monitor_error"}});
  }
  for (size_t i = 0; i < instances_.size(); ++i) {
    log_.info("instance " + inst(i).cfg.name + " starting", {{"event", "instance_start"},
                                                             {"instance", inst(i).cfg.name},
                                                             {"source", inst(i).src.toString()}});
    dispatch(i, Startup{});
    retrack(i);
  }
  return {};
}

void Engine::shutdown() {
  if (stopped_) {
    return;
  }
  stopped_ = true;
  for (size_t i = 0; i < instances_.size(); ++i) {
    dispatch(i, Shutdown{});
    Instance& in = inst(i);
    for (size_t t = 0; t < in.timers.size(); ++t) {
      cancelTimer(in, static_cast<TimerId>(t));
    }
    in.garpTimer.cancel();
    in.refreshTimer.cancel();
    in.pollTimer.cancel();
    for (auto& tr : in.tracks) {
      if (tr.timer) {
        tr.timer->cancel();
      }
    }
    if (!in.cfg.notify.stop.empty()) {
      runProcess(io_, splitCommandLine(in.cfg.notify.stop), std::nullopt, std::chrono::seconds(10),
                 [](const ExitInfo&) {});
    }
    if (in.cfg.useVmac) {
      (void)deleteVmac(in.cfg.vmacName);
    }
  }
  // After the STOP lines above were written: the reader gets them, then SIGTERM.
  stopFifoScript();
}

void Engine::stopFifoScript() {
  const pid_t pid = std::exchange(*fifoScript_, 0);
  if (pid > 0 && !stopProcess(pid, std::chrono::seconds(1))) {
    log_.warning("notify_fifo_script ignored SIGTERM for 1 s: killed",
                 {{"event", "notify_fifo_script_killed"}});
  }
}

void Engine::dispatch(size_t i, const Event& event) {
  const auto [g, m] = member_[i];
  auto all = groups_[g].handle(m, event);
  for (const auto& ma : all) {
    execute(config_.groups[g].members[ma.member], ma.actions);
  }
}

void Engine::execute(size_t i, const Actions& actions) {
  Instance& in = inst(i);
  // The network side of a transition (VIPs, advert, GARP) goes first; the bookkeeping of the
  // change (log line, notify scripts fork, FIFO line, status report to the supervisor) after
  // it, so none of that delays a takeover.
  std::optional<StateChanged> changed;
  for (const Action& a : actions) {
    std::visit(Overloaded{
                   [&](const SendAdvert& s) { sendAdvert(in, s.priority); },
                   [&](const ArmTimer& t) { armTimer(i, t.id, t.durationCs); },
                   [&](const CancelTimer& t) { cancelTimer(in, t.id); },
                   [&](const InstallVips&) { installVips(in); },
                   [&](const RemoveVips&) { removeVips(in); },
                   [&](const SendGarp&) { startGarp(i); },
                   [&](const StateChanged& sc) {
                     if (changed) {
                       onStateChanged(i, *changed);
                     }
                     changed = sc;
                     in.state = sc.to;
                   },
               },
               a);
  }
  if (changed) {
    onStateChanged(i, *changed);
  }
}

void Engine::sendAdvert(Instance& in, uint8_t priority) {
  const auto& c = in.cfg;
  Advert a;
  a.version = c.params.version;
  a.vrid = c.params.vrid;
  a.priority = priority;
  a.adverInt = static_cast<uint16_t>(c.params.version == 2 ? c.decode.v2AdverIntSec
                                                           : c.params.adverIntervalCs);
  a.addresses = c.advertised;
  a.authType = c.decode.v2AuthType;
  a.authData = c.decode.v2Password;
  auto* authp = in.auth ? &*in.auth : nullptr;
  const auto now = wallNow();
  auto sendTo = [&](const IpAddress& dst) {
    const auto bytes = auth::encodeSigned(a, in.src, dst, EncodeOptions{}, authp, now);
    if (auto r = in.sendSock->send(bytes, in.src, dst); !r) {
      ++in.sendErrors;
      if (in.rejectLog.allow()) {
        log_.warning("advert send failed: " + r.error().message,
                     {{"event", "send_error"}, {"instance", c.name}});
      }
      return;
    }
    ++in.advertsSent;
  };
  if (c.unicastPeers.empty()) {
    sendTo(vrrpGroup(c.family));
  } else {
    for (const auto& p : c.unicastPeers) {
      sendTo(p);
    }
  }
}

void Engine::armTimer(size_t i, TimerId id, uint32_t cs) {
  Instance& in = inst(i);
  const auto k = static_cast<size_t>(id);
  const uint64_t gen = ++in.timerGen[k];
  in.armed[k] = true;
  if (id == TimerId::MasterDown && std::exchange(in.masterDownConfirming, false)) {
    // An advert accepted in the confirmation window re-arms the timer: no takeover.
    ++in.confirmRescued;
    logAverted(in, true);
  }
  const auto after = std::chrono::milliseconds(uint64_t{cs} * 10);
  const auto now = std::chrono::steady_clock::now();
  // The periodic re-arm from the Adver handler counts from the deadline that fired, so the wake-up
  // latency of each tick does not add up into a slower advert rate.
  waitTimer(i, id, gen,
            id == TimerId::Adver && in.adverRearmFrom
                ? nextPeriodicDeadline(*in.adverRearmFrom, now, after)
                : now + after);
}

void Engine::waitTimer(size_t i, TimerId id, uint64_t gen, MonoTime deadline) {
  Instance& in = inst(i);
  const auto k = static_cast<size_t>(id);
  in.armed[k] = true;
  in.deadline[k] = deadline;
  in.timers[k]->expires_at(deadline);
  in.timers[k]->async_wait([this, i, id, gen](const boost::system::error_code& ec) {
    if (!ec) {
      onTimer(i, id, gen);
    }
  });
}

void Engine::onTimer(size_t i, TimerId id, uint64_t gen) {
  Instance& me = inst(i);
  const auto k = static_cast<size_t>(id);
  if (gen != me.timerGen[k] || stopped_) {
    return;
  }
  me.armed[k] = false;
  const Duration late = std::chrono::steady_clock::now() - me.deadline[k];
  if (late > kLateTimer) {
    ++me.timersLate;
  }
  me.timerLateMax = std::max(me.timerLateMax, late);
  switch (id) {
    case TimerId::Adver:
      // The machine's first action is the advert; the re-arm counts from this deadline.
      me.adverRearmFrom = me.deadline[k];
      dispatch(i, AdverExpired{});
      me.adverRearmFrom.reset();
      break;
    case TimerId::MasterDown:
      onMasterDown(i, gen);
      break;
    case TimerId::PreemptDelay:
      dispatch(i, PreemptDelayExpired{});
      break;
  }
}

void Engine::logAverted(Instance& in, bool inWindow) {
  if (in.rejectLog.allow()) {
    const auto now = std::chrono::steady_clock::now();
    log_.notice(
        "instance " + in.cfg.name + ": master down averted by an advert",
        {{"event", "master_down_averted"},
         {"instance", in.cfg.name},
         {"mono", std::to_string(std::chrono::duration<double>(now.time_since_epoch()).count())},
         {"when", inWindow ? "confirmation window" : "received before the deadline"}});
  }
}

void Engine::onMasterDown(size_t i, uint64_t gen) {
  Instance& me = inst(i);
  const auto k = static_cast<size_t>(TimerId::MasterDown);
  const MonoTime deadline = me.deadline[k];
  // Adverts already queued when the timer fired, in arrival order: those the kernel received
  // at or before the deadline arrived while the timer was running and reset it (§6.4.2); they
  // are processed first. The rest come after the expiry, as they did.
  RawSocket& sock = *me.sock;
  const auto queued = sock.readQueued(RawSocket::kBatch);
  std::vector<std::optional<MonoTime>> times;
  times.reserve(queued.size());
  for (const auto& q : queued) {
    times.push_back(q.rxTime);
  }
  const size_t before = packetsBeforeDeadline(deadline, times);
  for (size_t j = 0; j < before; ++j) {
    onPacket(sock, queued[j].view());
  }
  const auto now = std::chrono::steady_clock::now();
  auto us = [](Duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
  };
  auto mono = [](MonoTime t) {
    return std::to_string(std::chrono::duration<double>(t.time_since_epoch()).count());
  };
  if (gen != me.timerGen[k] && before > 0) {
    // An advert received before the deadline re-armed it (in the window: counted by armTimer).
    ++me.adverRescued;
    logAverted(me, false);
  }
  const bool expired = gen == me.timerGen[k] && !stopped_;
  if (expired && !me.masterDownConfirming) {
    // Expired: listen kMasterDownConfirm more, counted from now, before taking over. A host
    // that freezes the whole machine (a VM whose CPU quota ran out: both vCPUs stop for 20-60
    // ms, docs/benchmarks-vrrp.md) wakes the backup's timer and the master's late advert at the
    // same instant; without this the backup's handler usually ran first. The window starts when
    // the handler runs, so it is time the backup really listened, which a longer timer is not.
    me.masterDownConfirming = true;
    me.masterDownLate = now - deadline;
    waitTimer(i, TimerId::MasterDown, gen, now + kMasterDownConfirm);
  } else if (expired) {
    me.masterDownConfirming = false;
    // The numbers that tell a late backup (timer late, advert already queued) from a silent or
    // late master (nothing queued): what the stability bench lines up with its sniffer.
    log_.notice("instance " + me.cfg.name + ": master down",
                {{"event", "master_down"},
                 {"instance", me.cfg.name},
                 {"mono", mono(now)},
                 {"late_us", us(me.masterDownLate)},
                 {"confirm_late_us", us(now - deadline)},
                 {"last_advert_age_us", me.lastAdvertRx ? us(now - *me.lastAdvertRx) : "none"},
                 {"queued", std::to_string(queued.size())},
                 {"queued_after_deadline", std::to_string(queued.size() - before)},
                 {"first_queued_after_deadline_us", before < queued.size() && queued[before].rxTime
                                                        ? us(*queued[before].rxTime - deadline)
                                                        : "none"}});
    dispatch(i, MasterDownExpired{});
  }
  for (size_t j = before; j < queued.size(); ++j) {
    onPacket(sock, queued[j].view());
  }
}

void Engine::cancelTimer(Instance& in, TimerId id) {
  const auto k = static_cast<size_t>(id);
  ++in.timerGen[k];
  in.armed[k] = false;
  in.timers[k]->cancel();
  if (id == TimerId::MasterDown) {
    in.masterDownConfirming = false;
  }
}

void Engine::installVips(Instance& in) {
  for (const auto& v : in.cfg.vips) {
    if (auto r = vips_.add(v); !r) {
      ++in.vipErrors;
      log_.error(r.error().message, {{"event", "vip_error"}, {"instance", in.cfg.name}});
    }
  }
  in.vipsInstalled = true;
}

void Engine::removeVips(Instance& in) {
  for (const auto& v : in.cfg.vips) {
    if (auto r = vips_.remove(v); !r) {
      ++in.vipErrors;
      log_.error(r.error().message, {{"event", "vip_error"}, {"instance", in.cfg.name}});
    }
  }
  in.vipsInstalled = false;
  in.garpTimer.cancel();
  in.refreshTimer.cancel();
}

void Engine::garpBurst(Instance& in, uint32_t count) {
  const auto& c = in.cfg;
  const auto mac =
      c.useVmac ? std::optional<Mac>(virtualMac(c.family, c.params.vrid)) : ifMac(c.vipInterface);
  if (!mac) {
    return;
  }
  const bool v4 =
      std::any_of(c.vips.begin(), c.vips.end(), [](const auto& v) { return v.address.isV4(); });
  const bool v6 =
      std::any_of(c.vips.begin(), c.vips.end(), [](const auto& v) { return !v.address.isV4(); });
  in.burstTimers.clear();  // a new burst replaces the rest of the previous one
  for (const auto& s : track::planGarpBurst(count, v4, v6, c.garp.interval, c.garp.naInterval)) {
    if (s.at.count() == 0) {
      announceFamily(in, *mac, s.v6);
      continue;
    }
    auto& t = in.burstTimers.emplace_back(std::make_unique<boost::asio::steady_timer>(io_));
    t->expires_after(s.at);
    // The timers belong to the instance: destroying it aborts them before `this`/`p` are touched.
    t->async_wait([this, p = &in, m = *mac, six = s.v6](const boost::system::error_code& ec) {
      if (!ec && p->vipsInstalled) {
        announceFamily(*p, m, six);
      }
    });
  }
}

void Engine::announceFamily(Instance& in, const Mac& mac, bool v6) {
  for (const auto& v : in.cfg.vips) {
    if (v.address.isV4() == v6) {
      continue;
    }
    if (auto r = announcer_.announce(v.dev, mac, v.address); r) {
      ++in.garpsSent;
    } else if (in.rejectLog.allow()) {
      log_.warning(r.error().message, {{"event", "garp_error"}, {"instance", in.cfg.name}});
    }
  }
}

void Engine::startGarp(size_t i) {
  Instance& in = inst(i);
  const auto& g = in.cfg.garp;
  // The initial burst and keepalived's delayed second one (the refreshes, which go on while
  // Master, are the periodic timer below).
  const track::TakeoverGarp plan{g.masterRepeat, g.masterDelay, g.masterRefresh,
                                 g.masterRefreshRepeat};
  for (const auto& b : track::planTakeoverGarp(plan, g.masterDelay)) {
    if (b.kind == track::TakeoverBurst::Kind::Initial) {
      garpBurst(in, b.repeat);
    } else if (b.kind == track::TakeoverBurst::Kind::Delayed) {
      in.garpTimer.expires_after(b.at);
      in.garpTimer.async_wait([this, i, n = b.repeat](const boost::system::error_code& ec) {
        if (!ec && inst(i).vipsInstalled) {
          garpBurst(inst(i), n);
        }
      });
    }
  }
  if (in.cfg.garp.masterRefresh.count() > 0) {
    auto refresh = std::make_shared<std::function<void()>>();
    *refresh = [this, i, refresh] {
      Instance& me = inst(i);
      me.refreshTimer.expires_after(me.cfg.garp.masterRefresh);
      me.refreshTimer.async_wait([this, i, refresh](const boost::system::error_code& ec) {
        if (!ec && inst(i).vipsInstalled) {
          garpBurst(inst(i), inst(i).cfg.garp.masterRefreshRepeat);
          (*refresh)();
        }
      });
    };
    (*refresh)();
  }
}

void Engine::onStateChanged(size_t i, const StateChanged& sc) {
  Instance& in = inst(i);
  in.state = sc.to;
  in.lastChange = sc;
  in.lastChangeAt = std::chrono::system_clock::now();
  ++in.transitions;
  if (sc.to == State::Master) {
    ++in.becameMaster;
    in.masterAddr = in.src;
  } else if (sc.to != State::Backup) {
    in.masterAddr.reset();
  } else if (sc.from == State::Master) {
    in.masterAddr.reset();
  }
  if (sc.from == State::Master) {
    in.lowerPrio.reset();
  }
  const auto [g, m] = member_[i];
  const uint8_t prio = groups_[g].member(m).priority();
  log_.notice("instance " + in.cfg.name + " " + std::string(stateName(sc.from)) + " -> " +
                  std::string(stateName(sc.to)),
              {{"event", "vrrp_transition"},
               {"instance", in.cfg.name},
               {"from", std::string(stateName(sc.from))},
               {"to", std::string(stateName(sc.to))},
               {"priority", std::to_string(prio)}});
  notify(in, sc.to);
  if (onStateChange_) {
    onStateChange_();
  }
}

Result<void> Engine::openNotifyFifo() {
  const std::string& path = config_.notifyFifo;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (::mkfifo(path.c_str(), 0600) != 0) {
      return fail("notify_fifo " + path + ": " + std::strerror(errno));
    }
  } else if (!S_ISFIFO(st.st_mode)) {
    return fail("notify_fifo " + path + " exists and is not a FIFO");
  }
  notifyFifo_ = path;
  if (config_.notifyFifoScript.empty()) {
    return {};
  }
  auto argv = splitCommandLine(config_.notifyFifoScript);
  auto user = scriptUser(config_.scriptUser, "notify_fifo_script");
  if (argv.empty() || !user) {
    return {};  // logged; the FIFO still works for other readers
  }
  if (*user && ::chown(path.c_str(), (*user)->uid, (*user)->gid) != 0) {
    log_.warning("notify_fifo: chown " + path + ": " + std::strerror(errno),
                 {{"event", "notify_fifo_error"}});
  }
  argv.push_back(path);
  const pid_t pid = runProcess(
      io_, argv, *user, std::chrono::milliseconds(0),
      [log = log_, state = fifoScript_](const ExitInfo& e) mutable {
        if (*state == 0) {
          return;  // stopped by us
        }
        *state = 0;
        log.warning(std::string("notify_fifo_script exited") + (e.ok() ? "" : " with failure"),
                    {{"event", "notify_fifo_script_exit"}});
      },
      RunOptions{.dieWithParent = true});
  *fifoScript_ = pid;
  if (pid == 0) {
    log_.warning("notify_fifo_script could not be started", {{"event", "notify_fifo_script_exit"}});
  }
  return {};
}

Result<std::optional<RunAs>> Engine::scriptUser(const std::string& user, const std::string& what) {
  std::string error;
  auto pick = track::pickScriptUser(user, userExists);
  if (pick) {
    if (pick->fellBack && !warnedFallback_) {
      warnedFallback_ = true;
      log_.warning(
          "script user \"" + user + "\" does not exist; running scripts as \"" + pick->user + "\"",
          {{"event", "script_user_fallback"}});
    }
    auto r = resolveUser(pick->user);
    if (r) {
      return r;
    }
    error = r.error().message;
  } else {
    error = pick.error().message;
  }
  if (userErrorLog_.allow()) {
    const auto dropped = userErrorLog_.takeSuppressed();
    log_.error(what + ": " + error +
                   (dropped > 0 ? " (" + std::to_string(dropped) + " similar suppressed)" : ""),
               {{"event", "script_user_error"}});
  }
  return fail(error);
}

void Engine::notify(Instance& in, State to) {
  const auto& n = in.cfg.notify;
  const std::string& cmd = to == State::Master   ? n.master
                           : to == State::Backup ? n.backup
                           : to == State::Fault  ? n.fault
                                                 : n.stop;
  std::string prio = std::to_string(in.tracker.effectivePriority());
  auto user = scriptUser(config_.scriptUser, "notify");
  std::optional<RunAs> runAs;
  if (user) {
    runAs = *user;
  }
  auto launch = [&](std::vector<std::string> argv) {
    if (argv.empty() || !user) {
      return;
    }
    runProcess(io_, argv, runAs, std::chrono::seconds(30),
               [this, name = in.cfg.name, cmd0 = argv[0]](const ExitInfo& e) {
                 if (!e.ok()) {
                   log_.warning("notify script " + cmd0 + " failed",
                                {{"event", "notify_failed"}, {"instance", name}});
                 }
               });
  };
  if (to != State::Initialize && !cmd.empty()) {
    launch(splitCommandLine(cmd));
  }
  const std::string word = to == State::Initialize ? "STOP" : upperState(to);
  if (!n.any.empty()) {
    auto argv = splitCommandLine(n.any);
    argv.insert(argv.end(), {"INSTANCE", in.cfg.name, word, prio});
    launch(argv);
  }
  if (!notifyFifo_.empty()) {
    const int fd = ::open(notifyFifo_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
      const std::string line = "INSTANCE \"" + in.cfg.name + "\" " + word + " " + prio + "\n";
      (void)!::write(fd, line.data(), line.size());
      ::close(fd);
    }
  }
}

void Engine::logReject(Instance& in, RejectReason r, const RxPacket& pkt) {
  if (in.rejectLog.allow()) {
    const uint64_t dropped = in.rejectLog.takeSuppressed();
    log_.warning("instance " + in.cfg.name + ": dropped advert from " + pkt.meta.src.toString() +
                     " (" + std::string(rejectReasonName(r)) + ")",
                 {{"event", "advert_rejected"},
                  {"instance", in.cfg.name},
                  {"reason", std::string(rejectReasonName(r))},
                  {"suppressed", std::to_string(dropped)}});
  }
}

void Engine::onPacket(RawSocket& sock, const RxPacket& pkt) {
  if (stopped_) {
    return;
  }
  Instance* target = nullptr;
  for (auto& p : instances_) {
    if (p->sock == &sock && pkt.payload.size() >= 2 && p->cfg.params.vrid == pkt.payload[1]) {
      target = p.get();
      break;
    }
  }
  if (target == nullptr) {
    // §7.1 4: the VRID is not configured here. Counted on every instance of the interface.
    const auto reason =
        pkt.payload.size() < 2 ? RejectReason::Truncated : RejectReason::VridMismatch;
    for (auto& p : instances_) {
      if (p->sock == &sock) {
        p->rejects.count(reason);
        logReject(*p, reason, pkt);
      }
    }
    return;
  }
  Instance& in = *target;
  if (pkt.meta.src == in.src) {
    return;  // our own advert looped back (unicast to self)
  }
  const RejectCounters before = in.rejects;
  auto rx = receiveAdvert(pkt.payload, pkt.meta, in.cfg.decode, in.auth ? &*in.auth : nullptr,
                          wallNow(), in.rejects);
  if (!rx) {
    for (size_t r = 0; r < kRejectReasonCount; ++r) {
      const auto reason = static_cast<RejectReason>(r);
      if (in.rejects.get(reason) != before.get(reason)) {
        logReject(in, reason, pkt);
      }
    }
    return;
  }
  ++in.advertsAccepted;
  if (pkt.rxTime) {
    in.lastAdvertRx = pkt.rxTime;
  }
  size_t idx = 0;
  for (; idx < instances_.size(); ++idx) {
    if (instances_[idx].get() == target) {
      break;
    }
  }
  dispatch(idx, *rx);
  if (in.state == State::Backup && rx->priority > 0) {
    in.masterAddr = rx->src;
  }
  const auto [g, m] = member_[idx];
  if (in.state == State::Master && rx->priority > 0 &&
      rx->priority < groups_[g].member(m).priority()) {
    // Another router advertises below us: it may have announced the VIPs to the hosts itself.
    if (const uint32_t n = in.lowerPrio.onLowerPriorityAdvert(in.clock.now()); n > 0) {
      ++in.lowerPrioBursts;
      garpBurst(in, n);
    }
  }
}

}  // namespace lvsd::vrrp::io
