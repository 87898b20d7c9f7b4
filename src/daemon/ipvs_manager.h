#pragma once
// The IPVS side of the checker child: programs the virtual servers of the config into the
// kernel by diff (adopting what matches at start, touching only services the config names),
// re-syncs on reload (scope: old ∪ new config services), keeps or removes services on stop
// (on_stop), and reports what it did. The health checker drives it through desired() +
// apply(): it changes weights/health in the desired state, never the kernel directly.

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/log.h"
#include "config/model.h"
#include "ctl/protocol.h"
#include "daemon/retry_schedule.h"
#include "ipvs/from_config.h"
#include "ipvs/nl/programmer.h"

namespace lvsd::daemon {

class IpvsManager {
public:
  explicit IpvsManager(Logger log) : log_(std::move(log)) {}

  /// Opens IPVS (reporting "ipvs unavailable: ..." when it cannot, and staying usable) and
  /// brings the config's services to the desired state.
  /// Adjusts the fresh desired state of a config before it is programmed (the health checker
  /// applies carried health and weights, so a start or reload does not flap servers).
  using Prepare = std::function<void(ipvs::DesiredState&)>;

  void start(const config::Config& config, const Prepare& prepare = {});
  /// A new config: services it drops are removed, others are edited by diff.
  void reload(const config::Config& config, const Prepare& prepare = {});
  /// A reload that says which virtual servers changed (@p origins: per server of @p config, the
  /// index of the old config's server it is, or nullopt when new or changed) and changed no
  /// global setting: the desired state keeps the carried services as they are (health and
  /// weights included), builds only the others, and diffs only those against the cached kernel
  /// view, plus the services the old config had and the new one does not carry (removed).
  /// Same ops as reload() (a full sync while there is no cached view of the kernel).
  /// @param touched servers (indexes into @p config) whose carried entries @p prepare changes.
  void reloadChanged(const config::Config& config,
                     const std::vector<std::optional<size_t>>& origins,
                     const std::vector<size_t>& touched, const Prepare& prepare = {});
  /// lvsd stops: services with on_stop = keep stay as they are, the others are removed.
  void stop();

  /// The desired state health checks change (then call apply()).
  ipvs::DesiredState& desired() { return desired_; }
  /// Brings the kernel to desired() (scope: the config's services). @p trigger names the cause
  /// in the report ("start", "reload", "health", ...).
  void apply(const std::string& trigger);
  /// The same when only the services at @p indexes (into desired().virtuals()) changed: only
  /// they are diffed (and any service still failing, so its error and retry stay current).
  void apply(const std::string& trigger, std::vector<size_t> indexes);

  /// Tries again what failed (IPVS unavailable, services the kernel refused); call at
  /// nextRetry(). Failing services are retried 1 s after the failure, then 2, 4 ... 30 s apart,
  /// until they succeed or a reload brings a new config.
  void retry();
  /// @return when retry() is due, nothing when all is programmed.
  [[nodiscard]] std::optional<MonoTime> nextRetry() const { return retries_.nextDue(); }

  [[nodiscard]] bool available() const { return prog_ != nullptr; }
  /// {"available","error","last_sync":{...},"services":[...],"syncs","ops_total"}; a failing
  /// service has "state":"failed","error", "failures" and "next_retry_ms" (from now).
  /// @param services false: "services" is left out ("services_failed" counts the failing ones),
  /// for the checker's periodic report.
  [[nodiscard]] ctl::Json status(bool services = true) const;

private:
  struct SyncRecord {
    std::string trigger;
    size_t ops = 0;      ///< ops of the diff (each netlink operation once)
    size_t opsSent = 0;  ///< netlink operations incl. rollback
    std::vector<std::string> opList;
    std::vector<std::string> errors;
  };

  void open(bool loadModule = true);
  void sync(const std::string& trigger, const ipvs::Table& desired,
            std::vector<ipvs::ServiceKey> scope);
  /// sync() of the services at @p indexes plus those failing now; @p removed: keys no longer
  /// desired that lvsd owned (deleted from the kernel).
  void syncSome(const std::string& trigger, std::vector<size_t> indexes,
                std::vector<ipvs::ServiceKey> removed);
  /// modprobe ip_vs_<name> unless loaded. @return an error message, "" when available.
  std::string ensureScheduler(const std::string& name);
  void setChblLoadFactor(const config::Config& config);

  Logger log_;
  std::unique_ptr<ipvs::Programmer> prog_;
  std::string unavailable_;
  ipvs::DesiredState desired_;
  std::set<std::string> schedulersLoaded_;
  std::vector<std::pair<ipvs::ServiceKey, std::string>> serviceErrors_;
  /// Updates retries_ from serviceErrors_ after a sync.
  void noteRetries();

  RetrySchedule retries_;
  std::optional<SyncRecord> last_;
  uint64_t syncs_ = 0;
  uint64_t opsTotal_ = 0;
};

}  // namespace lvsd::daemon
