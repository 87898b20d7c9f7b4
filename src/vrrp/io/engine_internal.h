#pragma once
// Engine's per-instance runtime state (shared by engine.cc, engine_track.cc, engine_status.cc).

#include <array>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/io/asio_timer.h"
#include "vrrp/io/engine.h"
#include "vrrp/track/lower_prio_garp.h"

namespace lvsd::vrrp::io {

/// A timer handled later than this after its deadline counts as late (`timers_late`).
inline constexpr auto kLateTimer = std::chrono::milliseconds(5);

/// A Master_Down expiry takes effect only after the engine has listened this long more, counted
/// from when its handler ran (not from the deadline): see Engine::onMasterDown.
inline constexpr auto kMasterDownConfirm = std::chrono::milliseconds(2);

struct Engine::TrackRuntime {
  TrackSpec spec;
  size_t id = 0;  ///< in the instance's PriorityTracker
  std::optional<track::RiseFall> riseFall;
  std::unique_ptr<boost::asio::steady_timer> timer;
  bool running = false;
  uint64_t runs = 0;
  uint64_t failures = 0;
};

struct Engine::Instance {
  explicit Instance(boost::asio::io_context& io, InstanceConfig c)
      : cfg(std::move(c)),
        garpTimer(io),
        refreshTimer(io),
        pollTimer(io),
        tracker(cfg.params.priority),
        lowerPrio(cfg.garp.lowerPrioRepeat, cfg.garp.lowerPrioDelay),
        rejectLog(clock, std::chrono::seconds(10), 5) {
    for (auto& t : timers) {
      t = std::make_unique<boost::asio::steady_timer>(io);
    }
  }
  InstanceConfig cfg;
  RawSocket* sock = nullptr;      ///< receive socket (base interface)
  RawSocket* sendSock = nullptr;  ///< send socket (vmac unless vmac_xmit_base)
  IpAddress src;
  std::optional<auth::Authenticator> auth;
  RejectCounters rejects;
  std::array<std::unique_ptr<boost::asio::steady_timer>, 3> timers;
  std::array<uint64_t, 3> timerGen{};
  std::array<bool, 3> armed{};
  std::array<MonoTime, 3> deadline{};
  /// Set while the Adver handler runs: the re-arm counts from this deadline (no drift).
  std::optional<MonoTime> adverRearmFrom;
  /// Kernel receive time of the last accepted advert (diagnostics of a Master_Down expiry).
  std::optional<MonoTime> lastAdvertRx;
  /// Master_Down expired and the confirmation window (kMasterDownConfirm) runs.
  bool masterDownConfirming = false;
  Duration masterDownLate{};  ///< how late the expiry that opened the window was handled
  boost::asio::steady_timer garpTimer;
  boost::asio::steady_timer refreshTimer;
  std::vector<std::unique_ptr<boost::asio::steady_timer>> burstTimers;  ///< spaced GARP/NA sends
  boost::asio::steady_timer pollTimer;
  track::PriorityTracker tracker;
  track::LowerPrioGarp lowerPrio;  ///< GARP burst on lower-priority adverts while Master
  std::vector<TrackRuntime> tracks;
  bool trackFault = false;
  std::optional<IpAddress> masterAddr;
  State state = State::Initialize;
  bool vipsInstalled = false;
  SteadyClock clock;
  RateLimit rejectLog;
  // counters
  uint64_t advertsSent = 0;
  uint64_t advertsAccepted = 0;
  uint64_t sendErrors = 0;
  uint64_t garpsSent = 0;
  uint64_t lowerPrioBursts = 0;
  uint64_t becameMaster = 0;
  uint64_t vipErrors = 0;
  uint64_t transitions = 0;
  uint64_t timersLate = 0;      ///< expiries handled more than kLateTimer after their deadline
  Duration timerLateMax{};      ///< the latest one
  uint64_t adverRescued = 0;    ///< Master_Down expiries voided by an advert received in time
  uint64_t confirmRescued = 0;  ///< ... by an advert received in the confirmation window
  std::optional<StateChanged> lastChange;
  std::chrono::system_clock::time_point lastChangeAt{};
};

}  // namespace lvsd::vrrp::io
