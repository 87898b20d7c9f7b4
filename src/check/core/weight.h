#pragma once
// Pure weight computation for one real server: configured weight, agent/script/file weight,
// dynamic feedback, slow start after recovery, drain/maint, inhibit-on-failure vs removal.
// Weights change only the desired IPVS model; the caller diffs and sends one edit per change.

#include <cstdint>
#include <optional>

#include "check/core/outcome.h"
#include "common/clock.h"

namespace lvsd::check {

/// Dynamic feedback (the LVS "dynamic feedback load balancing" rule):
///   load L = (rtRatio * latency / rtReference + agentRatio * agentLoad) / (rtRatio + agentRatio)
///   w <- w + gain * cbrt(1 - L), clamped to [0, scale * configured weight]
/// and the applied weight follows w only when it moved by at least `threshold`.
struct FeedbackParams {
  bool enabled = false;
  double rtRatio = 1.0;     ///< share of normalised response time in the load
  double agentRatio = 0.0;  ///< share of agent-reported load (1 - agent "NN%"/100)
  Duration rtReference = std::chrono::milliseconds(100);  ///< latency counted as load 1.0
  double gain = 1.0;                                      ///< A
  double scale = 2.0;      ///< upper clamp, as a multiple of the configured weight
  double threshold = 1.0;  ///< minimum change (in weight units) before it is applied
  double floor = 0.0;      ///< lower clamp (weight units); the config maps it to the weight
  bool operator==(const FeedbackParams&) const = default;
};

/// Runtime state an operator sets with lvsctl (not from the config, not from checks).
enum class OperatorMode : uint8_t {
  Enabled,   ///< checks decide
  Drain,     ///< present with weight 0: no new connections, established ones continue
  Disabled,  ///< taken out as if down (removed, or weight 0 with inhibit_on_failure)
};

struct WeightParams {
  uint32_t weight = 1;  ///< configured weight
  /// Ramp from 1 to the target weight over this time after the server comes up; zero = off.
  Duration slowStart{};
  /// Down servers stay in IPVS with weight 0 (keepalived's inhibit_on_failure) instead of
  /// being removed.
  bool inhibitOnFailure = false;
  FeedbackParams feedback;
  bool operator==(const WeightParams&) const = default;
};

/// What the desired IPVS model should hold for one real server.
struct DestDecision {
  bool present = false;  ///< destination exists in IPVS
  uint32_t weight = 0;   ///< IPVS weight (after slow start)
  uint32_t target = 0;   ///< weight without slow start, 0 when down/drained (for quorum)
  bool serving = false;  ///< healthy and not in maintenance/disabled (drained servers serve)
  bool operator==(const DestDecision&) const = default;
};

class WeightCalculator {
public:
  WeightCalculator(const WeightParams& params, bool initiallyUp, MonoTime now);

  /// Health crossed rise/fall (from Scheduler::onResult). Coming up starts slow start.
  void onHealth(bool up, MonoTime now);
  /// Feeds one probe result: agent admin words and percent, script/file weight, latency.
  void onOutcome(const Outcome& outcome);

  /// Operator override (lvsctl): mode, and an absolute weight replacing the computed target
  /// while set. Health still applies: a down server stays out whatever its operator weight.
  void setOperator(OperatorMode mode, std::optional<uint32_t> weight);
  /// Latency counted as load 1.0 by dynamic feedback (e.g. the pool's mean latency).
  void setRtReference(Duration reference) { params_.feedback.rtReference = reference; }

  /// @return the desired IPVS entry at @p now.
  [[nodiscard]] DestDecision decision(MonoTime now) const;
  /// @return when decision() changes next by time alone (slow start steps), if ever.
  [[nodiscard]] std::optional<MonoTime> nextChange(MonoTime now) const;

  [[nodiscard]] bool up() const { return up_; }
  [[nodiscard]] double feedbackWeight() const { return fbWeight_; }
  [[nodiscard]] OperatorMode operatorMode() const { return opMode_; }
  [[nodiscard]] std::optional<uint32_t> operatorWeight() const { return opWeight_; }
  [[nodiscard]] std::optional<Admin> agentAdmin() const { return admin_; }
  [[nodiscard]] bool slowStartActive(MonoTime now) const {
    return rampActive_ && now - upSince_ < params_.slowStart;
  }
  /// @return why the weight is what it is: "down", "disabled", "drain (operator)", "slow start",
  /// "feedback", "operator", "agent", "script/file", "configured".
  [[nodiscard]] const char* weightReason(MonoTime now) const;
  [[nodiscard]] const WeightParams& params() const { return params_; }

private:
  [[nodiscard]] uint32_t targetWeight() const;
  [[nodiscard]] bool serving() const;

  WeightParams params_;
  bool up_;
  MonoTime upSince_;
  bool rampActive_ = false;
  std::optional<Admin> admin_;
  std::optional<uint32_t> absWeight_;
  std::optional<uint32_t> percent_;
  double fbWeight_;
  uint32_t fbApplied_;
  OperatorMode opMode_ = OperatorMode::Enabled;
  std::optional<uint32_t> opWeight_;
};

/// Follows one real server's desired entry across results and slow-start ticks and reports it
/// only when it changed, so the IPVS layer receives one edit per changed weight.
class DestTracker {
public:
  DestTracker(const WeightParams& params, bool initiallyUp, MonoTime now)
      : calc_(params, initiallyUp, now), last_(calc_.decision(now)) {}

  /// Feeds a probe result and the scheduler's verdict on it.
  /// @return the new decision when it differs from the last one reported.
  std::optional<DestDecision> onResult(const Outcome& outcome, bool upAfter, MonoTime now) {
    calc_.onHealth(upAfter, now);
    calc_.onOutcome(outcome);
    return changed(now);
  }
  /// Call at nextTick() (slow-start steps). @return the decision if it changed.
  std::optional<DestDecision> onTick(MonoTime now) { return changed(now); }
  [[nodiscard]] std::optional<MonoTime> nextTick(MonoTime now) const {
    return calc_.nextChange(now);
  }
  /// Applies an operator override. @return the decision if it changed.
  std::optional<DestDecision> setOperator(OperatorMode mode, std::optional<uint32_t> weight,
                                          MonoTime now) {
    calc_.setOperator(mode, weight);
    return changed(now);
  }
  void setRtReference(Duration reference) { calc_.setRtReference(reference); }
  [[nodiscard]] const DestDecision& current() const { return last_; }
  [[nodiscard]] const WeightCalculator& calculator() const { return calc_; }

private:
  std::optional<DestDecision> changed(MonoTime now) {
    const DestDecision d = calc_.decision(now);
    if (d == last_) {
      return std::nullopt;
    }
    last_ = d;
    return d;
  }

  WeightCalculator calc_;
  DestDecision last_;
};

}  // namespace lvsd::check
