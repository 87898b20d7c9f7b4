#pragma once
// Virtual IPs over rtnetlink (libnl-route-3): add/remove with prefix, label and scope; IPv6
// addresses are added with IFA_F_NODAD (a VIP taken over must be usable at once, and a
// duplicate-address probe would fail anyway while the old master still holds it).

#include <cstdint>
#include <memory>
#include <string>

#include "common/address.h"
#include "common/result.h"
#include "vrrp/config/engine_config.h"

namespace lvsd::vrrp::io {

using Vip = VipSpec;

class VipManager {
public:
  VipManager();
  ~VipManager();
  VipManager(const VipManager&) = delete;
  VipManager& operator=(const VipManager&) = delete;

  /// Adds @p vip; an address already present counts as success.
  Result<void> add(const Vip& vip);
  /// Removes @p vip; an address already absent counts as success.
  Result<void> remove(const Vip& vip);
  /// @return whether @p vip is configured on its interface (for tests and start-up clean-up).
  [[nodiscard]] bool present(const Vip& vip);

private:
  Result<void> change(const Vip& vip, bool add);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lvsd::vrrp::io
