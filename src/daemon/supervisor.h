#pragma once
// The supervisor (parent process): owns signals, sd_notify, the control socket and the children.
// It forks the "vrrp" and "checker" children after the config is loaded, restarts a dead child
// with backoff (logging why it died), orchestrates reloads, and serves `status` from what the
// children report.

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/incremental.h"
#include "config/model.h"
#include "ctl/protocol.h"
#include "daemon/backoff.h"
#include "daemon/child.h"
#include "daemon/control_server.h"
#include "daemon/ipvs_command.h"
#include "daemon/notify.h"
#include "daemon/pidfile.h"
#include "daemon/status.h"

namespace lvsd::daemon {

struct SupervisorOptions {
  std::string configPath;
  std::string controlSocket;  ///< resolved: CLI override or config
  uint32_t controlSocketMode = 0660;
  std::string controlSocketGroup;  ///< "" = leave the group alone
  /// A child that has not reported for this long counts as hung (stops watchdog pings).
  Duration childStaleAfter = std::chrono::seconds(5);
  Duration stopTimeout = std::chrono::seconds(5);
  RestartBackoff::Policy backoff{};
};

class Supervisor {
public:
  Supervisor(boost::asio::io_context& io, SupervisorOptions options, config::Config config,
             Logger log, PidFile& pidFile);
  ~Supervisor();

  /// Adds a child to start; call before start().
  void addChild(std::string name, ChildEntry entry);
  /// Listens on the control socket, starts the children, tells systemd READY=1.
  Result<void> start();
  /// Runs the loop until stopped. @return the process exit code.
  int run();

  /// The loader that read the running config (main's): reloads re-parse only what changed
  /// since (config/incremental.h). Kept for the daemon's life.
  void adoptLoader(config::IncrementalLoader loader) {
    loader_ = std::move(loader);
    loaderPath_ = opts_.configPath;
  }
  /// Re-reads the config file; keeps the old config when it is invalid. @return reload data.
  ctl::Json reload(std::string_view trigger);

private:
  struct Child {
    std::string name;
    ChildEntry entry;
    int pid = 0;
    std::string state = "stopped";
    uint32_t restarts = 0;
    std::string lastExit;
    uint64_t generation = 0;
    ctl::Json report = ctl::Json::object();
    std::string reloadError;
    MonoTime startedAt{};
    MonoTime lastReportAt{};
    RestartBackoff backoff;
    std::unique_ptr<boost::asio::local::stream_protocol::socket> link;
    std::unique_ptr<ctl::LineFramer> framer;
    std::shared_ptr<std::array<char, 4096>> buf;
    std::unique_ptr<boost::asio::steady_timer> restartTimer;
    /// Callers waiting for the child's full status (fetchReport); one query in flight at a time.
    std::vector<std::function<void(const ctl::Json&)>> waiting;
    uint64_t queryId = 0;
    std::unique_ptr<boost::asio::steady_timer> queryTimer;
  };
  /// How long a command waits for a child's full status before it is served the last periodic
  /// report instead.
  static constexpr Duration kQueryTimeout = std::chrono::seconds(5);

  void registerCommands();
  void waitSignals();
  void onSignal(int sig);
  void reapChildren();
  void spawn(Child& c);
  void readLink(Child& c);
  void onChildLine(Child& c, const std::string& line);
  void onChildExit(Child& c, int waitStatus);
  void sendToChild(Child& c, const std::string& line);
  /// Calls @p done with child @p name's full status: asked for over the link (the checker's
  /// periodic report carries totals only), or at once its last report when the child does not
  /// run or is stale; the last report too after kQueryTimeout.
  void fetchReport(const std::string& name, std::function<void(const ctl::Json&)> done);
  void answerQuery(Child& c, const ctl::Json& report);
  /// Sends the operator overrides (lvsctl weight/drain/enable/disable) to the checker child.
  void sendAdmin(Child& c);
  /// weight/drain/enable/disable: validates against the config, records, forwards.
  Expected<ctl::Json, ctl::ProtocolError> setOperator(const ctl::Json& args,
                                                      const std::string& mode);
  void beginStop(std::string_view why);
  void maybeFinishStop();
  void scheduleWatchdog(Duration interval);
  [[nodiscard]] bool childrenHealthy() const;
  [[nodiscard]] DaemonInfo snapshot() const;
  [[nodiscard]] std::vector<int> fdsToCloseInChild(const Child& except) const;
  [[nodiscard]] std::string statusLine() const;

  boost::asio::io_context& io_;
  SupervisorOptions opts_;
  config::Config config_;
  config::IncrementalLoader loader_;
  std::string loaderPath_;  ///< the file loader_ caches; another path makes it forget()
  /// Operator overrides [{vs, rs, mode, weight}]: kept here so they survive a checker restart
  /// and reloads (for servers still in the config), not an lvsd restart.
  ctl::Json overrides_ = ctl::Json::array();
  uint64_t generation_ = 1;
  uint64_t nextQuery_ = 0;
  Logger log_;
  PidFile& pidFile_;
  Notifier notifier_;
  ctl::CommandRegistry registry_;
  std::unique_ptr<IpvsCommand> ipvsCommand_;  ///< `ipvs`: dumps on its own thread
  ControlServer control_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer stopTimer_;
  boost::asio::steady_timer watchdogTimer_;
  std::vector<std::unique_ptr<Child>> children_;
  std::optional<ReloadInfo> lastReload_;
  MonoTime startedMono_;
  std::string startedAt_;
  bool stopping_ = false;
  int exitCode_ = 0;
};

/// Current UTC time as "2026-01-02T03:04:05Z".
std::string isoNow();

}  // namespace lvsd::daemon
