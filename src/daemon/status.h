#pragma once
// The status model the supervisor serves over the control socket (pure). Each child contributes
// an extensible JSON object ("report") that its engine fills; the supervisor adds process facts.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/loader.h"
#include "ctl/protocol.h"

namespace lvsd::daemon {

using ctl::Json;

struct ChildInfo {
  std::string name;
  int pid = 0;        ///< 0 while not running
  std::string state;  ///< "starting" | "running" | "backoff" | "stopping" | "stopped"
  uint32_t restarts = 0;
  std::string lastExit;          ///< describeExit() of the last exit, empty if none
  uint64_t generation = 0;       ///< config generation the child last reported
  Json report = Json::object();  ///< the child's own status object
  std::string reloadError;       ///< why the last reload was not applied; empty if it was
};

struct ReloadInfo {
  bool ok = true;
  std::string time;         ///< ISO 8601 UTC
  uint64_t generation = 0;  ///< generation in force after the attempt
  std::string file;
  std::vector<std::string> errors;  ///< Diagnostic::toString() lines
};

struct DaemonInfo {
  std::string version;
  int pid = 0;
  int64_t uptimeSeconds = 0;
  std::string startedAt;
  std::string configFile;
  uint64_t generation = 0;
  std::optional<ReloadInfo> lastReload;
  std::vector<ChildInfo> children;
  size_t vrrpInstances = 0;
  size_t virtualServers = 0;
};

/// The `status` command's data object (documented in docs/control-protocol.md).
Json buildStatus(const DaemonInfo& info);
/// The `reload` command's data object, also status.last_reload.
Json reloadToJson(const ReloadInfo& r);
/// {"valid":bool,"file":..,"errors":[..],"diagnostics":[{file,line,setting,message}]}.
Json checkResultToJson(const std::string& file, const std::vector<config::Diagnostic>& errors);

/// Largest config update a child accepts (bytes): 1 000 x 10 servers take ~0.1 MB.
inline constexpr size_t kMaxUpdateBytes = size_t{256} << 20;

/// Messages on the supervisor <-> child socketpair (one JSON object per line).
struct ParentMessage {
  enum class Kind { Reload, Stop, Admin, Query } kind = Kind::Stop;
  std::string path;         ///< Reload: the config file it came from (for logs only)
  uint64_t generation = 0;  ///< Reload: generation number it becomes
  /// Reload: the config update (daemon/config_codec.h). On the link it follows the JSON line as
  /// raw bytes, the line's "bytes" giving its size; parseParentMessage() sets payloadBytes.
  std::string payload;
  size_t payloadBytes = 0;
  Json admin = Json::object();  ///< Admin: runtime operator state ({"overrides":[...]})
  uint64_t query = 0;           ///< Query: id the child's full report answers with
};
struct ChildMessage {
  enum class Kind { Report, ReloadResult } kind = Kind::Report;
  uint64_t generation = 0;
  bool ok = true;                ///< ReloadResult
  std::string error;             ///< ReloadResult when !ok
  Json status = Json::object();  ///< Report
  /// Report: 0 for the periodic (summary) report, else the id of the Query it answers with the
  /// full status.
  uint64_t query = 0;
};

/// Reload: the line followed by the payload bytes.
std::string encode(const ParentMessage& m);
std::string encode(const ChildMessage& m);
Expected<ParentMessage, std::string> parseParentMessage(std::string_view line);
Expected<ChildMessage, std::string> parseChildMessage(std::string_view line);

}  // namespace lvsd::daemon
