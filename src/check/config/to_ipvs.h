#pragma once
// Pool changes -> ipvs::DesiredState (pure). Health and weights change only the desired IPVS
// model; the returned ops are what the kernel needs: one EditDest per changed weight, one
// DelDest/AddDest (or weight-0 edit with inhibit_on_failure) per health change, plus the sorry
// server when quorum flips.

#include <vector>

#include "check/config/pool.h"
#include "common/result.h"
#include "config/model.h"
#include "ipvs/from_config.h"

namespace lvsd::check {

/// Applies @p changes (from Pool) to @p desired.
/// @param config the config the pool and @p desired were built from (service keys).
/// @return the ops these changes imply, or the first error (unknown service/server).
Result<std::vector<ipvs::IpvsOp>> applyToDesired(ipvs::DesiredState& desired,
                                                 const config::Config& config, const Pool& pool,
                                                 const std::vector<RealChange>& changes);

/// "TCP 10.0.0.1:80" per virtual server of @p config, the Pool's service identities.
std::vector<std::string> serviceNames(const config::Config& config);

}  // namespace lvsd::check
