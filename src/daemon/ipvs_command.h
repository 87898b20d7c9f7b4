#pragma once
// The `ipvs` control command, served by the supervisor: it dumps the kernel's IPVS table itself
// (fresh on every request: the counters and the kernel's 2-s rate estimates, with no size cap on
// the child link) and adds what the checker child last reported about programming it.

#include <functional>

#include "ctl/protocol.h"

namespace lvsd::daemon {

/// @param checkerIpvs returns the checker child's latest "ipvs" report (null when none).
/// @return the handler: data {"available":true,"version":"1.2.1","version_code":N,
///         "conn_tab_size":N,"table":{"services":[...]},"lvsd":{...checker report...}};
///         an error "ipvs unavailable: ..." when the IPVS family cannot be opened.
ctl::CommandRegistry::Handler makeIpvsCommand(std::function<ctl::Json()> checkerIpvs);

}  // namespace lvsd::daemon
