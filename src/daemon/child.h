#pragma once
// Child processes. The supervisor forks one process per engine ("vrrp", "checker"); each runs its
// own single-threaded io_context and talks to the supervisor over a socketpair with one JSON
// object per line (daemon/status.h): reports up, reload/stop down.
//
// An engine plugs in through its entry function: it builds its objects on channel.io(), registers
// a status provider and a reload handler, and returns channel.run().

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <optional>
#include <string>

#include "common/log.h"
#include "common/result.h"
#include "config/model.h"
#include "ctl/protocol.h"
#include "daemon/config_codec.h"

namespace lvsd::daemon {

/// The child's end of the supervisor link.
class ChildChannel {
public:
  static constexpr Duration kReportInterval = std::chrono::seconds(1);

  /// @param config the config of @p generation (the supervisor's at fork time); later reloads
  /// arrive as updates against it (daemon/config_codec.h), never as a file to re-read.
  ChildChannel(boost::asio::io_context& io, int fd, Logger log, uint64_t generation,
               config::Config config);

  boost::asio::io_context& io() { return io_; }
  Logger& logger() { return log_; }
  [[nodiscard]] uint64_t generation() const { return generation_; }
  /// The config of generation(): what the engine was started with or last reloaded to.
  [[nodiscard]] const config::Config& config() const { return config_; }

  /// The engine's status object, sent with every report (extensible: engines add what they like).
  void setStatusProvider(std::function<ctl::Json()> provider) { status_ = std::move(provider); }
  /// A small status for the periodic reports (and reportNow()): with it, the full status above
  /// is sent only when the supervisor asks for it (a query: lvsctl checks/status/ipvs), so a
  /// large table does not cross the link every second.
  void setSummaryProvider(std::function<ctl::Json()> provider) { summary_ = std::move(provider); }
  /// Applies a new, already validated config. An error is reported to the supervisor and logged;
  /// the engine keeps its old state. The handler runs when a section in @p sections
  /// (daemon/config_codec.h section::*) changed, or when nothing changed at all (a reload of
  /// the same file re-applies it); otherwise the generation moves on untouched.
  void setReloadHandler(std::function<Result<void>(const config::Config&)> handler,
                        uint32_t sections = 0xffffffffU) {
    reload_ = std::move(handler);
    reloadSections_ = sections;
  }
  /// During a reload handler: the sections the update changed and where each virtual server of
  /// config() came from (daemon/config_codec.h), so an engine can touch only what changed.
  [[nodiscard]] uint32_t lastChanged() const { return lastChanged_; }
  [[nodiscard]] const ServerOrigins& lastOrigins() const { return lastOrigins_; }
  /// Runs when the supervisor asks the child to stop, before the loop ends (graceful resignation).
  void setStopHandler(std::function<void()> handler) { stop_ = std::move(handler); }
  /// A stop handler that finishes later: the loop ends when it calls the function it is given
  /// (the supervisor SIGKILLs a child that takes longer than its stop timeout).
  void setAsyncStopHandler(std::function<void(std::function<void()> done)> handler) {
    asyncStop_ = std::move(handler);
  }
  /// Runtime operator state from the supervisor (lvsctl weight/drain/enable/disable), sent whole
  /// on every change and after the child (re)starts.
  void setAdminHandler(std::function<void(const ctl::Json&)> handler) {
    admin_ = std::move(handler);
  }
  /// Sends a report now (e.g. after a state change) in addition to the periodic ones.
  void reportNow();
  /// Runs the loop until the supervisor says stop or goes away. @return the exit code.
  int run();

private:
  void read();
  void onLine(const std::string& line);
  void onReload(uint64_t generation, const std::string& payload);
  void send(std::string line);
  void scheduleReport();

  boost::asio::io_context& io_;
  boost::asio::local::stream_protocol::socket socket_;
  boost::asio::steady_timer reportTimer_;
  Logger log_;
  uint64_t generation_;
  config::Config config_;
  std::optional<uint64_t> pendingReload_;
  uint32_t lastChanged_ = 0;
  ServerOrigins lastOrigins_;  ///< generation whose payload is still arriving
  std::function<ctl::Json()> status_;
  std::function<ctl::Json()> summary_;
  std::function<Result<void>(const config::Config&)> reload_;
  uint32_t reloadSections_ = 0xffffffffU;
  std::function<void()> stop_;
  std::function<void(std::function<void()>)> asyncStop_;
  bool stopping_ = false;
  std::function<void(const ctl::Json&)> admin_;
  ctl::LineFramer framer_;
  std::array<char, 65536> buf_{};
  std::string out_;
  bool writing_ = false;
  int exitCode_ = 0;
};

/// Entry function of a child process (the config is the channel's config()).
using ChildEntry = std::function<int(const config::Config&, ChildChannel&)>;

/// VRRP engine child (daemon/vrrp_child.cc): runs vrrp::io::Engine, reports {"vrrp": status}.
int runVrrpChild(const config::Config& config, ChildChannel& channel);
/// Checker + IPVS engine child (daemon/checker_child.cc): programs the config's virtual servers,
/// reports {"virtual_servers": n, "ipvs": IpvsManager::status()}.
int runCheckerChild(const config::Config& config, ChildChannel& channel);

/// In a freshly forked child, before unblocking signals: the supervisor's (Asio) handlers must
/// not run here. SIGTERM kills, SIGINT/SIGHUP are ignored (the supervisor coordinates).
void resetChildSignals();

/// Sets the calling thread's nice level (global.checker_priority / vrrp_priority: keepalived's
/// checker_priority / vrrp_priority); threads started later inherit it. Logs a failure.
void applyNice(ChildChannel& channel, int nice, const char* setting);

/// Runs in a freshly forked child: dies with the parent, resets signal handling, builds an
/// io_context and the channel on @p fd, calls @p entry. @return the process exit code.
int childProcessMain(const std::string& name, const ChildEntry& entry, const config::Config& config,
                     int fd, Logger log, uint64_t generation, int parentPid);

}  // namespace lvsd::daemon
