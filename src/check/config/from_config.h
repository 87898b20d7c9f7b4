#pragma once
// Config model -> what the checker runs (pure): one ProbeSpec + CheckParams per configured check,
// WeightParams per real server, QuorumParams per virtual server. Defaults resolve here (interval
// from delay_loop, Host from virtualhost, script user from global.script_user, probe address and
// port from connect_address/connect_port or the real server).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "check/core/probe_spec.h"
#include "check/core/quorum.h"
#include "check/core/scheduler.h"
#include "check/core/weight.h"
#include "common/result.h"
#include "config/model.h"

namespace lvsd::check {

/// One configured check, ready for CheckRunner::add.
struct CheckPlan {
  ProbeSpec spec;
  CheckParams params;
  std::string summary;  ///< "http GET /health 10.0.0.1:80", for lvsctl and logs
};

/// @return true when two plans probe the same way with the same timing (state may migrate).
bool samePlan(const CheckPlan& a, const CheckPlan& b);

/// Maps one check of real server @p rs of @p vs.
CheckPlan planCheck(const config::Global& g, const config::VirtualServer& vs,
                    const config::RealServer& rs, const config::Check& c);

/// The weight parameters of @p rs (slow start, inhibit, feedback mapped as docs/checks.md says).
WeightParams weightParams(const config::RealServer& rs);

QuorumParams quorumParams(const config::VirtualServer& vs);

/// A virtual server named the way lvsctl accepts it: its config name, or "VIP:port[/proto]"
/// ("[v6]:port/proto"), or "fwmark:N".
/// @return the index of the matching virtual server, or an error naming the known ones.
Result<size_t> findVirtualServer(const config::Config& c, std::string_view text);
/// A real server of @p vs by "addr:port" ("[v6]:port"), or by "addr" alone when unique.
Result<size_t> findRealServer(const config::VirtualServer& vs, std::string_view text);

}  // namespace lvsd::check
