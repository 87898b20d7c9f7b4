// Tracking: interfaces (rtnetlink link events), scripts (periodic, rise/fall, timeout, run as the
// script user, never blocking), files (integer × weight) and processes (quorum), all feeding the
// pure PriorityTracker; changes become PriorityChanged / Fault / FaultCleared events.
#include <dirent.h>

#include <fstream>

#include "vrrp/io/engine_internal.h"
#include "vrrp/io/netif.h"

namespace lvsd::vrrp::io {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(500);

std::optional<int64_t> readFileValue(const std::string& path) {
  std::ifstream f(path);
  if (!f) {
    return std::nullopt;
  }
  int64_t v = 0;
  if (!(f >> v)) {
    return int64_t{0};
  }
  return v;
}

std::vector<std::string> readCmdline(const std::string& pid) {
  std::ifstream f("/proc/" + pid + "/cmdline", std::ios::binary);
  std::vector<std::string> out;
  std::string part;
  while (std::getline(f, part, '\0')) {
    out.push_back(part);
  }
  return out;
}

std::string baseName(const std::string& p) {
  const auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

uint32_t countProcesses(const TrackSpec& t) {
  uint32_t n = 0;
  DIR* d = ::opendir("/proc");
  if (d == nullptr) {
    return 0;
  }
  while (dirent* e = ::readdir(d)) {
    const std::string pid = e->d_name;
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    std::ifstream cf("/proc/" + pid + "/comm");
    std::string comm;
    std::getline(cf, comm);
    const auto argv = readCmdline(pid);
    const bool nameOk = comm == t.process ||
                        (!argv.empty() && (argv[0] == t.process || baseName(argv[0]) == t.process));
    if (!nameOk) {
      continue;
    }
    bool paramsOk = true;
    if (!t.params.empty()) {
      const std::vector<std::string> have(argv.empty() ? argv.begin() : argv.begin() + 1,
                                          argv.end());
      if (t.paramMatch == config::ProcessMatch::Name) {
        paramsOk = have == t.params;
      } else if (t.paramMatch == config::ProcessMatch::Initial) {
        paramsOk = have.size() >= t.params.size() &&
                   std::equal(t.params.begin(), t.params.end(), have.begin());
      } else {
        paramsOk =
            have.size() >= t.params.size() &&
            std::search(have.begin(), have.end(), t.params.begin(), t.params.end()) != have.end();
      }
    }
    n += paramsOk ? 1 : 0;
  }
  ::closedir(d);
  return n;
}

}  // namespace

void Engine::startTracking(size_t i) {
  Instance& in = inst(i);
  for (const auto& spec : in.cfg.tracking) {
    TrackRuntime tr;
    tr.spec = spec;
    switch (spec.kind) {
      case TrackKind::Interface:
        tr.id = in.tracker.addBinary(spec.weight, spec.reverse, ifUp(spec.name));
        break;
      case TrackKind::Script: {
        tr.id = in.tracker.addBinary(spec.weight, spec.reverse, !spec.initFail);
        tr.riseFall.emplace(spec.rise, spec.fall, !spec.initFail);
        tr.timer = std::make_unique<boost::asio::steady_timer>(io_);
        break;
      }
      case TrackKind::File: {
        auto v = readFileValue(spec.path);
        if (!v && spec.initFile) {
          std::ofstream(spec.path) << "0\n";
          v = 0;
        }
        tr.id = in.tracker.addValue(spec.weight, spec.reverse, v.value_or(0));
        break;
      }
      case TrackKind::Process: {
        const uint32_t n = countProcesses(spec);
        const bool up = n >= spec.quorum && (spec.quorumMax == 0 || n <= spec.quorumMax);
        tr.id = in.tracker.addBinary(spec.weight, spec.reverse, up);
        break;
      }
    }
    in.tracks.push_back(std::move(tr));
  }
  for (size_t t = 0; t < in.tracks.size(); ++t) {
    if (in.tracks[t].spec.kind == TrackKind::Script) {
      runScript(i, t);
    }
  }
  pollTracking(i);
}

void Engine::runScript(size_t i, size_t t) {
  Instance& in = inst(i);
  TrackRuntime& tr = in.tracks[t];
  tr.timer->expires_after(tr.spec.interval);
  tr.timer->async_wait([this, i, t](const boost::system::error_code& ec) {
    if (ec || stopped_) {
      return;
    }
    TrackRuntime& me = inst(i).tracks[t];
    if (!me.running) {
      auto finish = [this, i, t](const ExitInfo& e) {
        TrackRuntime& r = inst(i).tracks[t];
        r.running = false;
        ++r.runs;
        if (!e.ok()) {
          ++r.failures;
        }
        if (r.riseFall->onResult(e.ok())) {
          inst(i).tracker.setUp(r.id, r.riseFall->up());
          log_.notice("track script " + r.spec.name + (r.riseFall->up() ? " up" : " down"),
                      {{"event", "track_script"}, {"instance", inst(i).cfg.name}});
          retrack(i);
        }
      };
      // Resolved per run: a user created after start is picked up, a missing one fails the run.
      auto user = scriptUser(me.spec.user, "track script " + me.spec.name);
      if (!user) {
        finish(ExitInfo{false, true, -1});
      } else {
        me.running = true;
        runProcess(io_, me.spec.argv, *user, me.spec.timeout, finish);
      }
    }
    runScript(i, t);
  });
}

void Engine::pollTracking(size_t i) {
  Instance& in = inst(i);
  bool any = false;
  for (auto& tr : in.tracks) {
    if (tr.spec.kind == TrackKind::File) {
      in.tracker.setValue(tr.id, readFileValue(tr.spec.path).value_or(0));
      any = true;
    } else if (tr.spec.kind == TrackKind::Process) {
      const uint32_t n = countProcesses(tr.spec);
      in.tracker.setUp(tr.id,
                       n >= tr.spec.quorum && (tr.spec.quorumMax == 0 || n <= tr.spec.quorumMax));
      any = true;
    }
  }
  if (!any) {
    return;
  }
  if (!groups_.empty()) {
    retrack(i);
  }
  in.pollTimer.expires_after(kPollInterval);
  in.pollTimer.async_wait([this, i](const boost::system::error_code& ec) {
    if (!ec && !stopped_) {
      pollTracking(i);
    }
  });
}

void Engine::retrack(size_t i) {
  if (stopped_ || groups_.empty()) {
    return;
  }
  Instance& in = inst(i);
  for (auto& tr : in.tracks) {
    if (tr.spec.kind == TrackKind::Interface) {
      in.tracker.setUp(tr.id, ifUp(tr.spec.name));
    }
  }
  const bool fault = in.tracker.fault();
  if (fault != in.trackFault) {
    in.trackFault = fault;
    log_.notice("instance " + in.cfg.name + (fault ? ": tracked object failed" : ": tracking ok"),
                {{"event", fault ? "track_fault" : "track_ok"}, {"instance", in.cfg.name}});
    if (fault) {
      dispatch(i, Fault{});
    } else {
      dispatch(i, FaultCleared{});
    }
  }
  const auto [g, m] = member_[i];
  const uint8_t eff = in.tracker.effectivePriority();
  if (eff != groups_[g].member(m).priority()) {
    log_.info("instance " + in.cfg.name + " priority " + std::to_string(eff),
              {{"event", "priority_changed"}, {"instance", in.cfg.name}});
    dispatch(i, PriorityChanged{eff});
  }
}

}  // namespace lvsd::vrrp::io
