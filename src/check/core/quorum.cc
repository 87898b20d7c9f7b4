#include "check/core/quorum.h"

namespace lvsd::check {

QuorumChange Quorum::update(uint64_t sum) {
  bool next = false;
  if (!has_) {
    next = sum >= params_.quorum;
  } else if (*has_) {
    next = !(params_.quorum > params_.hysteresis && sum < params_.quorum - params_.hysteresis);
  } else {
    next = sum >= params_.quorum + params_.hysteresis;
  }
  const bool first = !has_;
  const bool before = has_.value_or(true);
  has_ = next;
  if (first) {
    return next ? QuorumChange::None : QuorumChange::Lost;
  }
  if (before == next) {
    return QuorumChange::None;
  }
  return next ? QuorumChange::Gained : QuorumChange::Lost;
}

uint64_t upWeightSum(const std::vector<RealServerView>& servers) {
  uint64_t sum = 0;
  for (const auto& s : servers) {
    sum += s.decision.target;
  }
  return sum;
}

VirtualServerDesired buildDesired(const std::vector<RealServerView>& servers, const Quorum& quorum,
                                  std::optional<uint32_t> sorryId) {
  VirtualServerDesired out;
  out.sorryActive = sorryId.has_value() && !quorum.has();
  for (const auto& s : servers) {
    if (!s.decision.present) {
      continue;
    }
    if (out.sorryActive) {
      // keepalived removes the remaining live servers when the sorry server takes over;
      // an inhibited destination stays with weight 0.
      if (s.inhibitOnFailure || (s.decision.target == 0 && s.decision.weight == 0)) {
        out.dests.push_back({s.id, 0});
      }
      continue;
    }
    out.dests.push_back({s.id, s.decision.weight});
  }
  if (out.sorryActive) {
    out.dests.push_back({*sorryId, 1});
  }
  return out;
}

}  // namespace lvsd::check
