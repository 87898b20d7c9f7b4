#pragma once
// Human-readable rendering of control-protocol data for lvsctl (pure; tolerant of missing or
// mistyped fields so an older/newer daemon never crashes the client).

#include <string>

#include "ctl/protocol.h"

namespace lvsd::ctl {

/// `lvsctl status`: daemon, config, last reload, children, counts.
std::string formatStatus(const Json& data);
/// `lvsctl reload`: "reloaded: generation N" or the diagnostics.
std::string formatReload(const Json& data);
/// `lvsctl check-config`: "FILE: valid" or one diagnostic per line.
std::string formatCheckConfig(const Json& data);
/// `lvsctl vrrp`: one line per instance (state, priorities, current master, VIPs) plus the
/// non-zero reject counters.
std::string formatVrrp(const Json& data);
/// "1h 02m 03s", "4m 05s", "6s".
std::string formatDuration(int64_t seconds);

}  // namespace lvsd::ctl
