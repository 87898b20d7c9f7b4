#pragma once
// The checker engine of the checker child: runs a CheckRunner for every configured check, feeds
// results through the Pool (rise/fall, weights, slow start, feedback, quorum, operator state)
// and hands the resulting changes of the IPVS desired state to the caller, batched once per loop
// turn. Reloads keep the state (and the running probe) of unchanged checks.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <list>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "check/config/pool.h"
#include "check/core/random.h"
#include "check/io/check_runner.h"
#include "common/log.h"
#include "config/model.h"

namespace lvsd::check {

/// An operator override set with lvsctl (kept by the supervisor, replayed to the child).
struct OperatorOverride {
  std::string vs;  ///< virtual server as lvsctl named it (config name, VIP:port[/proto])
  std::string rs;  ///< real server "addr:port"
  OperatorMode mode = OperatorMode::Enabled;
  std::optional<uint32_t> weight;
};

/// "enabled" / "drain" / "disabled".
const char* toString(OperatorMode m);
std::optional<OperatorMode> operatorModeFromString(std::string_view s);
nlohmann::json toJson(const std::vector<OperatorOverride>& overrides);
std::vector<OperatorOverride> overridesFromJson(const nlohmann::json& j);

class CheckEngine {
public:
  /// Receives changes to apply to the IPVS desired state (the pool they index and the config it
  /// was built from), and what caused them ("health", "slow start", "operator").
  using Apply = std::function<void(const config::Config&, const Pool&,
                                   const std::vector<RealChange>&, const std::string& trigger)>;

  CheckEngine(boost::asio::io_context& io, Logger log, Apply apply);
  ~CheckEngine();
  CheckEngine(const CheckEngine&) = delete;
  CheckEngine& operator=(const CheckEngine&) = delete;

  /// Builds the pool and starts its checks. @return the changes the fresh desired state (from
  /// the same config) needs before it is first programmed (quorum/sorry at start).
  /// @p config is referenced, not copied: it must stay alive (and be the one given to the
  /// last reload) while the engine runs; the checker child passes its channel's config.
  std::vector<RealChange> start(const config::Config& config);
  /// A new config: unchanged checks keep running with their state, others are replaced.
  /// @return the changes the fresh desired state of @p config needs (carried health, weights).
  std::vector<RealChange> reload(const config::Config& config);
  /// A reload that says which virtual servers changed (@p origins, Pool::reloadFrom): the
  /// unchanged ones keep their state and checks without being re-walked, only the others are
  /// rebuilt. @return the changes the desired state needs after DesiredState::reloadFrom (the
  /// carried servers as they were): changes not yet applied, operator overrides, and the
  /// rebuilt servers' carried health and weights.
  std::vector<RealChange> reload(const config::Config& config, const Pool::Origins& origins);
  /// keepalived's omega, on stop: for each virtual server with `omega`, runs notify_down of every
  /// real server still up and quorum_down when it holds quorum. Calls @p done once they have all
  /// exited, or after @p bound (a command still running is then left to the script's own
  /// timeout); at once when there is nothing to run. @return the number of commands started.
  size_t runOmega(std::chrono::milliseconds bound, std::function<void()> done);
  /// Replaces the operator overrides (every server not listed goes back to enabled).
  /// Unknown servers are reported in the returned list, the others applied (via Apply).
  std::vector<std::string> setOverrides(const std::vector<OperatorOverride>& overrides);

  /// {"virtual_servers":[{name, service, quorum, sorry_active, reals:[...]}], "checks": N,
  ///  "probes_running": N, "results_total": N, "ipvs_changes_total": N}
  /// @param maxReals real servers listed in detail (the rest only counted): the report travels
  /// over the child link every second, so a 10,000-server pool is summarised.
  [[nodiscard]] nlohmann::json status(size_t maxReals = kStatusMaxReals) const;
  static constexpr size_t kStatusMaxReals = 1000;
  /// status() without the per-server list: the totals ("reals_up", "checks", ...), for the
  /// checker's periodic report.
  [[nodiscard]] nlohmann::json summary() const;
  [[nodiscard]] const Pool& pool() const { return pool_; }

private:
  /// The counters summary() and status() share.
  [[nodiscard]] nlohmann::json totals(size_t up, size_t total) const;
  void addMissingChecks();
  void onResult(CheckId id, const Outcome& o, const ResultEffect& e);
  /// After a result changed real @p ri's health or its virtual server's quorum: notify
  /// commands and log lines.
  void onStateChange(size_t vi, size_t ri, bool wasUp, bool hadQuorum, const Outcome& o);
  void queue(const std::vector<RealChange>& changes, const char* trigger);
  void flush();
  void armTick();
  void logChange(const RealChange& c);
  /// Runs a notify_up/notify_down/quorum_up/quorum_down command as the script user, off the
  /// loop (fork/exec, exit observed through a pidfd, killed after 30 s); failures are logged.
  void runCommand(const std::string& command, const std::string& what);

  boost::asio::io_context& io_;
  Logger log_;
  Apply apply_;
  SplitMix64 rng_;
  std::unique_ptr<CheckRunner> runner_;
  const config::Config* config_ = nullptr;  ///< the caller's (see start())
  Pool pool_;
  std::vector<OperatorOverride> overrides_;
  std::vector<RealChange> pending_;
  std::vector<RealChange> scratch_;  ///< one result's changes (reused: no allocation per result)
  std::string pendingTrigger_;
  bool flushPosted_ = false;
  boost::asio::steady_timer tickTimer_;
  std::optional<MonoTime> tickArmedFor_;  ///< re-arm only when the next tick moves
  /// After an apply that took 100 ms or more, the next flush waits 4x that long (at most
  /// 30 s): when programming IPVS gets slow (huge tables, emulated CPUs) the loop still spends
  /// most of its time on probes. Cheaper applies are not spaced.
  boost::asio::steady_timer flushTimer_;
  MonoTime lastFlushEnd_{};
  Duration flushGap_{};
  uint64_t results_ = 0;
  uint64_t changesTotal_ = 0;
  struct Command {
    std::unique_ptr<Prober> prober;
    std::shared_ptr<ProbeRun> run;
  };
  std::list<Command> commands_;         ///< notify/quorum commands still running
  std::function<void()> commandsDone_;  ///< runOmega's completion, called when commands_ empties
  boost::asio::steady_timer omegaTimer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace lvsd::check
