#pragma once
// VRRP state machine per RFC 5798 §6 (RFC 9568 §6), pure: events in, actions out. It never
// reads a clock or owns a timer; the adapter executes ArmTimer/CancelTimer and feeds the expiry
// back as an event. All durations are centiseconds, as in the RFC.

#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "common/address.h"

namespace lvsd::vrrp {

enum class State : uint8_t { Initialize, Backup, Master, Fault };
std::string_view stateName(State s);

/// Configuration of one virtual router (mapped from config later; independent of it here).
struct InstanceParams {
  uint8_t version = 3;  ///< 2: Skew_Time in seconds units; 3: scaled by the interval
  uint8_t vrid = 1;
  uint8_t priority = 100;          ///< 1..255; 255 = address owner
  uint32_t adverIntervalCs = 100;  ///< Advertisement_Interval
  bool preempt = true;             ///< Preempt_Mode (false = keepalived's nopreempt)
  uint32_t preemptDelayCs = 0;     ///< no preemption for this long after (re)entering Backup
  bool acceptMode = false;         ///< Accept_Mode
  IpAddress primaryAddress;        ///< our source address, for the equal-priority tie
  bool operator==(const InstanceParams&) const = default;
};

enum class TimerId : uint8_t { Adver, MasterDown, PreemptDelay };

// ---- events ----
struct Startup {};
struct Shutdown {};
/// A received advertisement that passed every §7.1 check (rejected packets never get here).
struct AdvertRx {
  uint8_t priority = 0;
  uint32_t maxAdverIntCs = 100;  ///< the sender's interval, centiseconds
  IpAddress src;
};
struct MasterDownExpired {};
struct AdverExpired {};
struct PreemptDelayExpired {};
struct PriorityChanged {
  uint8_t priority = 0;
};
struct Fault {};
struct FaultCleared {};
/// Sync-group coordinator only: move with the group.
struct GroupToMaster {};
struct GroupToBackup {};

using Event =
    std::variant<Startup, Shutdown, AdvertRx, MasterDownExpired, AdverExpired, PreemptDelayExpired,
                 PriorityChanged, Fault, FaultCleared, GroupToMaster, GroupToBackup>;

// ---- actions ----
struct SendAdvert {
  uint8_t priority = 0;
  auto operator<=>(const SendAdvert&) const = default;
};
struct ArmTimer {
  TimerId id{};
  uint32_t durationCs = 0;
  auto operator<=>(const ArmTimer&) const = default;
};
struct CancelTimer {
  TimerId id{};
  auto operator<=>(const CancelTimer&) const = default;
};
struct InstallVips {
  bool acceptMode = false;  ///< accept packets addressed to the VIPs (Accept_Mode or owner)
  auto operator<=>(const InstallVips&) const = default;
};
struct RemoveVips {
  auto operator<=>(const RemoveVips&) const = default;
};
struct SendGarp {
  auto operator<=>(const SendGarp&) const = default;
};
enum class Reason : uint8_t {
  Startup,
  Shutdown,
  MasterDown,      ///< Master_Down_Timer fired
  HigherPriority,  ///< a better master advertised (§6.4.3)
  Owner,           ///< priority 255 at startup
  Fault,
  FaultCleared,
  Group,  ///< sync group moved this member
};
struct StateChanged {
  State from{};
  State to{};
  Reason reason{};
  auto operator<=>(const StateChanged&) const = default;
};

using Action = std::variant<SendAdvert, ArmTimer, CancelTimer, InstallVips, RemoveVips, SendGarp,
                            StateChanged>;
using Actions = std::vector<Action>;

/// Skew_Time in centiseconds (RFC 5798 §6.1; RFC 3768 §6.1 for v2).
uint32_t skewTimeCs(uint8_t version, uint8_t priority, uint32_t masterAdverIntervalCs);
/// Master_Down_Interval = 3 × Master_Adver_Interval + Skew_Time.
uint32_t masterDownIntervalCs(uint8_t version, uint8_t priority, uint32_t masterAdverIntervalCs);

class Machine {
public:
  explicit Machine(InstanceParams params);

  /// Feeds one event. @return the actions to execute, in order.
  Actions handle(const Event& event);

  [[nodiscard]] State state() const { return state_; }
  [[nodiscard]] uint8_t priority() const { return params_.priority; }
  [[nodiscard]] uint32_t masterAdverIntervalCs() const { return masterAdverIntervalCs_; }
  [[nodiscard]] const InstanceParams& params() const { return params_; }

private:
  void onAdvert(const AdvertRx& rx, Actions& out);
  void onFault(Actions& out);
  void onStartup(Reason reason, Actions& out);
  /// The one place where states are entered (FRR's handler table, type-safe).
  void enter(State to, Reason reason, Actions& out);
  [[nodiscard]] bool preemptAllowed() const { return params_.preempt && !preemptDelayPending_; }

  InstanceParams params_;
  State state_ = State::Initialize;
  uint32_t masterAdverIntervalCs_;
  bool preemptDelayPending_ = false;
  bool answeredResign_ = false;  ///< answered a priority-0 advert since the last Adver tick
};

}  // namespace lvsd::vrrp
