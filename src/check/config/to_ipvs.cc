#include "check/config/to_ipvs.h"

namespace lvsd::check {

Result<std::vector<ipvs::IpvsOp>> applyToDesired(ipvs::DesiredState& desired,
                                                 const config::Config& config, const Pool& pool,
                                                 const std::vector<RealChange>& changes) {
  std::vector<ipvs::IpvsOp> ops;
  const auto append = [&ops](Result<std::vector<ipvs::IpvsOp>>&& r) -> Result<void> {
    if (!r) {
      return Unexpected(r.error());
    }
    ops.insert(ops.end(), r->begin(), r->end());
    return {};
  };
  for (const RealChange& c : changes) {
    if (c.ref.vs >= config.virtual_servers.size()) {
      return fail("change for an unknown virtual server");
    }
    const ipvs::ServiceKey key = ipvs::serviceKey(config.virtual_servers[c.ref.vs]);
    const Pool::Real& r = pool.virtuals().at(c.ref.vs).reals.at(c.ref.rs);
    if (c.placement.up) {
      // Weight first (no op while the server is out), then in: one add or one edit.
      auto w = desired.setRealServerWeight(key, r.address, r.port,
                                           static_cast<int32_t>(c.placement.weight));
      if (auto ok = append(std::move(w)); !ok) {
        return Unexpected(ok.error());
      }
    }
    if (auto ok = append(desired.setRealServerUp(key, r.address, r.port, c.placement.up)); !ok) {
      return Unexpected(ok.error());
    }
  }
  return ops;
}

std::vector<std::string> serviceNames(const config::Config& config) {
  std::vector<std::string> out;
  out.reserve(config.virtual_servers.size());
  for (const auto& vs : config.virtual_servers) {
    out.push_back(ipvs::toString(ipvs::serviceKey(vs)));
  }
  return out;
}

}  // namespace lvsd::check
