#pragma once
// Sync group (keepalived's vrrp_sync_group): member virtual routers move together. When one
// member becomes Master by its own election, the others in Backup follow; when one is beaten
// back to Backup, the other Masters follow; while any member is in Fault, all are. Pure.

#include <cstddef>
#include <utility>
#include <vector>

#include "vrrp/fsm/machine.h"

namespace lvsd::vrrp {

class SyncGroup {
public:
  /// Actions for one member, identified by its index.
  struct MemberActions {
    size_t member = 0;
    Actions actions;
  };

  explicit SyncGroup(std::vector<InstanceParams> members);

  /// Feeds @p event to member @p index and propagates its transition to the group.
  /// @return every member's actions, the originating member first
  std::vector<MemberActions> handle(size_t index, const Event& event);

  [[nodiscard]] size_t size() const { return members_.size(); }
  [[nodiscard]] const Machine& member(size_t i) const { return members_[i]; }

private:
  void propagate(size_t origin, const Actions& actions, std::vector<MemberActions>& out);

  std::vector<Machine> members_;
  std::vector<bool> ownFault_;  ///< faults reported by each member's own tracking
};

}  // namespace lvsd::vrrp
