#include "vrrp/fsm/sync_group.h"

#include <algorithm>

namespace lvsd::vrrp {

SyncGroup::SyncGroup(std::vector<InstanceParams> members) : ownFault_(members.size(), false) {
  members_.reserve(members.size());
  for (auto& p : members) {
    members_.emplace_back(std::move(p));
  }
}

std::vector<SyncGroup::MemberActions> SyncGroup::handle(size_t index, const Event& event) {
  std::vector<MemberActions> out;
  if (index >= members_.size()) {
    return out;
  }
  const bool anyFaultBefore =
      std::find(ownFault_.begin(), ownFault_.end(), true) != ownFault_.end();
  if (std::holds_alternative<Fault>(event)) {
    ownFault_[index] = true;
  } else if (std::holds_alternative<FaultCleared>(event)) {
    ownFault_[index] = false;
  }
  const bool anyFaultAfter = std::find(ownFault_.begin(), ownFault_.end(), true) != ownFault_.end();

  // Fault is group-wide: the first fault takes every member down, the last clear brings all up.
  if (std::holds_alternative<Fault>(event) || std::holds_alternative<FaultCleared>(event)) {
    if (anyFaultBefore == anyFaultAfter) {
      return out;  // the group's fault state did not change
    }
    out.push_back({index, members_[index].handle(event)});
    for (size_t j = 0; j < members_.size(); ++j) {
      if (j != index) {
        out.push_back({j, members_[j].handle(event)});
      }
    }
    return out;
  }
  if (anyFaultAfter && std::holds_alternative<Startup>(event)) {
    // Starting while the group is faulted: wait in Fault with the others.
    out.push_back({index, members_[index].handle(Fault{})});
    return out;
  }
  out.push_back({index, members_[index].handle(event)});
  propagate(index, out.front().actions, out);
  return out;
}

void SyncGroup::propagate(size_t origin, const Actions& actions, std::vector<MemberActions>& out) {
  for (const Action& a : actions) {
    const auto* sc = std::get_if<StateChanged>(&a);
    if (sc == nullptr) {
      continue;
    }
    Event follow;
    if (sc->from == State::Backup && sc->to == State::Master) {
      follow = GroupToMaster{};
    } else if (sc->from == State::Master && sc->to == State::Backup) {
      follow = GroupToBackup{};
    } else {
      continue;
    }
    // Forced members do not propagate further: only the originator leads.
    for (size_t j = 0; j < members_.size(); ++j) {
      if (j != origin) {
        auto acts = members_[j].handle(follow);
        if (!acts.empty()) {
          out.push_back({j, std::move(acts)});
        }
      }
    }
  }
}

}  // namespace lvsd::vrrp
