#pragma once
// The VRRP engine: runs every configured instance on one Asio loop. It feeds the pure machines
// (vrrp/fsm) with events from raw sockets, timers and tracking, and executes their actions:
// adverts on raw sockets, timers on asio::steady_timer, VIPs over rtnetlink, GARP/NA bursts,
// notify scripts. Rejected packets are counted per reason and logged at a bounded rate.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/io/asio_timer.h"
#include "common/log.h"
#include "ctl/protocol.h"
#include "vrrp/auth/hmac_auth.h"
#include "vrrp/codec/reject_reason.h"
#include "vrrp/config/engine_config.h"
#include "vrrp/crypto/openssl_hmac.h"
#include "vrrp/fsm/sync_group.h"
#include "vrrp/io/announce.h"
#include "vrrp/io/link_monitor.h"
#include "vrrp/io/process.h"
#include "vrrp/io/raw_socket.h"
#include "vrrp/io/vip.h"
#include "vrrp/track/tracker.h"

namespace lvsd::vrrp::io {

class Engine {
public:
  Engine(boost::asio::io_context& io, Logger log, EngineConfig config);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Opens sockets, removes stale VIPs, starts tracking and the machines.
  Result<void> start();
  /// Graceful stop: every Master resigns (priority 0) and removes its VIPs; runs synchronously.
  void shutdown();
  /// Called after every state change (the daemon sends a status report).
  void setStateChangeHook(std::function<void()> hook) { onStateChange_ = std::move(hook); }
  /// Writes one line per transition ("INSTANCE name STATE priority") to this FIFO if set.
  void setNotifyFifo(std::string path) { notifyFifo_ = std::move(path); }

  /// The `vrrp` status object (docs/vrrp.md "Status").
  [[nodiscard]] ctl::Json status() const;

private:
  struct TrackRuntime;
  struct Instance;

  Instance& inst(size_t i) { return *instances_[i]; }
  void dispatch(size_t i, const Event& event);
  void execute(size_t i, const Actions& actions);
  void sendAdvert(Instance& in, uint8_t priority);
  void armTimer(size_t i, TimerId id, uint32_t cs);
  /// Waits for @p deadline on timer @p id of instance @p i with generation @p gen.
  void waitTimer(size_t i, TimerId id, uint64_t gen, MonoTime deadline);
  void onTimer(size_t i, TimerId id, uint64_t gen);
  /// Master_Down fired: adverts the kernel received before its deadline are processed first.
  void onMasterDown(size_t i, uint64_t gen);
  void logAverted(Instance& in, bool inWindow);
  void cancelTimer(Instance& in, TimerId id);
  void installVips(Instance& in);
  void removeVips(Instance& in);
  void garpBurst(Instance& in, uint32_t count);
  void announceFamily(Instance& in, const Mac& mac, bool v6);
  void startGarp(size_t i);
  void onStateChanged(size_t i, const StateChanged& sc);
  void onPacket(RawSocket& sock, const RxPacket& pkt);
  void startTracking(size_t i);
  void runScript(size_t i, size_t t);
  void pollTracking(size_t i);
  void retrack(size_t i);
  void notify(Instance& in, State to);
  /// Creates the notify FIFO if absent and starts its reader script if configured.
  Result<void> openNotifyFifo();
  /// SIGTERM to notify_fifo_script, SIGKILL after a grace period, reaped.
  void stopFifoScript();
  /// SCHED_FIFO (config_.realtimePriority) for this process, bounded by RLIMIT_RTTIME, and its
  /// memory locked (mlockall).
  void setRealtime();
  /// Resolves a script user at run time (default → "nobody" fallback, warned once); a missing
  /// user is logged at a bounded rate and returned as an error.
  Result<std::optional<RunAs>> scriptUser(const std::string& user, const std::string& what);
  void logReject(Instance& in, RejectReason r, const RxPacket& pkt);
  RawSocket* socketFor(const std::string& ifname, Family family, bool multicast);

  boost::asio::io_context& io_;
  Logger log_;
  EngineConfig config_;
  crypto::OpensslHmacSha256 hmac_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<SyncGroup> groups_;
  std::vector<std::pair<size_t, size_t>> member_;  ///< instance → (group, member index)
  std::map<std::pair<std::string, Family>, std::unique_ptr<RawSocket>> sockets_;
  VipManager vips_;
  Announcer announcer_;
  std::unique_ptr<LinkMonitor> links_;
  std::function<void()> onStateChange_;
  std::string notifyFifo_;
  bool warnedFallback_ = false;
  SteadyClock userClock_;
  RateLimit userErrorLog_{userClock_, std::chrono::seconds(60), 3};
  bool stopped_ = false;
  /// notify_fifo_script's pid while it runs (shared with its exit handler, which may run after
  /// the engine is gone).
  std::shared_ptr<pid_t> fifoScript_ = std::make_shared<pid_t>(0);
};

}  // namespace lvsd::vrrp::io
