#pragma once
// What the VRRP engine runs, mapped from the validated config model (pure). One InstanceConfig per
// vrrp_instances entry; sync groups become member index lists; tracked objects are resolved and
// carry their effective weight (a reference's weight overrides the object's).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/address.h"
#include "common/result.h"
#include "config/model.h"
#include "vrrp/auth/hmac_auth.h"
#include "vrrp/codec/codec.h"
#include "vrrp/fsm/machine.h"

namespace lvsd::vrrp {

using Millis = std::chrono::milliseconds;

struct VipSpec {
  IpAddress address;
  uint8_t prefixLen = 32;
  std::string dev;    ///< interface name
  std::string label;  ///< IPv4 label ("" = none)
  bool operator==(const VipSpec&) const = default;
};

struct GarpParams {
  Millis masterDelay{5000};
  uint32_t masterRepeat = 5;
  Millis masterRefresh{0};
  uint32_t masterRefreshRepeat = 1;
  Millis interval{0};
  Millis naInterval{0};
  Millis lowerPrioDelay{5000};   ///< min gap between two lower-priority bursts
  uint32_t lowerPrioRepeat = 5;  ///< rounds per lower-priority burst (0 = off)
  bool operator==(const GarpParams&) const = default;
};

struct NotifyParams {
  std::string master, backup, fault, stop, any;  ///< command lines ("" = none)
  bool operator==(const NotifyParams&) const = default;
};

enum class TrackKind : uint8_t { Interface, Script, File, Process };

struct TrackSpec {
  TrackKind kind = TrackKind::Interface;
  std::string name;  ///< interface name or tracked object's name
  int weight = 0;
  bool reverse = false;
  // Script
  std::vector<std::string> argv;
  Millis interval{1000};
  Millis timeout{1000};
  uint32_t rise = 1;
  uint32_t fall = 1;
  std::string user;
  bool initFail = false;
  // File
  std::string path;
  bool initFile = false;
  // Process
  std::string process;
  std::vector<std::string> params;
  config::ProcessMatch paramMatch = config::ProcessMatch::Name;
  uint32_t quorum = 1;
  uint32_t quorumMax = 0;
  Millis delay{0};
  bool operator==(const TrackSpec&) const = default;
};

struct InstanceConfig {
  std::string name;
  std::string interface;      ///< where adverts are received (the base interface)
  std::string vipInterface;   ///< where VIPs go and GARPs leave (the vmac when use_vmac)
  std::string sendInterface;  ///< where adverts leave
  Family family = Family::V4;
  InstanceParams params;
  DecodeOptions decode;
  std::optional<auth::Config> hmac;
  std::vector<IpAddress> advertised;  ///< the addresses in adverts
  std::vector<VipSpec> vips;          ///< advertised + excluded, as installed
  std::optional<IpAddress> sourceAddress;
  std::vector<IpAddress> unicastPeers;
  GarpParams garp;
  NotifyParams notify;
  std::vector<TrackSpec> tracking;  ///< the instance's own interface comes first (weight 0)
  bool useVmac = false;
  std::string vmacName;
  std::string syncGroup;
  bool operator==(const InstanceConfig&) const = default;
};

struct GroupConfig {
  std::string name;
  std::vector<size_t> members;  ///< indexes into EngineConfig::instances
  bool operator==(const GroupConfig&) const = default;
};

struct EngineConfig {
  std::string routerId;
  std::string scriptUser;
  std::string notifyFifo;        ///< "" = none
  std::string notifyFifoScript;  ///< reader started with the FIFO path
  /// SCHED_FIFO priority of the engine's process (global.vrrp_rt_priority, keepalived's
  /// vrrp_rt_priority; 0 = normal scheduling; default kDefaultRealtimePriority).
  uint8_t realtimePriority = 0;
  std::vector<InstanceConfig> instances;
  /// Every instance is in exactly one group; instances outside a sync group get their own.
  std::vector<GroupConfig> groups;
  bool operator==(const EngineConfig&) const = default;
};

/// Adverts every 10 ms leave a Backup 30 ms of silence before it takes over: on a loaded host a
/// normally scheduled VRRP process misses that (docs/benchmarks-vrrp.md, stability run).
inline constexpr uint8_t kDefaultRealtimePriority = 10;

/// Maps a validated config. @return an error for what validation cannot know (none today).
Result<EngineConfig> mapConfig(const config::Config& config);

}  // namespace lvsd::vrrp
