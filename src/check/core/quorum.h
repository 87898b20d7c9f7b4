#pragma once
// Virtual-server quorum with hysteresis and the sorry server (keepalived's quorum, hysteresis,
// sorry_server): pure, fed with the sum of target weights of serving real servers.

#include <cstdint>
#include <optional>
#include <vector>

#include "check/core/weight.h"

namespace lvsd::check {

struct QuorumParams {
  uint64_t quorum = 1;      ///< minimum sum of up weights to serve
  uint64_t hysteresis = 0;  ///< gained at >= quorum + h, lost at < quorum - h
};

enum class QuorumChange : uint8_t { None, Gained, Lost };

class Quorum {
public:
  explicit Quorum(const QuorumParams& p) : params_(p) {}
  /// Feeds the current sum of up weights. The first call decides by the plain threshold.
  /// @return whether quorum was gained or lost by this update.
  QuorumChange update(uint64_t upWeightSum);
  [[nodiscard]] bool has() const { return has_.value_or(false); }
  [[nodiscard]] bool known() const { return has_.has_value(); }

private:
  QuorumParams params_;
  std::optional<bool> has_;
};

/// One destination of a virtual server in the desired model.
struct DesiredDest {
  uint32_t id = 0;  ///< caller's real-server id (the sorry server's id for it)
  uint32_t weight = 0;
  bool operator==(const DesiredDest&) const = default;
};

struct RealServerView {
  uint32_t id = 0;
  DestDecision decision;
  bool inhibitOnFailure = false;  ///< keep at weight 0 rather than remove when taken out
};

struct VirtualServerDesired {
  std::vector<DesiredDest> dests;
  bool sorryActive = false;
};

/// Builds a virtual server's destinations. Without quorum and with a sorry server, the sorry
/// server (weight 1) replaces the real servers; inhibited ones stay at weight 0.
/// @param sorryId the sorry server's id, if one is configured.
VirtualServerDesired buildDesired(const std::vector<RealServerView>& servers, const Quorum& quorum,
                                  std::optional<uint32_t> sorryId);

/// @return the sum of target weights of the servers (what Quorum::update wants).
uint64_t upWeightSum(const std::vector<RealServerView>& servers);

}  // namespace lvsd::check
