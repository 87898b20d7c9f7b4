#include "daemon/ipvs_manager.h"

#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <fstream>

extern char** environ;

namespace lvsd::daemon {

namespace {

constexpr size_t kMaxOpsListed = 200;
/// Retry keys that are not a service.
constexpr const char* kUnavailableKey = "(ipvs unavailable)";
constexpr const char* kReadKey = "(reading the IPVS table)";

/// An op failed the way ops fail when the cached view is out of date (a service or destination
/// added, changed or removed by someone else).
bool staleView(const ipvs::ApplyReport& rep) {
  return std::any_of(rep.results.begin(), rep.results.end(), [](const ipvs::OpResult& r) {
    return r.error == EEXIST || r.error == ENOENT || r.error == ESRCH;
  });
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

/// Runs `modprobe -q MODULE`. @return its exit status (127 when it cannot be run).
int modprobe(const std::string& module) {
  std::string prog = "modprobe";
  std::string q = "-q";
  std::string m = module;
  char* argv[] = {prog.data(), q.data(), m.data(), nullptr};
  pid_t pid = 0;
  if (::posix_spawnp(&pid, "modprobe", nullptr, nullptr, argv, environ) != 0) {
    return 127;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return 127;
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

}  // namespace

void IpvsManager::open(bool loadModule) {
  if (prog_) {
    return;
  }
  auto p = ipvs::Programmer::open();
  // modprobe runs synchronously on the checker's loop: at start and reload only, not on the
  // periodic retries (a retry only looks for the netlink family again).
  if (!p && loadModule && modprobe("ip_vs") == 0) {
    p = ipvs::Programmer::open();
  }
  if (!p) {
    const std::string why = "ipvs unavailable: " + p.error().message;
    if (why != unavailable_) {  // retried with backoff: logged when it changes
      log_.warning(why + "; virtual servers are not programmed", {{"event", "ipvs_unavailable"}});
    }
    unavailable_ = why;
    retries_.failed(kUnavailableKey, std::chrono::steady_clock::now());
    return;
  }
  prog_ = std::move(*p);
  unavailable_.clear();
  retries_.succeeded(kUnavailableKey);
  log_.info("IPVS generic netlink family opened", {{"event", "ipvs_open"}});
}

std::string IpvsManager::ensureScheduler(const std::string& name) {
  if (schedulersLoaded_.count(name) != 0) {
    return {};
  }
  const std::string module = "ip_vs_" + name;
  if (exists("/sys/module/" + module) || modprobe(module) == 0) {
    schedulersLoaded_.insert(name);
    return {};
  }
  return "scheduler '" + name + "' not available: module " + module + " not installed" +
         (name == "swrr" || name == "chbl" ? " (lvsd's own module, see docs/kmod.md)" : "");
}

void IpvsManager::setChblLoadFactor(const config::Config& config) {
  std::optional<double> factor;
  for (const auto& vs : config.virtual_servers) {
    if (vs.scheduler != "chbl") {
      continue;
    }
    if (factor && *factor != vs.load_factor) {
      log_.warning("ip_vs_chbl has one load_factor for all services; using " +
                       std::to_string(*factor) + ", not " + std::to_string(vs.load_factor) +
                       " of " + vs.name,
                   {{"event", "chbl_load_factor"}});
      continue;
    }
    factor = vs.load_factor;
  }
  const std::string path = "/sys/module/ip_vs_chbl/parameters/load_factor";
  if (!factor || !exists(path)) {
    return;
  }
  std::ofstream f(path);
  f << static_cast<unsigned>(std::lround(*factor * 100.0)) << "\n";
  if (!f.flush()) {
    log_.warning("cannot write " + path, {{"event", "chbl_load_factor"}});
  }
}

void IpvsManager::start(const config::Config& config, const Prepare& prepare) {
  desired_ = ipvs::DesiredState::fromConfig(config);
  if (prepare) {
    prepare(desired_);
  }
  open();
  if (prog_) {
    apply("start");
    setChblLoadFactor(config);
  }
}

void IpvsManager::reload(const config::Config& config, const Prepare& prepare) {
  std::vector<ipvs::ServiceKey> scope = desired_.keys();
  desired_ = ipvs::DesiredState::fromConfig(config);
  if (prepare) {
    prepare(desired_);
  }
  retries_.reset();  // a new config: what failed gets a fresh start
  open();            // IPVS may have become available (module loaded) since the start
  if (!prog_) {
    return;
  }
  const std::set<ipvs::ServiceKey> old(scope.begin(), scope.end());
  for (const auto& k : desired_.keys()) {
    if (old.count(k) == 0) {
      scope.push_back(k);
    }
  }
  sync("reload", desired_.table(), std::move(scope));
  setChblLoadFactor(config);
}

void IpvsManager::reloadChanged(const config::Config& config,
                                const std::vector<std::optional<size_t>>& origins,
                                const std::vector<size_t>& touched, const Prepare& prepare) {
  std::vector<bool> carried(desired_.virtuals().size(), false);
  std::vector<size_t> rebuilt;
  for (size_t i = 0; i < config.virtual_servers.size(); ++i) {
    const auto& from = i < origins.size() ? origins[i] : std::nullopt;
    if (from && *from < carried.size() && !carried[*from]) {
      carried[*from] = true;
    } else {
      rebuilt.push_back(i);
    }
  }
  std::vector<ipvs::ServiceKey> removed;
  for (size_t i = 0; i < carried.size(); ++i) {
    if (!carried[i]) {
      removed.push_back(desired_.virtuals()[i].settings.key);
    }
  }
  const bool cached = prog_ && prog_->hasCache();
  std::vector<ipvs::ServiceKey> oldKeys =
      cached ? std::vector<ipvs::ServiceKey>{} : desired_.keys();
  desired_ = ipvs::DesiredState::reloadFrom(std::move(desired_), config, origins);
  if (prepare) {
    prepare(desired_);
  }
  retries_.reset();  // a new config: what failed gets a fresh start
  open();            // IPVS may have become available (module loaded) since the start
  if (!prog_) {
    return;
  }
  if (!cached) {
    // No view of the kernel yet: a full sync reads it (scope: old and new services).
    for (const auto& k : desired_.keys()) {
      oldKeys.push_back(k);
    }
    sync("reload", desired_.table(), std::move(oldKeys));
  } else {
    rebuilt.insert(rebuilt.end(), touched.begin(), touched.end());
    syncSome("reload", std::move(rebuilt), std::move(removed));
  }
  setChblLoadFactor(config);
}

void IpvsManager::syncSome(const std::string& trigger, std::vector<size_t> indexes,
                           std::vector<ipvs::ServiceKey> removed) {
  // A failing service is synced with every change: sync() recomputes the errors from what it
  // tried, and what it did not try would otherwise count as mended.
  if (!serviceErrors_.empty()) {
    const auto& vs = desired_.virtuals();
    for (size_t i = 0; i < vs.size(); ++i) {
      if (std::any_of(serviceErrors_.begin(), serviceErrors_.end(),
                      [&](const auto& e) { return e.first == vs[i].settings.key; })) {
        indexes.push_back(i);
      }
    }
  }
  std::sort(indexes.begin(), indexes.end());
  indexes.erase(std::unique(indexes.begin(), indexes.end()), indexes.end());
  ipvs::Table table = desired_.partialTable(indexes);
  std::vector<ipvs::ServiceKey> scope = std::move(removed);
  for (const auto& svc : table.services) {
    scope.push_back(svc.key);
  }
  sync(trigger, table, std::move(scope));
}

void IpvsManager::stop() {
  if (!prog_) {
    return;
  }
  sync("stop", desired_.tableOnStop(), desired_.keys());
}

void IpvsManager::retry() {
  open(/*loadModule=*/false);
  if (prog_) {
    sync("retry", desired_.table(), desired_.keys());
  }
}

void IpvsManager::noteRetries() {
  const auto now = std::chrono::steady_clock::now();
  std::set<std::string> failing;
  for (const auto& [key, message] : serviceErrors_) {
    failing.insert(ipvs::toString(key));
  }
  std::vector<std::string> done;
  for (const auto& [key, e] : retries_.entries()) {
    if (failing.count(key) == 0 && key != kUnavailableKey) {
      done.push_back(key);
    }
  }
  for (const auto& k : done) {
    retries_.succeeded(k);
  }
  for (const auto& k : failing) {
    retries_.failed(k, now);
  }
}

void IpvsManager::apply(const std::string& trigger) {
  if (!prog_) {
    return;
  }
  sync(trigger, desired_.table(), desired_.keys());
}

void IpvsManager::apply(const std::string& trigger, std::vector<size_t> indexes) {
  if (!prog_) {
    return;
  }
  if (!prog_->hasCache()) {
    apply(trigger);
    return;
  }
  syncSome(trigger, std::move(indexes), {});
}

void IpvsManager::sync(const std::string& trigger, const ipvs::Table& desiredIn,
                       std::vector<ipvs::ServiceKey> scope) {
  SyncRecord rec;
  rec.trigger = trigger;
  serviceErrors_.clear();
  // The programmer's view of the kernel (read once, then kept up to date by every applied op)
  // is trusted: a reload or a health change costs its ops only, not a dump of the whole table.
  // When an op shows that the kernel changed behind lvsd's back, the table is re-read once.
  const bool fresh = !prog_->hasCache();
  if (fresh) {
    if (auto kernel = prog_->readKernel(); !kernel) {
      rec.errors.push_back("reading the IPVS table: " + kernel.error().message);
      log_.error(rec.errors.back(), {{"event", "ipvs_read_failed"}});
      last_ = std::move(rec);
      retries_.failed(kReadKey, std::chrono::steady_clock::now());
      return;
    }
    retries_.succeeded(kReadKey);
  }
  ipvs::Table desired = desiredIn;
  // A service whose scheduler module is missing fails alone: it is left as the kernel has it.
  std::erase_if(desired.services, [&](const ipvs::Service& s) {
    std::string err = ensureScheduler(s.scheduler);
    if (err.empty()) {
      return false;
    }
    serviceErrors_.emplace_back(s.key, err);
    std::erase(scope, s.key);
    return true;
  });
  if (desired.timeouts) {
    desired.timeouts = ipvs::resolveTimeouts(*desired.timeouts, prog_->cached().timeouts);
  }
  ipvs::ApplyReport rep = prog_->sync(desired, ipvs::Scope::only(scope));
  const auto note = [&](const ipvs::ApplyReport& r) {
    rec.ops += r.results.size();
    rec.opsSent += r.opsSent;
    for (const auto& o : r.results) {
      if (rec.opList.size() < kMaxOpsListed) {
        rec.opList.push_back(ipvs::describe(o.op) + (o.error == 0 ? "" : ": " + o.message));
      }
    }
  };
  note(rep);
  if (!fresh && staleView(rep)) {
    log_.warning(
        "ipvs " + trigger + ": the kernel table changed outside lvsd; re-reading it and retrying",
        {{"event", "ipvs_resync"}});
    rep = prog_->sync(desired, ipvs::Scope::only(scope), /*refresh=*/true);
    note(rep);
  }
  for (const auto& f : rep.failed) {
    serviceErrors_.emplace_back(f.key, f.message + (f.rolledBack ? " (rolled back)" : ""));
  }
  for (const auto& [key, message] : serviceErrors_) {
    const std::string name = desired_.nameOf(key);
    rec.errors.push_back("virtual server " + (name.empty() ? "" : name + " ") + "(" +
                         ipvs::toString(key) + "): " + message);
    log_.error(rec.errors.back(), {{"event", "ipvs_service_failed"}, {"service", name}});
  }
  for (const auto& e : rep.errors) {
    if (std::none_of(rep.failed.begin(), rep.failed.end(),
                     [&](const ipvs::ServiceFailure& f) { return f.message == e; })) {
      rec.errors.push_back(e);
    }
  }
  if (trigger != "stop") {
    noteRetries();
  }
  ++syncs_;
  opsTotal_ += rec.opsSent;
  log_.info("ipvs " + trigger + ": " + std::to_string(rec.ops) + " ops, " +
                std::to_string(rec.errors.size()) + " errors",
            {{"event", "ipvs_sync"},
             {"trigger", trigger},
             {"ops", std::to_string(rec.ops)},
             {"errors", std::to_string(rec.errors.size())}});
  last_ = std::move(rec);
}

ctl::Json IpvsManager::status(bool withServices) const {
  ctl::Json services = ctl::Json::array();
  for (const auto& v : desired_.virtuals()) {
    if (!withServices) {
      break;
    }
    const auto err = std::find_if(serviceErrors_.begin(), serviceErrors_.end(),
                                  [&](const auto& e) { return e.first == v.settings.key; });
    ctl::Json s{{"name", v.name}, {"service", ipvs::toString(v.settings.key)}};
    if (!prog_) {
      s["state"] = "unavailable";
    } else if (err != serviceErrors_.end()) {
      s["state"] = "failed";
      s["error"] = err->second;
      if (const auto* r = retries_.find(ipvs::toString(v.settings.key))) {
        s["failures"] = r->failures;
        s["next_retry_ms"] =
            std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(
                                     r->due - std::chrono::steady_clock::now())
                                     .count());
      }
    } else {
      s["state"] = last_ ? "programmed" : "pending";
    }
    services.push_back(std::move(s));
  }
  ctl::Json out{{"available", prog_ != nullptr}, {"syncs", syncs_}, {"ops_total", opsTotal_}};
  if (withServices) {
    out["services"] = std::move(services);
  } else {
    out["services_failed"] = serviceErrors_.size();
  }
  if (!unavailable_.empty()) {
    out["error"] = unavailable_;
  }
  if (const auto due = retries_.nextDue()) {
    out["next_retry_ms"] =
        std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(
                                 *due - std::chrono::steady_clock::now())
                                 .count());
  }
  if (last_) {
    out["last_sync"] = ctl::Json{{"trigger", last_->trigger},
                                 {"ops", last_->ops},
                                 {"ops_sent", last_->opsSent},
                                 {"op_list", last_->opList},
                                 {"errors", last_->errors}};
  } else {
    out["last_sync"] = nullptr;
  }
  return out;
}

}  // namespace lvsd::daemon
