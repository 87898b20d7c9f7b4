#pragma once
// Config updates for the children (pure). The supervisor parses and validates the config file
// once; each child receives, over its link, a compact binary update against the config it holds
// (the one it was forked with, moved on by every update since): only the sections that changed,
// and for the virtual servers only the ones that changed (the others are "keep old #k"). A child
// never re-reads the file, so what it applies is exactly what the supervisor validated.
//
// Payload: "LVC1", varint changed-section mask, then each changed section in bit order; the
// virtual-server section is a count followed, per position, by varint 0 + the encoded server or
// varint k = "the base's server #k-1". Integers are LEB128 varints (signed ones zigzag), strings
// and byte vectors are length-prefixed, optionals carry a presence byte.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "config/model.h"

namespace lvsd::daemon {

/// Config sections, as bits of a mask.
namespace section {
inline constexpr uint32_t kSourceFile = 1U << 0;
inline constexpr uint32_t kGlobal = 1U << 1;
inline constexpr uint32_t kVrrpScripts = 1U << 2;
inline constexpr uint32_t kTrackFiles = 1U << 3;
inline constexpr uint32_t kTrackProcesses = 1U << 4;
inline constexpr uint32_t kCheckScripts = 1U << 5;
inline constexpr uint32_t kVrrpInstances = 1U << 6;
inline constexpr uint32_t kSyncGroups = 1U << 7;
inline constexpr uint32_t kVirtualServers = 1U << 8;
inline constexpr uint32_t kAll = (1U << 9) - 1;
/// What the VRRP child uses.
inline constexpr uint32_t kVrrp =
    kGlobal | kVrrpScripts | kTrackFiles | kTrackProcesses | kVrrpInstances | kSyncGroups;
/// What the checker child uses.
inline constexpr uint32_t kChecker = kGlobal | kCheckScripts | kVirtualServers;
}  // namespace section

/// An update from @p from to @p to.
struct ConfigUpdate {
  std::string payload;
  uint32_t changed = 0;    ///< sections that differ
  size_t serversSent = 0;  ///< virtual servers carried in full (the others by reference)
};

/// @return the update that turns a child holding @p from into one holding @p to. Sections and
/// virtual servers are compared with the model's operator== (cheap: nothing is encoded but what
/// changed); an unchanged virtual server is referenced by its index in @p from, found by name
/// when the order changed.
ConfigUpdate makeUpdate(const config::Config& from, const config::Config& to);

/// Where each virtual server of an applied update came from: per server of the new config, the
/// index of the base's server it is (carried unchanged), or nullopt when it came in full (new or
/// changed). Lets an engine touch only what changed (docs/architecture.md, "Reload parses once").
using ServerOrigins = std::vector<std::optional<size_t>>;

/// Applies @p payload to @p base (unchanged on error). @return the changed-section mask.
/// @param origins when given, set to the origin of every virtual server of the result (the
/// identity when the virtual-server section did not change).
Result<uint32_t> applyUpdate(config::Config& base, std::string_view payload,
                             ServerOrigins* origins = nullptr);

/// Encodes one virtual server / decodes it (exposed for tests and the fuzzer).
std::string encodeVirtualServer(const config::VirtualServer& vs);
Result<config::VirtualServer> decodeVirtualServer(std::string_view bytes);

}  // namespace lvsd::daemon
